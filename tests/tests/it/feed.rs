//! The live feed on `/ws` over real sockets: every screen sees the same events in order,
//! a reconnect resumes exactly where it left off, and households' personal data never
//! reaches anyone whose work does not need it.

use serde_json::json;
use server::http::Options;
use shared::access::Role;
use shared::wire::ServerMessage;

use super::api::{log_request, stocked};

#[tokio::test]
async fn a_command_from_one_screen_reaches_two_others_in_order_with_positions() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let driver = app.member("dee", &[Role::Driver]).await;
    let mut screens = Vec::new();
    for member in [&volunteer, &driver] {
        let mut feed = member.feed().await;
        feed.subscribe(None).await;
        let ServerMessage::Snapshot { snapshot } = feed.next().await else { panic!("no snapshot") };
        assert_eq!(snapshot.position, app.log.head().position);
        screens.push(feed);
    }
    let start = app.log.head().position;
    for i in 0..5 {
        let item = format!("item-{i}");
        let (status, _) =
            logistics.command(&format!("c-{i}"), super::api::register_item(&item)).await;
        assert_eq!(status, 200);
    }
    let head = app.log.head().position;
    for screen in &mut screens {
        assert_eq!(screen.positions_until(head).await, (start + 1..=head).collect::<Vec<_>>());
    }
    app.stop().await;
}

#[tokio::test]
async fn a_reconnect_with_an_old_position_receives_exactly_the_missing_events() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let mut feed = logistics.feed().await;
    feed.subscribe(None).await;
    let ServerMessage::Snapshot { snapshot } = feed.next().await else { panic!("no snapshot") };
    let seen = snapshot.position;
    feed.close().await;

    for i in 0..4 {
        let item = format!("missed-{i}");
        logistics.command(&format!("m-{i}"), super::api::register_item(&item)).await;
    }
    let head = app.log.head().position;
    let mut feed = logistics.feed().await;
    feed.subscribe(Some(seen)).await;
    match feed.next().await {
        ServerMessage::Events { events } => {
            let positions: Vec<u64> = events.iter().map(|e| e.position).collect();
            assert_eq!(positions, (seen + 1..=head).collect::<Vec<_>>());
        }
        other => panic!("expected the missing events, got {other:?}"),
    }
    app.stop().await;
}

const NAME: &str = "Maria Quitzon-Distinct";
const PHONE: &str = "555-0199-4242";
const ADDRESS: &str = "1428 Elmwood Terrace";

#[tokio::test]
async fn personal_data_is_sealed_and_shown_only_to_those_whose_work_needs_it() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let comms = app.member("cam", &[Role::Communications]).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let auditor = app.member("audrey", &[Role::Auditor]).await;
    let driver = app.member("dee", &[Role::Driver]).await;
    let other_driver = app.member("dan", &[Role::Driver]).await;
    let mut volunteer_feed = volunteer.feed().await;
    volunteer_feed.subscribe(None).await;

    let personal = json!({"name": NAME, "phone": PHONE, "address": ADDRESS, "notes": "diabetic"});
    let mut request = log_request("r1", "soap", None);
    request["personal_data"] = personal;
    let (status, body) = comms.command("log-r1", request).await;
    assert_eq!(status, 200, "{body}");
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
            as i64;
    let steps = [
        json!({"type": "CheckStock", "request_id": "r1"}),
        json!({"type": "ReserveStock", "request_id": "r1", "lines": [{"item_id": "soap", "quantity": 2}], "from_location_id": null}),
        json!({"type": "ScheduleDelivery", "delivery_id": "d1", "request_id": "r1", "kind": "delivery",
               "lines": [{"item_id": "soap", "quantity": 2}], "window_start_ms": now,
               "window_end_ms": now + 3_600_000, "driver_id": "dee", "replaces_delivery_id": null}),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = logistics.command(&format!("step-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    let head = app.log.head().position;

    let contact = "/api/requests/r1/contact";
    let (status, shown) = driver.get(contact).await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains(ADDRESS) && shown.contains(PHONE));
    assert_eq!(comms.get(contact).await.0, 200);
    for outsider in [&other_driver, &volunteer, &auditor, &logistics] {
        assert_eq!(outsider.get(contact).await.0, 403);
    }

    // Nothing a volunteer or an auditor can read holds the clear text.
    let mut seen = Vec::new();
    while seen.last().copied().unwrap_or(0) < head {
        let message = volunteer_feed.next().await;
        let text = serde_json::to_string(&message).unwrap();
        assert_no_personal_data(&text, "volunteer feed");
        if let ServerMessage::Events { events } = message {
            seen.extend(events.iter().map(|e| e.position));
        }
    }
    assert_no_personal_data(&volunteer.get("/api/snapshot").await.1, "snapshot");
    assert_no_personal_data(&auditor.get("/api/events").await.1, "auditor's log");

    // Nor does any file the server keeps: the log holds only ciphertext.
    let data = app.stop().await;
    for file in tests::files_under(data.path()) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_no_personal_data(&text, &file.display().to_string());
    }
}

fn assert_no_personal_data(text: &str, place: &str) {
    for secret in [NAME, PHONE, ADDRESS] {
        assert!(!text.contains(secret), "{secret} found in {place}");
    }
}

#[tokio::test]
async fn a_screen_that_stops_reading_is_resynced_and_slows_nobody_else() {
    // Room for 32 batches: enough for a screen that reads, even on a busy machine, and far
    // less than the 300 the slow screen will miss.
    let options = Options {
        group: server::group::Options { feed_capacity: Some(32), ..Default::default() },
        ..Options::default()
    };
    let app = tests::spawn_app_tuned(options, Some(4096)).await.unwrap();
    let logistics = stocked(&app).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let mut fast = volunteer.feed().await;
    fast.subscribe(None).await;
    let ServerMessage::Snapshot { .. } = fast.next().await else { panic!("no snapshot") };
    let mut slow = volunteer.feed_with_receive_buffer(Some(2048)).await;
    slow.subscribe(None).await;
    let ServerMessage::Snapshot { .. } = slow.next().await else { panic!("no snapshot") };
    let start = app.log.head().position;
    let commands = 300;
    // The fast screen reads as events come; the slow one reads nothing while the others work.
    let fast = tokio::spawn(async move { fast.positions_until(start + commands).await });
    let name = "x".repeat(90);
    for i in 0..commands {
        let item = json!({"type": "RegisterItem", "item_id": format!("item-{i}"), "name": name,
                          "category": "hygiene", "unit": "pack"});
        let (status, body) = logistics.command(&format!("c-{i}"), item).await;
        assert_eq!(status, 200, "{body}");
    }
    let head = app.log.head().position;
    assert_eq!(head, start + commands);
    assert_eq!(fast.await.unwrap(), (start + 1..=head).collect::<Vec<_>>());

    // When it reads again, it is told it fell behind and gets the whole picture afresh.
    let mut resynced = false;
    loop {
        match slow.next().await {
            ServerMessage::Resync { .. } => resynced = true,
            ServerMessage::Snapshot { snapshot } if resynced => {
                assert_eq!(snapshot.position, head);
                break;
            }
            ServerMessage::Events { events } => {
                let caught_up = events.last().is_some_and(|e| e.position == head);
                assert!(resynced || !caught_up, "the slow screen was never resynced");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let (_, metrics) = app.member("ana", &[Role::Coordinator]).await.get("/metrics").await;
    assert!(!metrics.contains("potluck_websocket_resyncs_total 0\n"), "{metrics}");
    app.stop().await;
}

#[tokio::test]
async fn stopping_the_server_closes_live_screens_cleanly() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let mut feed = volunteer.feed().await;
    feed.subscribe(None).await;
    let ServerMessage::Snapshot { .. } = feed.next().await else { panic!("no snapshot") };
    let stopping = tokio::spawn(app.stop());
    assert_eq!(feed.close_code().await, Some(1001));
    stopping.await.unwrap();
}

/// Events of a feed until `last` has arrived, after its welcome and snapshot.
async fn events_until(feed: &mut tests::Feed, last: u64) -> Vec<shared::wire::WireEvent> {
    let mut events = Vec::new();
    while events.last().map_or(0, |e: &shared::wire::WireEvent| e.position) < last {
        if let ServerMessage::Events { events: batch } = feed.next().await {
            events.extend(batch);
        }
    }
    events
}

#[tokio::test]
async fn who_opened_contact_details_reaches_only_the_coordinators_and_auditors_screens() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let comms = app.member("cam", &[Role::Communications]).await;
    let coordinator = app.member("ana", &[Role::Coordinator]).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let mut request = log_request("r1", "soap", None);
    request["personal_data"] =
        json!({"name": NAME, "phone": PHONE, "address": ADDRESS, "notes": ""});
    let (status, body) = comms.command("log-r1", request).await;
    assert_eq!(status, 200, "{body}");
    let mut watching = coordinator.feed().await;
    watching.subscribe(None).await;
    let mut working = volunteer.feed().await;
    working.subscribe(None).await;

    assert_eq!(comms.get("/api/requests/r1/contact").await.0, 200);
    let viewed = app.log.head().position;
    let (status, body) =
        logistics.command("check", json!({"type": "CheckStock", "request_id": "r1"})).await;
    assert_eq!(status, 200, "{body}");
    let head = app.log.head().position;
    assert_eq!(head, viewed + 1);

    let kinds = |events: &[shared::wire::WireEvent]| -> Vec<(u64, String)> {
        events.iter().map(|e| (e.position, e.event.event_type().to_owned())).collect()
    };
    let seen = kinds(&events_until(&mut watching, head).await);
    assert!(seen.contains(&(viewed, "ContactDetailsViewed".to_owned())), "{seen:?}");
    let seen = kinds(&events_until(&mut working, head).await);
    assert!(seen.iter().all(|(p, _)| *p != viewed), "{seen:?}");
    assert!(seen.contains(&(head, "StockChecked".to_owned())), "{seen:?}");

    // Resuming from before the view, the volunteer's screen gets the rest, without it.
    let mut resumed = volunteer.feed().await;
    resumed.subscribe(Some(viewed - 1)).await;
    let seen = kinds(&events_until(&mut resumed, head).await);
    assert_eq!(seen, [(head, "StockChecked".to_owned())]);
    app.stop().await;
}
