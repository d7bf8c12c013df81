//! The HTTP and WebSocket surface.
//!
//! An adapter over the [`Group`]: [`app`] builds the router over an [`AppState`] (the group
//! and what only HTTP keeps: the sign-in throttle, metrics, running imports); [`serve`]
//! runs it until a shutdown signal. Tests bind 127.0.0.1:0 and talk to a real server (tokio mini-redis,
//! axum `examples/testing`).

mod api;
mod audit;
pub mod embedded;
pub mod error;
mod exports;
mod history;
mod imports;
mod money;
mod openapi;
mod people;
mod session;
mod ws;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::auth::Throttle;
use crate::group::Group;
use crate::log::{AppendRequest, ExpectedVersion, NewEvent};
use crate::metrics::Metrics;
use error::ApiError;

pub use session::COOKIE;

/// Largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every route holds: the group, and what only the HTTP surface keeps.
#[derive(Clone, Debug)]
pub struct AppState {
    pub group: Group,
    pub throttle: Arc<Throttle>,
    pub metrics: Arc<Metrics>,
    pub options: Options,
    /// Each member's running import (`GET /api/imports/progress`).
    pub imports: imports::Running,
}

impl AppState {
    /// The HTTP surface over a started group.
    pub fn new(group: Group, options: Options) -> AppState {
        AppState {
            group,
            throttle: Arc::default(),
            metrics: Arc::default(),
            options,
            imports: Arc::default(),
        }
    }

    /// Tells every live socket to close; call when the shutdown signal arrives.
    pub fn begin_shutdown(&self) {
        self.group.begin_shutdown();
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The built client (`client/dist`); `None` serves the client carried in the binary
    /// (the `embed-client` feature), or only the API if it carries none.
    pub static_dir: Option<PathBuf>,
    /// Client files to serve in place of those carried in the binary (when `static_dir` is
    /// `None`): for tests of the serving without a release build.
    pub client_files: Option<Arc<embedded::Files>>,
    /// Serves `POST /api/dev/append`, which appends a note event: for the skeleton's
    /// browser test. Off unless `--dev-endpoints` is given.
    pub dev_endpoints: bool,
    /// How the group itself is run (the feed's capacity, the snapshots' interval).
    pub group: crate::group::Options,
    /// The address browsers reach the server at (`--public-url`, `POTLUCK_PUBLIC_URL`), as
    /// a TLS proxy in front of it serves it: `https://…` makes the session cookie `Secure`.
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`--trusted-proxy`): behind one, every request comes from the proxy's address, and
    /// the sign-in throttle would hold everyone back for one person's typos.
    pub trusted_proxies: Vec<IpAddr>,
}

/// Where a request came from, as far as the server can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The browser's address: the peer, or what a trusted proxy says it received.
    pub ip: IpAddr,
    /// Whether the browser reached us over https.
    pub https: bool,
}

impl Options {
    /// Whether browsers reach the server over https.
    pub fn is_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }

    /// The origin of a request from `peer`: the peer itself, unless it is a trusted proxy,
    /// whose forwarded headers then say it. `X-Forwarded-For` is read from its right end
    /// (each proxy appends the address it received from), past the trusted proxies; an
    /// entry that is not an address stops the walk at the peer.
    pub fn origin(&self, peer: SocketAddr, headers: &HeaderMap) -> Origin {
        let direct = Origin { ip: peer.ip(), https: self.is_https() };
        if !self.trusted_proxies.contains(&peer.ip()) {
            return direct;
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut ip = peer.ip();
        for entry in forwarded.iter().rev() {
            match entry.parse::<IpAddr>() {
                Ok(hop) if self.trusted_proxies.contains(&hop) => ip = hop,
                Ok(client) => {
                    ip = client;
                    break;
                }
                Err(_) => {
                    ip = peer.ip();
                    break;
                }
            }
        }
        let proto = headers.get("x-forwarded-proto").and_then(|value| value.to_str().ok());
        let https = direct.https
            || proto.and_then(|p| p.split(',').next()).is_some_and(|p| p.trim() == "https");
        Origin { ip, https }
    }
}

/// The Content-Security-Policy of every response: only the app's own scripts, styles, fetches
/// and sockets, WebAssembly compiled from its own modules, no inline script, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// What a browser may use: nothing a distribution day needs beyond the page itself.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Bodies an oversized request may send before its 413 are read and dropped, at most.
const DRAINED_AT_MOST: usize = 4 * 1024 * 1024;

/// Refuses a body its `Content-Length` says is over the limit with a clear 413, after
/// reading (and dropping) it when it is of a size a client may well send: a server that
/// answers without reading closes the connection while the client is still writing, and
/// the client sees a broken pipe instead of the answer. Imports take files up to their own
/// limit, so they pass.
async fn refuse_oversized(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let import = request.uri().path().starts_with("/api/imports/");
    match declared {
        Some(length) if length > MAX_BODY_BYTES && !import => {
            if length <= DRAINED_AT_MOST {
                // Read to the end so the answer reaches the client; what it held is dropped.
                let _ = axum::body::to_bytes(request.into_body(), DRAINED_AT_MOST).await;
            }
            let message = format!("body over {MAX_BODY_BYTES} bytes");
            ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
                .into_response()
        }
        _ => next.run(request).await,
    }
}

/// Adds the security headers to every response, and its caching: the API's answers are
/// never stored (some hold personal data), the page and its files are revalidated on each
/// load (their names carry no content hash yet), so a new build is taken at once.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let api = request.uri().path().starts_with("/api/") || request.uri().path().starts_with("/ws");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY);
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, if api { "no-store" } else { "no-cache" });
    }
    response
}

pub fn app(state: AppState) -> Router {
    // The views a screen reads at once, gzipped for browsers that take it: a phone on a weak
    // signal reads the demo month's snapshot as 19 KB instead of 225 KB. (Streams (the log,
    // CSV files, bundles) go as they are; the static files were compressed at build.)
    let views = Router::new()
        .route("/api/snapshot", get(api::snapshot))
        .route("/api/ledger", get(money::ledger))
        .route("/api/statements/{year}/{month}", get(money::statement))
        .route("/api/reports/{year}/{month}", get(money::report))
        .route("/api/roster", get(people::roster))
        .route("/api/standing", get(people::standing))
        .route("/api/week", get(people::week))
        .route("/api/history", get(history::past))
        .route("/api/history/events", get(history::events))
        .layer(CompressionLayer::new().gzip(true));
    let mut router = Router::new()
        .merge(views)
        .route("/healthz", get(health))
        .route("/metrics", get(api::metrics))
        .route("/api/session", post(session::sign_in).delete(session::sign_out))
        .route("/api/time-zone", get(time_zone))
        .route("/api/me", get(session::me))
        .route("/api/commands", post(api::post_command))
        .route("/api/events", get(api::get_events))
        .route("/api/verify", get(api::verify))
        .route("/api/openapi.json", get(openapi::serve_document))
        .route("/api/members", post(api::add_member))
        .route("/api/requests/{request_id}/contact", get(api::contact))
        .route("/api/roles/{role_card_id}/contact", get(api::role_contact))
        .route("/api/exports/transactions.csv", get(exports::transactions))
        .route("/api/exports/statement/{year}/{month}", get(exports::statement))
        .route("/api/exports/stock_movements.csv", get(exports::stock_movements))
        .route("/api/exports/members.csv", get(exports::members))
        .route("/api/audit/bundle", get(audit::bundle))
        .route(
            "/api/imports/{kind}",
            post(imports::import).layer(DefaultBodyLimit::max(crate::import::MAX_FILE_BYTES)),
        )
        .route("/api/imports/progress", get(imports::progress).delete(imports::stop))
        .route("/api/exports/items.csv", get(imports::items_csv));
    if state.options.dev_endpoints {
        router = router.route("/api/dev/append", post(dev_append));
    }
    let router = router
        .route("/ws", get(ws::websocket))
        .route("/ws/head", get(ws::head))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found));
    let router = match &state.options.static_dir {
        // Unknown paths get the client's index page, so its own routes survive a reload.
        // A browser that takes gzip gets the `.gz` beside a file when the build made one: the
        // WebAssembly module shrinks to a quarter, which a phone on a weak signal feels.
        Some(dir) => {
            let index = ServeFile::new(dir.join("index.html"));
            router.fallback_service(ServeDir::new(dir).precompressed_gzip().fallback(index))
        }
        // Without a folder, the client inside the binary, if it was built with one.
        None => match state.options.client_files.clone().or_else(embedded::Files::carried) {
            Some(files) => router.fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
                let files = files.clone();
                async move { files.respond(&method, &uri, &headers) }
            }),
            None => router,
        },
    };
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(refuse_oversized))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_send_buffer(listener, router, None, shutdown).await
}

/// [`serve`], with the kernel's send buffer of every connection set to `send_buffer` bytes
/// (instead of letting it grow to megabytes): a screen that stops reading is then noticed,
/// and resynced, after kilobytes rather than megabytes of backlog.
pub async fn serve_with_send_buffer(
    listener: TcpListener,
    router: Router,
    send_buffer: Option<usize>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(move |stream| {
        if let Some(bytes) = send_buffer
            && let Err(error) = socket2::SockRef::from(&*stream).set_send_buffer_size(bytes)
        {
            tracing::warn!(%error, "cannot set a connection's send buffer");
        }
    });
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let head = state.group.log().head();
    Json(json!({ "status": "ok", "head": head.position }))
}

/// `GET /api/time-zone`: the group's time zone, as plain text (`America/New_York`; `UTC`
/// until it sets one), for the sign-in page to say whose clock the times are on. Public,
/// like the log head: a zone says where a group is only as much as its address would.
async fn time_zone(State(state): State<AppState>) -> String {
    state.group.read(|p| p.board.clock.zone_name().to_owned())
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API route")
}

async fn dev_append(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let command_id = format!("dev-{}-{}", state.group.now(), NEXT.fetch_add(1, Ordering::Relaxed));
    let event = NewEvent {
        event_type: "DevNoteAdded".into(),
        schema_version: 1,
        payload: json!({ "note": "appended by /api/dev/append" }).to_string(),
    };
    let request = AppendRequest::new("dev", ExpectedVersion::Any, vec![event], command_id, "dev");
    let appended = state
        .group
        .log()
        .append(request)
        .await
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(Json(json!({ "position": appended.last_position })))
}
