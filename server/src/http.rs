//! The HTTP and WebSocket surface.
//!
//! `app(state)` builds the router and `serve(listener, router, shutdown)` runs it, so tests
//! bind 127.0.0.1:0 and talk to a real server (tokio mini-redis, axum `examples/testing`).

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, extract::DefaultBodyLimit};
use serde_json::json;
use shared::wire::ServerMessage;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};

use crate::log::{AppendRequest, ExpectedVersion, Head, Log, NewEvent};

/// Largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct AppState {
    pub log: Log,
    /// Serves `POST /api/dev/append`, which appends a note event: for browser tests of the
    /// skeleton until the command API exists. Off unless `--dev-endpoints` is given.
    pub dev_endpoints: bool,
    /// The built client (`client/dist`); `None` serves only the API.
    pub static_dir: Option<PathBuf>,
}

pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(health))
        .route("/ws", get(websocket));
    if state.dev_endpoints {
        router = router.route("/api/dev/append", post(dev_append));
    }
    let router = router.route("/api/{*rest}", get(api_not_found).post(api_not_found));
    let router = match &state.static_dir {
        // Unknown paths get the client's index page, so its own routes survive a reload.
        Some(dir) => {
            let index = ServeFile::new(dir.join("index.html"));
            router.fallback_service(ServeDir::new(dir).fallback(index))
        }
        None => router,
    };
    router.layer(DefaultBodyLimit::max(MAX_BODY_BYTES)).with_state(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let head = state.log.head();
    Json(json!({ "status": "ok", "head": head.position }))
}

async fn api_not_found() -> Response {
    let body = json!({ "error": { "code": "not_found", "message": "no such API route" } });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

async fn dev_append(State(state): State<AppState>) -> Response {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let nonce = started.map(|d| d.as_nanos()).unwrap_or(0);
    let command_id = format!("dev-{nonce}-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let event = NewEvent {
        event_type: "DevNoteAdded".into(),
        schema_version: 1,
        payload: json!({ "note": "appended by /api/dev/append" }).to_string(),
    };
    let request = AppendRequest::new("dev", ExpectedVersion::Any, vec![event], command_id, "dev");
    match state.log.append(request).await {
        Ok(appended) => Json(json!({ "position": appended.last_position })).into_response(),
        Err(error) => {
            let body = json!({ "error": { "code": "append_failed", "message": error.to_string() } });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

async fn websocket(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    ws.on_upgrade(move |socket| push_head(socket, state.log))
}

/// Sends the head on connect and whenever it moves, until the client goes away.
async fn push_head(mut socket: WebSocket, log: Log) {
    // Take the receiver before reading the head, so no move falls in between.
    let mut head = log.watch_head();
    let mut heartbeat = tokio::time::interval(std::time::Duration::from_secs(20));
    loop {
        let current = *head.borrow_and_update();
        if socket.send(head_message(current)).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                changed = head.changed() => {
                    if changed.is_err() { return; }
                    break;
                }
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => {}
                },
                _ = heartbeat.tick() => {
                    if socket.send(Message::Ping(Vec::new().into())).await.is_err() { return; }
                }
            }
        }
    }
}

fn head_message(head: Head) -> Message {
    let message = ServerMessage::Head { position: head.position, hash: hex::encode(head.hash) };
    // Serializing this enum cannot fail: it holds only a number and a string.
    let text = serde_json::to_string(&message).unwrap_or_default();
    Message::Text(text.into())
}
