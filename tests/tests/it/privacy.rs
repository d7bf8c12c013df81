//! Privacy over real HTTP and real files: erasing a household destroys its key for good
//! (crypto-shredding) while the log, its chain and every count stay; opening a household's
//! contact details by role leaves a record; a backup restores with the keys it needs.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use server::group::Group;
use server::http::{self, Options};
use server::log::{Log, system_clock};
use shared::access::Role;
use tests::Client;

use super::api::{log_request, stocked};

const NAME: &str = "Odalys Fernwhistle-Erasable";
const PHONE: &str = "555-0147-9911";
const ADDRESS: &str = "77 Quillfeather Lane";
const KEY_ID: &str = "household:h-17";

fn request_with_personal_data(request_id: &str) -> Value {
    let mut request = log_request(request_id, "soap", None);
    request["personal_data"] =
        json!({"name": NAME, "phone": PHONE, "address": ADDRESS, "notes": "no stairs"});
    request
}

fn erase(household_id: &str) -> Value {
    json!({"type": "EraseHousehold", "household_id": household_id, "reason": "asked to be forgotten"})
}

use tests::files_under;

fn assert_no_personal_data(text: &str, place: &str) {
    for secret in [NAME, PHONE, ADDRESS] {
        assert!(!text.contains(secret), "{secret} found in {place}");
    }
}

/// The household's key as the key store holds it, hex-encoded.
fn stored_key(data: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data.join("household_keys.json")).ok()?;
    let keys: Value = serde_json::from_str(&text).unwrap();
    keys[KEY_ID].as_str().map(str::to_owned)
}

/// Waits until the projections have folded everything durable: an answered command is in
/// the log, and the projector follows it a moment later.
async fn caught_up(app: &tests::TestApp) {
    let head = app.log.head().position;
    for _ in 0..500 {
        if app.state.group.live().position() >= head {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the projections never reached position {head}");
}

fn board_requests(snapshot: &str) -> usize {
    let snapshot: Value = serde_json::from_str(snapshot).unwrap();
    snapshot["board"]["requests"].as_object().map_or(0, |m| m.len())
}

// Multi-threaded: the log is reopened in the test once the server has stopped, and the
// server's tasks must be free to let go of it meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_households_data_is_gone_from_every_file_and_answer_but_counts_stay() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let dir = app.data.path().join("data");
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let coordinator = app.member("cora", &[Role::Coordinator]).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    caught_up(&app).await;
    let contact = "/api/requests/r1/contact";
    let (status, shown) = liaison.get(contact).await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains(NAME), "{shown}");
    let key = stored_key(&dir).expect("the household has a key");
    let ciphertext = app.state.group.read(|p| p.contacts["r1"].1.ciphertext().to_owned());
    let (_, before) = volunteer.get("/api/snapshot").await;
    let requests_before = board_requests(&before);
    assert_eq!(requests_before, 1);

    // Only coordinators and liaisons erase; an unknown household cannot be erased.
    assert_eq!(volunteer.command("erase-v", erase("h-17")).await.0, 403);
    let (status, body) = coordinator.command("erase-unknown", erase("h-99")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown")), "{body}");

    let (status, body) = liaison.command("erase-h17", erase("h-17")).await;
    assert_eq!(status, 200, "{body}");
    // Answered only after the key is destroyed.
    assert!(!app.state.group.keys().has_key(KEY_ID).unwrap());
    assert_eq!(stored_key(&dir), None);
    // A retry is the same answer; a second erasure is refused.
    let (status, retry) = liaison.command("erase-h17", erase("h-17")).await;
    assert_eq!((status, retry["duplicate"].as_bool()), (200, Some(true)), "{retry}");
    let (status, body) = coordinator.command("erase-again", erase("h-17")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("wrong_stage")), "{body}");
    // No new request may bring the household back, and it leaves no key behind.
    let (status, body) = liaison.command("log-r2", request_with_personal_data("r2")).await;
    assert_eq!(status, 422, "{body}");
    assert!(!app.state.group.keys().has_key(KEY_ID).unwrap());

    for member in [&liaison, &coordinator] {
        let (status, shown) = member.get(contact).await;
        assert_eq!(status, 200, "{shown}");
        let shown: Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(shown["erased"], true, "{shown}");
        assert_eq!(shown["personal_data"], Value::Null, "{shown}");
    }
    let (_, after) = volunteer.get("/api/snapshot").await;
    assert_eq!(board_requests(&after), requests_before);
    assert_no_personal_data(&after, "snapshot");
    let (status, events) = coordinator.get("/api/events").await;
    assert_eq!(status, 200);
    assert_no_personal_data(&events, "/api/events");
    assert!(events.contains(&ciphertext), "the ciphertext stays in the log");
    assert!(events.contains("HouseholdErased"));
    assert!(!events.contains(&key));
    let (_, verified) = coordinator.get("/api/verify").await;
    assert!(verified.contains("\"ok\":true"), "{verified}");

    // Every file the server keeps: no clear text, and the key itself is nowhere.
    let data = app.stop().await;
    for file in files_under(data.path()) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_no_personal_data(&text, &file.display().to_string());
        assert!(!text.contains(&key), "the destroyed key is still in {}", file.display());
    }
    let keys = std::fs::read_to_string(dir.join("household_keys.json")).unwrap();
    assert!(!keys.contains(KEY_ID), "{keys}");
    let log = Log::open(&dir).unwrap();
    assert!(log.verify().is_ok());
    let mut found = false;
    for envelope in log.read_raw(1, 10_000).unwrap() {
        found |= envelope.payload.contains(&ciphertext);
    }
    assert!(found, "the sealed data is still in the log, unreadable");
    log.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_the_server_did_not_finish_is_finished_at_start_up() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let dir = app.data.path().join("data");
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    let data = app.stop().await;
    assert!(stored_key(&dir).is_some());

    // The erasure is durable, but the server stopped before it destroyed the key.
    let log = Log::open(&dir).unwrap();
    let event = server::log::NewEvent {
        event_type: "HouseholdErased".into(),
        schema_version: 1,
        payload: json!({"household_id": "h-17", "reason": "asked"}).to_string(),
    };
    let append = server::log::AppendRequest::new(
        "household-h-17",
        server::log::ExpectedVersion::Any,
        vec![event],
        "erase-h17",
        "lia",
    );
    log.append(append).await.unwrap();
    let state = Group::start(log.clone(), &dir, system_clock(), Default::default()).unwrap();
    assert!(!state.keys().has_key(KEY_ID).unwrap());
    log.close().await;
    assert_eq!(stored_key(&dir), None);
    drop(data);
}

#[tokio::test]
async fn opening_contact_details_by_role_is_recorded_and_todays_driver_sees_only_door_and_phone() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let auditor = app.member("audrey", &[Role::Auditor]).await;
    let driver = app.member("dee", &[Role::Driver]).await;
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
            as i64;
    let steps = [
        json!({"type": "ReserveStock", "request_id": "r1", "lines": [{"item_id": "soap", "quantity": 2}], "from_location_id": null}),
        json!({"type": "ScheduleDelivery", "delivery_id": "d1", "request_id": "r1", "kind": "delivery",
               "lines": [{"item_id": "soap", "quantity": 2}], "window_start_ms": now,
               "window_end_ms": now + 3_600_000, "driver_id": "dee", "replaces_delivery_id": null}),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = logistics.command(&format!("step-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    caught_up(&app).await;
    let head = app.log.head().position;
    let contact = "/api/requests/r1/contact";
    assert_eq!(liaison.get(contact).await.0, 200);
    assert_eq!(app.log.head().position, head + 1, "the liaison's view is recorded");
    let (status, shown) = driver.get(contact).await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains(ADDRESS) && shown.contains(PHONE), "the driver finds the door: {shown}");
    assert!(!shown.contains(NAME) && !shown.contains("no stairs"), "and no more: {shown}");
    assert_eq!(app.log.head().position, head + 1, "today's driver leaves no record");
    assert_eq!(auditor.get(contact).await.0, 403);
    assert_eq!(app.log.head().position, head + 1, "a refused look records nothing");

    // Coordinators and auditors read who looked at whose details, and when.
    let (status, events) = auditor.get("/api/events").await;
    assert_eq!(status, 200);
    let viewed: Vec<Value> = events
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|e| e["event_type"] == "ContactDetailsViewed")
        .collect();
    assert_eq!(viewed.len(), 1, "{events}");
    assert_eq!(viewed[0]["actor"], "lia");
    assert_eq!(viewed[0]["stream"], "household-h-17");
    assert!(viewed[0]["recorded_at_ms"].as_i64().unwrap() >= now);
    assert_eq!(viewed[0]["payload"], json!({"request_id": "r1", "household_id": "h-17"}));
    // A client cannot forge or suppress the record: the command is the server's alone.
    let forged = json!({"type": "RecordContactView", "request_id": "r1", "household_id": "h-17"});
    assert_eq!(liaison.command("forged", forged).await.0, 400);
    app.stop().await;
}

fn potluck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_potluck")).args(args).output().unwrap()
}

fn head_hash(data: &Path) -> String {
    let output = potluck(&["verify", "--data", data.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{text}");
    text.split("head hash ").nth(1).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_a_new_folder_with_the_same_head_and_readable_contacts() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let dir = app.data.path().join("data");
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    let data = app.stop().await;

    let backup = data.path().join("backup");
    let output = potluck(&["backup", "--data", dir.to_str().unwrap(), backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Never over anything: a second backup into the same folder is refused.
    let again = potluck(&["backup", "--data", dir.to_str().unwrap(), backup.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    let restored = data.path().join("restored");
    let output =
        potluck(&["restore", "--data", restored.to_str().unwrap(), backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let into_existing =
        potluck(&["restore", "--data", dir.to_str().unwrap(), backup.to_str().unwrap()]);
    assert!(!into_existing.status.success(), "a restore never overwrites a data folder");
    assert_eq!(head_hash(&restored), head_hash(&dir));

    // The restored server opens the household's details with the restored key (the
    // liaison's session is in the restored sign-in store too).
    let log = Log::open(&restored).unwrap();
    let group = Group::start(log.clone(), &restored, system_clock(), Default::default()).unwrap();
    let state = http::AppState::new(group, Options::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(listener, http::app(state), async move {
        let _ = stopped.await;
    }));
    let client = Client { base: format!("http://{address}"), ..liaison.clone() };
    let (status, shown) = client.get("/api/requests/r1/contact").await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains(NAME) && shown.contains(ADDRESS), "{shown}");
    let _ = stop.send(());
    let _ = server.await;
    log.close().await;
}

#[tokio::test]
async fn every_role_sees_personal_fields_only_on_the_contact_route_and_only_if_its_work_needs_it() {
    use shared::access::{View, may_view, sees_all_personal_data};
    let app = tests::spawn_app(Options::default()).await.unwrap();
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    caught_up(&app).await;
    for role in Role::ALL {
        let member = app.member(&format!("m-{}", role.as_str()), &[role]).await;
        for route in ["/api/snapshot", "/api/events", "/api/verify", "/api/me", "/metrics"] {
            let (status, body) = member.get(route).await;
            assert_no_personal_data(&body, &format!("{route} as {role:?}"));
            if route == "/api/events" || route == "/metrics" {
                assert_eq!(status == 200, may_view(&[role], View::Log), "{route} as {role:?}");
            }
        }
        let mut feed = member.feed().await;
        feed.subscribe(None).await;
        let welcome = serde_json::to_string(&feed.next().await).unwrap();
        assert_no_personal_data(&welcome, &format!("/ws as {role:?}"));
        feed.close().await;
        // A driver with no delivery of this request today is refused like everyone else.
        let (status, body) = member.get("/api/requests/r1/contact").await;
        let allowed = sees_all_personal_data(&[role]);
        assert_eq!(status == 200, allowed, "contact as {role:?}: {body}");
        assert_eq!(body.contains(NAME) && body.contains(PHONE), allowed, "{role:?}: {body}");
    }
    app.stop().await;
}

// The server's clock is the test's: months pass in an instant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_quiet_past_the_groups_retention_is_erased_automatically_with_its_reason() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};
    const DAY_MS: i64 = 86_400_000;

    let now = Arc::new(AtomicI64::new(20_000 * DAY_MS + 9 * 3_600_000));
    let clock: server::log::Clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    // h-17 asks once and the request is cancelled; h-18's request is still open.
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    let mut other = request_with_personal_data("r2");
    other["household_id"] = json!("h-18");
    let (status, body) = liaison.command("log-r2", other).await;
    assert_eq!(status, 200, "{body}");
    let cancel = json!({"type": "CancelRequest", "request_id": "r1", "reason": "Moved away"});
    let (status, body) = liaison.command("cancel-r1", cancel).await;
    assert_eq!(status, 200, "{body}");

    // Off by default: a year later, nothing is erased.
    now.fetch_add(365 * DAY_MS, Ordering::SeqCst);
    caught_up(&app).await;
    assert!(server::retention::sweep(&app.state.group).await.is_empty());
    assert!(app.state.group.keys().has_key(KEY_ID).unwrap());

    // The coordinator sets 30 days (a liaison may not; 3 days is too short). Sessions from
    // a year ago have expired: both sign in anew.
    let coordinator = app.member("cora", &[Role::Coordinator]).await;
    let liaison = app.member("lio", &[Role::Liaison]).await;
    let retain = |days: Value| json!({"type": "SetHouseholdRetention", "days": days});
    assert_eq!(liaison.command("retain-l", retain(json!(30))).await.0, 403);
    let (status, body) = coordinator.command("retain-3", retain(json!(3))).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = coordinator.command("retain-30", retain(json!(30))).await;
    assert_eq!(status, 200, "{body}");
    caught_up(&app).await;
    let erased = server::retention::sweep(&app.state.group).await;
    assert_eq!(erased, vec![shared::distribution::HouseholdId::from("h-17")]);
    assert!(
        !app.state.group.keys().has_key(KEY_ID).unwrap(),
        "the closed, quiet household's key is destroyed"
    );
    assert!(
        app.state.group.keys().has_key("household:h-18").unwrap(),
        "an open request keeps its household"
    );
    caught_up(&app).await;
    assert!(server::retention::sweep(&app.state.group).await.is_empty(), "nothing left to erase");

    // The log says what was forgotten, by whom and why; the contact route says so too.
    let (status, events) = coordinator.get("/api/events?after=0").await;
    assert_eq!(status, 200);
    let erasures: Vec<Value> = events
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|e| e["event_type"] == "HouseholdErased")
        .collect();
    assert_eq!(erasures.len(), 1, "{events}");
    assert_eq!(erasures[0]["actor"], server::retention::RETENTION_ACTOR);
    assert_eq!(
        erasures[0]["payload"]["reason"],
        "Retention: no open request and no activity for 30 days"
    );
    let (status, shown) = coordinator.get("/api/requests/r1/contact").await;
    assert_eq!(status, 200, "{shown}");
    assert_no_personal_data(&shown, "the contact route after an automatic erasure");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_server_is_backed_up_through_its_socket_and_the_copy_restores_to_that_head() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let dir = app.data.path().join("data");
    stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let (status, body) = liaison.command("log-r1", request_with_personal_data("r1")).await;
    assert_eq!(status, 200, "{body}");
    // What `potluck serve` runs beside the HTTP server.
    let closing = app.state.group.closing();
    tokio::spawn(server::backup::serve_admin(app.state.group.clone(), dir.clone(), closing));
    let socket = dir.join(server::backup::ADMIN_SOCKET);
    for _ in 0..200 {
        if socket.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let head = app.log.head();
    caught_up(&app).await;
    let projections = app.state.group.read(|p| p.snapshot());

    // The CLI finds the running server's socket and the server writes the backup.
    let backup = app.data.path().join("backup");
    let args = |to: &Path| {
        vec![
            "backup".to_owned(),
            "--data".into(),
            dir.display().to_string(),
            to.display().to_string(),
        ]
    };
    let run = |args: Vec<String>| async move {
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            potluck(&args)
        })
        .await
        .unwrap()
    };
    let output = run(args(&backup)).await;
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{said} {}", String::from_utf8_lossy(&output.stderr));
    assert!(said.contains(&format!("Backed up {} events", head.position)), "{said}");
    assert!(said.contains("from the running server"), "{said}");
    let again = run(args(&backup)).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // The server went on serving; what came after the backup is not in it.
    let (status, body) = liaison.command("log-r2", request_with_personal_data("r2")).await;
    assert_eq!(status, 200, "{body}");
    let data = app.stop().await;
    assert!(!socket.exists(), "the socket goes with the server");

    let restored = data.path().join("restored");
    let output =
        potluck(&["restore", "--data", restored.to_str().unwrap(), backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(head_hash(&restored), hex::encode(head.hash));
    assert_ne!(head_hash(&dir), hex::encode(head.hash), "the original moved on");
    assert!(stored_key(&restored).is_some(), "the household's key came with the log");
    // A server on the restored folder folds the same projections as the original had then.
    let log = Log::open(&restored).unwrap();
    let state = Group::start(log.clone(), &restored, system_clock(), Default::default()).unwrap();
    assert!(state.read(|p| p.snapshot()) == projections, "the restored projections differ");
    log.close().await;
}
