//! The board, the stock view and the timeline, folded from recorded events.

use super::*;

fn fold(given: &[Event]) -> (Board, StockLevels, Timelines) {
    let (mut board, mut stock, mut timelines) =
        (Board::new(), StockLevels::new(), Timelines::new());
    for r in recorded(given) {
        board.apply(&r);
        stock.apply(&r);
        timelines.apply(&r);
    }
    (board, stock, timelines)
}

#[test]
fn the_board_shows_open_requests_by_stage_with_time_in_stage() {
    let mut given = rice_reserved();
    given.push(logged("r2", vec![line("soap", 1)]));
    let (board, _, _) = fold(&given);
    let columns = board.columns();
    let ids = |stage: Stage| -> Vec<&str> {
        let column =
            columns.iter().find(|c| c.stage == stage).expect("every open stage has a column");
        column.cards.iter().map(|c| c.request_id.as_str()).collect()
    };
    assert_eq!(ids(Stage::Reserved), ["r1"]);
    assert_eq!(ids(Stage::Logged), ["r2"]);
    // r1 was reserved two minutes before now (the given events are a minute apart).
    let r1 = &board.requests["r1"];
    assert_eq!(r1.time_in_stage_ms(NOW_MS), 2 * 60_000);
}

#[test]
fn todays_deliveries_are_the_groups_day_not_utcs() {
    // At 02:00 UTC the next day it is still 21:00 of today in New York (UTC−5): the
    // morning's delivery is today's there, and yesterday's for a group on UTC.
    let evening_in_new_york = NOW_MS - 10 * HOUR_MS + day::MS_PER_DAY + 2 * HOUR_MS;
    let (utc, _, _) = fold(&rice_claimed_by_ana());
    assert!(utc.deliveries_today(evening_in_new_york).is_empty());
    let mut given = vec![Event::TimeZoneSet {
        zone: "America/New_York".to_owned(),
        offsets: vec![crate::clock::Offset { from_ms: 0, seconds: -5 * 3_600 }],
    }];
    given.extend(rice_claimed_by_ana());
    let (new_york, _, _) = fold(&given);
    assert_eq!(new_york.clock.zone_name(), "America/New_York");
    let lanes = new_york.deliveries_today(evening_in_new_york);
    assert_eq!(lanes.len(), 1, "the morning's delivery is still today's");
    // And from New York's midnight (05:00 UTC) on it is yesterday's.
    assert!(new_york.deliveries_today(evening_in_new_york + 3 * HOUR_MS).is_empty());
}

#[test]
fn the_board_shows_todays_deliveries_by_driver_and_status() {
    let mut given = rice_claimed_by_ana();
    given.push(logged("r2", vec![line("soap", 1)]));
    given.push(received("soap", "pantry", 3, None));
    given.push(reserved("r2", vec![allocation("soap", "pantry", None, 1)]));
    given.push(scheduled("d2", "r2", vec![line("soap", 1)], None));
    let (board, _, _) = fold(&given);
    let lanes = board.deliveries_today(NOW_MS);
    type Lane<'a> = (Option<&'a str>, Vec<(&'a str, DeliveryStatus)>);
    let summary: Vec<Lane<'_>> = lanes
        .iter()
        .map(|lane| {
            let deliveries =
                lane.deliveries.iter().map(|d| (d.delivery_id.as_str(), d.status)).collect();
            (lane.driver_id.map(MemberId::as_str), deliveries)
        })
        .collect();
    let expected = vec![
        (None, vec![("d2", DeliveryStatus::Scheduled)]),
        (Some(ANA), vec![("d1", DeliveryStatus::Assigned)]),
    ];
    assert_eq!(summary, expected);
    assert!(board.deliveries_today(NOW_MS + 2 * day::MS_PER_DAY).is_empty());
}

#[test]
fn a_delivered_request_leaves_the_board() {
    let mut given = rice_out_with_ana();
    given.push(Event::DeliveryCompleted {
        delivery_id: DeliveryId::from("d1"),
        request_id: RequestId::from("r1"),
        issued: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    });
    let (board, _, _) = fold(&given);
    assert!(board.requests.is_empty());
    assert_eq!(board.deliveries["d1"].status, DeliveryStatus::Completed);
}

#[test]
fn the_board_lists_open_alerts_until_they_are_resolved() {
    let raised = |id: &str| Event::ProcurementAlertRaised {
        alert_id: AlertId::from(id),
        request_id: None,
        item_id: ItemId::from("heater"),
        quantity: 1,
        note: String::new(),
    };
    let given = with_catalog(vec![
        raised("a1"),
        raised("a2"),
        Event::ProcurementAlertResolved {
            alert_id: AlertId::from("a1"),
            request_id: None,
            item_id: ItemId::from("heater"),
            resolution: AlertResolution::Purchased,
            note: String::new(),
        },
    ]);
    let (board, _, _) = fold(&given);
    let open: Vec<&str> = board.open_alerts().iter().map(|a| a.alert_id.as_str()).collect();
    assert_eq!(open, ["a2"]);
}

#[test]
fn the_board_warns_of_items_below_threshold_and_stock_expiring_within_seven_days() {
    let given = with_catalog(vec![
        Event::LowStockThresholdSet { item_id: ItemId::from("soap"), quantity: 5 },
        received("soap", "pantry", 4, None),
        received("rice", "pantry", 2, Some(TODAY + 7)),
        received("rice", "pantry", 3, Some(TODAY + 8)),
        received("rice", "storage", 1, Some(TODAY - 1)),
    ]);
    let (board, _, _) = fold(&given);
    let expected = vec![
        StockWarning::ExpiringSoon {
            item_id: ItemId::from("rice"),
            location_id: LocationId::from("pantry"),
            expires_on_day: TODAY + 7,
            on_hand: 2,
        },
        StockWarning::Expired {
            item_id: ItemId::from("rice"),
            location_id: LocationId::from("storage"),
            expires_on_day: TODAY - 1,
            on_hand: 1,
        },
        StockWarning::BelowThreshold { item_id: ItemId::from("soap"), available: 4, threshold: 5 },
    ];
    let mut warnings = board.stock_warnings(NOW_MS);
    warnings.sort_by_key(|w| serde_json::to_string(w).unwrap_or_default());
    let mut expected = expected;
    expected.sort_by_key(|w| serde_json::to_string(w).unwrap_or_default());
    assert_eq!(warnings, expected);
}

#[test]
fn the_stock_view_shows_on_hand_reserved_available_and_expiring_per_item_and_location() {
    let mut given = rice_reserved();
    given.push(received("rice", "pantry", 6, Some(TODAY + 30)));
    given.push(received("rice", "storage", 2, Some(TODAY - 2)));
    let (_, stock, _) = fold(&given);
    let rows = stock.rows(day::day_of(NOW_MS));
    let row = |location: &str, on_hand, reserved, available, expiring_soon, expired| StockRow {
        item_id: ItemId::from("rice"),
        location_id: LocationId::from(location),
        on_hand,
        reserved,
        available,
        expiring_soon,
        expired,
    };
    assert_eq!(rows, vec![row("pantry", 16, 4, 12, 10, 0), row("storage", 2, 0, 0, 0, 2)]);
}

#[test]
fn a_request_timeline_lists_every_step_with_time_actor_and_stage() {
    let (_, _, timelines) = fold(&rice_out_with_ana());
    let timeline = timelines.get("r1").expect("r1 has a timeline");
    let steps: Vec<(&str, Stage)> =
        timeline.steps.iter().map(|s| (s.event_type.as_ref(), s.stage)).collect();
    let expected = vec![
        ("RequestLogged", Stage::Logged),
        ("StockReserved", Stage::Reserved),
        ("DeliveryScheduled", Stage::Scheduled),
        ("DeliveryClaimed", Stage::Scheduled),
        ("DeliveryStarted", Stage::OutForDelivery),
    ];
    assert_eq!(steps, expected);
    let first = &timeline.steps[0];
    assert_eq!((first.actor.as_str(), first.position), (COORDINATOR, 10));
    assert_eq!(first.recorded_at_ms, NOW_MS - 5 * 60_000);
    let waited: Vec<i64> = timeline.durations(NOW_MS).iter().map(|(_, ms)| *ms).collect();
    assert_eq!(waited, vec![60_000; 5]);
}
