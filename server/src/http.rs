//! The HTTP and WebSocket surface.
//!
//! [`start`] folds the log once into every model and starts the background tasks;
//! [`app`] builds the router over the resulting [`AppState`]; [`serve`] runs it until a
//! shutdown signal. Tests bind 127.0.0.1:0 and talk to a real server (tokio mini-redis,
//! axum `examples/testing`).

mod api;
mod audit;
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
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::auth::{AuthError, AuthStore, Throttle};
use crate::commands::{Commands, DecisionState};
use crate::log::{AppendRequest, Clock, ExpectedVersion, Log, NewEvent, ReadError};
use crate::metrics::Metrics;
use crate::projections::{Live, Projections, replay};
use crate::sealed::{KeyStore, SealError, donor_key, household_key};
use error::ApiError;
use shared::distribution::Event::HouseholdErased;
use shared::group;

pub use session::COOKIE;

/// Largest request body accepted anywhere.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub log: Log,
    pub commands: Commands,
    pub live: Live,
    pub auth: Arc<AuthStore>,
    pub keys: Arc<KeyStore>,
    pub throttle: Arc<Throttle>,
    pub metrics: Arc<Metrics>,
    /// Snapshots for time travel (`GET /api/history`).
    pub history: crate::history::History,
    pub clock: Clock,
    pub options: Options,
    /// Set when the server begins to shut down: live sockets close cleanly.
    pub closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// Each member's running import (`GET /api/imports/progress`).
    pub imports: imports::Running,
}

impl AppState {
    /// Tells every live socket to close; call when the shutdown signal arrives.
    pub fn begin_shutdown(&self) {
        self.closing.send_replace(true);
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("log", &self.log).field("options", &self.options).finish()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The built client (`client/dist`); `None` serves only the API.
    pub static_dir: Option<PathBuf>,
    /// Serves `POST /api/dev/append`, which appends a note event: for the skeleton's
    /// browser test. Off unless `--dev-endpoints` is given.
    pub dev_endpoints: bool,
    /// Batches of events a slow screen may fall behind by before it is resynced; `None`
    /// takes the default (256).
    pub feed_capacity: Option<usize>,
    /// Events between two time-travel snapshots; `None` takes
    /// [`crate::history::DEFAULT_EVERY`].
    pub snapshot_every: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot replay the log: {0}")]
    Replay(#[from] ReadError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Keys(#[from] SealError),
}

/// Folds the whole log (checking the chain), then starts the projector and the command
/// pipeline. `data_dir` holds the sign-in store beside the log.
///
/// Every household the log says is erased has its key destroyed here if it is still held:
/// the pipeline destroys it right after the erasure is durable, so a key found here means
/// the server stopped in between, and the erasure is finished before anything is served.
pub fn start(
    log: Log,
    data_dir: &Path,
    clock: Clock,
    options: Options,
) -> Result<AppState, StartError> {
    let auth = Arc::new(AuthStore::open(data_dir)?);
    let keys = Arc::new(KeyStore::open(data_dir)?);
    let mut projections = Projections::default();
    let mut decision = DecisionState::default();
    let mut erased = Vec::new();
    replay(&log, |envelope, recorded| {
        match recorded.map(|r| &r.event) {
            Some(group::Event::Distribution(HouseholdErased { household_id, .. })) => {
                erased.push(household_key(household_id.as_str()));
            }
            Some(group::Event::Ledger(shared::ledger::Event::DonorErased { donor_of, .. })) => {
                erased.push(donor_key(donor_of));
            }
            _ => {}
        }
        decision.apply(envelope, recorded);
        match recorded {
            Some(recorded) => projections.apply(recorded),
            None => projections.position = envelope.position,
        }
    })?;
    // A role contact erased and not recorded again since (the final state decides: the
    // same holder may have given a new contact after an erasure).
    erased.extend(
        decision
            .state
            .people
            .erased_contacts
            .iter()
            .map(|(card, member)| crate::sealed::role_key(card.as_str(), member.as_str())),
    );
    for key_id in erased {
        if keys.erase(&key_id)? {
            tracing::warn!("finished an erasure the server did not: its key is destroyed");
        }
    }
    let live = Live::new(projections, options.feed_capacity.unwrap_or(256));
    tokio::spawn(live.clone().follow(log.clone()));
    let commands = Commands::start(log.clone(), clock.clone(), decision, keys.clone());
    let every = options.snapshot_every.unwrap_or(crate::history::DEFAULT_EVERY);
    let history = crate::history::History::new(data_dir, every);
    tokio::spawn(history.clone().follow(log.clone()));
    Ok(AppState {
        log,
        commands,
        live,
        auth,
        keys,
        throttle: Arc::default(),
        metrics: Arc::default(),
        history,
        clock,
        options,
        closing: Arc::new(tokio::sync::watch::channel(false).0),
        imports: Arc::default(),
    })
}

/// Seals the personal data of a command an import sends, as `POST /api/commands` does.
pub(crate) fn seal_for_import(
    state: &AppState,
    kind: &str,
    command: &mut serde_json::Value,
) -> Result<(), String> {
    api::seal_personal_data(state, kind, command).map_err(|e| e.message)
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
    let head = state.log.head();
    Json(json!({ "status": "ok", "head": head.position }))
}

/// `GET /api/time-zone`: the group's time zone, as plain text (`America/New_York`; `UTC`
/// until it sets one), for the sign-in page to say whose clock the times are on. Public,
/// like the log head: a zone says where a group is only as much as its address would.
async fn time_zone(State(state): State<AppState>) -> String {
    state.live.read(|p| p.board.clock.zone_name().to_owned())
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API route")
}

async fn dev_append(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let command_id = format!("dev-{}-{}", (state.clock)(), NEXT.fetch_add(1, Ordering::Relaxed));
    let event = NewEvent {
        event_type: "DevNoteAdded".into(),
        schema_version: 1,
        payload: json!({ "note": "appended by /api/dev/append" }).to_string(),
    };
    let request = AppendRequest::new("dev", ExpectedVersion::Any, vec![event], command_id, "dev");
    let appended =
        state.log.append(request).await.map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(Json(json!({ "position": appended.last_position })))
}
