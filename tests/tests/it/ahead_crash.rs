//! A server killed in the middle of planning ahead, again and again: `potluck serve` runs as
//! a child process over a data folder with standing orders and a shift template, and is
//! killed with SIGKILL once it has taken some of the steps. After the rounds, one more
//! sweep finishes the work, and every date has exactly one request and one delivery, every
//! shift is planned once, and every sign-up is made once.

use std::collections::BTreeMap;
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use server::http::Options;
use shared::access::Role;
use shared::distribution::day::Weekday;
use shared::group::{self, Command};
use shared::people::{self, Recurrence};
use shared::wire::CommandRequest;

const ROUNDS: usize = 3;
const DAYS_AHEAD: &str = "40";
const ORDERS: usize = 12;

async fn send(client: &tests::Client, command_id: &str, command: Command) {
    let command = serde_json::to_value(&command).unwrap();
    let request = CommandRequest { command_id: command_id.into(), expected_version: None, command };
    let (status, body) =
        client.post("/api/commands", &serde_json::to_string(&request).unwrap()).await;
    assert_eq!(status, 200, "{command_id}: {body}");
}

/// Events the log holds so far, by type, and how often each request, delivery, shift and
/// sign-up appears.
async fn tally(data: &std::path::Path) -> BTreeMap<String, usize> {
    let log = server::log::Log::open(data).unwrap();
    let mut counts = BTreeMap::new();
    let mut position = 1;
    loop {
        let batch = log.read_from(position, 4096).unwrap();
        let Some(last) = batch.last() else { break };
        position = last.position + 1;
        for envelope in &batch {
            let event = match group::Event::from_payload(&envelope.event_type, &envelope.payload) {
                Ok(event) => event,
                Err(e) => panic!("{}: {e}", envelope.event_type),
            };
            let key = match &event {
                group::Event::Distribution(shared::distribution::Event::RequestLogged {
                    request_id,
                    ..
                }) => format!("request {request_id}"),
                group::Event::Distribution(shared::distribution::Event::DeliveryScheduled {
                    delivery_id,
                    ..
                }) => format!("delivery {delivery_id}"),
                group::Event::People(people::Event::ShiftPlanned { shift_id, .. }) => {
                    format!("shift {shift_id}")
                }
                group::Event::People(people::Event::SignedUpForShift {
                    shift_id,
                    member_id,
                    ..
                }) => format!("sign-up {shift_id} {member_id}"),
                _ => continue,
            };
            *counts.entry(key).or_default() += 1;
        }
    }
    log.close().await;
    counts
}

/// Waits until the child has appended `at_least` events, reading its metrics as the
/// coordinator.
async fn wait_for_steps(client: &reqwest::Client, base: &str, token: &str, at_least: u64) {
    for _ in 0..2_000 {
        if let Ok(response) = client.get(format!("{base}/metrics")).bearer_auth(token).send().await
            && let Ok(text) = response.text().await
        {
            let appended = text
                .lines()
                .find_map(|l| l.strip_prefix("potluck_events_appended_total "))
                .and_then(|n| n.trim().parse::<u64>().ok());
            if appended.is_some_and(|n| n >= at_least) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the child took fewer than {at_least} steps");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_planning_ahead_makes_every_date_exactly_once() {
    // The group, set up in process with the real clock: orders from today on.
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    let sam = app.member("sam", &[Role::Volunteer]).await;
    super::ahead::set_up(&ana, "UTC").await;
    let today = shared::distribution::day::day_of(app.state.group.now());
    let weekdays = vec![Weekday::Monday, Weekday::Wednesday, Weekday::Friday];
    for n in 0..ORDERS {
        let order = super::ahead::order(&format!("o{n}"), weekdays.clone(), today);
        send(&ana, &format!("order-{n}"), order).await;
    }
    let template = people::Command::DefineShiftTemplate {
        template_id: "packing".into(),
        task: "Packing".into(),
        recurrence: Recurrence::Week { weekday: Weekday::Saturday, interval_weeks: 1 },
        starts_minute: 8 * 60,
        ends_minute: 12 * 60,
        people_needed: 4,
        starts_on_day: today,
    };
    send(&ana, "template", Command::People(template)).await;
    let commitment = people::Command::MakeCommitment {
        commitment_id: "sam-packs".into(),
        member_id: "sam".into(),
        task: "Packing".into(),
        recurrence: Recurrence::Week { weekday: Weekday::Saturday, interval_weeks: 1 },
        minutes: 240,
        starts_on_day: today,
    };
    send(&sam, "commitment", Command::People(commitment)).await;
    let head = app.log.head().position;
    let password = ana.password.clone();
    let dir = app.stop().await;
    let data = dir.path().join("data");

    let http = reqwest::Client::new();
    for round in 0..ROUNDS {
        let mut child = Process::new(env!("CARGO_BIN_EXE_potluck"))
            .args(["serve", "--bind", "127.0.0.1:0", "--days-ahead", DAYS_AHEAD, "--data"])
            .arg(&data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let base = tokio::task::spawn_blocking(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let line = line.unwrap();
                if let Some(url) = line.strip_prefix("potluck is listening on ") {
                    return url.to_owned();
                }
            }
            panic!("the child never listened");
        })
        .await
        .unwrap();
        let body = serde_json::json!({ "member_id": "ana", "password": password });
        let signed: serde_json::Value = http
            .post(format!("{base}/api/session"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = signed["token"].as_str().unwrap().to_owned();
        // Some steps into the plan (the first sweep starts two seconds in): SIGKILL.
        wait_for_steps(&http, &base, &token, 60).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let counts = tally(&data).await;
        let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(repeated.is_empty(), "round {round}: {repeated:?}");
        assert!(!counts.is_empty(), "round {round}");
    }

    // A last server finishes the plan; every date, delivery, shift and sign-up once.
    let app = tests::spawn_app_in(dir, Options::default()).await.unwrap();
    // The stopped children's sessions are gone with them; nothing else is needed here.
    let swept = server::ahead::sweep(&app.state.group, DAYS_AHEAD.parse().unwrap()).await;
    assert!(app.log.head().position > head);
    // Every date is logged; a date whose window is already over is left to people.
    let (expected, to_schedule) = app.state.group.read(|p| {
        let now_ms = app.state.group.now();
        let clock = &p.board.clock;
        let today = clock.day_of(now_ms);
        let (mut dates, mut to_schedule) = (0, 0);
        for order in p.standing.orders.values() {
            for date in order.dates(today, today + DAYS_AHEAD.parse::<i64>().unwrap() + 1) {
                dates += 1;
                let ends_ms = clock.instant_of(date, i64::from(order.window_end_minute));
                to_schedule += usize::from(ends_ms > now_ms);
            }
        }
        (dates, to_schedule)
    });
    let data = app.data.path().join("data");
    let _kept = app.stop().await;
    let counts = tally(&data).await;
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "{repeated:?}");
    let requests = counts.keys().filter(|k| k.starts_with("request ")).count();
    let deliveries = counts.keys().filter(|k| k.starts_with("delivery ")).count();
    assert_eq!(requests, expected, "every date logged ({swept:?})");
    assert_eq!(deliveries, to_schedule, "every date still to come scheduled");
    let shifts = counts.keys().filter(|k| k.starts_with("shift ")).count();
    let sign_ups = counts.keys().filter(|k| k.starts_with("sign-up ")).count();
    assert!(shifts >= 2, "{counts:?}");
    assert_eq!(sign_ups, shifts, "sam signed up to each Saturday once");
}
