//! Logging a request (never any eligibility proof; personal data only sealed), bad fields,
//! cancellation at any step, and feedback.

use super::*;

#[test]
fn a_request_is_logged_with_its_lines_and_household_details() {
    let when = log_request("r1", vec![line("rice", 2), line("soap", 1)]);
    let then = logged("r1", vec![line("rice", 2), line("soap", 1)]);
    check(&catalog(), COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn an_empty_request_is_rejected() {
    let then = Rejection::invalid("lines", "a request needs at least one line");
    check(&catalog(), COORDINATOR, log_request("r1", vec![]), Err(then));
}

#[test]
fn a_zero_quantity_is_rejected() {
    let then = Rejection::invalid("lines[1].quantity", "must be more than zero");
    check(
        &catalog(),
        COORDINATOR,
        log_request("r1", vec![line("rice", 1), line("soap", 0)]),
        Err(then),
    );
}

#[test]
fn a_negative_quantity_is_rejected() {
    let then = Rejection::invalid("lines[0].quantity", "must be more than zero");
    check(&catalog(), COORDINATOR, log_request("r1", vec![line("rice", -2)]), Err(then));
}

#[test]
fn an_unknown_item_is_rejected() {
    let then = Rejection::unknown("item", "caviar");
    check(&catalog(), COORDINATOR, log_request("r1", vec![line("caviar", 1)]), Err(then));
}

#[test]
fn an_item_listed_twice_is_rejected() {
    let then = Rejection::invalid("lines[1].item_id", "`rice` is listed twice");
    check(
        &catalog(),
        COORDINATOR,
        log_request("r1", vec![line("rice", 1), line("rice", 2)]),
        Err(then),
    );
}

#[test]
fn an_id_longer_than_64_characters_is_rejected() {
    let then = Rejection::invalid("request_id", "must be at most 64 characters");
    check(&catalog(), COORDINATOR, log_request(&"r".repeat(65), vec![line("rice", 1)]), Err(then));
}

#[test]
fn an_empty_id_is_rejected() {
    let then = Rejection::invalid("request_id", "must not be empty");
    check(&catalog(), COORDINATOR, log_request("", vec![line("rice", 1)]), Err(then));
}

#[test]
fn logging_the_same_request_twice_is_rejected() {
    let given = with_catalog(vec![logged("r1", vec![line("rice", 1)])]);
    check(
        &given,
        COORDINATOR,
        log_request("r1", vec![line("rice", 1)]),
        Err(Rejection::exists("request", "r1")),
    );
}

#[test]
fn a_household_of_nobody_is_rejected() {
    let mut when = log_request("r1", vec![line("rice", 1)]);
    if let Command::LogRequest { household_size, .. } = &mut when {
        *household_size = 0;
    }
    check(
        &catalog(),
        COORDINATOR,
        when,
        Err(Rejection::invalid("household_size", "must be between 1 and 100")),
    );
}

#[test]
fn personal_data_travels_only_in_the_sealed_field_and_never_in_debug_output() {
    let sealed = SealedPersonalData::new("v1:ciphertext-of-name-phone-address");
    let mut when = log_request("r1", vec![line("rice", 1)]);
    let mut then = logged("r1", vec![line("rice", 1)]);
    if let Command::LogRequest { personal_data, .. } = &mut when {
        *personal_data = Some(sealed.clone());
    }
    if let Event::RequestLogged { personal_data, .. } = &mut then {
        *personal_data = Some(sealed.clone());
    }
    check(&catalog(), COORDINATOR, when, Ok(vec![then.clone()]));
    assert!(!format!("{then:?}").contains("ciphertext"));
    // The plain payload has no field for a name, address, phone, health note or proof.
    let json = serde_json::to_value(&then).expect("events serialise");
    let mut keys: Vec<&str> =
        json.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    keys.sort_unstable();
    let expected = [
        "contact_channel",
        "household_id",
        "household_size",
        "lines",
        "need_category",
        "number",
        "personal_data",
        "preferred_language",
        "request_id",
        "type",
        "urgency",
        "zone",
    ];
    assert_eq!(keys, expected);
}

#[test]
fn cancelling_a_request_releases_everything_and_closes_its_deliveries_and_alerts() {
    let mut given = rice_claimed_by_ana();
    given.push(Event::ProcurementAlertRaised {
        alert_id: AlertId::from("r1.alert-1"),
        request_id: Some(RequestId::from("r1")),
        item_id: ItemId::from("rice"),
        quantity: 2,
        note: String::new(),
    });
    let when = Command::CancelRequest {
        request_id: RequestId::from("r1"),
        reason: "moved away".to_owned(),
    };
    let then = vec![
        Event::RequestCancelled {
            request_id: RequestId::from("r1"),
            reason: "moved away".to_owned(),
            released: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
            cancelled_delivery_ids: vec![DeliveryId::from("d1")],
        },
        Event::ProcurementAlertResolved {
            alert_id: AlertId::from("r1.alert-1"),
            request_id: Some(RequestId::from("r1")),
            item_id: ItemId::from("rice"),
            resolution: AlertResolution::NotNeeded,
            note: "request cancelled".to_owned(),
        },
    ];
    check(&given, COORDINATOR, when, Ok(then.clone()));
    given.extend(then);
    let state = state_after(&given);
    let batch = state.stock().batch("rice", "pantry", Shelf::Expires(TODAY + 5));
    assert_eq!(batch, Batch { on_hand: 10, reserved: 0 });
}

#[test]
fn a_delivered_request_cannot_be_cancelled() {
    let mut given = rice_out_with_ana();
    given.push(Event::DeliveryCompleted {
        delivery_id: DeliveryId::from("d1"),
        request_id: RequestId::from("r1"),
        issued: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    });
    let when =
        Command::CancelRequest { request_id: RequestId::from("r1"), reason: "late".to_owned() };
    check(
        &given,
        COORDINATOR,
        when,
        Err(Rejection::wrong_stage("request `r1` is closed (Delivered)")),
    );
}

#[test]
fn cancelling_without_a_reason_is_rejected() {
    let when = Command::CancelRequest { request_id: RequestId::from("r1"), reason: String::new() };
    check(
        &rice_reserved(),
        COORDINATOR,
        when,
        Err(Rejection::invalid("reason", "a reason is required")),
    );
}

#[test]
fn feedback_is_recorded_from_the_household_and_from_the_volunteer() {
    for from in [FeedbackFrom::Household, FeedbackFrom::Volunteer] {
        let when = Command::RecordFeedback {
            request_id: RequestId::from("r1"),
            from,
            rating: 5,
            text: "ok".to_owned(),
        };
        let then = Event::FeedbackRecorded {
            request_id: RequestId::from("r1"),
            from,
            rating: 5,
            text: "ok".to_owned(),
        };
        check(&rice_reserved(), ANA, when, Ok(vec![then]));
    }
}

#[test]
fn a_rating_outside_one_to_five_is_rejected() {
    let when = Command::RecordFeedback {
        request_id: RequestId::from("r1"),
        from: FeedbackFrom::Household,
        rating: 6,
        text: String::new(),
    };
    check(
        &rice_reserved(),
        ANA,
        when,
        Err(Rejection::invalid("rating", "must be between 1 and 5")),
    );
}
