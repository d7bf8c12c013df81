//! Deliveries and pickups: reserved lines handed over in a time window, by a driver or at a
//! location. A failed one keeps its reservation until it is rescheduled or the request is
//! cancelled; a completed one issues exactly the reserved stock of its lines.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::id::{DeliveryId, MemberId, RequestId, check_new_id};
use super::progress::DeliveryProgress;
use super::rejection::Rejection;
use super::request::{ContactChannel, RequestLine, RequestState, check_lines, open_request};
use super::reservation::take;
use super::state::{DeliveryEntry, State};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// A driver takes the goods to the household.
    Delivery,
    /// The household collects the goods.
    Pickup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// No driver yet (or a pickup waiting for the household).
    Scheduled,
    /// A driver is assigned or has claimed it.
    Assigned,
    OutForDelivery,
    Completed,
    Failed,
    Cancelled,
}

impl DeliveryStatus {
    /// Still holding its lines: not completed, failed or cancelled.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Scheduled | DeliveryStatus::Assigned | DeliveryStatus::OutForDelivery
        )
    }
}

/// How an event moves a delivery it names: the one table of a delivery's status, by which
/// the board's cards and a request's progress both move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMove<'a> {
    Claimed(&'a MemberId),
    Confirmed,
    Started,
    Completed,
    /// Back where it was before the handover: a delivery on the road, a pickup waiting for
    /// the household.
    CompletionUndone,
    Failed,
    /// The request was cancelled: whatever was still to happen will not.
    Cancelled,
}

impl<'a> DeliveryMove<'a> {
    /// The delivery `event` moves, and how. A request's cancellation moves each of its
    /// active deliveries ([`DeliveryMove::Cancelled`]), so it is not one of these.
    pub fn of(event: &'a Event) -> Option<(&'a DeliveryId, DeliveryMove<'a>)> {
        let (delivery_id, step) = match event {
            Event::DeliveryClaimed { delivery_id, driver_id, .. } => {
                (delivery_id, DeliveryMove::Claimed(driver_id))
            }
            Event::HouseholdConfirmed { delivery_id, .. } => (delivery_id, DeliveryMove::Confirmed),
            Event::DeliveryStarted { delivery_id, .. } => (delivery_id, DeliveryMove::Started),
            Event::DeliveryCompleted { delivery_id, .. } => (delivery_id, DeliveryMove::Completed),
            Event::DeliveryCompletionUndone { delivery_id, .. } => {
                (delivery_id, DeliveryMove::CompletionUndone)
            }
            Event::DeliveryFailed { delivery_id, .. } => (delivery_id, DeliveryMove::Failed),
            _ => return None,
        };
        Some((delivery_id, step))
    }

    /// Moves a delivery of `kind` with this `status`, `driver` and confirmation.
    pub fn make(
        self,
        kind: DeliveryKind,
        status: &mut DeliveryStatus,
        driver: &mut Option<MemberId>,
        confirmed: &mut bool,
    ) {
        match self {
            DeliveryMove::Claimed(driver_id) => {
                *driver = Some(driver_id.clone());
                *status = DeliveryStatus::Assigned;
            }
            DeliveryMove::Confirmed => *confirmed = true,
            DeliveryMove::Started => *status = DeliveryStatus::OutForDelivery,
            DeliveryMove::Completed => *status = DeliveryStatus::Completed,
            DeliveryMove::CompletionUndone => {
                *status = match kind {
                    DeliveryKind::Delivery => DeliveryStatus::OutForDelivery,
                    DeliveryKind::Pickup => DeliveryStatus::Scheduled,
                }
            }
            DeliveryMove::Failed => *status = DeliveryStatus::Failed,
            DeliveryMove::Cancelled if status.is_active() => *status = DeliveryStatus::Cancelled,
            DeliveryMove::Cancelled => {}
        }
    }
}

/// How long after completing a delivery its driver may take it back: a tap on the wrong
/// card is noticed at once or not at all.
pub const UNDO_COMPLETION_MS: i64 = 10 * 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    NobodyHome,
    WrongAddress,
    Refused,
    /// The note must say what happened.
    Other,
}

/// The fields of a `ScheduleDelivery` command.
pub(crate) struct NewDelivery<'a> {
    pub delivery_id: &'a DeliveryId,
    pub request_id: &'a RequestId,
    pub kind: DeliveryKind,
    pub lines: &'a [RequestLine],
    pub window_start_ms: i64,
    pub window_end_ms: i64,
    pub driver_id: Option<&'a MemberId>,
    pub replaces_delivery_id: Option<&'a DeliveryId>,
}

/// Checks a new delivery. The caller builds the event from the command's own fields.
pub(crate) fn check_new(state: &State, new: &NewDelivery<'_>) -> Result<(), Rejection> {
    check_new_id("delivery_id", new.delivery_id.as_str())?;
    if state.delivery(new.delivery_id.as_str()).is_some() {
        return Err(Rejection::exists("delivery", new.delivery_id.as_str()));
    }
    let request = open_request(state, new.request_id)?;
    if new.lines.is_empty() {
        return Err(Rejection::invalid("lines", "a delivery needs at least one line"));
    }
    check_lines(state, new.lines)?;
    check_window(new.window_start_ms, new.window_end_ms)?;
    match (new.kind, new.driver_id) {
        (DeliveryKind::Pickup, Some(_)) => {
            return Err(Rejection::invalid("driver_id", "a pickup has no driver"));
        }
        (DeliveryKind::Delivery, Some(driver_id)) => state.roster.known_driver(driver_id)?,
        _ => {}
    }
    for (i, line) in new.lines.iter().enumerate() {
        let free = request.progress.line(line.item_id.as_str()).map_or(0, |l| l.unscheduled());
        if line.quantity > free {
            let reason =
                format!("only {free} of `{}` reserved and not yet scheduled", line.item_id);
            return Err(Rejection::invalid(format!("lines[{i}].quantity"), reason));
        }
    }
    if let Some(replaced) = new.replaces_delivery_id {
        let failed = request.progress.delivery(replaced.as_str());
        if failed.is_none_or(|d| d.status != DeliveryStatus::Failed) {
            let reason =
                format!("`{replaced}` is not a failed delivery of request {}", new.request_id);
            return Err(Rejection::invalid("replaces_delivery_id", reason));
        }
    }
    Ok(())
}

fn check_window(window_start_ms: i64, window_end_ms: i64) -> Result<(), Rejection> {
    if window_start_ms < 0 {
        return Err(Rejection::invalid("window_start_ms", "must not be before 1970"));
    }
    if window_end_ms <= window_start_ms {
        return Err(Rejection::invalid("window_end_ms", "must be after window_start_ms"));
    }
    Ok(())
}

/// Finds an active delivery of a request that is still open.
fn open_delivery<'s>(
    state: &'s State,
    delivery_id: &DeliveryId,
) -> Result<(&'s DeliveryEntry, &'s RequestState, &'s DeliveryProgress), Rejection> {
    let (entry, _, delivery) = state
        .delivery(delivery_id.as_str())
        .ok_or_else(|| Rejection::unknown("delivery", delivery_id.as_str()))?;
    let request = open_request(state, &entry.request_id)?;
    if !delivery.status.is_active() {
        let message = format!("delivery `{delivery_id}` is {:?}", delivery.status);
        return Err(Rejection::wrong_stage(message));
    }
    Ok((entry, request, delivery))
}

/// A second driver gets a conflict; the same driver claiming again changes nothing, so a
/// retried click is harmless.
pub(crate) fn claim(
    state: &State,
    actor: &MemberId,
    delivery_id: &DeliveryId,
) -> Result<Vec<Event>, Rejection> {
    let (entry, _, delivery) = open_delivery(state, delivery_id)?;
    state.roster.known_driver(actor)?;
    if delivery.kind == DeliveryKind::Pickup {
        return Err(Rejection::wrong_stage(format!("`{delivery_id}` is a pickup: no driver")));
    }
    match &delivery.driver_id {
        Some(driver) if driver == actor => Ok(Vec::new()),
        Some(driver) => Err(Rejection::Conflict {
            message: format!("delivery `{delivery_id}` is already claimed by {driver}"),
        }),
        None => Ok(vec![Event::DeliveryClaimed {
            delivery_id: delivery_id.clone(),
            request_id: entry.request_id.clone(),
            driver_id: actor.clone(),
        }]),
    }
}

pub(crate) fn confirm(
    state: &State,
    delivery_id: &DeliveryId,
    channel: ContactChannel,
    language: &str,
) -> Result<Vec<Event>, Rejection> {
    let (entry, _, _) = open_delivery(state, delivery_id)?;
    field::name("language", language)?;
    Ok(vec![Event::HouseholdConfirmed {
        delivery_id: delivery_id.clone(),
        request_id: entry.request_id.clone(),
        channel,
        language: language.to_owned(),
    }])
}

pub(crate) fn start(state: &State, delivery_id: &DeliveryId) -> Result<Vec<Event>, Rejection> {
    let (entry, _, delivery) = open_delivery(state, delivery_id)?;
    let problem = match (delivery.kind, delivery.status) {
        (DeliveryKind::Pickup, _) => Some("is a pickup: the household collects it"),
        (_, DeliveryStatus::Scheduled) => Some("has no driver yet"),
        (_, DeliveryStatus::OutForDelivery) => Some("is already out"),
        _ => None,
    };
    if let Some(problem) = problem {
        return Err(Rejection::wrong_stage(format!("delivery `{delivery_id}` {problem}")));
    }
    Ok(vec![Event::DeliveryStarted {
        delivery_id: delivery_id.clone(),
        request_id: entry.request_id.clone(),
    }])
}

pub(crate) fn complete(state: &State, delivery_id: &DeliveryId) -> Result<Vec<Event>, Rejection> {
    let (entry, request, delivery) = open_delivery(state, delivery_id)?;
    let ready = match delivery.kind {
        DeliveryKind::Delivery => delivery.status == DeliveryStatus::OutForDelivery,
        DeliveryKind::Pickup => true,
    };
    if !ready {
        let message = format!("delivery `{delivery_id}` has not been started");
        return Err(Rejection::wrong_stage(message));
    }
    let mut issued = Vec::new();
    for line in &entry.lines {
        // Soonest expiry first, as it was reserved.
        let held = request.allocations.iter().filter(|a| a.item_id == line.item_id);
        let taken = take(held, line.quantity);
        // Scheduling only takes reserved stock, so this holds unless state is corrupt; refuse
        // rather than issue stock nobody reserved.
        if taken.iter().map(|a| a.quantity).sum::<i64>() != line.quantity {
            let message =
                format!("reserved `{}` no longer covers delivery `{delivery_id}`", line.item_id);
            return Err(Rejection::wrong_stage(message));
        }
        issued.extend(taken);
    }
    Ok(vec![Event::DeliveryCompleted {
        delivery_id: delivery_id.clone(),
        request_id: entry.request_id.clone(),
        issued,
    }])
}

/// Takes a completion back: only the member who recorded it, within
/// [`UNDO_COMPLETION_MS`]; the stock it issued is reserved again.
pub(crate) fn undo_completion(
    state: &State,
    ctx: &super::Context,
    delivery_id: &DeliveryId,
) -> Result<Vec<Event>, Rejection> {
    let (entry, _, delivery) = state
        .delivery(delivery_id.as_str())
        .ok_or_else(|| Rejection::unknown("delivery", delivery_id.as_str()))?;
    let completion = match (&entry.completed, delivery.status) {
        (Some(completion), DeliveryStatus::Completed) => completion,
        _ => {
            let message = format!("delivery `{delivery_id}` is not completed");
            return Err(Rejection::wrong_stage(message));
        }
    };
    if completion.by != ctx.actor {
        let message = format!("only {} who completed it may take it back", completion.by);
        return Err(Rejection::not_permitted(message));
    }
    if ctx.now_ms - completion.at_ms > UNDO_COMPLETION_MS {
        let message = format!("delivery `{delivery_id}` was completed over ten minutes ago");
        return Err(Rejection::wrong_stage(message));
    }
    Ok(vec![Event::DeliveryCompletionUndone {
        delivery_id: delivery_id.clone(),
        request_id: entry.request_id.clone(),
        returned: completion.issued.clone(),
    }])
}

pub(crate) fn fail(
    state: &State,
    delivery_id: &DeliveryId,
    reason: FailureReason,
    note: &str,
) -> Result<Vec<Event>, Rejection> {
    let (entry, _, _) = open_delivery(state, delivery_id)?;
    if reason == FailureReason::Other {
        field::reason("note", note)?;
    } else {
        field::note("note", note)?;
    }
    Ok(vec![Event::DeliveryFailed {
        delivery_id: delivery_id.clone(),
        request_id: entry.request_id.clone(),
        lines: entry.lines.clone(),
        reason,
        note: note.to_owned(),
    }])
}
