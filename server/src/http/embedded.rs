//! The web client carried inside the binary (the `embed-client` feature, which
//! `cargo xtask run` and `cargo xtask release` turn on): `potluck serve` without
//! `--static-dir` serves these files as it would serve that folder, so that copying the one
//! binary to a machine is enough.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Every file of the built client (`client/dist`) by its path there; empty without the
/// `embed-client` feature.
pub static CLIENT: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/client_files.rs"));

/// Files to serve, by path, each with its validator and its gzipped twin if the build made
/// one.
#[derive(Debug)]
pub struct Files {
    by_path: HashMap<&'static str, File>,
}

#[derive(Debug)]
struct File {
    content_type: &'static str,
    plain: Body,
    gzipped: Option<Body>,
}

#[derive(Debug)]
struct Body {
    bytes: &'static [u8],
    etag: HeaderValue,
}

impl Body {
    fn new(bytes: &'static [u8]) -> Body {
        let digest = Sha256::digest(bytes);
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        Body {
            bytes,
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        }
    }
}

impl Files {
    /// The files of `list` (paths relative to the client's folder); `None` if it holds no
    /// `index.html`, the page every other path of the client falls back to.
    pub fn new(list: &'static [(&'static str, &'static [u8])]) -> Option<Arc<Files>> {
        let twins: HashMap<&str, &'static [u8]> = list.iter().copied().collect();
        let by_path: HashMap<&'static str, File> = list
            .iter()
            .map(|&(path, bytes)| {
                let gzipped = twins.get(format!("{path}.gz").as_str()).map(|gz| Body::new(gz));
                let file =
                    File { content_type: content_type(path), plain: Body::new(bytes), gzipped };
                (path, file)
            })
            .collect();
        by_path.contains_key("index.html").then(|| Arc::new(Files { by_path }))
    }

    /// The client carried in the binary, if it was built with one.
    pub fn carried() -> Option<Arc<Files>> {
        Files::new(CLIENT)
    }

    /// The file a request names, or the index page for a path the client routes itself;
    /// gzipped for a browser that takes it; 304 when the browser's copy is current.
    pub fn respond(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")])
                .into_response();
        }
        let path = uri.path().trim_start_matches('/');
        let Some(file) = self.by_path.get(path).or_else(|| self.by_path.get("index.html")) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let (body, gzip) = match &file.gzipped {
            Some(gzipped) if takes_gzip(headers) => (gzipped, true),
            _ => (&file.plain, false),
        };
        let current = headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|tag| tag.trim() == body.etag || tag.trim() == "*");
        let mut response = if current {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            body.bytes.into_response()
        };
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
        headers.insert(header::ETAG, body.etag.clone());
        if file.gzipped.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if gzip {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        response
    }
}

fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("gz") => "application/gzip",
        _ => "application/octet-stream",
    }
}
