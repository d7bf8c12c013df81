//! Erasing a household (crypto-shredding: the server destroys its key) and recording who
//! opened its contact details.

use super::*;

fn erase(household: &str, reason: &str) -> Command {
    Command::EraseHousehold { household_id: HouseholdId::from(household), reason: reason.into() }
}

fn erased(household: &str, reason: &str) -> Event {
    Event::HouseholdErased { household_id: HouseholdId::from(household), reason: reason.into() }
}

fn view(request: &str, household: &str) -> Command {
    Command::RecordContactView {
        request_id: RequestId::from(request),
        household_id: HouseholdId::from(household),
    }
}

#[test]
fn a_household_named_by_a_request_is_erased_on_its_own_stream() {
    let when = erase("hh-7", "asked to be forgotten");
    assert_eq!(when.stream(), "household-hh-7");
    check(&rice_reserved(), COORDINATOR, when, Ok(vec![erased("hh-7", "asked to be forgotten")]));
}

#[test]
fn an_unknown_household_cannot_be_erased() {
    let then = Rejection::unknown("household", "hh-9");
    check(&rice_reserved(), COORDINATOR, erase("hh-9", "asked"), Err(then));
}

#[test]
fn a_household_is_erased_only_once() {
    let mut given = rice_reserved();
    given.push(erased("hh-7", "asked"));
    let then = Rejection::wrong_stage("household `hh-7` is erased");
    check(&given, COORDINATOR, erase("hh-7", "again"), Err(then));
}

#[test]
fn an_erasure_needs_a_reason() {
    let then = Rejection::invalid("reason", "a reason is required");
    check(&rice_reserved(), COORDINATOR, erase("hh-7", " "), Err(then));
}

#[test]
fn an_erased_household_gets_no_new_request() {
    let mut given = rice_reserved();
    given.push(erased("hh-7", "asked"));
    let message = "household `hh-7` is erased: log the request under a new household id";
    let when = log_request("r2", vec![line("rice", 1)]);
    check(&given, COORDINATOR, when, Err(Rejection::wrong_stage(message)));
}

#[test]
fn erasing_a_household_changes_no_request_stock_or_stage() {
    let before = state_after(&rice_claimed_by_ana());
    let mut given = rice_claimed_by_ana();
    given.push(erased("hh-7", "asked"));
    let after = state_after(&given);
    assert_eq!(after.request("r1"), before.request("r1"));
    assert_eq!(after.stock(), before.stock());
    assert!(after.household_erased("hh-7") && !before.household_erased("hh-7"));
    // The request goes on: the delivery can still be started.
    let start = Command::StartDelivery { delivery_id: DeliveryId::from("d1") };
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(ANA) };
    assert!(decide(&after, &start, &ctx).is_ok());
}

#[test]
fn a_contact_view_is_recorded_on_the_households_stream() {
    let when = view("r1", "hh-7");
    assert_eq!(when.stream(), "household-hh-7");
    let then = Event::ContactDetailsViewed {
        request_id: RequestId::from("r1"),
        household_id: HouseholdId::from("hh-7"),
    };
    check(&rice_reserved(), COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn a_contact_view_names_the_requests_own_household() {
    let then = Rejection::invalid("household_id", "request `r1` is not of household `hh-8`");
    check(&rice_reserved(), COORDINATOR, view("r1", "hh-8"), Err(then));
    let then = Rejection::unknown("request", "r9");
    check(&rice_reserved(), COORDINATOR, view("r9", "hh-7"), Err(then));
}

#[test]
fn an_erased_households_contact_details_are_not_viewed() {
    let mut given = rice_reserved();
    given.push(erased("hh-7", "asked"));
    let then = Rejection::wrong_stage("household `hh-7` is erased");
    check(&given, COORDINATOR, view("r1", "hh-7"), Err(then));
}

#[test]
fn a_contact_view_and_an_erasure_leave_the_board_and_timeline_alone() {
    let (mut board, mut timelines) = (Board::new(), Timelines::new());
    let mut given = rice_reserved();
    for r in recorded(&given) {
        board.apply(&r);
        timelines.apply(&r);
    }
    let (board_before, timelines_before) = (board.clone(), timelines.clone());
    given.push(Event::ContactDetailsViewed {
        request_id: RequestId::from("r1"),
        household_id: HouseholdId::from("hh-7"),
    });
    given.push(erased("hh-7", "asked"));
    for r in recorded(&given).into_iter().skip(given.len() - 2) {
        board.apply(&r);
        timelines.apply(&r);
    }
    assert_eq!(board.requests, board_before.requests);
    assert_eq!(board.stock, board_before.stock);
    assert_eq!(timelines, timelines_before);
}

fn register(household: &str, size: i64) -> Command {
    Command::RegisterHousehold {
        household_id: HouseholdId::from(household),
        household_size: size,
        zone: Zone::new("north"),
        preferred_language: "en".to_owned(),
        contact_channel: ContactChannel::Phone,
        personal_data: None,
    }
}

fn registered(household: &str, size: i64) -> Event {
    Event::HouseholdRegistered {
        household_id: HouseholdId::from(household),
        household_size: size,
        zone: Zone::new("north"),
        preferred_language: "en".to_owned(),
        contact_channel: ContactChannel::Phone,
        personal_data: None,
    }
}

#[test]
fn a_household_from_a_contact_list_is_registered_once_and_can_be_erased() {
    let when = register("hh-20", 4);
    assert_eq!(when.stream(), "household-hh-20");
    check(&[], COORDINATOR, when, Ok(vec![registered("hh-20", 4)]));
    let then = Rejection::exists("household", "hh-20");
    check(&[registered("hh-20", 4)], COORDINATOR, register("hh-20", 4), Err(then));
    let erasure = Ok(vec![erased("hh-20", "asked")]);
    check(&[registered("hh-20", 4)], COORDINATOR, erase("hh-20", "asked"), erasure);
}

#[test]
fn an_erased_or_impossible_household_is_not_registered() {
    let given = [registered("hh-20", 4), erased("hh-20", "asked")];
    let then = Rejection::wrong_stage("household `hh-20` is erased: use a new household id");
    check(&given, COORDINATOR, register("hh-20", 4), Err(then));
    let then = Rejection::invalid("household_size", "must be between 1 and 100");
    check(&[], COORDINATOR, register("hh-21", 0), Err(then));
}
