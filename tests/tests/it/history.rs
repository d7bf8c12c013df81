//! Time travel on a real server over the demo month: answers from snapshots equal answers
//! folded from the first event, deleting or spoiling snapshots changes no answer, and the
//! replay routes show the board as it was without personal data.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use proptest::test_runner::{Config, TestCaseError, TestRunner};
use server::history::{self, Past, replay_to};
use server::http::Options;
use server::log::Log;
use server::projections::{Projections, decode};
use shared::access::Role;
use shared::view::{PastBoard, PastEvents};
use shared::wire::Snapshot;
use tests::TestApp;

/// Small, so the demo month has a dozen snapshots to start from.
const EVERY: u64 = 97;

async fn demo_app() -> TestApp {
    let real_now = (server::log::system_clock())();
    let now = Arc::new(AtomicI64::new(real_now));
    let clock: server::log::Clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let options = Options {
        group: server::group::Options { snapshot_every: Some(EVERY), ..Default::default() },
        ..Options::default()
    };
    let app = tests::spawn_app_with_clock(options, clock).await.unwrap();
    let state = &app.state;
    server::demo::fill(&state.group, &now, real_now).await.unwrap();
    // The group's fold writes a snapshot at every multiple of EVERY up to the head.
    let head = app.log.head().position;
    let last = head / EVERY * EVERY;
    for _ in 0..600 {
        if app.state.group.history().snapshots().last() == Some(&last) {
            return app;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("snapshots never reached {last}: {:?}", app.state.group.history().snapshots());
}

/// The board a screen would fold at `position`, every projection folded from the start
/// (timelines included, unlike the snapshots), with only the timelines of its requests.
fn folded_from_the_start(log: &Log, position: u64) -> Snapshot {
    let mut projections = Projections::default();
    for envelope in log.read_from(1, position as usize).unwrap() {
        match decode(&envelope).unwrap() {
            Some(recorded) => projections.apply(&recorded),
            None => projections.position = envelope.position,
        }
    }
    let mut snapshot = projections.snapshot();
    snapshot.timelines.requests.retain(|id, _| snapshot.board.requests.contains_key(id));
    snapshot
}

#[tokio::test(flavor = "multi_thread")]
async fn any_position_answers_the_same_from_snapshots_as_from_the_first_event() {
    let app = demo_app().await;
    let (log, history) = (app.log.clone(), app.state.group.history().clone());
    let head = log.head().position;
    assert!(head > 10 * EVERY, "the demo month is long enough: {head}");
    let now = app.state.group.read(|p| p.timelines.clone());

    let check = |position: u64| -> Result<(), TestCaseError> {
        let past = history.at(&log, position).unwrap();
        let reference = replay_to(&log, position).unwrap();
        proptest::prop_assert_eq!(past.position, position);
        proptest::prop_assert!(past == reference, "projections differ at {}", position);
        let board = history::wire_snapshot(&past, &now);
        proptest::prop_assert!(
            board == folded_from_the_start(&log, position),
            "the past board differs at {}",
            position
        );
        Ok(())
    };
    // Around every snapshot, where an off-by-one would show, and at the ends.
    for snapshot in history.snapshots() {
        for position in [snapshot - 1, snapshot, snapshot + 1] {
            check(position).unwrap();
        }
    }
    check(0).unwrap();
    check(head).unwrap();
    // And anywhere at all.
    let mut runner = TestRunner::new(Config { cases: 48, ..Config::default() });
    runner.run(&(0..=head), check).unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_or_spoiling_snapshots_changes_no_answer() {
    let app = demo_app().await;
    let (log, history) = (app.log.clone(), app.state.group.history().clone());
    let head = log.head().position;
    let positions: Vec<u64> = (0..=head).step_by(61).chain([head]).collect();
    let answers: Vec<Past> = positions.iter().map(|p| history.at(&log, *p).unwrap()).collect();

    // A spoiled file, and one copied over another (its hash names another record).
    let snapshots = history.snapshots();
    let path = |p: u64| history.dir().join(format!("{p:020}.json"));
    std::fs::write(path(snapshots[2]), b"{\"format\":1,\"hash\":").unwrap();
    std::fs::copy(path(snapshots[3]), path(snapshots[4])).unwrap();
    for (position, answer) in positions.iter().zip(&answers) {
        assert_eq!(&history.at(&log, *position).unwrap(), answer, "at {position}");
    }
    assert!(!history.snapshots().contains(&snapshots[2]), "a spoiled snapshot is dropped");
    assert!(!history.snapshots().contains(&snapshots[4]), "a foreign snapshot is dropped");

    // No snapshots at all: every answer folds from the first event, the same answer.
    std::fs::remove_dir_all(history.dir()).unwrap();
    for (position, answer) in positions.iter().zip(&answers) {
        assert_eq!(&history.at(&log, *position).unwrap(), answer, "at {position}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_replay_routes_show_the_board_as_it_was_and_no_personal_data() {
    let app = demo_app().await;
    // A coordinator opens a household's contact details: the log records it.
    let coordinator = app.member("cora", &[Role::Coordinator]).await;
    let request_id = app.state.group.read(|p| p.contacts.keys().next().cloned()).unwrap();
    let (status, body) = coordinator.get(&format!("/api/requests/{request_id}/contact")).await;
    assert_eq!(status, 200, "{body}");
    let driver = app.member("dora", &[Role::Driver]).await;
    let auditor = app.member("audrey", &[Role::Auditor]).await;
    let head = app.log.head().position;

    // By position, and by moment: the moment of an event answers with that event's board.
    let middle = head / 2;
    let (status, body) = driver.get(&format!("/api/history?position={middle}")).await;
    assert_eq!(status, 200, "{body}");
    // Read as the web client reads it: `shared::view::PastBoard`.
    let past: PastBoard = serde_json::from_str(&body).unwrap();
    assert_eq!(past.position, middle);
    assert_eq!(past.head, head);
    assert_eq!(past.snapshot, folded_from_the_start(&app.log, middle));
    let at_ms = past.recorded_at_ms;
    let (status, body) = driver.get(&format!("/api/history?at_ms={at_ms}")).await;
    assert_eq!(status, 200, "{body}");
    let by_time: PastBoard = serde_json::from_str(&body).unwrap();
    assert!(by_time.position >= middle, "{}", by_time.position);
    assert_eq!(by_time.recorded_at_ms, at_ms);
    // Before the first event: the empty board.
    let (_, body) = driver.get("/api/history?at_ms=0").await;
    let before: PastBoard = serde_json::from_str(&body).unwrap();
    assert_eq!(before.position, 0);

    // Stepping through: everything after a position, in order; a driver sees no openings of
    // contact details (the live feed's rule) and nobody sees personal data.
    let (status, body) = driver.get("/api/history/events?after=0&limit=5000").await;
    assert_eq!(status, 200, "{body}");
    let page: PastEvents = serde_json::from_str(&body).unwrap();
    let positions: Vec<u64> = page.events.iter().map(|e| e.position).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(page.last, head);
    assert!(!body.contains("ContactDetailsViewed"), "a driver sees no contact openings");
    assert!(!body.contains("\"personal_data\":{"), "no personal data in replay events");
    let (_, audit) = auditor.get("/api/history/events?after=0&limit=5000").await;
    assert!(audit.contains("ContactDetailsViewed"), "the auditor oversees contact openings");
    let until = past.recorded_at_ms;
    let (_, body) = driver.get(&format!("/api/history/events?after=0&until_ms={until}")).await;
    let page: PastEvents = serde_json::from_str(&body).unwrap();
    assert!(page.events.iter().all(|e| e.recorded_at_ms <= until));

    // Bad questions get a clear 400.
    for query in ["position=-1", "position=1&at_ms=2", "when=now", "at_ms=soon"] {
        let (status, body) = driver.get(&format!("/api/history?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
    let (status, _) = driver.get("/api/history/events?after=x").await;
    assert_eq!(status, 400);
    app.stop().await;
}
