//! Hostile input and access, against the real server: every route the API document names
//! refuses a stranger; random, malformed, deeply nested, oversized, wrong-typed and
//! unicode-edge-case input gets a 4xx with a message, never a 500, and changes nothing; the
//! live feed shrugs off garbage frames; sessions end; nobody acts as someone else.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use futures_util::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use server::http::Options;
use shared::access::{COMMAND_TYPES, Role};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::api::{register_item, stocked};

/// The routes anyone may call: signing in, health, the public log head, the API document.
const PUBLIC: [(&str, &str); 2] = [("post", "/api/session"), ("get", "/api/openapi.json")];

/// A path from the API document with its parameters filled in.
fn concrete(path: &str) -> String {
    path.replace("{year}", "2026")
        .replace("{month}", "11")
        .replace("{request_id}", "r-1")
        .replace("{role_card_id}", "card-1")
}

#[tokio::test]
async fn every_route_in_the_api_document_refuses_a_stranger() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let document: Value =
        reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    let http = reqwest::Client::new();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let url = app.url(&concrete(path));
            let request = match method.as_str() {
                "get" => http.get(&url),
                "post" => http.post(&url).header("content-type", "application/json").body("{}"),
                "delete" => http.delete(&url),
                other => panic!("{other} {path}: a method this test does not know"),
            };
            let status = request.send().await.unwrap().status().as_u16();
            if PUBLIC.contains(&(method.as_str(), path.as_str())) {
                assert_ne!(status, 401, "{method} {path} is public");
            } else {
                assert_eq!(status, 401, "{method} {path} answered a stranger");
            }
            checked += 1;
        }
    }
    assert!(checked >= 18, "only {checked} routes in the document");
    // A made-up token is a stranger too; so are the live feed and the unknown routes.
    let forged = http.get(app.url("/api/roster")).bearer_auth("0".repeat(64)).send().await;
    assert_eq!(forged.unwrap().status(), 401);
    let socket = tokio_tungstenite::connect_async(app.ws_url("/ws")).await;
    assert!(socket.is_err(), "the live feed opened without a session");
    // An unknown route is a 404 for anyone: it names nothing that exists.
    assert_eq!(http.get(app.url("/api/nothing-here")).send().await.unwrap().status(), 404);
    app.stop().await;
}

/// JSON of any shape: scalars with edge-case strings, arrays and objects, nested.
fn any_json() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        Just(String::new()),
        Just("\u{0}".to_owned()),
        Just("\u{202e}evil\u{202c}".to_owned()),
        Just("🧑‍🍳".repeat(50)),
        Just("a".repeat(5000)),
        Just("=HYPERLINK(\"x\")".to_owned()),
        "\\PC{0,40}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(u64::MAX)),
        text.prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A command body that looks nearly right: a real type, fields of the right names with
/// values of any type (the same names the commands use), or no command at all.
fn near_command() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "item_id",
        "name",
        "category",
        "unit",
        "quantity",
        "location_id",
        "request_id",
        "household_id",
        "lines",
        "amount_cents",
        "postings",
        "on_day",
        "member_id",
        "reason",
        "shift_id",
        "role_card_id",
        "transaction_id",
        "personal_data",
        "days",
        "source",
    ]);
    let fields = prop::collection::btree_map(names, any_json(), 0..8);
    let kind = prop::sample::select(COMMAND_TYPES.to_vec());
    (kind, fields, any_json(), "[ -~]{0,80}").prop_map(|(kind, fields, id, text_id)| {
        let mut command: serde_json::Map<String, Value> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        command.insert("type".into(), Value::from(kind));
        let command_id = if text_id.len() % 3 == 0 { id } else { Value::from(text_id) };
        json!({ "command_id": command_id, "command": command })
    })
}

/// Bodies as bytes: any JSON, near-commands, and byte strings that are not JSON at all.
fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any_json().prop_map(|v| v.to_string().into_bytes()),
        near_command().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
        (1usize..5000)
            .prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()),
        (1usize..5000).prop_map(|depth| "{\"a\":".repeat(depth).into_bytes()),
        Just(vec![0xef, 0xbb, 0xbf, b'{', b'}']),
        Just(vec![b'"', 0xff, 0xfe, b'"']),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_bodies_get_a_clear_4xx_and_change_nothing() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let coordinator = app.member("cora", &[Role::Coordinator]).await;
    let head = app.log.head().position;
    let runtime = tokio::runtime::Handle::current();
    let routes = ["/api/commands", "/api/members", "/api/session"];
    let mut runner = TestRunner::new(Config { cases: 400, ..Config::default() });
    let result = tokio::task::block_in_place(|| {
        runner.run(&(hostile_body(), 0..routes.len(), any::<bool>()), |(body, route, who)| {
            let member = if who { &logistics } else { &coordinator };
            let (status, text) = runtime.block_on(async {
                let response = member
                    .http
                    .post(format!("{}{}", member.base, routes[route]))
                    .bearer_auth(&member.token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("the server answers");
                (response.status().as_u16(), response.text().await.unwrap_or_default())
            });
            prop_assert!(
                (400..500).contains(&status),
                "{} answered {status}: {text}",
                routes[route]
            );
            let answer: Value = serde_json::from_str(&text).unwrap_or_default();
            let message = answer["error"]["message"].as_str().unwrap_or_default();
            prop_assert!(!message.is_empty(), "no message for {status}: {text}");
            prop_assert_eq!(app.log.head().position, head, "the log moved");
            Ok(())
        })
    });
    result.unwrap();
    // Oversized, whatever it holds: read to the end and refused in words, so the client
    // always gets its 413 rather than a connection cut while it was still writing.
    for size in [200_000, 1_000_000, 3_000_000] {
        let big = format!("{{\"command_id\":\"x\",\"pad\":\"{}\"}}", "a".repeat(size));
        for _ in 0..5 {
            let (status, answer) = logistics.post("/api/commands", &big).await;
            assert_eq!(status, 413, "{answer}");
            assert_eq!(answer["error"]["code"], "too_large", "{answer}");
        }
    }
    // Still alive, still writing.
    let (status, body) = logistics.command("after-the-storm", register_item("towels")).await;
    assert_eq!(status, 200, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn hostile_queries_and_paths_get_a_4xx() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let auditor = app.member("audrey", &[Role::Auditor]).await;
    let paths = [
        "/api/events?after=-1",
        "/api/events?after=99999999999999999999999",
        "/api/events?limit=abc",
        "/api/events?from_ms=1e400",
        "/api/ledger?from=2026-02-30",
        "/api/ledger?status=%F0%9F%A7%91",
        "/api/statements/2026/0",
        "/api/statements/99999999999999999999/1",
        "/api/reports/2026/13",
        "/api/reports/-5/1",
        "/api/reports/2026/1?format=xml",
        "/api/history?position=1&at_ms=1",
        "/api/history?position=abc",
        "/api/history/events?limit=-3",
        "/api/requests/%00/contact",
        "/api/roles/..%2F..%2Fetc/contact",
    ];
    for path in paths {
        let (status, body) = auditor.get(path).await;
        assert!((400..500).contains(&status), "{path}: {status} {body}");
    }
    let (status, _) = auditor.get("/healthz").await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn garbage_frames_on_the_live_feed_get_an_error_and_the_feed_goes_on() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let mut request = logistics.ws.as_str().into_client_request().unwrap();
    let bearer = format!("Bearer {}", logistics.token).parse().unwrap();
    request.headers_mut().insert("authorization", bearer);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let garbage = [
        Message::text("not json"),
        Message::text("{\"type\":\"subscribe\",\"after\":\"yesterday\"}"),
        Message::text("{\"type\":\"drop_tables\"}"),
        Message::text(format!("{}{}", "[".repeat(4_000), "]".repeat(4_000))),
        Message::binary(vec![0xff, 0x00, 0xfe]),
        Message::text("{\"type\":\"subscribe\",\"after\":18446744073709551615}"),
    ];
    for frame in garbage {
        socket.send(frame).await.unwrap();
    }
    socket.send(Message::text("{\"type\":\"subscribe\",\"after\":null}")).await.unwrap();
    let mut saw_error = false;
    let mut saw_snapshot = false;
    while let Some(Ok(frame)) = socket.next().await {
        let Message::Text(text) = frame else { continue };
        let message: Value = serde_json::from_str(&text).unwrap();
        match message["type"].as_str() {
            Some("error") => saw_error = true,
            Some("snapshot") => {
                saw_snapshot = true;
                break;
            }
            _ => {}
        }
    }
    assert!(saw_error, "garbage got no error message");
    assert!(saw_snapshot, "the feed stopped after garbage");
    // A frame over the 16 KiB limit closes that socket (and only that one).
    socket.send(Message::text("x".repeat(20_000))).await.unwrap();
    let mut closed = false;
    while let Some(frame) = socket.next().await {
        if matches!(frame, Ok(Message::Close(_)) | Err(_)) {
            closed = true;
            break;
        }
    }
    assert!(closed || socket.next().await.is_none(), "an oversized frame was accepted");
    let mut again = logistics.feed().await;
    again.subscribe(None).await;
    assert!(matches!(again.next().await, shared::wire::ServerMessage::Snapshot { .. }));
    app.stop().await;
}

#[tokio::test]
async fn a_session_ends_after_its_time_and_nobody_acts_as_someone_else() {
    let now = Arc::new(AtomicI64::new(20_000 * 86_400_000));
    let clock: server::log::Clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    let logistics = stocked(&app).await;
    app.member("ana", &[Role::Coordinator]).await;

    // Whoever the body claims to be, the log's actor is the session's member.
    for claim in [json!({"actor": "ana"}), json!({"member": "ana"}), json!({"on_behalf_of": "ana"})]
    {
        let mut body = json!({"command_id": "claim", "command": register_item("towels")});
        body.as_object_mut().unwrap().extend(claim.as_object().unwrap().clone());
        let (status, answer) = logistics.post("/api/commands", &body.to_string()).await;
        assert_eq!(status, 400, "{answer}");
    }
    // Inside a command an unknown field is ignored (the command types do not deny them), and
    // the actor is still the session's member.
    let mut command = register_item("towels");
    command["actor"] = json!("ana");
    let (status, answer) = logistics.command("claim-inside", command).await;
    assert_eq!(status, 200, "{answer}");
    let position = answer["first_position"].as_u64().unwrap();
    assert_eq!(app.log.get(position).unwrap().unwrap().actor, "lou");
    assert!(!app.log.get(position).unwrap().unwrap().payload.contains("ana"));

    // A week and a day later the session is over, for reading and for writing.
    now.fetch_add(8 * 86_400_000, Ordering::SeqCst);
    let (status, _) = logistics.get("/api/me").await;
    assert_eq!(status, 401);
    let (status, _) = logistics.command("late", register_item("soap-2")).await;
    assert_eq!(status, 401);
    app.stop().await;
}
