//! Procurement alerts: stock the group needs and does not have. A stock check that finds a
//! shortfall raises one per short item; logistics can raise one by hand too. Resolving one
//! says how it ended: bought, donated, or no longer needed.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::id::{AlertId, ItemId, RequestId, check_new_id};
use super::rejection::Rejection;
use super::request::RequestState;
use super::state::State;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertResolution {
    Purchased,
    /// A partner gave it.
    Donated,
    /// The need went away (the request was cancelled, or the group decided to wait it out).
    NotNeeded,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertState {
    pub request_id: Option<RequestId>,
    pub item_id: ItemId,
    pub quantity: i64,
    pub open: bool,
}

pub(crate) fn raise(
    state: &State,
    alert_id: &AlertId,
    item_id: &ItemId,
    quantity: i64,
    note: &str,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("alert_id", alert_id.as_str())?;
    if state.alert(alert_id.as_str()).is_some() {
        return Err(Rejection::exists("alert", alert_id.as_str()));
    }
    state.catalog.known_item(item_id)?;
    field::quantity("quantity", quantity)?;
    field::note("note", note)?;
    Ok(vec![Event::ProcurementAlertRaised {
        alert_id: alert_id.clone(),
        request_id: None,
        item_id: item_id.clone(),
        quantity,
        note: note.to_owned(),
    }])
}

pub(crate) fn resolve(
    state: &State,
    alert_id: &AlertId,
    resolution: AlertResolution,
    note: &str,
) -> Result<Vec<Event>, Rejection> {
    let alert = state
        .alert(alert_id.as_str())
        .ok_or_else(|| Rejection::unknown("alert", alert_id.as_str()))?;
    if !alert.open {
        let message = format!("alert `{alert_id}` is already resolved");
        return Err(Rejection::wrong_stage(message));
    }
    field::note("note", note)?;
    Ok(vec![Event::ProcurementAlertResolved {
        alert_id: alert_id.clone(),
        request_id: alert.request_id.clone(),
        item_id: alert.item_id.clone(),
        resolution,
        note: note.to_owned(),
    }])
}

/// Ids for the next `count` alerts a stock check of this request raises. Derived from the
/// request id and a counter in state so that replaying the same commands mints the same
/// ids; a number already taken by a hand-raised alert is skipped.
pub(crate) fn mint_alert_ids(
    state: &State,
    request_id: &RequestId,
    request: &RequestState,
    count: usize,
) -> Vec<AlertId> {
    let mut ids = Vec::with_capacity(count);
    let mut n = request.alerts_raised;
    while ids.len() < count {
        n += 1;
        let id = AlertId::new(format!("{request_id}.alert-{n}"));
        if state.alert(id.as_str()).is_none() {
            ids.push(id);
        }
    }
    ids
}
