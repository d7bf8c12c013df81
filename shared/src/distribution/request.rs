//! A household's request for help: logged, then carried through stock, delivery and
//! feedback. The household is a pseudonymous id; what could identify a person lives only in
//! the sealed personal data, so counts and stock stay meaningful once it is erased.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::id::{AlertId, HouseholdId, ItemId, RequestId, StandingOrderId, Zone, check_new_id};
use super::procurement::AlertResolution;
use super::progress::RequestProgress;
use super::rejection::Rejection;
use super::state::State;
use super::stock::Allocation;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedCategory {
    Food,
    Hygiene,
    Medical,
    Clothing,
    /// A freezer, a cot, a heater.
    Equipment,
    /// A ride to a clinic.
    Transport,
    Other,
}

/// Ordered: `Urgent` sorts last, so the board sorts by it descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Routine,
    Soon,
    Urgent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    Phone,
    Sms,
    /// WhatsApp, Signal and the like.
    Messaging,
    Email,
    InPerson,
}

/// A quantity of one item, in the item's unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLine {
    pub item_id: ItemId,
    pub quantity: i64,
}

/// Which date of which standing order a request was logged for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    pub order_id: StandingOrderId,
    /// The group's local day the order falls on (see [`crate::clock`]).
    pub day: i64,
}

pub use crate::kernel::SealedPersonalData;

/// What `decide` knows about a logged request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestState {
    pub household_id: HouseholdId,
    pub progress: RequestProgress,
    /// The batches reserved and not yet issued, soonest expiry first.
    pub allocations: Vec<Allocation>,
    /// Alerts this request raised automatically, for minting the next alert id.
    pub alerts_raised: u32,
    /// Open alerts raised for this request, by item, in the order raised.
    pub open_alerts: Vec<(ItemId, AlertId)>,
}

/// The fields of a `LogRequest` command.
pub(crate) struct NewRequest<'a> {
    pub request_id: &'a RequestId,
    pub household_id: &'a HouseholdId,
    pub lines: &'a [RequestLine],
    pub household_size: i64,
    pub zone: &'a Zone,
    pub preferred_language: &'a str,
    pub personal_data: Option<&'a SealedPersonalData>,
}

/// The largest household a request may name; more is a typo.
pub const MAX_HOUSEHOLD_SIZE: i64 = 100;

/// Checks a new request. The caller builds the event from the command's own fields.
pub(crate) fn check_new(state: &State, new: &NewRequest<'_>) -> Result<(), Rejection> {
    check_new_id("request_id", new.request_id.as_str())?;
    check_new_id("household_id", new.household_id.as_str())?;
    if state.request(new.request_id.as_str()).is_some() {
        return Err(Rejection::exists("request", new.request_id.as_str()));
    }
    if state.erased_households.contains(new.household_id) {
        let message = format!(
            "household `{}` is erased: log the request under a new household id",
            new.household_id
        );
        return Err(Rejection::wrong_stage(message));
    }
    if new.lines.is_empty() {
        return Err(Rejection::invalid("lines", "a request needs at least one line"));
    }
    check_lines(state, new.lines)?;
    check_household(new.household_size, new.zone, new.preferred_language, new.personal_data)
}

/// What a request and a registration say of a household: its size, zone, language and
/// sealed personal data.
pub(crate) fn check_household(
    household_size: i64,
    zone: &Zone,
    preferred_language: &str,
    personal_data: Option<&SealedPersonalData>,
) -> Result<(), Rejection> {
    if !(1..=MAX_HOUSEHOLD_SIZE).contains(&household_size) {
        let reason = format!("must be between 1 and {MAX_HOUSEHOLD_SIZE}");
        return Err(Rejection::invalid("household_size", reason));
    }
    field::name("zone", zone.as_str())?;
    field::name("preferred_language", preferred_language)?;
    if personal_data.is_some_and(|p| p.ciphertext().len() > SealedPersonalData::MAX_BYTES) {
        let reason = format!("must be at most {} bytes", SealedPersonalData::MAX_BYTES);
        return Err(Rejection::invalid("personal_data", reason));
    }
    Ok(())
}

/// Each line names a known item once, with a positive quantity.
pub(crate) fn check_lines(state: &State, lines: &[RequestLine]) -> Result<(), Rejection> {
    for (i, line) in lines.iter().enumerate() {
        field::quantity(&format!("lines[{i}].quantity"), line.quantity)?;
        state.catalog.known_item(&line.item_id)?;
        if lines[..i].iter().any(|earlier| earlier.item_id == line.item_id) {
            let reason = format!("`{}` is listed twice", line.item_id);
            return Err(Rejection::invalid(format!("lines[{i}].item_id"), reason));
        }
    }
    Ok(())
}

/// Finds a request that is still open.
pub(crate) fn open_request<'s>(
    state: &'s State,
    request_id: &RequestId,
) -> Result<&'s RequestState, Rejection> {
    let request = state
        .request(request_id.as_str())
        .ok_or_else(|| Rejection::unknown("request", request_id.as_str()))?;
    let stage = request.progress.stage();
    if !stage.is_open() {
        let message = format!("request `{request_id}` is closed ({stage:?})");
        return Err(Rejection::wrong_stage(message));
    }
    Ok(request)
}

pub(crate) fn cancel(
    state: &State,
    request_id: &RequestId,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let request = open_request(state, request_id)?;
    field::reason("reason", reason)?;
    let cancelled_delivery_ids = request
        .progress
        .deliveries
        .iter()
        .filter(|d| d.status.is_active())
        .map(|d| d.delivery_id.clone())
        .collect();
    let mut events = vec![Event::RequestCancelled {
        request_id: request_id.clone(),
        reason: reason.to_owned(),
        released: request.allocations.clone(),
        cancelled_delivery_ids,
    }];
    // Alerts raised for this household would otherwise sit on the board for nobody.
    for (item_id, alert_id) in &request.open_alerts {
        events.push(Event::ProcurementAlertResolved {
            alert_id: alert_id.clone(),
            request_id: Some(request_id.clone()),
            item_id: item_id.clone(),
            resolution: AlertResolution::NotNeeded,
            note: "request cancelled".to_owned(),
        });
    }
    Ok(events)
}
