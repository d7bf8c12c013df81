//! `POST /api/imports/{kind}`: a spreadsheet's CSV as the request body, checked (a dry run,
//! the default) or imported (`?commit=<file_hash>`, the hash the check answered). One import
//! runs at a time per member; `GET /api/imports/progress` says where it is and
//! `DELETE /api/imports/progress` stops it. `GET /api/exports/items.csv` writes the items
//! and stock in the layout the items import reads, so a sheet can go out and come back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::access::{self, View};

use super::AppState;
use super::error::ApiError;
use super::session::SignedIn;
use crate::import::{self, ImportError, Importer, Phase, Progress, Report, Request};

/// The running import of each member.
pub type Running = Arc<Mutex<HashMap<String, Arc<Progress>>>>;

/// One import is read and checked at a time: each holds its file and its plan in memory
/// (up to some 2 GB for 200,000 rows, BENCHMARKS.md), and the pipeline takes one at a time
/// anyway. Others wait their turn, their progress `idle`.
static IMPORTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dates: Option<String>,
    #[serde(default)]
    commit: Option<String>,
}

/// Stops the import if the request goes away before it answers (the connection closed),
/// and frees the member's slot either way.
struct Slot {
    running: Running,
    member: String,
    progress: Arc<Progress>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !matches!(self.progress.phase(), Phase::Done) {
            self.progress.stop();
        }
        if let Ok(mut running) = self.running.lock() {
            running.remove(&self.member);
        }
    }
}

#[utoipa::path(post, path = "/api/imports/{kind}", tag = "import",
    params(("kind" = String, Path, description = "items, members, partners, households, donations or expenses"),
           ("dates" = Option<String>, Query, description = "auto (default), dmy or mdy"),
           ("commit" = Option<String>, Query, description = "the file_hash of the check: import for real")),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, up to 50 MB and 200,000 rows"),
    responses((status = 200, description = "The check, or the import done"),
              (status = 422, description = "The file has errors: nothing was written"),
              (status = 409, description = "The file changed since its check, or an import is already running"),
              (status = 413, description = "Over 50 MB or 200,000 rows", body = shared::view::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    member: SignedIn,
    Path(kind): Path<String>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let kind = import::parse_kind(&kind).map_err(|m| ApiError::bad_request("unknown_kind", m))?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let dates = query
        .dates
        .as_deref()
        .unwrap_or("auto")
        .parse()
        .map_err(|m: String| ApiError::bad_request("invalid_query", m))?;
    let bytes = body.map_err(|rejection| {
        let message = ImportError::TooLarge.to_string();
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", message)
        } else {
            ApiError::bad_request("invalid_body", rejection.body_text())
        }
    })?;
    let member_id = member.member.member_id.clone();
    let progress = Arc::new(Progress::default());
    let _slot = {
        let mut running = state.imports.lock().map_err(|_| ApiError::unavailable("busy"))?;
        if running.contains_key(member_id.as_str()) {
            let message = "an import of yours is already running: wait for it or stop it";
            return Err(ApiError::new(StatusCode::CONFLICT, "import_running", message));
        }
        running.insert(member_id.to_string(), progress.clone());
        Slot {
            running: state.imports.clone(),
            member: member_id.to_string(),
            progress: progress.clone(),
        }
    };
    let importer = Importer::new(&state.group);
    let _turn = IMPORTING
        .acquire()
        .await
        .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
    let commit = query.commit.is_some();
    let request = Request { kind, bytes: &bytes, dates, commit: query.commit };
    match importer.run(&member_id, request, &progress).await {
        Ok(report) => Ok(answer(report, commit)),
        Err(error) => Err(api_error(error)),
    }
}

/// A check answers 200 with its errors listed; an import asked for real with errors in the
/// file answers 422 (and wrote nothing).
fn answer(report: Report, commit: bool) -> Response {
    let status = if commit && report.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, axum::Json(report)).into_response()
}

fn api_error(error: ImportError) -> ApiError {
    let message = error.to_string();
    match error {
        ImportError::TooLarge | ImportError::TooManyRows => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", message)
        }
        ImportError::FileChanged => ApiError::new(StatusCode::CONFLICT, "file_changed", message),
        ImportError::Forbidden(_) => ApiError::forbidden(message),
        ImportError::Cancelled => ApiError::new(StatusCode::CONFLICT, "import_stopped", message),
        ImportError::Unavailable(_) => ApiError::unavailable(message),
    }
}

#[utoipa::path(get, path = "/api/imports/progress", tag = "import",
    responses((status = 200, description = "Where the member's running import is", body = shared::view::import::Progress)))]
pub async fn progress(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Response, ApiError> {
    let running = state.imports.lock().map_err(|_| ApiError::unavailable("busy"))?;
    let body = match running.get(member.member.member_id.as_str()) {
        None => shared::view::import::Progress::default(),
        Some(p) => shared::view::import::Progress {
            phase: p.phase(),
            done: p.done.load(std::sync::atomic::Ordering::Relaxed),
            total: p.total.load(std::sync::atomic::Ordering::Relaxed),
        },
    };
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(delete, path = "/api/imports/progress", tag = "import",
    responses((status = 204, description = "The member's running import stops before it writes anything")))]
pub async fn stop(State(state): State<AppState>, member: SignedIn) -> Result<StatusCode, ApiError> {
    let running = state.imports.lock().map_err(|_| ApiError::unavailable("busy"))?;
    if let Some(progress) = running.get(member.member.member_id.as_str()) {
        progress.stop();
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/exports/items.csv", tag = "import",
    responses((status = 200, description = "Items and stock on hand, in the items import's layout", content_type = "text/csv")))]
pub async fn items_csv(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Stock), "reading the stock")?;
    let csv = state.group.read(|p| import::items_csv(&p.board.stock));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"items.csv\""),
        ],
        csv,
    )
        .into_response())
}
