//! Distribution day as a pure domain: a household's request is logged, stock is checked,
//! reserved and delivered (or picked up), the household is called back and gives feedback.
//!
//! - [`decide`] turns a [`Command`] into [`Event`]s or a [`Rejection`], against one
//!   [`State`] of the whole group. Time and the acting member come in a [`Context`]; ids of
//!   new things come in the command, chosen by the caller.
//! - [`evolve`] folds a [`Recorded`] event into the state. It never fails and holds no rules.
//! - Projections fold the same records: [`Board`] (the live big screen), [`StockLevels`]
//!   and [`Timeline`]s (every step of a request). Queries that depend on "now" take it as an
//!   argument, so the server and the browser show the same thing for the same events.
//! - [`sim`] generates realistic, seeded command sequences for tests, benchmarks and demos.
//!
//! Each command names the stream its events are appended to ([`Command::stream`]):
//! `catalog`, `roster`, `stock`, `request-<request_id>`, `delivery-<delivery_id>`,
//! `alert-<alert_id>` and `household-<household_id>`. All are decided against the one state, so rules across streams (a
//! reservation against the stock room) hold as long as one writer decides at a time.
//!
//! One file per noun: `catalog`, `roster`, `stock`, `request`, `reservation`, `delivery`,
//! `procurement`, `feedback`; `stockroom` holds the batches `decide` reasons about, and
//! `progress` a request's stage, shared by state and board.

mod board;
mod catalog;
mod command;
mod delivery;
mod event;
mod feedback;
mod hashing;
mod household;
mod procurement;
mod progress;
pub mod report;
mod request;
mod reservation;
pub mod retention;
mod roster;
mod settings;
pub mod sim;
mod state;
mod stock;
mod stock_levels;
mod stockroom;
mod timeline;

// The kernel's modules, under the names this part has always used.
pub use crate::kernel::day;
pub(crate) use crate::kernel::{field, id, rejection};

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use board::{
    AlertCard, Board, Column, DeliveryCard, DriverLane, Late, Overdue, RequestCard, StockWarning,
};
pub use catalog::{Catalog, ItemCategory, ItemEntry, LocationKind, PartnerKind};
pub use command::{Command, CommandKind, DeliveryStep};
pub use delivery::{DeliveryKind, DeliveryMove, DeliveryStatus, FailureReason, UNDO_COMPLETION_MS};
pub use event::Event;
pub use feedback::FeedbackFrom;
pub use field::{MAX_NAME_CHARS, MAX_QUANTITY, MAX_TEXT_CHARS};
pub use hashing::{FastMap, FastSet, FxHasher};
pub use id::{
    AlertId, DeliveryId, HouseholdId, ItemId, LocationId, MAX_ID_CHARS, MemberId, PartnerId,
    RequestId, StandingOrderId, Zone,
};
pub use procurement::{AlertResolution, AlertState};
pub use progress::{DeliveryProgress, LineProgress, RequestProgress, Stage};
pub use rejection::Rejection;
pub(crate) use request::check_lines as request_lines_check;
pub use request::{
    ContactChannel, MAX_HOUSEHOLD_SIZE, NeedCategory, Occurrence, RequestLine, RequestState,
    SealedPersonalData, Urgency,
};
pub use reservation::{Availability, LineCheck};
pub use roster::Roster;
pub use settings::{LateAfter, MAX_LATE_AFTER_MINUTES};
pub use state::{DeliveryEntry, State};
pub use stock::{AdjustmentReason, Allocation, Portion, StockSource};
pub use stock_levels::{BatchLevel, ItemLevels, StockLevels, StockRow};
pub use stockroom::{Batch, Shelf, Stockroom};
pub use timeline::{KEPT_FOR_UNDO_MS, Step, Timeline, Timelines};

pub use crate::kernel::Context;
use crate::kernel::{At, Evolve};

/// An event as the log recorded it. Projections take the time and the actor from here, never
/// from a clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The event's position in the group's log, from 1.
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: MemberId,
    pub event: Event,
}

/// Folds one recorded event into the state.
pub fn evolve(state: &mut State, recorded: &Recorded) {
    state.evolve(recorded.at(), &recorded.event);
}

impl Recorded {
    /// Where the event stands in the log.
    pub fn at(&self) -> At<'_> {
        At {
            position: self.position,
            recorded_at_ms: self.recorded_at_ms,
            actor: self.actor.as_str(),
        }
    }
}

/// Decides a command against the state: the events to append, or why not. Never panics.
pub fn decide(state: &State, command: &Command, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    let now_ms = ctx.now_ms;
    match command {
        Command::RegisterItem { item_id, name, category, unit } => {
            catalog::register_item(state, item_id, name, *category, unit)
        }
        Command::RegisterLocation { location_id, name, kind } => {
            catalog::register_location(state, location_id, name, *kind)
        }
        Command::RegisterPartner { partner_id, name, kind } => {
            catalog::register_partner(state, partner_id, name, *kind)
        }
        Command::SetLowStockThreshold { item_id, quantity } => {
            catalog::set_low_stock_threshold(state, item_id, *quantity)
        }
        Command::RegisterDriver { member_id } => roster::register_driver(state, member_id),
        Command::ReceiveStock { item_id, location_id, quantity, expires_on_day, source } => {
            stock::receive(state, now_ms, item_id, location_id, *quantity, *expires_on_day, source)
        }
        Command::AdjustStock { .. } => decide_adjustment(state, command),
        Command::TransferStock { item_id, from_location_id, to_location_id, quantity } => {
            stock::transfer(state, now_ms, item_id, from_location_id, to_location_id, *quantity)
        }
        Command::LogRequest { .. } => decide_new_request(state, command),
        Command::RegisterHousehold { .. } => household::register(state, command),
        Command::EraseHousehold { household_id, reason } => {
            household::erase(state, household_id, reason)
        }
        Command::AddZone { zone } => settings::add_zone(state, zone),
        Command::RemoveZone { zone } => settings::remove_zone(state, zone),
        Command::SetLateAfter { rules } => settings::set_late_after(rules),
        Command::SetTimeZone { zone, offsets } => settings::set_time_zone(zone, offsets),
        Command::UndoCompletion { delivery_id } => {
            delivery::undo_completion(state, ctx, delivery_id)
        }
        Command::RecordContactView { request_id, household_id } => {
            household::record_view(state, request_id, household_id)
        }
        Command::CheckStock { .. }
        | Command::ReserveStock { .. }
        | Command::ReleaseStock { .. }
        | Command::CancelRequest { .. }
        | Command::RecordFeedback { .. }
        | Command::ScheduleDelivery { .. }
        | Command::ClaimDelivery { .. }
        | Command::ConfirmWithHousehold { .. }
        | Command::StartDelivery { .. }
        | Command::CompleteDelivery { .. }
        | Command::FailDelivery { .. }
        | Command::RaiseProcurementAlert { .. }
        | Command::ResolveProcurementAlert { .. } => decide_request_step(state, command, ctx),
    }
}

/// The commands about one request and its deliveries and alerts.
fn decide_request_step(
    state: &State,
    command: &Command,
    ctx: &Context,
) -> Result<Vec<Event>, Rejection> {
    let now_ms = ctx.now_ms;
    match command {
        Command::CheckStock { request_id } => reservation::check(state, now_ms, request_id),
        Command::ReserveStock { request_id, lines, from_location_id } => {
            reservation::reserve(state, now_ms, request_id, lines, from_location_id.as_ref())
        }
        Command::ReleaseStock { request_id, lines, reason } => {
            reservation::release(state, request_id, lines, reason)
        }
        Command::CancelRequest { request_id, reason } => request::cancel(state, request_id, reason),
        Command::RecordFeedback { request_id, from, rating, text } => {
            feedback::record(state, request_id, *from, *rating, text)
        }
        Command::ScheduleDelivery { .. } => decide_new_delivery(state, command),
        Command::ClaimDelivery { delivery_id } => delivery::claim(state, &ctx.actor, delivery_id),
        Command::ConfirmWithHousehold { delivery_id, channel, language } => {
            delivery::confirm(state, delivery_id, *channel, language)
        }
        Command::StartDelivery { delivery_id } => delivery::start(state, delivery_id),
        Command::CompleteDelivery { delivery_id } => delivery::complete(state, delivery_id),
        Command::FailDelivery { delivery_id, reason, note } => {
            delivery::fail(state, delivery_id, *reason, note)
        }
        Command::RaiseProcurementAlert { alert_id, item_id, quantity, note } => {
            procurement::raise(state, alert_id, item_id, *quantity, note)
        }
        Command::ResolveProcurementAlert { alert_id, resolution, note } => {
            procurement::resolve(state, alert_id, *resolution, note)
        }
        _ => unreachable!("`decide` routes only request steps here"),
    }
}

fn decide_adjustment(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    let Command::AdjustStock {
        item_id,
        location_id,
        expires_on_day,
        change,
        reason,
        note,
        corrects_position,
    } = command
    else {
        unreachable!("`decide` routes only AdjustStock here");
    };
    let adjustment = stock::Adjustment {
        item_id,
        location_id,
        expires_on_day: *expires_on_day,
        change: *change,
        reason: *reason,
        note,
        corrects_position: *corrects_position,
    };
    stock::adjust(state, adjustment)
}

fn decide_new_request(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    let Command::LogRequest {
        request_id,
        household_id,
        need_category,
        lines,
        household_size,
        urgency,
        zone,
        preferred_language,
        contact_channel,
        personal_data,
    } = command
    else {
        unreachable!("`decide` routes only LogRequest here");
    };
    let new = request::NewRequest {
        request_id,
        household_id,
        lines,
        household_size: *household_size,
        zone,
        preferred_language,
        personal_data: personal_data.as_ref(),
    };
    request::check_new(state, &new)?;
    let zone = settings::listed_zone(state, "zone", zone)?;
    Ok(vec![Event::RequestLogged {
        request_id: request_id.clone(),
        household_id: household_id.clone(),
        need_category: *need_category,
        lines: lines.clone(),
        household_size: *household_size,
        urgency: *urgency,
        zone,
        preferred_language: preferred_language.clone(),
        contact_channel: *contact_channel,
        personal_data: personal_data.clone(),
        number: state.requests.len() as u64 + 1,
        standing: None,
    }])
}

fn decide_new_delivery(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    let Command::ScheduleDelivery {
        delivery_id,
        request_id,
        kind,
        lines,
        window_start_ms,
        window_end_ms,
        driver_id,
        replaces_delivery_id,
    } = command
    else {
        unreachable!("`decide_request_step` routes only ScheduleDelivery here");
    };
    let new = delivery::NewDelivery {
        delivery_id,
        request_id,
        kind: *kind,
        lines,
        window_start_ms: *window_start_ms,
        window_end_ms: *window_end_ms,
        driver_id: driver_id.as_ref(),
        replaces_delivery_id: replaces_delivery_id.as_ref(),
    };
    delivery::check_new(state, &new)?;
    Ok(vec![Event::DeliveryScheduled {
        delivery_id: delivery_id.clone(),
        request_id: request_id.clone(),
        kind: *kind,
        lines: lines.clone(),
        window_start_ms: *window_start_ms,
        window_end_ms: *window_end_ms,
        driver_id: driver_id.clone(),
        replaces_delivery_id: replaces_delivery_id.clone(),
    }])
}
