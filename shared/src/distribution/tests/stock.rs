//! Stock never goes negative at any location, and nothing is edited: corrections are new
//! adjustments that name what they correct, with a reason.

use super::*;

fn adjust(
    change: i64,
    reason: AdjustmentReason,
    note: &str,
    corrects_position: Option<u64>,
) -> Command {
    Command::AdjustStock {
        item_id: ItemId::from("soap"),
        location_id: LocationId::from("pantry"),
        expires_on_day: None,
        change,
        reason,
        note: note.to_owned(),
        corrects_position,
    }
}

fn adjusted(
    change: i64,
    reason: AdjustmentReason,
    note: &str,
    corrects_position: Option<u64>,
) -> Event {
    Event::StockAdjusted {
        item_id: ItemId::from("soap"),
        location_id: LocationId::from("pantry"),
        expires_on_day: None,
        change,
        reason,
        note: note.to_owned(),
        corrects_position,
    }
}

#[test]
fn receiving_a_donation_records_it_at_the_location() {
    let when = Command::ReceiveStock {
        item_id: ItemId::from("rice"),
        location_id: LocationId::from("pantry"),
        quantity: 12,
        expires_on_day: Some(TODAY + 30),
        source: StockSource::Donation { partner_id: PartnerId::from("food-bank") },
    };
    let then = received("rice", "pantry", 12, Some(TODAY + 30));
    check(&catalog(), COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn writing_off_more_than_is_on_the_shelf_is_rejected() {
    let given = with_catalog(vec![received("soap", "pantry", 3, None)]);
    let then =
        Rejection::InsufficientStock { item_id: "soap".to_owned(), requested: 5, available: 3 };
    check(&given, COORDINATOR, adjust(-5, AdjustmentReason::Spoilage, "mouldy", None), Err(then));
}

#[test]
fn writing_off_reserved_stock_is_rejected_until_it_is_released() {
    let given = with_catalog(vec![
        received("soap", "pantry", 3, None),
        logged("r1", vec![line("soap", 2)]),
        reserved("r1", vec![allocation("soap", "pantry", None, 2)]),
    ]);
    let then =
        Rejection::InsufficientStock { item_id: "soap".to_owned(), requested: 2, available: 1 };
    check(&given, COORDINATOR, adjust(-2, AdjustmentReason::Spoilage, "wet", None), Err(then));
}

#[test]
fn transferring_more_than_is_available_at_the_source_is_rejected() {
    let given = with_catalog(vec![
        received("soap", "pantry", 3, None),
        received("soap", "storage", 9, None),
    ]);
    let when = Command::TransferStock {
        item_id: ItemId::from("soap"),
        from_location_id: LocationId::from("pantry"),
        to_location_id: LocationId::from("storage"),
        quantity: 4,
    };
    let then =
        Rejection::InsufficientStock { item_id: "soap".to_owned(), requested: 4, available: 3 };
    check(&given, COORDINATOR, when, Err(then));
}

#[test]
fn a_transfer_moves_unexpired_stock_soonest_expiry_first() {
    let given = with_catalog(vec![
        received("rice", "pantry", 2, Some(TODAY + 9)),
        received("rice", "pantry", 2, Some(TODAY + 3)),
    ]);
    let when = Command::TransferStock {
        item_id: ItemId::from("rice"),
        from_location_id: LocationId::from("pantry"),
        to_location_id: LocationId::from("storage"),
        quantity: 3,
    };
    let then = Event::StockTransferred {
        item_id: ItemId::from("rice"),
        from_location_id: LocationId::from("pantry"),
        to_location_id: LocationId::from("storage"),
        portions: vec![
            Portion { expires_on_day: Some(TODAY + 3), quantity: 2 },
            Portion { expires_on_day: Some(TODAY + 9), quantity: 1 },
        ],
    };
    check(&given, COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn a_correction_is_a_new_adjustment_that_names_the_corrected_receipt_and_why() {
    // Position 9 is the receipt: the catalog takes positions 1 to 8.
    let given = with_catalog(vec![received("soap", "pantry", 30, None)]);
    let note = "typed 30, the box holds 20";
    let when = adjust(-10, AdjustmentReason::CountCorrection, note, Some(9));
    let then = adjusted(-10, AdjustmentReason::CountCorrection, note, Some(9));
    check(&given, COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn a_correction_naming_something_that_is_not_a_movement_of_the_item_is_rejected() {
    let given = with_catalog(vec![received("soap", "pantry", 30, None)]);
    let when = adjust(-10, AdjustmentReason::CountCorrection, "typo", Some(1));
    let then =
        Rejection::invalid("corrects_position", "position 1 is not a logged movement of `soap`");
    check(&given, COORDINATOR, when, Err(then));
}

#[test]
fn an_adjustment_without_a_reason_is_rejected() {
    let given = with_catalog(vec![received("soap", "pantry", 3, None)]);
    let then = Rejection::invalid("note", "a reason is required");
    check(
        &given,
        COORDINATOR,
        adjust(-1, AdjustmentReason::CountCorrection, "  ", None),
        Err(then),
    );
}

#[test]
fn spoilage_cannot_add_stock() {
    let given = with_catalog(vec![received("soap", "pantry", 3, None)]);
    let then = Rejection::invalid("change", "spoilage and expiry can only take stock off");
    check(
        &given,
        COORDINATOR,
        adjust(2, AdjustmentReason::Spoilage, "found more", None),
        Err(then),
    );
}

#[test]
fn an_adjustment_of_zero_is_rejected() {
    let given = with_catalog(vec![received("soap", "pantry", 3, None)]);
    let then = Rejection::invalid("change", "must not be zero");
    check(
        &given,
        COORDINATOR,
        adjust(0, AdjustmentReason::CountCorrection, "recount", None),
        Err(then),
    );
}

#[test]
fn food_received_without_an_expiry_day_is_rejected() {
    let when = Command::ReceiveStock {
        item_id: ItemId::from("rice"),
        location_id: LocationId::from("pantry"),
        quantity: 5,
        expires_on_day: None,
        source: StockSource::Purchase { partner_id: None, alert_id: None },
    };
    let then = Rejection::invalid("expires_on_day", "food needs an expiry day");
    check(&catalog(), COORDINATOR, when, Err(then));
}

#[test]
fn receiving_stock_that_has_already_expired_is_rejected() {
    let when = Command::ReceiveStock {
        item_id: ItemId::from("rice"),
        location_id: LocationId::from("pantry"),
        quantity: 5,
        expires_on_day: Some(TODAY - 1),
        source: StockSource::Purchase { partner_id: None, alert_id: None },
    };
    let then = Rejection::invalid("expires_on_day", "is already past");
    check(&catalog(), COORDINATOR, when, Err(then));
}

#[test]
fn a_donation_from_an_unknown_partner_is_rejected() {
    let when = Command::ReceiveStock {
        item_id: ItemId::from("soap"),
        location_id: LocationId::from("pantry"),
        quantity: 5,
        expires_on_day: None,
        source: StockSource::Donation { partner_id: PartnerId::from("mystery") },
    };
    check(&catalog(), COORDINATOR, when, Err(Rejection::unknown("partner", "mystery")));
}

#[test]
fn a_negative_threshold_is_rejected_and_zero_switches_the_warning_off() {
    let when = |quantity| Command::SetLowStockThreshold { item_id: ItemId::from("soap"), quantity };
    let then = Rejection::invalid("quantity", "must not be negative");
    check(&catalog(), COORDINATOR, when(-1), Err(then));
    let then = Event::LowStockThresholdSet { item_id: ItemId::from("soap"), quantity: 0 };
    check(&catalog(), COORDINATOR, when(0), Ok(vec![then]));
}

#[test]
fn registering_an_item_twice_is_rejected() {
    let when = Command::RegisterItem {
        item_id: ItemId::from("rice"),
        name: "Rice".to_owned(),
        category: ItemCategory::Food,
        unit: "kg".to_owned(),
    };
    check(&catalog(), COORDINATOR, when, Err(Rejection::exists("item", "rice")));
}

#[test]
fn extreme_numbers_are_refused_without_overflowing() {
    let given = with_catalog(vec![received("soap", "pantry", 3, None)]);
    let then = Rejection::invalid("change", "must be between -1000000000 and 1000000000");
    check(
        &given,
        COORDINATOR,
        adjust(i64::MIN, AdjustmentReason::CountCorrection, "typo", None),
        Err(then),
    );
    let receive = |quantity, expires_on_day| Command::ReceiveStock {
        item_id: ItemId::from("rice"),
        location_id: LocationId::from("pantry"),
        quantity,
        expires_on_day,
        source: StockSource::Purchase { partner_id: None, alert_id: None },
    };
    let then = Rejection::invalid("quantity", "must be at most 1000000000");
    check(&catalog(), COORDINATOR, receive(i64::MAX, Some(TODAY)), Err(then));
    let then = Rejection::invalid("expires_on_day", "must be a day number between 0 and 100000");
    check(&catalog(), COORDINATOR, receive(1, Some(i64::MAX)), Err(then));
    let mut when = schedule("d1", "r1", vec![line("rice", 4)], None);
    if let Command::ScheduleDelivery { window_start_ms, window_end_ms, .. } = &mut when {
        (*window_start_ms, *window_end_ms) = (i64::MAX, i64::MIN);
    }
    let then = Rejection::invalid("window_end_ms", "must be after window_start_ms");
    check(&rice_reserved(), COORDINATOR, when, Err(then));
    let board = Board::new();
    assert!(
        board.deliveries_today(i64::MAX).is_empty() && board.stock_warnings(i64::MIN).is_empty()
    );
}
