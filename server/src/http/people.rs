//! `GET /api/roster`: who does what, for everyone in the group. Role cards with their holders
//! and backups, each member's load over the last four weeks, the shifts, skills, the group's
//! agreement, and the signals computed from them (no backup, a term ended, too many roles,
//! too many hours, a shift short of people, an expired certificate, a review due).
//!
//! A role holder's contact is sealed in the log and is not part of this answer.

use axum::Json;
use axum::extract::State;
use shared::access::{self, View};
use shared::people::Shift;
use shared::view::{RosterView, StandingView, WeekView};

use super::AppState;
use super::api::caught_up;
use super::error::ApiError;
use super::session::SignedIn;

#[utoipa::path(get, path = "/api/roster", tag = "people",
    responses((status = 200, description = "Role cards, loads, shifts, skills, the agreement and the signals", body = RosterView)))]
pub async fn roster(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Json<RosterView>, ApiError> {
    member.require(access::may_view(member.roles(), View::Roster), "reading the roster")?;
    caught_up(&state).await;
    let now_ms = state.group.now();
    let view = state.group.read(|p| {
        let roster = &p.people;
        let today = p.board.clock.day_of(now_ms);
        let mut shifts: Vec<Shift> = roster.shifts.values().cloned().collect();
        shifts.sort_by_key(|s| (s.starts_at_ms, s.shift_id.clone()));
        RosterView {
            now_ms,
            limits: p.limits.clone(),
            signals: roster.signals(now_ms, &p.board.clock, &p.limits),
            role_cards: roster.role_cards.values().cloned().collect(),
            workloads: roster.workloads(now_ms, &p.board.clock),
            shifts,
            skills: roster.skills.clone(),
            agreement: roster.agreement.clone(),
            commitments: roster
                .commitments
                .values()
                .filter(|c| c.ended_on_day.is_none())
                .cloned()
                .collect(),
            templates: roster
                .templates
                .values()
                .filter(|t| t.ended_on_day.is_none_or(|end| end > today))
                .cloned()
                .collect(),
        }
    });
    Ok(Json(view))
}

/// `GET /api/standing`: every standing order with its next date, pauses and skips. Orders
/// hold a household's pseudonymous id, never its contact: everyone who sees the board sees
/// them.
#[utoipa::path(get, path = "/api/standing", tag = "people",
    responses((status = 200, description = "Standing orders with their next dates", body = StandingView)))]
pub async fn standing(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Json<StandingView>, ApiError> {
    member.require(access::may_view(member.roles(), View::Board), "reading standing orders")?;
    caught_up(&state).await;
    let now_ms = state.group.now();
    let view = state.group.read(|p| {
        let today = p.board.clock.day_of(now_ms);
        StandingView::build(&p.standing, today)
    });
    Ok(Json(view))
}

/// `GET /api/week`: the signed-in member's next seven days: shifts, deliveries they drive,
/// commitments and the roles they hold, on the group's clock.
#[utoipa::path(get, path = "/api/week", tag = "people",
    responses((status = 200, description = "The member's next seven days", body = WeekView)))]
pub async fn week(
    State(state): State<AppState>,
    member: SignedIn,
) -> Result<Json<WeekView>, ApiError> {
    caught_up(&state).await;
    let now_ms = state.group.now();
    let member_id = member.member.member_id.clone();
    let view = state
        .group
        .read(|p| WeekView::build(&member_id, now_ms, &p.board.clock, &p.board, &p.people));
    Ok(Json(view))
}
