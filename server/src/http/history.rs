//! Time travel over HTTP, for the replay screen: the board as it was at a position or a
//! moment, and the events after it to step or play through.
//!
//! Both show what the live board shows every member: no personal data, and openings of
//! contact details only to the roles that oversee them.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use shared::access::{self, View};
use shared::view::{PastBoard, PastEvents};

use super::AppState;
use super::api::caught_up;
use super::error::ApiError;
use super::session::SignedIn;
use crate::projections::{decode, to_wire};

/// Most events one `GET /api/history/events` answers with.
const MAX_EVENTS: usize = 5000;

/// `GET /api/history`: give `position` or `at_ms`; neither means the head.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastQuery {
    /// The board after this event.
    pub position: Option<u64>,
    /// The board after the last event recorded at or before this moment (ms since 1970).
    pub at_ms: Option<i64>,
}

/// `GET /api/history?position=N` or `?at_ms=T`: the board as of then.
#[utoipa::path(get, path = "/api/history", tag = "retrospective",
    params(("position" = Option<u64>, Query, description = "The board after this event"),
           ("at_ms" = Option<i64>, Query, description = "The board after the last event recorded at or before this moment")),
    responses((status = 200, description = "`{position, recorded_at_ms, head, snapshot}`: the board, its requests' timelines and the members as they were"),
              (status = 400, description = "A bad question", body = shared::view::ErrorBody)))]
pub async fn past(
    State(state): State<AppState>,
    member: SignedIn,
    query: Result<Query<PastQuery>, QueryRejection>,
) -> Result<Json<PastBoard>, ApiError> {
    member.require(access::may_view(member.roles(), View::Board), "replaying the board")?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    if query.position.is_some() && query.at_ms.is_some() {
        return Err(ApiError::bad_request("invalid_query", "give position or at_ms, not both"));
    }
    caught_up(&state).await;
    // The past timelines are cut from the live ones, so never ask beyond them.
    let live = state.group.live().position();
    let (log, history) = (state.group.log().clone(), state.group.history().clone());
    let past = tokio::task::spawn_blocking(move || match query.at_ms {
        Some(at_ms) => history
            .at_time(&log, at_ms)
            .and_then(|past| if past.position > live { history.at(&log, live) } else { Ok(past) }),
        None => history.at(&log, query.position.unwrap_or(live).min(live)),
    })
    .await
    .map_err(|_| ApiError::unavailable("the question was interrupted"))?
    .map_err(|e| ApiError::unavailable(e.to_string()))?;
    let snapshot = state.group.read(|now| crate::history::wire_snapshot(&past, &now.timelines));
    Ok(Json(PastBoard {
        position: past.position,
        recorded_at_ms: past.recorded_at_ms,
        head: state.group.log().head().position,
        snapshot,
    }))
}

/// `GET /api/history/events?after=N`: the events after a position, as the live feed sends
/// them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    #[serde(default)]
    pub after: u64,
    /// At most this many (up to 5000; 500 if not given).
    pub limit: Option<usize>,
    /// Only events recorded at or before this moment (ms since 1970).
    pub until_ms: Option<i64>,
}

#[utoipa::path(get, path = "/api/history/events", tag = "retrospective",
    params(("after" = Option<u64>, Query, description = "Events after this position"),
           ("limit" = Option<u64>, Query, description = "At most this many (500 unless given, 5000 at most)"),
           ("until_ms" = Option<i64>, Query, description = "Only events recorded at or before this moment")),
    responses((status = 200, description = "`{events, last, head}`: events as the live feed sends them; ask again after `last`"),
              (status = 400, description = "A bad question", body = shared::view::ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    member: SignedIn,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<PastEvents>, ApiError> {
    member.require(access::may_view(member.roles(), View::Board), "replaying the board")?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let limit = query.limit.unwrap_or(500).clamp(1, MAX_EVENTS);
    let sees_contact_views = access::sees_contact_views(member.roles());
    let log = state.group.log().clone();
    let read = tokio::task::spawn_blocking(move || {
        let mut events = Vec::new();
        let mut last = query.after;
        for envelope in log.read_from(query.after.saturating_add(1), limit)? {
            if query.until_ms.is_some_and(|until| envelope.recorded_at_ms > until) {
                break;
            }
            last = envelope.position;
            if let Some(recorded) = decode(&envelope)?
                && (sees_contact_views || !recorded.event.is_contact_view())
            {
                events.push(to_wire(&recorded));
            }
        }
        Ok::<_, crate::log::ReadError>((events, last))
    });
    let (events, last) = read
        .await
        .map_err(|_| ApiError::unavailable("the question was interrupted"))?
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(Json(PastEvents { events, last, head: state.group.log().head().position }))
}
