//! A delivery is only scheduled for reserved lines and claimed by one driver; completing it
//! issues exactly the reserved stock; failing it keeps the reservation for a reschedule.

use super::*;

fn d1() -> DeliveryId {
    DeliveryId::from("d1")
}

fn r1() -> RequestId {
    RequestId::from("r1")
}

#[test]
fn scheduling_without_reserved_stock_is_rejected() {
    let given = with_catalog(vec![
        received("rice", "pantry", 10, Some(TODAY + 5)),
        logged("r1", vec![line("rice", 4)]),
    ]);
    let then =
        Rejection::invalid("lines[0].quantity", "only 0 of `rice` reserved and not yet scheduled");
    check(&given, COORDINATOR, schedule("d1", "r1", vec![line("rice", 4)], None), Err(then));
}

#[test]
fn scheduling_more_than_is_reserved_is_rejected() {
    let then =
        Rejection::invalid("lines[0].quantity", "only 4 of `rice` reserved and not yet scheduled");
    check(
        &rice_reserved(),
        COORDINATOR,
        schedule("d1", "r1", vec![line("rice", 5)], None),
        Err(then),
    );
}

#[test]
fn lines_already_on_an_active_delivery_cannot_be_scheduled_again() {
    let then =
        Rejection::invalid("lines[0].quantity", "only 0 of `rice` reserved and not yet scheduled");
    check(
        &rice_claimed_by_ana(),
        COORDINATOR,
        schedule("d2", "r1", vec![line("rice", 1)], None),
        Err(then),
    );
}

#[test]
fn reserved_lines_are_scheduled_with_a_driver_and_a_window() {
    let when = schedule("d1", "r1", vec![line("rice", 4)], Some(BO));
    let then = scheduled("d1", "r1", vec![line("rice", 4)], Some(BO));
    check(&rice_reserved(), COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn a_window_ending_before_it_starts_is_rejected() {
    let mut when = schedule("d1", "r1", vec![line("rice", 4)], None);
    if let Command::ScheduleDelivery { window_end_ms, .. } = &mut when {
        *window_end_ms = NOW_MS;
    }
    let then = Rejection::invalid("window_end_ms", "must be after window_start_ms");
    check(&rice_reserved(), COORDINATOR, when, Err(then));
}

#[test]
fn scheduling_with_an_unknown_driver_is_rejected() {
    let when = schedule("d1", "r1", vec![line("rice", 4)], Some("zed"));
    check(&rice_reserved(), COORDINATOR, when, Err(Rejection::unknown("driver", "zed")));
}

#[test]
fn a_pickup_with_a_driver_is_rejected() {
    let mut when = schedule("d1", "r1", vec![line("rice", 4)], Some(ANA));
    if let Command::ScheduleDelivery { kind, .. } = &mut when {
        *kind = DeliveryKind::Pickup;
    }
    check(
        &rice_reserved(),
        COORDINATOR,
        when,
        Err(Rejection::invalid("driver_id", "a pickup has no driver")),
    );
}

#[test]
fn a_driver_claims_an_unassigned_delivery() {
    let mut given = rice_reserved();
    given.push(scheduled("d1", "r1", vec![line("rice", 4)], None));
    let then = Event::DeliveryClaimed {
        delivery_id: d1(),
        request_id: r1(),
        driver_id: MemberId::from(BO),
    };
    check(&given, BO, Command::ClaimDelivery { delivery_id: d1() }, Ok(vec![then]));
}

#[test]
fn a_second_driver_claiming_a_delivery_gets_a_conflict() {
    let then =
        Rejection::Conflict { message: "delivery `d1` is already claimed by ana".to_owned() };
    check(&rice_claimed_by_ana(), BO, Command::ClaimDelivery { delivery_id: d1() }, Err(then));
}

#[test]
fn the_same_driver_claiming_again_changes_nothing() {
    check(&rice_claimed_by_ana(), ANA, Command::ClaimDelivery { delivery_id: d1() }, Ok(vec![]));
}

#[test]
fn a_claim_by_a_member_who_is_not_a_driver_is_rejected() {
    let mut given = rice_reserved();
    given.push(scheduled("d1", "r1", vec![line("rice", 4)], None));
    check(
        &given,
        "zed",
        Command::ClaimDelivery { delivery_id: d1() },
        Err(Rejection::unknown("driver", "zed")),
    );
}

#[test]
fn communications_confirms_with_the_household_in_its_language() {
    let when = Command::ConfirmWithHousehold {
        delivery_id: d1(),
        channel: ContactChannel::Phone,
        language: "es".to_owned(),
    };
    let then = Event::HouseholdConfirmed {
        delivery_id: d1(),
        request_id: r1(),
        channel: ContactChannel::Phone,
        language: "es".to_owned(),
    };
    check(&rice_claimed_by_ana(), "yusuf", when, Ok(vec![then]));
}

#[test]
fn starting_a_delivery_nobody_has_claimed_is_rejected() {
    let mut given = rice_reserved();
    given.push(scheduled("d1", "r1", vec![line("rice", 4)], None));
    let then = Rejection::wrong_stage("delivery `d1` has no driver yet");
    check(&given, ANA, Command::StartDelivery { delivery_id: d1() }, Err(then));
}

#[test]
fn completing_a_delivery_that_has_not_started_is_rejected() {
    let then = Rejection::wrong_stage("delivery `d1` has not been started");
    check(&rice_claimed_by_ana(), ANA, Command::CompleteDelivery { delivery_id: d1() }, Err(then));
}

#[test]
fn completing_a_delivery_issues_exactly_the_reserved_stock() {
    let then = Event::DeliveryCompleted {
        delivery_id: d1(),
        request_id: r1(),
        issued: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    };
    check(
        &rice_out_with_ana(),
        ANA,
        Command::CompleteDelivery { delivery_id: d1() },
        Ok(vec![then]),
    );
}

#[test]
fn a_completed_delivery_leaves_the_rest_of_the_shelf_untouched() {
    let mut given = rice_out_with_ana();
    given.push(Event::DeliveryCompleted {
        delivery_id: d1(),
        request_id: r1(),
        issued: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    });
    let state = state_after(&given);
    let batch = state.stock().batch("rice", "pantry", Shelf::Expires(TODAY + 5));
    assert_eq!(batch, Batch { on_hand: 6, reserved: 0 });
    assert_eq!(state.request("r1").map(|r| r.progress.stage()), Some(Stage::Delivered));
}

#[test]
fn a_failed_delivery_keeps_its_reservation() {
    let mut given = rice_out_with_ana();
    given.push(Event::DeliveryFailed {
        delivery_id: d1(),
        request_id: r1(),
        lines: vec![line("rice", 4)],
        reason: FailureReason::NobodyHome,
        note: String::new(),
    });
    let state = state_after(&given);
    let batch = state.stock().batch("rice", "pantry", Shelf::Expires(TODAY + 5));
    assert_eq!(batch, Batch { on_hand: 10, reserved: 4 });
    assert_eq!(state.request("r1").map(|r| r.progress.stage()), Some(Stage::Failed));
    // And the reserved lines can be scheduled again, naming the failed delivery.
    let mut when = schedule("d2", "r1", vec![line("rice", 4)], Some(BO));
    let mut then = scheduled("d2", "r1", vec![line("rice", 4)], Some(BO));
    if let Command::ScheduleDelivery { replaces_delivery_id, .. } = &mut when {
        *replaces_delivery_id = Some(d1());
    }
    if let Event::DeliveryScheduled { replaces_delivery_id, .. } = &mut then {
        *replaces_delivery_id = Some(d1());
    }
    check(&given, COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn a_failure_for_another_reason_needs_a_note() {
    let when = Command::FailDelivery {
        delivery_id: d1(),
        reason: FailureReason::Other,
        note: String::new(),
    };
    check(&rice_out_with_ana(), ANA, when, Err(Rejection::invalid("note", "a reason is required")));
}

#[test]
fn rescheduling_a_delivery_that_did_not_fail_is_rejected() {
    let mut given = rice_reserved();
    given.push(scheduled("d1", "r1", vec![line("rice", 2)], None));
    let mut when = schedule("d2", "r1", vec![line("rice", 2)], None);
    if let Command::ScheduleDelivery { replaces_delivery_id, .. } = &mut when {
        *replaces_delivery_id = Some(d1());
    }
    let then =
        Rejection::invalid("replaces_delivery_id", "`d1` is not a failed delivery of request r1");
    check(&given, COORDINATOR, when, Err(then));
}
