//! The JSON API: commands in; the log, the chain check, snapshots, members and metrics out.

use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::access::{self, View};
use shared::distribution;
use shared::envelope::Envelope;
use shared::group::Command;
use shared::view::{self, ErrorBody};
use shared::wire::{CommandRequest, Snapshot};
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, ApiJson};
use super::session::SignedIn;
use crate::admin::{self, AddError};
use crate::commands::{Accepted, Refused, Submitted, fingerprint};
use crate::group::Unfit;
use crate::metrics::Outcome;
use crate::sealed::{PersonalData, household_key, random_id, role_key};

#[utoipa::path(post, path = "/api/commands", tag = "commands", request_body = CommandRequest,
    responses(
        (status = 200, description = "Accepted and durable (or a retry of an accepted command)", body = Accepted),
        (status = 400, description = "Malformed JSON, unknown command type or wrong field types", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The member's roles do not allow this command", body = ErrorBody),
        (status = 409, description = "Conflict: stale expected version, or someone got there first", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 422, description = "Refused by the group's rules", body = ErrorBody),
        (status = 503, description = "Storage failed; retry with the same command_id", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])))]
pub async fn post_command(
    State(state): State<AppState>,
    member: SignedIn,
    ApiJson(body): ApiJson<CommandRequest>,
) -> Result<Json<Accepted>, ApiError> {
    let counted = |outcome, error: ApiError| {
        state.metrics.command(outcome);
        error
    };
    let id = &body.command_id;
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        let error = ApiError::bad_request(
            "invalid_command_id",
            "command_id: 1 to 128 printable characters",
        );
        return Err(counted(Outcome::Invalid, error));
    }
    // Authorize on the type alone, before parsing the rest: a member who may not send a
    // command learns nothing about how to make it valid.
    let kind = Command::known_kind(&body.command).map_err(|message| {
        counted(Outcome::Invalid, ApiError::bad_request("unknown_command", message))
    })?;
    if !access::may_send_kind(member.roles(), kind) {
        let error = ApiError::forbidden(format!("your roles do not allow {kind}"));
        return Err(counted(Outcome::Forbidden, error));
    }
    let fingerprint = fingerprint(member.member.member_id.as_str(), &body.command);
    let command = state.group.take_in(kind, body.command).map_err(|unfit| {
        let error = match unfit {
            Unfit::Invalid { code, message } => ApiError::bad_request(code, message),
            Unfit::Unavailable(message) => ApiError::unavailable(message),
        };
        counted(Outcome::Invalid, error)
    })?;
    let submitted = Submitted::new(body.command_id, member.member.member_id.clone(), command)
        .expecting(body.expected_version)
        .received_as(fingerprint);
    match state.group.submit(submitted).await {
        Ok(accepted) => {
            let outcome = if accepted.duplicate { Outcome::Duplicate } else { Outcome::Accepted };
            state.metrics.command(outcome);
            Ok(Json(accepted))
        }
        Err(refused) => {
            let (outcome, error) = refusal(refused);
            Err(counted(outcome, error))
        }
    }
}

fn refusal(refused: Refused) -> (Outcome, ApiError) {
    match refused {
        Refused::Rejected(rejection) => {
            let status = if rejection.is_conflict() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let outcome =
                if rejection.is_conflict() { Outcome::Conflict } else { Outcome::Rejected };
            // The code and its parameters let a screen say it in its own language.
            let params: serde_json::Map<String, Value> = rejection
                .params()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), Value::String(value)))
                .collect();
            let error = ApiError::new(status, rejection.code(), rejection.to_string())
                .with_details(json!({ "params": params }));
            (outcome, error)
        }
        Refused::WrongExpectedVersion { stream, expected, current } => {
            let message =
                format!("{stream} is at version {current}, not {expected}: refresh and try again");
            let error = ApiError::new(StatusCode::CONFLICT, "wrong_expected_version", message)
                .with_details(json!({ "stream": stream, "current_version": current }));
            (Outcome::Conflict, error)
        }
        Refused::CommandIdReused => {
            let message = "this command_id was already used for a different command";
            (
                Outcome::Invalid,
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "command_id_reused", message),
            )
        }
        Refused::Unstorable(message) => (
            Outcome::Invalid,
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unstorable", message),
        ),
        Refused::Unavailable(message) => {
            let message = format!("{message}; retry with the same command_id");
            (Outcome::Failed, ApiError::unavailable(message))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Start after this position (0: from the start).
    #[serde(default)]
    pub after: u64,
    /// At most this many events (of those that match).
    pub limit: Option<usize>,
    /// Only events recorded by this member.
    pub actor: Option<String>,
    /// Only events of this stream (`stock`, `request-r-12`, `transaction-t-3`).
    pub stream: Option<String>,
    /// Only events of this type (`StockReceived`).
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// Only the events of this command.
    pub command: Option<String>,
    /// Only events whose payload has this exact value somewhere (an item, an account, a
    /// request): a trail from donation to delivery, or through an account.
    pub mentions: Option<String>,
    /// Only events recorded at or after this moment (ms since 1970).
    pub from_ms: Option<i64>,
    /// Only events recorded before this moment (ms since 1970).
    pub to_ms: Option<i64>,
}

impl EventsQuery {
    fn matches(&self, envelope: &Envelope) -> bool {
        let is = |wanted: &Option<String>, value: &str| wanted.as_ref().is_none_or(|w| w == value);
        is(&self.actor, &envelope.actor)
            && is(&self.stream, &envelope.stream)
            && is(&self.event_type, &envelope.event_type)
            && is(&self.command, &envelope.command_id)
            && self.from_ms.is_none_or(|from| envelope.recorded_at_ms >= from)
            && self.mentions.as_ref().is_none_or(|wanted| {
                serde_json::from_str::<Value>(&envelope.payload)
                    .is_ok_and(|payload| mentions(&payload, wanted))
            })
    }
}

/// Whether `value` holds the string `wanted` anywhere, as a whole value.
fn mentions(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(text) => text == wanted,
        Value::Array(items) => items.iter().any(|v| mentions(v, wanted)),
        Value::Object(fields) => fields.values().any(|v| mentions(v, wanted)),
        _ => false,
    }
}

/// `GET /api/events?after=N&limit=M`: the log as stored, one JSON envelope per line,
/// optionally only what matches `actor`, `stream`, `type`, `command`, `mentions`, `from_ms`
/// and `to_ms` (all must match): the audit view's questions.
#[utoipa::path(get, path = "/api/events", tag = "audit",
    params(("after" = Option<u64>, Query, description = "Start after this position (0: from the start)"),
           ("limit" = Option<u64>, Query, description = "At most this many events"),
           ("actor" = Option<String>, Query, description = "Only events recorded by this member"),
           ("stream" = Option<String>, Query, description = "Only events of this stream"),
           ("type" = Option<String>, Query, description = "Only events of this type"),
           ("command" = Option<String>, Query, description = "Only the events of this command id"),
           ("mentions" = Option<String>, Query, description = "Only events whose payload has this exact value (an item, an account)"),
           ("from_ms" = Option<i64>, Query, description = "Only events recorded at or after this moment"),
           ("to_ms" = Option<i64>, Query, description = "Only events recorded before this moment")),
    responses((status = 200, description = "NDJSON: one stored envelope per line, with its hash", content_type = "application/x-ndjson"),
              (status = 403, description = "Only coordinators and auditors read the log", body = ErrorBody)))]
pub async fn get_events(
    State(state): State<AppState>,
    member: SignedIn,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Log), "reading the log")?;
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let limit = query.limit.unwrap_or(usize::MAX);
    let log = state.group.log().clone();
    // A time range starts reading where it begins, found by a binary search of the log.
    let mut start = query.after + 1;
    if let Some(from_ms) = query.from_ms {
        let reader = log.clone();
        let before =
            tokio::task::spawn_blocking(move || reader.position_at(from_ms.saturating_sub(1)))
                .await
                .map_err(|_| ApiError::unavailable("the search was interrupted"))?
                .map_err(|e| ApiError::unavailable(e.to_string()))?;
        start = start.max(before + 1);
    }
    let query = std::sync::Arc::new(query);
    // Streamed in chunks, so a long log never sits whole in memory.
    let chunks = futures_util::stream::unfold((start, limit), move |(next, left)| {
        let (log, query) = (log.clone(), query.clone());
        async move {
            if left == 0 {
                return None;
            }
            let chunk = log.read_raw(next, 1000).ok()?;
            let last = chunk.last()?.position;
            let mut text = String::new();
            let mut sent = 0;
            for envelope in &chunk {
                if query.to_ms.is_some_and(|to| envelope.recorded_at_ms >= to) || sent == left {
                    // Nothing later can match: the stream ends after this chunk's text.
                    return Some((Ok::<_, std::io::Error>(text), (last + 1, 0)));
                }
                if query.matches(envelope) {
                    text.push_str(&serde_json::to_string(envelope).unwrap_or_default());
                    text.push('\n');
                    sent += 1;
                }
            }
            Some((Ok(text), (last + 1, left - sent)))
        }
    });
    let mut response = Body::from_stream(chunks).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/x-ndjson".parse().map_err(|_| ApiError::unavailable("header"))?,
    );
    Ok(response)
}

/// `GET /api/verify`: walks the chain; the answer names the first broken position.
#[utoipa::path(get, path = "/api/verify", tag = "audit",
    responses((status = 200, description = "`{ok, count, head_hash}` or `{ok: false, position, reason}`")))]
pub async fn verify(State(state): State<AppState>, _member: SignedIn) -> Response {
    let log = state.group.log().clone();
    match tokio::task::spawn_blocking(move || log.verify()).await {
        Ok(Ok(verified)) => Json(json!({
            "ok": true, "count": verified.count, "head_hash": hex::encode(verified.head_hash)
        }))
        .into_response(),
        Ok(Err(broken)) => Json(json!({
            "ok": false, "position": broken.position, "reason": broken.reason
        }))
        .into_response(),
        Err(_) => ApiError::unavailable("the check was interrupted").into_response(),
    }
}

/// `GET /api/snapshot`: every projection as of now, as a client's first load would get it.
#[utoipa::path(get, path = "/api/snapshot", tag = "live",
    responses((status = 200, description = "Board, stock, timelines and members at a position; no personal data")))]
pub async fn snapshot(State(state): State<AppState>, _member: SignedIn) -> Json<Snapshot> {
    Json(state.group.read(|p| p.snapshot()))
}

/// `POST /api/members`: adds a member and returns a one-time password, shown only here.
#[utoipa::path(post, path = "/api/members", tag = "members", request_body = NewMember,
    responses((status = 200, description = "`{member_id, password, accepted}`: the password is shown once"),
              (status = 403, description = "Only coordinators add members", body = ErrorBody),
              (status = 409, description = "Already added", body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    member: SignedIn,
    ApiJson(body): ApiJson<NewMember>,
) -> Result<Response, ApiError> {
    member.require(access::may_send(member.roles(), "AddMember"), "adding members")?;
    let actor = member.member.member_id.clone();
    let added = admin::add_member(&state.group, actor, &body.member_id, &body.name, body.roles)
        .await
        .map_err(|error| match error {
            AddError::Refused(refused) => refusal(refused).1,
            AddError::AlreadyAdded(_) => {
                ApiError::new(StatusCode::CONFLICT, "already_exists", error.to_string())
            }
            AddError::Password(message) => ApiError::unavailable(message),
        })?;
    let body = json!({ "member_id": body.member_id, "password": added.password, "accepted": added.accepted });
    Ok(Json(body).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// Sign-in id: a-z 0-9 . _ -
    pub member_id: String,
    pub name: String,
    /// coordinator, logistics, communications, finance, liaison, driver, volunteer, auditor
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<access::Role>,
}

/// `GET /metrics`: Prometheus text, for coordinators and auditors (or a scraper holding one
/// of their tokens).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
pub async fn metrics(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Response, ApiError> {
    member.require(access::may_view(member.roles(), View::Log), "reading metrics")?;
    let text = state.metrics.render(state.group.log().stats());
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

/// `GET /api/requests/{request_id}/contact`: a household's name, phone, address and notes,
/// for the members whose work needs them (see [`access::sees_all_personal_data`]); the
/// address and phone alone for the driver of one of the request's deliveries on the day of
/// that delivery.
///
/// A member who sees them because of their role (not as today's driver) leaves a record:
/// `ContactDetailsViewed` is appended (actor: the viewer) and durable before the details are
/// answered; if it cannot be recorded, nothing is shown. An erased household's details are
/// gone for good: the answer says `erased: true` and holds no data.
#[utoipa::path(get, path = "/api/requests/{request_id}/contact", tag = "households",
    params(("request_id" = String, Path, description = "The request whose household to contact")),
    responses((status = 200, description = "`{request_id, household_id, erased, personal_data}`"),
              (status = 403, description = "The member's work does not need these details", body = ErrorBody),
              (status = 404, description = "No contact details were recorded", body = ErrorBody),
              (status = 503, description = "The view could not be recorded; nothing is shown", body = ErrorBody)))]
pub async fn contact(
    State(state): State<AppState>,
    member: SignedIn,
    axum::extract::Path(request_id): axum::extract::Path<String>,
) -> Result<Json<view::Contact>, ApiError> {
    let now_ms = state.group.now();
    let me = member.member.member_id.as_str();
    caught_up(&state).await;
    let (sealed, driving_today) = state.group.read(|p| {
        // A request logged without contact details (a standing order's date) shows its
        // household's latest.
        let sealed = p.contacts.get(&request_id).cloned().or_else(|| {
            let household_id = p.board.requests.get(request_id.as_str())?.household_id.to_string();
            let sealed = p.household_contacts.get(&household_id)?.clone();
            Some((household_id, sealed))
        });
        (sealed, p.board.drives_today(&request_id, me, now_ms))
    });
    let by_role = access::sees_all_personal_data(member.roles());
    let allowed = access::sees_household_contact(member.roles(), driving_today);
    member.require(allowed, "seeing this household's contact details")?;
    let Some((household_id, sealed)) = sealed else {
        return Err(ApiError::not_found("no contact details were recorded for this request"));
    };
    let key_id = household_key(&household_id);
    let answer = |opened: Option<PersonalData>| {
        Json(view::Contact {
            request_id: request_id.clone(),
            household_id: household_id.clone(),
            erased: opened.is_none(),
            personal_data: opened,
        })
    };
    // The key is destroyed once the erasure is durable (and at start-up, should the server
    // have stopped in between): no key, nothing left to show.
    let held = state.group.keys().has_key(&key_id);
    if !held.map_err(|e| ApiError::unavailable(e.to_string()))? {
        return Ok(answer(None));
    }
    if by_role {
        let command = distribution::Command::RecordContactView {
            request_id: request_id.as_str().into(),
            household_id: household_id.as_str().into(),
        };
        let submitted = Submitted::new(
            format!("contact-view-{}", random_id()),
            member.member.member_id.clone(),
            Command::Distribution(command),
        );
        match state.group.submit(submitted).await {
            Ok(_) => {}
            // Erased in the meantime: there is nothing left to show.
            Err(Refused::Rejected(distribution::Rejection::WrongStage { .. })) => {
                return Ok(answer(None));
            }
            Err(refused) => {
                let (_, error) = refusal(refused);
                return Err(ApiError::unavailable(format!(
                    "the view could not be recorded, so nothing is shown: {}",
                    error.message
                )));
            }
        }
    }
    let mut opened = state
        .group
        .keys()
        .open_sealed(&key_id, &sealed)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    if !by_role {
        // Today's driver needs the door and a number to ring: not the name, not the notes.
        if let Some(data) = opened.as_mut() {
            data.name.clear();
            data.notes.clear();
        }
    }
    Ok(answer(opened))
}

/// `GET /api/roles/{role_card_id}/contact`: how to reach the holder in this role, for every
/// member at work (it is the group's own "role card on the fridge"); not for auditors, and
/// never in the roster or the log's readers. `personal_data` is `null` when the holder left
/// none or it was erased.
#[utoipa::path(get, path = "/api/roles/{role_card_id}/contact", tag = "people",
    params(("role_card_id" = String, Path, description = "The role card")),
    responses((status = 200, description = "`{role_card_id, member_id, personal_data}`"),
              (status = 403, description = "Auditors do not see role contacts", body = ErrorBody),
              (status = 404, description = "No such role card, or nobody holds it", body = ErrorBody)))]
pub async fn role_contact(
    State(state): State<AppState>,
    member: SignedIn,
    axum::extract::Path(role_card_id): axum::extract::Path<String>,
) -> Result<Json<view::RoleContact>, ApiError> {
    member.require(access::sees_role_contacts(member.roles()), "seeing a role holder's contact")?;
    caught_up(&state).await;
    let (holder, sealed) = state.group.read(|p| {
        let holder = p.people.role_card(&role_card_id).and_then(|c| c.holder_id().cloned());
        (holder, p.role_contacts.get(&role_card_id).cloned())
    });
    let Some(holder) = holder else {
        return Err(ApiError::not_found("no such role card, or nobody holds it"));
    };
    let opened = match sealed {
        Some((member_id, sealed)) if member_id == holder.as_str() => state
            .group
            .keys()
            .open_sealed(&role_key(&role_card_id, &member_id), &sealed)
            .map_err(|e| ApiError::unavailable(e.to_string()))?,
        _ => None,
    };
    Ok(Json(view::RoleContact {
        role_card_id,
        member_id: holder.to_string(),
        personal_data: opened,
    }))
}

/// Waits, a second at most, until the projections fold everything that was durable when the
/// request came in: a member who has just logged a request or scheduled a delivery finds it.
pub(super) async fn caught_up(state: &AppState) {
    let head = state.group.log().head().position;
    // A second at most: past that, the views as they are (the projector is behind).
    state.group.live().caught_up_to(head, std::time::Duration::from_secs(1)).await;
}
