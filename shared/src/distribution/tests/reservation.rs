//! Reservations never exceed what is available, follow first-expiry-first-out, and never
//! take expired stock. A stock check says, per line, whether it is in stock.

use super::*;

fn reserve(request: &str, lines: Vec<RequestLine>) -> Command {
    Command::ReserveStock { request_id: RequestId::from(request), lines, from_location_id: None }
}

#[test]
fn reservations_take_the_soonest_expiry_first() {
    let given = with_catalog(vec![
        received("rice", "pantry", 5, Some(TODAY + 20)),
        received("rice", "storage", 3, Some(TODAY + 2)),
        received("rice", "pantry", 2, Some(TODAY + 6)),
        logged("r1", vec![line("rice", 6)]),
    ]);
    let then = reserved(
        "r1",
        vec![
            allocation("rice", "storage", Some(TODAY + 2), 3),
            allocation("rice", "pantry", Some(TODAY + 6), 2),
            allocation("rice", "pantry", Some(TODAY + 20), 1),
        ],
    );
    check(&given, COORDINATOR, reserve("r1", vec![line("rice", 6)]), Ok(vec![then]));
}

#[test]
fn expired_stock_is_never_reserved() {
    // Received while still good; yesterday was its last day.
    let given = with_catalog(vec![
        received("rice", "pantry", 5, Some(TODAY - 1)),
        received("rice", "pantry", 1, Some(TODAY)),
        logged("r1", vec![line("rice", 3)]),
    ]);
    let then =
        Rejection::InsufficientStock { item_id: "rice".to_owned(), requested: 3, available: 1 };
    check(&given, COORDINATOR, reserve("r1", vec![line("rice", 3)]), Err(then));
}

#[test]
fn stock_that_keeps_is_reserved_after_dated_stock() {
    let given = with_catalog(vec![
        received("soap", "pantry", 4, None),
        received("soap", "storage", 4, Some(TODAY + 300)),
        logged("r1", vec![line("soap", 5)]),
    ]);
    let then = reserved(
        "r1",
        vec![
            allocation("soap", "storage", Some(TODAY + 300), 4),
            allocation("soap", "pantry", None, 1),
        ],
    );
    check(&given, COORDINATOR, reserve("r1", vec![line("soap", 5)]), Ok(vec![then]));
}

#[test]
fn stock_reserved_for_another_request_is_not_available() {
    let given = with_catalog(vec![
        received("soap", "pantry", 5, None),
        logged("r1", vec![line("soap", 4)]),
        reserved("r1", vec![allocation("soap", "pantry", None, 4)]),
        logged("r2", vec![line("soap", 2)]),
    ]);
    let then =
        Rejection::InsufficientStock { item_id: "soap".to_owned(), requested: 2, available: 1 };
    check(&given, COORDINATOR, reserve("r2", vec![line("soap", 2)]), Err(then));
}

#[test]
fn reserving_more_than_the_request_still_needs_is_rejected() {
    let given = with_catalog(vec![
        received("soap", "pantry", 9, None),
        logged("r1", vec![line("soap", 2)]),
    ]);
    let then = Rejection::invalid("lines[0].quantity", "only 2 still needed");
    check(&given, COORDINATOR, reserve("r1", vec![line("soap", 3)]), Err(then));
}

#[test]
fn reserving_an_item_the_request_did_not_ask_for_is_rejected() {
    let given = with_catalog(vec![
        received("soap", "pantry", 9, None),
        logged("r1", vec![line("rice", 2)]),
    ]);
    let then = Rejection::invalid("lines[0].item_id", "`soap` is not on request r1");
    check(&given, COORDINATOR, reserve("r1", vec![line("soap", 1)]), Err(then));
}

#[test]
fn a_reservation_can_be_limited_to_one_location() {
    let given = with_catalog(vec![
        received("soap", "pantry", 2, None),
        received("soap", "storage", 9, None),
        logged("r1", vec![line("soap", 3)]),
    ]);
    let when = Command::ReserveStock {
        request_id: RequestId::from("r1"),
        lines: vec![line("soap", 3)],
        from_location_id: Some(LocationId::from("storage")),
    };
    let then = reserved("r1", vec![allocation("soap", "storage", None, 3)]);
    check(&given, COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn releasing_gives_back_the_latest_expiry_first() {
    let given = with_catalog(vec![
        received("rice", "pantry", 2, Some(TODAY + 2)),
        received("rice", "pantry", 2, Some(TODAY + 8)),
        logged("r1", vec![line("rice", 4)]),
        reserved(
            "r1",
            vec![
                allocation("rice", "pantry", Some(TODAY + 2), 2),
                allocation("rice", "pantry", Some(TODAY + 8), 2),
            ],
        ),
    ]);
    let when = Command::ReleaseStock {
        request_id: RequestId::from("r1"),
        lines: vec![line("rice", 3)],
        reason: "household only needs 1 kg".to_owned(),
    };
    let then = Event::StockReleased {
        request_id: RequestId::from("r1"),
        allocations: vec![
            allocation("rice", "pantry", Some(TODAY + 8), 2),
            allocation("rice", "pantry", Some(TODAY + 2), 1),
        ],
        reason: "household only needs 1 kg".to_owned(),
    };
    check(&given, COORDINATOR, when, Ok(vec![then]));
}

#[test]
fn releasing_stock_that_is_on_a_delivery_is_rejected() {
    let when = Command::ReleaseStock {
        request_id: RequestId::from("r1"),
        lines: vec![line("rice", 1)],
        reason: "changed mind".to_owned(),
    };
    let then = Rejection::invalid("lines[0].quantity", "only 0 reserved and not on a delivery");
    check(&rice_claimed_by_ana(), COORDINATOR, when, Err(then));
}

#[test]
fn a_stock_check_reports_in_stock_partial_and_out_per_line() {
    let given = with_catalog(vec![
        received("soap", "pantry", 9, None),
        received("rice", "pantry", 1, Some(TODAY + 4)),
        logged("r1", vec![line("soap", 2), line("rice", 3), line("heater", 1)]),
    ]);
    let when = Command::CheckStock { request_id: RequestId::from("r1") };
    let checked = |item: &str, outstanding, available, availability, shortfall| LineCheck {
        item_id: ItemId::from(item),
        outstanding,
        available,
        availability,
        shortfall,
    };
    let alert = |n: u32, item: &str, quantity| Event::ProcurementAlertRaised {
        alert_id: AlertId::new(format!("r1.alert-{n}")),
        request_id: Some(RequestId::from("r1")),
        item_id: ItemId::from(item),
        quantity,
        note: "short for request r1".to_owned(),
    };
    let then = vec![
        Event::StockChecked {
            request_id: RequestId::from("r1"),
            lines: vec![
                checked("soap", 2, 9, Availability::InStock, 0),
                checked("rice", 3, 1, Availability::Partial, 2),
                checked("heater", 1, 0, Availability::Out, 1),
            ],
        },
        alert(1, "rice", 2),
        alert(2, "heater", 1),
    ];
    check(&given, COORDINATOR, when, Ok(then));
}
