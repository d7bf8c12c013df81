//! Served on the open internet behind a TLS proxy: every answer carries the security
//! headers, the API's are never cached, and the session cookie is `Secure` when the public
//! address is https.

use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::{Value, json};
use server::http::{CONTENT_SECURITY_POLICY, Options};
use shared::access::Role;

/// The headers every response must carry, whatever its route and status.
fn assert_secured(what: &str, headers: &HeaderMap) {
    let has = |name: &str, value: &str| {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{what}: {name} in {headers:?}"
        );
    };
    has("content-security-policy", CONTENT_SECURITY_POLICY);
    has("x-content-type-options", "nosniff");
    has("referrer-policy", "no-referrer");
    has("x-frame-options", "DENY");
    assert!(headers.contains_key("permissions-policy"), "{what}: no permissions-policy");
    assert!(headers.contains_key("cache-control"), "{what}: no cache-control");
}

/// A path of the API document with its parameters filled in.
fn concrete(path: &str) -> String {
    path.replace("{year}", "2026")
        .replace("{month}", "12")
        .replace("{kind}", "items")
        .replace("{request_id}", "r-1")
        .replace("{role_card_id}", "treasurer")
}

#[tokio::test]
async fn every_route_and_the_page_carry_the_security_headers_and_the_api_is_never_cached() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>Potluck</title>")
        .unwrap();
    std::fs::write(dist.path().join("start.js"), "import init from '/client.js';").unwrap();
    let options = Options { static_dir: Some(dist.path().to_owned()), ..Options::default() };
    let app = tests::spawn_app(options).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    let http = reqwest::Client::new();

    let (_, document) = ana.get("/api/openapi.json").await;
    let document: Value = serde_json::from_str(&document).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() > 20, "the API document lists the routes");
    let mut checked = 0;
    for (path, operations) in paths {
        let url = app.url(&concrete(path));
        for method in operations.as_object().unwrap().keys() {
            let request = match method.as_str() {
                "get" => http.get(&url),
                "post" => http.post(&url).json(&json!({})),
                "delete" => http.delete(&url),
                other => panic!("{path}: a {other} route the test does not know"),
            };
            // Signed in and not: an error answer is an answer too.
            for signed_in in [true, false] {
                let request = request.try_clone().unwrap();
                let request = if signed_in { request.bearer_auth(&ana.token) } else { request };
                let response = request.send().await.unwrap();
                let what = format!("{method} {path} (signed in: {signed_in})");
                assert_secured(&what, response.headers());
                if path.starts_with("/api/") {
                    assert_eq!(response.headers()["cache-control"], "no-store", "{what}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} answers checked");

    // The page, its script, a client route that falls back to the page, and an unknown API
    // path: revalidated on each load, so a new build is taken at once.
    for path in ["/", "/start.js", "/board", "/api/no-such-route", "/healthz"] {
        let response = http.get(app.url(path)).send().await.unwrap();
        assert_secured(path, response.headers());
    }
    let page = http.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    app.stop().await;
}

async fn session_cookie(options: Options) -> String {
    let app = tests::spawn_app(options).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    let body = json!({ "member_id": "ana", "password": ana.password });
    let response =
        reqwest::Client::new().post(app.url("/api/session")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    app.stop().await;
    cookie
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_public_address_is_https() {
    let behind_tls =
        Options { public_url: Some("https://pantry.example.org".to_owned()), ..Options::default() };
    let cookie = session_cookie(behind_tls).await;
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    // On a laptop's plain http://127.0.0.1 a Secure cookie would never be sent back.
    let cookie = session_cookie(Options::default()).await;
    assert!(!cookie.contains("Secure"), "{cookie}");
}

/// A client build as `cargo xtask release` carries it inside the binary (made up here, so
/// that the test needs no release build).
static CARRIED: &[(&str, &[u8])] = &[
    ("index.html", b"<!doctype html><title>Potluck</title>"),
    ("client_bg.wasm", b"\0asm\x01\0\0\0 the first module"),
    ("client_bg.wasm.gz", b"\x1f\x8b gzipped module"),
    ("i18n/es.json", b"{\"board\":\"Tablero\"}"),
];

#[tokio::test]
async fn the_client_carried_in_the_binary_is_served_like_the_folder() {
    let files = server::http::embedded::Files::new(CARRIED).unwrap();
    let options = Options { client_files: Some(files), ..Options::default() };
    let app = tests::spawn_app(options).await.unwrap();
    let http = reqwest::Client::new();
    let get = |path: &str, headers: &[(&str, &str)]| {
        let mut request = http.get(app.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };

    // The page, for the root and for any path the client routes itself.
    for path in ["/", "/index.html", "/board", "/money/2026/12"] {
        let response = get(path, &[]).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_secured(path, response.headers());
        assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8", "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.bytes().await.unwrap().as_ref(), CARRIED[0].1, "{path}");
    }
    // The module as it is, or gzipped for a browser that takes it.
    let plain = get("/client_bg.wasm", &[]).await.unwrap();
    assert_eq!(plain.headers()["content-type"], "application/wasm");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    let plain_tag = plain.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(plain.bytes().await.unwrap().as_ref(), CARRIED[1].1);
    let gzipped = get("/client_bg.wasm", &[("accept-encoding", "br, gzip")]).await.unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["content-type"], "application/wasm");
    let gzipped_tag = gzipped.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(gzipped_tag, plain_tag, "each encoding has its own validator");
    assert_eq!(gzipped.bytes().await.unwrap().as_ref(), CARRIED[2].1);
    let refused = get("/client_bg.wasm", &[("accept-encoding", "gzip;q=0")]).await.unwrap();
    assert!(refused.headers().get("content-encoding").is_none());
    // A browser whose copy is current gets 304 and no body; a stale one gets the file.
    let current = get("/client_bg.wasm", &[("if-none-match", &plain_tag)]).await.unwrap();
    assert_eq!(current.status(), 304);
    assert!(current.bytes().await.unwrap().is_empty());
    let stale = get("/client_bg.wasm", &[("if-none-match", "\"an-old-build\"")]).await.unwrap();
    assert_eq!(stale.status(), 200);
    let translations = get("/i18n/es.json", &[]).await.unwrap();
    assert_eq!(translations.headers()["content-type"], "application/json");
    assert_eq!(translations.bytes().await.unwrap().as_ref(), CARRIED[3].1);
    // Only reads; and the API is still the API.
    let posted = http.post(app.url("/board")).send().await.unwrap();
    assert_eq!(posted.status(), 405);
    let api = get("/api/no-such-route", &[]).await.unwrap();
    assert_eq!(api.status(), 404);
    assert_ne!(api.headers()["content-type"], "text/html; charset=utf-8");
    app.stop().await;
}

/// Signs `member_id` in with `password`, as a browser behind a proxy that forwards `for`
/// and `proto`; the status and the session cookie, if any.
async fn sign_in_via(
    app: &tests::TestApp,
    member_id: &str,
    password: &str,
    forwarded_for: &str,
    proto: &str,
) -> (u16, String) {
    let body = json!({ "member_id": member_id, "password": password });
    let response = reqwest::Client::new()
        .post(app.url("/api/session"))
        .header("x-forwarded-for", forwarded_for)
        .header("x-forwarded-proto", proto)
        .json(&body)
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), cookie)
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_browsers_address_and_protocol_count() {
    let options =
        Options { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Options::default() };
    let app = tests::spawn_app(options).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    // The proxy received https: the cookie is Secure.
    let (status, cookie) = sign_in_via(&app, "ana", &ana.password, "198.51.100.2", "https").await;
    assert_eq!(status, 200);
    assert!(cookie.contains("; Secure"), "{cookie}");
    let (_, cookie) = sign_in_via(&app, "ana", &ana.password, "198.51.100.2", "http").await;
    assert!(!cookie.contains("Secure"), "{cookie}");
    // One browser's wrong guesses hold back that browser, not everyone behind the proxy.
    for _ in 0..6 {
        let (status, _) = sign_in_via(&app, "nobody", "guess", "203.0.113.7", "https").await;
        assert!(status == 401 || status == 429, "{status}");
    }
    let (status, _) = sign_in_via(&app, "ana", &ana.password, "203.0.113.7", "https").await;
    assert_eq!(status, 429, "the guessing browser waits");
    let chain = "203.0.113.7, 198.51.100.2"; // a client-supplied entry, then the real one
    let (status, _) = sign_in_via(&app, "ana", &ana.password, chain, "https").await;
    assert_eq!(status, 200, "another browser behind the same proxy signs in");
    app.stop().await;

    // Without --trusted-proxy the forwarded headers are anyone's to write: ignored.
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    let (_, cookie) = sign_in_via(&app, "ana", &ana.password, "198.51.100.2", "https").await;
    assert!(!cookie.contains("Secure"), "{cookie}");
    for _ in 0..6 {
        sign_in_via(&app, "nobody", "guess", "203.0.113.7", "https").await;
    }
    let (status, _) = sign_in_via(&app, "ana", &ana.password, "198.51.100.2", "https").await;
    assert_eq!(status, 429, "every request came from this one peer");
    app.stop().await;
}
