use super::*;
use crate::access::Role;
use crate::distribution::day::day_of_date;
use crate::distribution::{Context, ItemCategory};
use crate::group::{self, Recorded, State};
use crate::members;

/// Monday 2027-03-01.
fn monday() -> i64 {
    day_of_date(2027, 3, 1).unwrap()
}

const HOUR_MS: i64 = 3_600_000;

struct Group {
    state: State,
    position: u64,
    now_ms: i64,
}

impl Group {
    fn new() -> Group {
        let mut group = Group {
            state: State::default(),
            position: 0,
            now_ms: monday() * 86_400_000 + 9 * HOUR_MS,
        };
        let add = members::Command::AddMember {
            member_id: "ana".into(),
            name: "Ana".into(),
            roles: vec![Role::Coordinator],
        };
        group.ok(group::Command::Members(add));
        let item = distribution::Command::RegisterItem {
            item_id: "rice".into(),
            name: "Rice".into(),
            category: ItemCategory::Food,
            unit: "kg".into(),
        };
        group.ok(group::Command::Distribution(item));
        group
    }

    fn decide(&mut self, command: group::Command) -> Result<Vec<group::Event>, Rejection> {
        let ctx = Context { now_ms: self.now_ms, actor: "ana".into() };
        let events = group::decide(&self.state, &command, &ctx)?;
        for event in &events {
            self.position += 1;
            let recorded = Recorded {
                position: self.position,
                recorded_at_ms: self.now_ms,
                actor: ctx.actor.clone(),
                event: event.clone(),
            };
            group::evolve(&mut self.state, &recorded);
        }
        Ok(events)
    }

    fn ok(&mut self, command: group::Command) -> Vec<group::Event> {
        self.decide(command.clone()).unwrap_or_else(|r| panic!("{command:?}: {r}"))
    }

    fn standing(&mut self, command: Command) -> Result<Vec<group::Event>, Rejection> {
        self.decide(group::Command::Standing(command))
    }

    fn order(&self) -> &StandingOrder {
        self.state.standing.get("mrs-k").expect("the order")
    }
}

fn rice(quantity: i64) -> Vec<RequestLine> {
    vec![RequestLine { item_id: "rice".into(), quantity }]
}

/// Mondays and Thursdays, every second week, 10:00 to 12:00, from Monday 1 March 2027.
fn start() -> Command {
    Command::StartStandingOrder {
        order_id: "mrs-k".into(),
        household_id: "hh-k".into(),
        need_category: NeedCategory::Food,
        lines: rice(2),
        household_size: 1,
        zone: "north".into(),
        preferred_language: "en".into(),
        contact_channel: ContactChannel::Phone,
        kind: DeliveryKind::Delivery,
        weekdays: vec![Weekday::Thursday, Weekday::Monday, Weekday::Monday],
        interval_weeks: 2,
        window_start_minute: 600,
        window_end_minute: 720,
        starts_on_day: monday(),
    }
}

#[test]
fn an_order_falls_on_its_weekdays_every_n_weeks() {
    let mut group = Group::new();
    group.standing(start()).unwrap();
    let order = group.order();
    assert_eq!(order.weekdays, vec![Weekday::Monday, Weekday::Thursday], "sorted, once each");
    let m = monday();
    assert_eq!(order.dates(m, m + 28), vec![m, m + 3, m + 14, m + 17]);
    assert_eq!(order.next_date(m + 4), Some(m + 14));
}

#[test]
fn pauses_skips_changes_and_the_end_shape_the_dates() {
    let mut group = Group::new();
    group.standing(start()).unwrap();
    let m = monday();
    let pause = Command::PauseStandingOrder {
        order_id: "mrs-k".into(),
        from_day: m + 14,
        until_day: m + 15,
    };
    group.standing(pause).unwrap();
    group.standing(Command::SkipStandingDate { order_id: "mrs-k".into(), day: m + 3 }).unwrap();
    let change =
        Command::ChangeStandingItems { order_id: "mrs-k".into(), from_day: m + 28, lines: rice(5) };
    group.standing(change).unwrap();
    assert_eq!(group.order().dates(m, m + 35), vec![m, m + 17, m + 28, m + 31]);
    assert_eq!(group.order().lines_on(m + 17), rice(2).as_slice());
    assert_eq!(group.order().lines_on(m + 31), rice(5).as_slice());
    let end = Command::EndStandingOrder {
        order_id: "mrs-k".into(),
        from_day: m + 31,
        reason: "moved away".into(),
    };
    group.standing(end).unwrap();
    assert_eq!(group.order().dates(m, m + 60), vec![m, m + 17, m + 28]);
    // A date that is not one of the order's cannot be skipped.
    let wrong = Command::SkipStandingDate { order_id: "mrs-k".into(), day: m + 1 };
    assert!(matches!(group.standing(wrong), Err(Rejection::InvalidField { .. })));
}

#[test]
fn a_date_is_logged_once_as_an_ordinary_request_marked_with_its_order() {
    let mut group = Group::new();
    group.standing(start()).unwrap();
    let m = monday();
    let log = Command::LogStandingOccurrence { order_id: "mrs-k".into(), day: m + 3 };
    assert_eq!(log.stream(), "request-mrs-k-20270304");
    let events = group.standing(log.clone()).unwrap();
    let [
        group::Event::Distribution(distribution::Event::RequestLogged {
            request_id,
            standing,
            lines,
            ..
        }),
    ] = events.as_slice()
    else {
        panic!("one request: {events:?}");
    };
    assert_eq!(request_id.as_str(), "mrs-k-20270304");
    assert_eq!(standing, &Some(Occurrence { order_id: "mrs-k".into(), day: m + 3 }));
    assert_eq!(lines, &rice(2));
    assert_eq!(group.order().logged.get(&(m + 3)), Some(request_id));
    // Twice is refused, and so is a day the order does not fall on.
    assert!(matches!(group.standing(log), Err(Rejection::AlreadyExists { .. })));
    let off = Command::LogStandingOccurrence { order_id: "mrs-k".into(), day: m + 1 };
    assert!(matches!(group.standing(off), Err(Rejection::InvalidField { .. })));
}

#[test]
fn an_order_is_checked_like_a_request_and_starts_no_earlier_than_today() {
    let mut group = Group::new();
    let Command::StartStandingOrder { .. } = start() else { unreachable!() };
    let mut unknown_item = start();
    if let Command::StartStandingOrder { lines, .. } = &mut unknown_item {
        lines[0].item_id = "caviar".into();
    }
    assert!(matches!(group.standing(unknown_item), Err(Rejection::Unknown { .. })));
    let mut past = start();
    if let Command::StartStandingOrder { starts_on_day, .. } = &mut past {
        *starts_on_day = monday() - 1;
    }
    assert!(matches!(group.standing(past), Err(Rejection::InvalidField { .. })));
    let mut backwards = start();
    if let Command::StartStandingOrder { window_end_minute, .. } = &mut backwards {
        *window_end_minute = 500;
    }
    assert!(matches!(group.standing(backwards), Err(Rejection::InvalidField { .. })));
    group.standing(start()).unwrap();
    assert!(matches!(group.standing(start()), Err(Rejection::AlreadyExists { .. })));
}

#[test]
fn erasing_the_household_ends_its_orders() {
    let mut group = Group::new();
    group.standing(start()).unwrap();
    let m = monday();
    group.standing(Command::LogStandingOccurrence { order_id: "mrs-k".into(), day: m }).unwrap();
    let erase = distribution::Command::EraseHousehold {
        household_id: "hh-k".into(),
        reason: "asked".into(),
    };
    group.ok(group::Command::Distribution(erase));
    assert!(group.order().dates(m + 1, m + 60).is_empty());
}

#[test]
fn a_day_no_calendar_holds_is_refused_in_words_not_a_panic() {
    let mut group = Group::new();
    group.standing(start()).unwrap();
    for day in [i64::MAX, i64::MIN, -1, field::MAX_DAY + 1] {
        let log = Command::LogStandingOccurrence { order_id: "mrs-k".into(), day };
        assert_eq!(log.stream(), "standing-mrs-k");
        assert!(matches!(group.standing(log), Err(Rejection::InvalidField { .. })), "{day}");
        let skip = Command::SkipStandingDate { order_id: "mrs-k".into(), day };
        assert!(matches!(group.standing(skip), Err(Rejection::InvalidField { .. })), "{day}");
        let pause =
            Command::PauseStandingOrder { order_id: "mrs-k".into(), from_day: day, until_day: day };
        assert!(matches!(group.standing(pause), Err(Rejection::InvalidField { .. })), "{day}");
    }
}
