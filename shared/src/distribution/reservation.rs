//! Stock set aside for a request: the check that compares a request with the shelves, the
//! reservation that takes stock first-expiry-first-out, and the release that gives it back.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::id::{LocationId, RequestId};
use super::procurement::mint_alert_ids;
use super::rejection::Rejection;
use super::request::{RequestLine, RequestState, check_lines, open_request};
use super::state::State;
use super::stock::Allocation;
use super::stockroom::shelf_order;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    InStock,
    Partial,
    Out,
}

/// One line of a stock check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCheck {
    pub item_id: super::id::ItemId,
    /// Still needed and not yet reserved.
    pub outstanding: i64,
    /// Unreserved, unexpired stock at all locations at the time of the check.
    pub available: i64,
    pub availability: Availability,
    pub shortfall: i64,
}

pub(crate) fn check(
    state: &State,
    now_ms: i64,
    request_id: &RequestId,
) -> Result<Vec<Event>, Rejection> {
    let request = open_request(state, request_id)?;
    let today = state.clock.day_of(now_ms);
    let lines: Vec<LineCheck> = request
        .progress
        .lines
        .iter()
        .map(|line| {
            let outstanding = line.outstanding();
            let available = state.stock.available(line.item_id.as_str(), today, None);
            let availability = if available >= outstanding {
                Availability::InStock
            } else if available > 0 {
                Availability::Partial
            } else {
                Availability::Out
            };
            LineCheck {
                item_id: line.item_id.clone(),
                outstanding,
                available,
                availability,
                shortfall: (outstanding - available).max(0),
            }
        })
        .collect();
    // One open alert per short item and request: re-checking does not pile up duplicates.
    let short: Vec<&LineCheck> = lines
        .iter()
        .filter(|line| line.shortfall > 0)
        .filter(|line| !request.open_alerts.iter().any(|(item, _)| item == &line.item_id))
        .collect();
    let alert_ids = mint_alert_ids(state, request_id, request, short.len());
    let alerts: Vec<Event> = short
        .into_iter()
        .zip(alert_ids)
        .map(|(line, alert_id)| Event::ProcurementAlertRaised {
            alert_id,
            request_id: Some(request_id.clone()),
            item_id: line.item_id.clone(),
            quantity: line.shortfall,
            note: format!("short for request {request_id}"),
        })
        .collect();
    let mut events = vec![Event::StockChecked { request_id: request_id.clone(), lines }];
    events.extend(alerts);
    Ok(events)
}

pub(crate) fn reserve(
    state: &State,
    now_ms: i64,
    request_id: &RequestId,
    lines: &[RequestLine],
    from_location_id: Option<&LocationId>,
) -> Result<Vec<Event>, Rejection> {
    let request = open_request(state, request_id)?;
    if lines.is_empty() {
        return Err(Rejection::invalid("lines", "nothing to reserve"));
    }
    check_lines(state, lines)?;
    if let Some(location_id) = from_location_id {
        state.catalog.known_location(location_id)?;
    }
    let mut allocations = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let outstanding = request_line(request, request_id, i, line)?.outstanding();
        if line.quantity > outstanding {
            let reason = format!("only {outstanding} still needed");
            return Err(Rejection::invalid(format!("lines[{i}].quantity"), reason));
        }
        let from = from_location_id.map(LocationId::as_str);
        let picked = state.stock.pick_first_expiry(
            &line.item_id,
            line.quantity,
            state.clock.day_of(now_ms),
            from,
        )?;
        allocations.extend(picked);
    }
    Ok(vec![Event::StockReserved { request_id: request_id.clone(), allocations }])
}

pub(crate) fn release(
    state: &State,
    request_id: &RequestId,
    lines: &[RequestLine],
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let request = open_request(state, request_id)?;
    if lines.is_empty() {
        return Err(Rejection::invalid("lines", "nothing to release"));
    }
    check_lines(state, lines)?;
    field::reason("reason", reason)?;
    let mut allocations = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let progress = request_line(request, request_id, i, line)?;
        let free = progress.unscheduled();
        if line.quantity > free {
            let reason = format!("only {free} reserved and not on a delivery");
            return Err(Rejection::invalid(format!("lines[{i}].quantity"), reason));
        }
        // Latest expiry first: what stays reserved is what should leave the shelves soonest.
        let held = request.allocations.iter().rev().filter(|a| a.item_id == line.item_id);
        allocations.extend(take(held, line.quantity));
    }
    Ok(vec![Event::StockReleased {
        request_id: request_id.clone(),
        allocations,
        reason: reason.to_owned(),
    }])
}

fn request_line<'r>(
    request: &'r RequestState,
    request_id: &RequestId,
    i: usize,
    line: &RequestLine,
) -> Result<&'r super::progress::LineProgress, Rejection> {
    request.progress.line(line.item_id.as_str()).ok_or_else(|| {
        let reason = format!("`{}` is not on request {request_id}", line.item_id);
        Rejection::invalid(format!("lines[{i}].item_id"), reason)
    })
}

/// Takes `quantity` from the allocations in the order given, splitting the last one.
pub(crate) fn take<'a>(
    allocations: impl Iterator<Item = &'a Allocation>,
    quantity: i64,
) -> Vec<Allocation> {
    let mut taken = Vec::new();
    let mut wanted = quantity;
    for a in allocations {
        if wanted == 0 {
            break;
        }
        let q = wanted.min(a.quantity);
        wanted -= q;
        taken.push(Allocation { quantity: q, ..a.clone() });
    }
    taken
}

/// Adds allocations to a request's holding, merging equal batches, soonest expiry first.
pub(crate) fn hold(held: &mut Vec<Allocation>, allocations: &[Allocation]) {
    for a in allocations {
        match held.iter_mut().find(|h| same_batch(h, a)) {
            Some(h) => h.quantity += a.quantity,
            None => held.push(a.clone()),
        }
    }
    held.sort_by(|x, y| shelf_order(x).cmp(&shelf_order(y)));
}

/// Removes allocations from a request's holding, dropping batches that reach zero.
pub(crate) fn unhold(held: &mut Vec<Allocation>, allocations: &[Allocation]) {
    for a in allocations {
        if let Some(h) = held.iter_mut().find(|h| same_batch(h, a)) {
            h.quantity -= a.quantity;
        }
    }
    held.retain(|h| h.quantity > 0);
}

fn same_batch(x: &Allocation, y: &Allocation) -> bool {
    x.expires_on_day == y.expires_on_day && x.item_id == y.item_id && x.location_id == y.location_id
}
