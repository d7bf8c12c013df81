//! A household as the group knows it: a pseudonymous id named by its requests. Its personal
//! data is sealed outside this crate under a key of its own; erasing the household destroys
//! that key (the server does it once `HouseholdErased` is durable), so the ciphertext left in
//! the log can never be read again while every count, stock level and stage stays as it was.
//! Who opened a household's contact details is recorded too (`ContactDetailsViewed`).

use super::command::Command;
use super::event::Event;
use super::field;
use super::id::{HouseholdId, RequestId, check_new_id};
use super::rejection::Rejection;
use super::request::check_household;
use super::state::State;

/// Registers a household no request has named yet, with the same checks as a new request's
/// household fields. An erased household's id is never used again.
pub(crate) fn register(state: &State, command: &Command) -> Result<Vec<Event>, Rejection> {
    let Command::RegisterHousehold {
        household_id,
        household_size,
        zone,
        preferred_language,
        contact_channel,
        personal_data,
    } = command
    else {
        unreachable!("`decide` routes only RegisterHousehold here");
    };
    check_new_id("household_id", household_id.as_str())?;
    if state.erased_households.contains(household_id) {
        let message = format!("household `{household_id}` is erased: use a new household id");
        return Err(Rejection::wrong_stage(message));
    }
    if state.households.contains(household_id) {
        return Err(Rejection::exists("household", household_id.as_str()));
    }
    check_household(*household_size, zone, preferred_language, personal_data.as_ref())?;
    let zone = super::settings::listed_zone(state, "zone", zone)?;
    Ok(vec![Event::HouseholdRegistered {
        household_id: household_id.clone(),
        household_size: *household_size,
        zone,
        preferred_language: preferred_language.clone(),
        contact_channel: *contact_channel,
        personal_data: personal_data.clone(),
    }])
}

/// Erases a household that some request named and that is not already erased. The reason is
/// kept in the log for good: it must not hold personal data itself.
pub(crate) fn erase(
    state: &State,
    household_id: &HouseholdId,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    known(state, household_id)?;
    field::reason("reason", reason)?;
    Ok(vec![Event::HouseholdErased {
        household_id: household_id.clone(),
        reason: reason.to_owned(),
    }])
}

/// Records that the acting member opened the contact details of a request's household.
pub(crate) fn record_view(
    state: &State,
    request_id: &RequestId,
    household_id: &HouseholdId,
) -> Result<Vec<Event>, Rejection> {
    let request = state
        .request(request_id.as_str())
        .ok_or_else(|| Rejection::unknown("request", request_id.as_str()))?;
    if &request.household_id != household_id {
        let message = format!("request `{request_id}` is not of household `{household_id}`");
        return Err(Rejection::invalid("household_id", message));
    }
    known(state, household_id)?;
    Ok(vec![Event::ContactDetailsViewed {
        request_id: request_id.clone(),
        household_id: household_id.clone(),
    }])
}

/// The household is named by a request and not erased.
fn known(state: &State, household_id: &HouseholdId) -> Result<(), Rejection> {
    if !state.households.contains(household_id) {
        return Err(Rejection::unknown("household", household_id.as_str()));
    }
    if state.erased_households.contains(household_id) {
        return Err(Rejection::wrong_stage(format!("household `{household_id}` is erased")));
    }
    Ok(())
}
