//! `GET /api/audit/bundle`: the audit bundle of the log at its current head, as one tar
//! archive of one folder (`potluck-bundle-<head position>/`), so that
//! `curl … | tar x` and then `potluck verify-bundle potluck-bundle-<head>` checks it offline.
//!
//! For the roles that read the raw log (coordinators and auditors), like `GET /api/events`:
//! the bundle is the whole log, the records of who opened which household's contact details
//! among it. It carries personal data only as the log does, sealed.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use shared::access::{self, View};
use tokio::sync::Semaphore;

use super::AppState;
use super::error::ApiError;
use super::session::SignedIn;
use crate::bundle;

/// One bundle is built at a time: each reads the whole log on a blocking thread, and more
/// at once would only share the same disk and cores. Others wait their turn.
static BUILDING: Semaphore = Semaphore::const_new(1);

#[utoipa::path(get, path = "/api/audit/bundle", tag = "audit",
    responses((status = 200, description = "A tar of one folder: events.ndjson, transactions.csv, stock_movements.csv, statements/, manifest.json; check it with `potluck verify-bundle`", content_type = "application/x-tar"),
              (status = 403, description = "Only coordinators and auditors read the log", body = shared::view::ErrorBody)))]
pub async fn bundle(State(state): State<AppState>, member: SignedIn) -> Result<Response, ApiError> {
    let allowed = access::may_view(member.roles(), View::Log);
    member.require(allowed, "downloading the audit bundle")?;
    let _turn = BUILDING
        .acquire()
        .await
        .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
    let (log, now_ms) = (state.group.log().clone(), state.group.now());
    let exported_by = member.member.member_id.to_string();
    let built = tokio::task::spawn_blocking(move || {
        let bundle = bundle::build(&log, &exported_by, now_ms)?;
        let folder = format!("potluck-bundle-{}", bundle.manifest.head_position);
        let mtime_s = u64::try_from(now_ms / 1000).unwrap_or(0);
        let parts = bundle::archive::tar(&folder, bundle, mtime_s)?;
        Ok::<_, bundle::ExportError>((folder, parts))
    })
    .await
    .map_err(|_| ApiError::unavailable("the export was interrupted; try again"))?;
    let (folder, parts) = built.map_err(|error| {
        tracing::error!(%error, "cannot build the audit bundle");
        ApiError::unavailable(format!("cannot build the audit bundle: {error}"))
    })?;
    let chunks = parts.into_iter().map(|part| Ok::<_, Infallible>(Bytes::from(part)));
    let disposition = format!("attachment; filename=\"{folder}.tar\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-tar".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response())
}
