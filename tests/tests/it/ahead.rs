//! Planning ahead through the real server, with the clock in the test's hands: a standing
//! order and a shift template in New York across the spring change of 2027 (Sunday 14
//! March, 02:00 becomes 03:00), day by day for a week and a half; and a server killed in the
//! middle of planning, again and again, after which every date and shift is there once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::Value;
use server::http::Options;
use shared::access::Role;
use shared::distribution::day::{Weekday, day_of_date};
use shared::distribution::{
    self, ContactChannel, DeliveryKind, ItemCategory, LocationKind, NeedCategory, RequestLine,
    StockSource,
};
use shared::group::Command;
use shared::people::{self, Recurrence};
use shared::standing;
use shared::view::{RosterView, StandingView, WeekItem, WeekView};
use shared::wire::{CommandRequest, Snapshot};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

async fn send(client: &tests::Client, command_id: &str, command: Command) {
    let command = serde_json::to_value(&command).unwrap();
    let request = CommandRequest { command_id: command_id.into(), expected_version: None, command };
    let (status, body): (u16, Value) =
        client.post("/api/commands", &serde_json::to_string(&request).unwrap()).await;
    assert_eq!(status, 200, "{command_id}: {body}");
}

async fn get<T: serde::de::DeserializeOwned>(client: &tests::Client, path: &str) -> T {
    let (status, body) = client.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn day(year: i64, month: u32, date: u32) -> i64 {
    day_of_date(year, month, date).unwrap()
}

fn rice(quantity: i64) -> Vec<RequestLine> {
    vec![RequestLine { item_id: "rice".into(), quantity }]
}

/// The catalog and stock a group needs before its first order, in New York.
pub(super) async fn set_up(ana: &tests::Client, zone: &str) {
    let d = |c: distribution::Command| Command::Distribution(c);
    let zone = distribution::Command::SetTimeZone { zone: zone.into(), offsets: Vec::new() };
    send(ana, "tz", d(zone)).await;
    let item = distribution::Command::RegisterItem {
        item_id: "rice".into(),
        name: "Rice".into(),
        category: ItemCategory::Food,
        unit: "kg".into(),
    };
    send(ana, "item", d(item)).await;
    let shelf = distribution::Command::RegisterLocation {
        location_id: "hall".into(),
        name: "Hall".into(),
        kind: LocationKind::Pantry,
    };
    send(ana, "location", d(shelf)).await;
    let receive = distribution::Command::ReceiveStock {
        item_id: "rice".into(),
        location_id: "hall".into(),
        quantity: 10_000,
        expires_on_day: Some(day(2099, 1, 1)),
        source: StockSource::Purchase { partner_id: None, alert_id: None },
    };
    send(ana, "receive", d(receive)).await;
}

pub(super) fn order(order_id: &str, weekdays: Vec<Weekday>, starts_on_day: i64) -> Command {
    Command::Standing(standing::Command::StartStandingOrder {
        order_id: order_id.into(),
        household_id: format!("hh-{order_id}").as_str().into(),
        need_category: NeedCategory::Food,
        lines: rice(2),
        household_size: 1,
        zone: "north".into(),
        preferred_language: "en".into(),
        contact_channel: ContactChannel::Phone,
        kind: DeliveryKind::Delivery,
        weekdays,
        interval_weeks: 1,
        window_start_minute: 10 * 60,
        window_end_minute: 12 * 60,
        starts_on_day,
    })
}

#[tokio::test]
async fn a_standing_order_and_a_recurring_shift_run_a_week_across_the_spring_change() {
    // Wednesday 10 March 2027, 15:00 UTC (10:00 in New York, still on EST).
    let now = Arc::new(AtomicI64::new(day(2027, 3, 10) * DAY_MS + 15 * HOUR_MS));
    let reading = now.clone();
    let clock: server::log::Clock = Arc::new(move || reading.load(Ordering::SeqCst));
    let app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    let mut ana = app.member("ana", &[Role::Coordinator]).await;
    let mut sam = app.member("sam", &[Role::Volunteer]).await;
    set_up(&ana, "America/New_York").await;

    // Fridays and Mondays, 10:00 to 12:00 local; packing every Sunday 08:00 to 12:00.
    let (fri_12, sun_14, mon_15, fri_19, sun_21, mon_22) = (
        day(2027, 3, 12),
        day(2027, 3, 14),
        day(2027, 3, 15),
        day(2027, 3, 19),
        day(2027, 3, 21),
        day(2027, 3, 22),
    );
    send(&ana, "order", order("mrs-k", vec![Weekday::Friday, Weekday::Monday], fri_12)).await;
    let template = people::Command::DefineShiftTemplate {
        template_id: "packing".into(),
        task: "Packing".into(),
        recurrence: Recurrence::Week { weekday: Weekday::Sunday, interval_weeks: 1 },
        starts_minute: 8 * 60,
        ends_minute: 12 * 60,
        people_needed: 4,
        starts_on_day: day(2027, 3, 10),
    };
    send(&ana, "template", Command::People(template)).await;
    let commitment = people::Command::MakeCommitment {
        commitment_id: "sam-packs".into(),
        member_id: "sam".into(),
        task: "packing".into(),
        recurrence: Recurrence::Week { weekday: Weekday::Sunday, interval_weeks: 1 },
        minutes: 240,
        starts_on_day: day(2027, 3, 10),
    };
    send(&sam, "commitment", Command::People(commitment)).await;
    // No delivery on Monday 22 March.
    let skip = standing::Command::SkipStandingDate { order_id: "mrs-k".into(), day: mon_22 };
    send(&ana, "skip", Command::Standing(skip)).await;

    let mut steps = 0;
    for date in day(2027, 3, 10)..=day(2027, 3, 20) {
        now.store(date * DAY_MS + 15 * HOUR_MS, Ordering::SeqCst);
        let swept = server::ahead::sweep(&app.state.group, 3).await;
        steps += swept.taken;
        // Sweeping again at the same moment changes nothing.
        let again = server::ahead::sweep(&app.state.group, 3).await;
        assert_eq!(again.taken, 0, "{again:?}");
        if date == sun_14 + 1 {
            // Sam withdrew from the shift of the 21st: the commitment does not sign them
            // up again.
            let withdraw = people::Command::WithdrawFromShift {
                shift_id: "packing-20270321".into(),
                member_id: "sam".into(),
            };
            send(&sam, "withdraw", Command::People(withdraw)).await;
        }
    }
    assert!(steps > 0);
    // A session lasts a week; the test's clock went further.
    ana.sign_in_again().await;
    sam.sign_in_again().await;

    // Every date the order fell on, once, each with its delivery in the local window.
    let board = get::<Snapshot>(&ana, "/api/snapshot").await.board;
    let windows: BTreeMap<String, (i64, i64)> = board
        .deliveries
        .values()
        .map(|d| (d.request_id.to_string(), (d.window_start_ms, d.window_end_ms)))
        .collect();
    let at = |date: i64, hour_utc: i64| date * DAY_MS + hour_utc * HOUR_MS;
    let expected = BTreeMap::from([
        // EST (UTC−5) before the change, EDT (UTC−4) after.
        ("mrs-k-20270312".to_owned(), (at(fri_12, 15), at(fri_12, 17))),
        ("mrs-k-20270315".to_owned(), (at(mon_15, 14), at(mon_15, 16))),
        ("mrs-k-20270319".to_owned(), (at(fri_19, 14), at(fri_19, 16))),
    ]);
    assert_eq!(windows, expected);
    for card in board.requests.values() {
        assert!(card.standing.is_some(), "{card:?}");
    }
    // Logged three days ahead: by Saturday the 20th, Monday the 22nd would be due, but it
    // is skipped; the next date is Friday the 26th.
    let orders: StandingView = get(&ana, "/api/standing").await;
    assert_eq!(orders.orders[0].next_date, Some(day(2027, 3, 26)));
    assert_eq!(orders.orders[0].dates_logged, 3);

    // The shifts, planned a fortnight ahead at 08:00 local on each Sunday.
    let roster: RosterView = get(&ana, "/api/roster").await;
    let shifts: BTreeMap<String, (i64, Vec<String>)> = roster
        .shifts
        .iter()
        .map(|s| {
            let signed = s.signed_up.iter().map(|m| m.to_string()).collect();
            (s.shift_id.to_string(), (s.starts_at_ms, signed))
        })
        .collect();
    assert_eq!(shifts["packing-20270314"], (at(sun_14, 12), vec!["sam".to_owned()]));
    assert_eq!(shifts["packing-20270321"], (at(sun_21, 12), vec![]));
    assert_eq!(shifts["packing-20270328"].1, vec!["sam".to_owned()]);
    assert!(shifts.keys().all(|id| id.starts_with("packing-2027")), "{shifts:?}");

    // Sam's week, from Saturday the 20th: the Sunday after next is not in it; the 21st,
    // withdrawn, is a commitment with no shift standing for it.
    let week: WeekView = get(&sam, "/api/week").await;
    let items: Vec<(i64, &str)> = week
        .items
        .iter()
        .map(|item| match item {
            WeekItem::Shift { day, .. } => (*day, "shift"),
            WeekItem::Commitment { day, .. } => (*day, "commitment"),
            WeekItem::Delivery { day, .. } => (*day, "delivery"),
            WeekItem::TermEnds { day, .. } => (*day, "term"),
        })
        .collect();
    assert_eq!(items, vec![(sun_21, "commitment")]);
    app.stop().await;
}

#[tokio::test]
async fn skipping_a_date_already_logged_cancels_its_request() {
    let now = Arc::new(AtomicI64::new(day(2027, 3, 10) * DAY_MS + 15 * HOUR_MS));
    let reading = now.clone();
    let clock: server::log::Clock = Arc::new(move || reading.load(Ordering::SeqCst));
    let app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    set_up(&ana, "Europe/Madrid").await;
    let thursday = day(2027, 3, 11);
    send(&ana, "order", order("mr-l", vec![Weekday::Thursday], thursday)).await;
    server::ahead::sweep(&app.state.group, 3).await;
    let board = get::<Snapshot>(&ana, "/api/snapshot").await.board;
    assert_eq!(board.requests["mr-l-20270311"].stage, distribution::Stage::Scheduled);

    let skip = standing::Command::SkipStandingDate { order_id: "mr-l".into(), day: thursday };
    send(&ana, "skip", Command::Standing(skip)).await;
    server::ahead::sweep(&app.state.group, 3).await;
    let board = get::<Snapshot>(&ana, "/api/snapshot").await.board;
    assert!(!board.requests.contains_key("mr-l-20270311"), "cancelled, off the board");
    // Its stock is back on the shelf.
    let today = day(2027, 3, 11);
    let levels = board.stock.items.get("rice").map(|i| i.available(today)).unwrap_or_default();
    assert_eq!(levels, 10_000);
    app.stop().await;
}

/// A month that holds the spring change, counted on New York's days: the report's requests
/// and the statement's money are the group's March, whatever UTC's date was.
#[tokio::test]
async fn a_month_with_the_spring_change_is_counted_on_the_group_s_own_days() {
    use shared::ledger::{self, Currency, Posting};
    use shared::view::{MonthView, StatementView};
    // The group sets its zone in mid-February.
    let now = Arc::new(AtomicI64::new(day(2027, 2, 15) * DAY_MS + 12 * HOUR_MS));
    let reading = now.clone();
    let clock: server::log::Clock = Arc::new(move || reading.load(Ordering::SeqCst));
    let app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    let mut ana = app.member("ana", &[Role::Coordinator, Role::Finance]).await;
    set_up(&ana, "America/New_York").await;
    for (n, open) in ledger::default_chart().into_iter().enumerate() {
        send(&ana, &format!("open-{n}"), Command::Ledger(open)).await;
    }
    let log = |id: &str| {
        Command::Distribution(distribution::Command::LogRequest {
            request_id: id.into(),
            household_id: format!("hh-{id}").as_str().into(),
            need_category: NeedCategory::Food,
            lines: rice(1),
            household_size: 1,
            urgency: distribution::Urgency::Routine,
            zone: "north".into(),
            preferred_language: "en".into(),
            contact_channel: ContactChannel::Phone,
            personal_data: None,
        })
    };
    let spent = |id: &str, on_day: i64| {
        Command::Ledger(ledger::Command::RecordTransaction {
            transaction_id: id.into(),
            on_day,
            description: "Donations box".into(),
            currency: Currency::USD,
            postings: vec![
                Posting { account_id: "cash".into(), amount_cents: 1_000 },
                Posting { account_id: "donations".into(), amount_cents: -1_000 },
            ],
            receipt: None,
            paid_for: None,
            donor: None,
        })
    };
    let (mar_1, mar_31, apr_1) = (day(2027, 3, 1), day(2027, 3, 31), day(2027, 4, 1));
    // 23:30 on 28 February in New York is 04:30 on 1 March in UTC.
    now.store(mar_1 * DAY_MS + 4 * HOUR_MS + 30 * 60_000, Ordering::SeqCst);
    ana.sign_in_again().await;
    send(&ana, "r-feb", log("r-feb")).await;
    // 00:30 on 1 March in New York (EST).
    now.store(mar_1 * DAY_MS + 5 * HOUR_MS + 30 * 60_000, Ordering::SeqCst);
    send(&ana, "r-first", log("r-first")).await;
    // 23:30 on 31 March in New York (EDT) is 03:30 on 1 April in UTC.
    now.store(apr_1 * DAY_MS + 3 * HOUR_MS + 30 * 60_000, Ordering::SeqCst);
    ana.sign_in_again().await;
    send(&ana, "r-late", log("r-late")).await;
    send(&ana, "t-late", spent("t-late", mar_31)).await;
    // It is still 31 March where the group lives: 1 April is in the future.
    let early = serde_json::to_value(spent("t-early", apr_1)).unwrap();
    let request =
        CommandRequest { command_id: "t-early".into(), expected_version: None, command: early };
    let (status, body) = ana.post("/api/commands", &serde_json::to_string(&request).unwrap()).await;
    assert_eq!(status, 422, "{body}");
    // 00:30 on 1 April in New York.
    now.store(apr_1 * DAY_MS + 4 * HOUR_MS + 30 * 60_000, Ordering::SeqCst);
    send(&ana, "r-april", log("r-april")).await;
    send(&ana, "t-april", spent("t-april", apr_1)).await;

    let march: MonthView = get(&ana, "/api/reports/2027/3").await;
    assert_eq!((march.distribution.first_day, march.distribution.last_day), (mar_1, mar_31));
    assert_eq!(march.distribution.requests_logged, 2, "r-first and r-late");
    let february: MonthView = get(&ana, "/api/reports/2027/2").await;
    assert_eq!(february.distribution.requests_logged, 1, "r-feb, logged on UTC's 1 March");
    let statement: StatementView = get(&ana, "/api/statements/2027/3").await;
    // The donation of the evening of 31 March is March's; April's is not.
    assert_eq!(statement.statement.closing.cents, 1_000, "t-late only: {statement:?}");
    app.stop().await;
}
