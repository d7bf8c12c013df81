//! The group's settings and what they change: zones kept as a list, the short numbers of
//! requests, when a card is late, and taking a completion back.

use super::*;

fn d1() -> DeliveryId {
    DeliveryId::from("d1")
}

fn completed() -> Event {
    Event::DeliveryCompleted {
        delivery_id: d1(),
        request_id: RequestId::from("r1"),
        issued: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    }
}

/// [`rice_out_with_ana`] completed by the coordinator, who recorded every given event.
fn rice_delivered() -> Vec<Event> {
    let mut given = rice_out_with_ana();
    given.push(completed());
    given
}

fn zone(name: &str) -> Zone {
    Zone::new(name)
}

#[test]
fn a_zone_is_added_once_whatever_its_case() {
    let then = Event::ZoneAdded { zone: zone("North") };
    check(&[], COORDINATOR, Command::AddZone { zone: zone(" North ") }, Ok(vec![then.clone()]));
    let given = [then];
    let twice = Rejection::exists("zone", "north");
    check(&given, COORDINATOR, Command::AddZone { zone: zone("north") }, Err(twice));
    let removed = Event::ZoneRemoved { zone: zone("North") };
    check(&given, COORDINATOR, Command::RemoveZone { zone: zone("NORTH") }, Ok(vec![removed]));
    let unknown = Rejection::unknown("zone", "south");
    check(&given, COORDINATOR, Command::RemoveZone { zone: zone("south") }, Err(unknown));
}

#[test]
fn with_a_list_of_zones_a_request_names_one_of_them_as_the_list_spells_it() {
    let given = with_catalog(vec![Event::ZoneAdded { zone: zone("North") }]);
    let mut when = log_request("r1", vec![line("rice", 1)]);
    if let Command::LogRequest { zone: z, .. } = &mut when {
        *z = zone("north");
    }
    let state = state_after(&given);
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(COORDINATOR) };
    let events = decide(&state, &when, &ctx).expect("a listed zone");
    let Event::RequestLogged { zone: logged_zone, number, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!((logged_zone.as_str(), *number), ("North", 1));
    if let Command::LogRequest { zone: z, .. } = &mut when {
        *z = zone("Nord");
    }
    assert_eq!(decide(&state, &when, &ctx), Err(Rejection::unknown("zone", "Nord")));
}

#[test]
fn requests_are_numbered_in_the_order_logged_and_old_ones_by_their_place() {
    // Two requests logged before numbers were given, one after.
    let mut old = logged("r1", vec![line("rice", 1)]);
    if let Event::RequestLogged { number, .. } = &mut old {
        *number = 0;
    }
    let mut second = logged("r2", vec![line("rice", 1)]);
    if let Event::RequestLogged { number, .. } = &mut second {
        *number = 0;
    }
    let given = with_catalog(vec![old, second]);
    let state = state_after(&given);
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(COORDINATOR) };
    let events = decide(&state, &log_request("r3", vec![line("rice", 1)]), &ctx).expect("logged");
    assert!(matches!(events[0], Event::RequestLogged { number: 3, .. }), "{events:?}");
    let mut board = Board::new();
    let mut timelines = Timelines::new();
    let mut all = recorded(&given);
    all.push(Recorded {
        position: 99,
        recorded_at_ms: NOW_MS,
        actor: "ana".into(),
        event: events[0].clone(),
    });
    for r in &all {
        board.apply(r);
        timelines.apply(r);
    }
    let numbers: Vec<(String, u64)> = ["r1", "r2", "r3"]
        .iter()
        .map(|id| ((*id).to_owned(), board.requests.get(*id).map_or(0, |c| c.number)))
        .collect();
    assert_eq!(numbers, [("r1".into(), 1), ("r2".into(), 2), ("r3".into(), 3)]);
    assert_eq!(timelines.get("r2").map(|t| t.number), Some(2));
}

#[test]
fn late_rules_are_checked_and_kept() {
    let rules = LateAfter { unchecked_minutes: 30, ..LateAfter::default() };
    check(
        &[],
        COORDINATOR,
        Command::SetLateAfter { rules },
        Ok(vec![Event::LateAfterSet { rules }]),
    );
    let zero = LateAfter { out_minutes: 0, ..LateAfter::default() };
    let then = Rejection::invalid("rules.out_minutes", "must be 1 to 40320 minutes");
    check(&[], COORDINATOR, Command::SetLateAfter { rules: zero }, Err(then));
}

/// The board after `given`, all recorded a minute apart before [`NOW_MS`].
fn board_after(given: &[Event]) -> Board {
    let mut board = Board::new();
    for r in recorded(given) {
        board.apply(&r);
    }
    board
}

#[test]
fn a_card_is_late_only_when_its_next_step_is_overdue() {
    let rules = LateAfter::default();
    // Logged a minute before now: on time; 45 minutes later, the check is overdue.
    let board = board_after(&with_catalog(vec![logged("r1", vec![line("rice", 4)])]));
    let card = board.requests.get("r1").expect("on the board");
    assert_eq!(card.late(&rules, NOW_MS), None);
    let late = card.late(&rules, NOW_MS + 45 * 60_000).expect("late");
    assert_eq!(late.step, Overdue::Check);
    // Scheduled for a window that has not begun: on time however long it waits, then late
    // once the window has ended.
    let mut given = rice_reserved();
    given.push(scheduled("d1", "r1", vec![line("rice", 4)], None));
    let board = board_after(&given);
    let card = board.requests.get("r1").expect("on the board");
    let window = card.progress.deliveries[0].window_end_ms;
    assert_eq!(card.late(&rules, window - 1), None);
    let late = card.late(&rules, window + 40 * 60_000).expect("late");
    assert_eq!((late.step, late.due_ms), (Overdue::Window, window));
    // Out for delivery: late after three hours by default, sooner by the group's rule.
    let board = board_after(&rice_out_with_ana());
    let card = board.requests.get("r1").expect("on the board");
    assert_eq!(card.late(&rules, NOW_MS + 60 * 60_000), None);
    let strict = LateAfter { out_minutes: 30, ..rules };
    assert_eq!(card.late(&strict, NOW_MS + 60 * 60_000).map(|l| l.step), Some(Overdue::Return));
}

#[test]
fn the_member_who_completed_a_delivery_takes_it_back_within_ten_minutes() {
    let given = rice_delivered();
    let then = Event::DeliveryCompletionUndone {
        delivery_id: d1(),
        request_id: RequestId::from("r1"),
        returned: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    };
    check(&given, COORDINATOR, Command::UndoCompletion { delivery_id: d1() }, Ok(vec![then]));
    let someone_else = Rejection::not_permitted("only lena who completed it may take it back");
    check(&given, ANA, Command::UndoCompletion { delivery_id: d1() }, Err(someone_else));
    let state = state_after(&given);
    let later = Context { now_ms: NOW_MS + UNDO_COMPLETION_MS, actor: MemberId::from(COORDINATOR) };
    let too_late = decide(&state, &Command::UndoCompletion { delivery_id: d1() }, &later);
    assert!(matches!(too_late, Err(Rejection::WrongStage { .. })), "{too_late:?}");
    let not_done = Rejection::wrong_stage("delivery `d1` is not completed");
    check(&rice_out_with_ana(), ANA, Command::UndoCompletion { delivery_id: d1() }, Err(not_done));
}

#[test]
fn a_completion_taken_back_reserves_the_stock_again_and_reopens_the_request() {
    let mut given = rice_delivered();
    given.push(Event::DeliveryCompletionUndone {
        delivery_id: d1(),
        request_id: RequestId::from("r1"),
        returned: vec![allocation("rice", "pantry", Some(TODAY + 5), 4)],
    });
    let state = state_after(&given);
    let batch = state.stock().batch("rice", "pantry", Shelf::Expires(TODAY + 5));
    assert_eq!(batch, Batch { on_hand: 10, reserved: 4 });
    assert_eq!(state.request("r1").map(|r| r.progress.stage()), Some(Stage::OutForDelivery));
    // The board shows the card again, and the timeline carries on from where it was.
    let board = board_after(&given);
    assert_eq!(board.requests.get("r1").map(|c| c.stage), Some(Stage::OutForDelivery));
    assert_eq!(board.deliveries.get("d1").map(|d| d.status), Some(DeliveryStatus::OutForDelivery));
    let mut timelines = Timelines::new();
    for r in recorded(&given) {
        timelines.apply(&r);
    }
    let timeline = timelines.get("r1").expect("a timeline");
    assert_eq!(timeline.stage(), Some(Stage::OutForDelivery));
    assert!(timeline.progress.is_some());
    // And it can be completed again.
    let again = decide(
        &state,
        &Command::CompleteDelivery { delivery_id: d1() },
        &Context { now_ms: NOW_MS, actor: MemberId::from(ANA) },
    );
    assert!(matches!(again.as_deref(), Ok([Event::DeliveryCompleted { .. }])), "{again:?}");
}
