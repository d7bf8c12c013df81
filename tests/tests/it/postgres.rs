//! The log in PostgreSQL (ADR 0006): the guarantees the sled store gives, each checked
//! against a real cluster the test starts on a loopback port and stops.

use std::process::{Command, Output};

use server::http::Options;
use server::log::{AppendError, AppendRequest, ExpectedVersion, Log, NewEvent, system_clock};
use shared::access::Role;
use shared::upcast::Upcasters;
use tests::note;
use tests::postgres::Cluster;

use super::api::register_item;

fn potluck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_potluck")).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A cluster with the log's tables made by `potluck migrate`.
fn migrated() -> Cluster {
    let cluster = Cluster::start();
    let output = potluck(&["migrate", "--store", &cluster.url()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Applied migrations [1, 2]"), "{}", stdout(&output));
    cluster
}

fn open(url: &str) -> Log {
    Log::open_postgres(url, Upcasters::domain(), system_clock()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_to_postgresql_keep_the_logs_guarantees_across_a_restart() {
    let cluster = migrated();
    // Migrating again changes nothing.
    let again = potluck(&["migrate", "--store", &cluster.url()]);
    assert_eq!(stdout(&again), "The database's schema is up to date.");
    let log = open(&cluster.url());

    let first = log.append(note("pantry", "c-1")).await.unwrap();
    assert_eq!((first.first_position, first.stream_version), (1, 1));
    // A retry gets the first answer and writes nothing; the same id for another command is
    // refused.
    assert_eq!(log.append(note("pantry", "c-1")).await.unwrap(), first);
    let reused = log.append(note("elsewhere", "c-1")).await.unwrap_err();
    assert!(matches!(reused, AppendError::CommandIdReused(_)), "{reused:?}");
    // Expected versions per stream.
    let stale = AppendRequest::new(
        "pantry",
        ExpectedVersion::Exact(0),
        vec![tests::noted("late")],
        "c-2",
        "tester",
    );
    let refused = log.append(stale).await.unwrap_err();
    assert!(matches!(refused, AppendError::WrongExpectedVersion { current: 1, .. }), "{refused:?}");
    // All or none: the second of two appends is refused, so neither is written.
    let good = note("pantry", "c-3");
    let too_big = AppendRequest::new(
        "pantry",
        ExpectedVersion::Any,
        vec![NewEvent {
            event_type: "Noted".into(),
            schema_version: 1,
            payload: format!("{{\"text\":\"{}\"}}", "x".repeat(70_000)),
        }],
        "c-4",
        "tester",
    );
    let none = log.append_all(vec![good, too_big]).await.unwrap_err();
    assert!(matches!(none, AppendError::Invalid(_)), "{none:?}");
    assert_eq!(log.head().position, 1);
    assert_eq!(log.command("c-3").unwrap(), None);

    // Many writers at once: gapless positions, every command once.
    let writers: Vec<_> = (0..40)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move {
                log.append(note(&format!("s-{}", i % 4), &format!("w-{i}"))).await
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
    let records = log.read_raw(1, 1000).unwrap();
    let positions: Vec<u64> = records.iter().map(|r| r.position).collect();
    assert_eq!(positions, (1..=41).collect::<Vec<u64>>());
    assert_eq!(log.read_stream("s-2", 1).unwrap().len(), 10);
    let verified = log.verify().unwrap();
    assert_eq!(verified.count, 41);
    log.close().await;
    drop(log);

    // Another process opens the same database and finds the same log.
    let reopened = open(&cluster.url());
    assert_eq!(reopened.head().position, 41);
    assert_eq!(reopened.head().hash, verified.head_hash);
    assert!(reopened.command("w-7").unwrap().is_some());
    let next = reopened.append(note("pantry", "after-restart")).await.unwrap();
    assert_eq!(next.first_position, 42);
    reopened.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_going_through_the_log_in_chunks_sees_every_record_once() {
    let cluster = migrated();
    let log = open(&cluster.url());
    tests::reading_in_chunks_sees_every_record(&log).await;
    log.close().await;
}

/// Appends `request` until the log takes it: another server appending first is the one
/// refusal a writer retries (the server's pipeline does it by deciding again).
async fn append_retrying(log: &Log, request: AppendRequest) -> server::log::Appended {
    loop {
        match log.append(request.clone()).await {
            Err(AppendError::HeadMoved) => tokio::task::yield_now().await,
            answer => return answer.unwrap(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_on_one_database_append_in_one_order_and_never_fork() {
    let cluster = migrated();
    let first = open(&cluster.url());
    let second = open(&cluster.url());
    assert_eq!(first.append(note("s", "one")).await.unwrap().first_position, 1);
    // The second writer built on the head it knew: refused with nothing written, or (if a
    // notification woke it first) on top of the first's record.
    match second.append(note("s", "two")).await {
        Ok(appended) => assert_eq!(appended.first_position, 2),
        Err(AppendError::HeadMoved) => {
            assert_eq!(second.append(note("s", "two")).await.unwrap().first_position, 2);
        }
        Err(other) => panic!("{other:?}"),
    }
    // Both at once, many times: one gapless order, every command once.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let log = if i % 2 == 0 { first.clone() } else { second.clone() };
        let request = note(&format!("s-{}", i % 3), &format!("c-{i}"));
        tasks.push(tokio::spawn(async move { append_retrying(&log, request).await }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let records = first.read_raw(1, 100).unwrap();
    let positions: Vec<u64> = records.iter().map(|r| r.position).collect();
    assert_eq!(positions, (1..=32).collect::<Vec<u64>>());
    let mut ids: Vec<&str> = records.iter().map(|r| r.command_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 32);
    assert_eq!(first.verify().unwrap(), second.verify().unwrap());
    second.close().await;
    first.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_moves_from_a_data_folder_to_postgresql_and_back_with_the_same_head_hash() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = Log::open(&data).unwrap();
    for i in 0..30 {
        log.append(note(&format!("stream-{}", i % 3), &format!("c-{i}"))).await.unwrap();
    }
    log.close().await;
    drop(log);
    let data = data.to_str().unwrap();
    let on_sled = potluck(&["verify", "--data", data]);
    assert_eq!(on_sled.status.code(), Some(0), "{}", stderr(&on_sled));

    let cluster = migrated();
    let url = cluster.url();
    let copied = potluck(&["copy", "--from", data, "--to", &url]);
    assert_eq!(copied.status.code(), Some(0), "{}", stderr(&copied));
    assert!(stdout(&copied).starts_with("Copied 30 events"), "{}", stdout(&copied));
    let keys = dir.path().join("keys");
    let on_postgres = potluck(&["verify", "--store", &url, "--data", keys.to_str().unwrap()]);
    assert_eq!(stdout(&on_postgres), stdout(&on_sled));
    // A backup of a database's log is a data folder, whatever holds the log.
    let backup = dir.path().join("backup");
    let backup = backup.to_str().unwrap();
    let taken = potluck(&["backup", "--store", &url, "--data", keys.to_str().unwrap(), backup]);
    assert_eq!(taken.status.code(), Some(0), "{}", stderr(&taken));
    assert_eq!(stdout(&potluck(&["verify", "--data", backup])), stdout(&on_sled));
    // What the database holds can be read with SQL too.
    assert_eq!(cluster.psql("potluck", "SELECT count(*) FROM potluck_commands"), "30");
    assert_eq!(
        cluster.psql("potluck", "SELECT stream_version FROM potluck_events WHERE position = 30"),
        "10"
    );

    // A folder that is not a group's is not a source (nothing is created in its place).
    let missing = dir.path().join("missing");
    let nothing = potluck(&["copy", "--from", missing.to_str().unwrap(), "--to", &url]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(stderr(&nothing).contains("not a potluck data folder"), "{}", stderr(&nothing));
    assert!(!missing.exists());
    // A database that holds a log is never copied over.
    let twice = potluck(&["copy", "--from", data, "--to", &url]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("already holds a log"), "{}", stderr(&twice));

    let back = dir.path().join("back");
    let back = back.to_str().unwrap();
    let returned = potluck(&["copy", "--from", &url, "--to", back]);
    assert_eq!(returned.status.code(), Some(0), "{}", stderr(&returned));
    assert_eq!(stdout(&potluck(&["verify", "--data", back])), stdout(&on_sled));
    // Retries still get their first answers in the copy.
    let log = Log::open(std::path::Path::new(back)).unwrap();
    let retried = log.append(note("stream-1", "c-4")).await.unwrap();
    assert_eq!(retried.first_position, 5);
    assert_eq!(log.head().position, 30);
    log.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_is_missing_or_not_migrated_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    // Nothing listens on port 1.
    let unreachable =
        potluck(&["verify", "--data", data, "--store", "postgres://potluck@127.0.0.1:1/potluck"]);
    assert_eq!(unreachable.status.code(), Some(2));
    assert!(stderr(&unreachable).contains("PostgreSQL"), "{}", stderr(&unreachable));
    assert!(!stderr(&unreachable).contains("panicked"), "{}", stderr(&unreachable));

    let cluster = Cluster::start();
    let bare = potluck(&["verify", "--data", data, "--store", &cluster.url()]);
    assert_eq!(bare.status.code(), Some(2));
    assert!(stderr(&bare).contains("potluck migrate"), "{}", stderr(&bare));
    let garbled = potluck(&["verify", "--data", data, "--store", "postgres://[::1"]);
    assert_eq!(garbled.status.code(), Some(2));
    assert!(!stderr(&garbled).contains("panicked"), "{}", stderr(&garbled));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_on_postgresql_refuses_while_the_database_is_down_and_recovers_by_itself() {
    let cluster = migrated();
    let app = tests::spawn_app_on_postgres(&cluster.url(), Options::default()).await.unwrap();
    let logistics = app.member("lou", &[Role::Logistics]).await;
    let (status, body) = logistics.command("soap", register_item("soap")).await;
    assert_eq!(status, 200, "{body}");
    let head = app.log.head().position;

    cluster.stop();
    let (status, body) = logistics.command("towels", register_item("towels")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["error"]["message"].as_str().unwrap_or("").contains("PostgreSQL"), "{body}");
    assert_eq!(app.log.head().position, head);

    cluster.restart();
    // The same command id again: it lands once, on the next position.
    let (status, body) = logistics.command("towels", register_item("towels")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["first_position"], head + 1);
    let (status, again) = logistics.command("towels", register_item("towels")).await;
    assert_eq!((status, &again["duplicate"]), (200, &serde_json::json!(true)));
    assert_eq!(app.log.verify().unwrap().count, head + 1);
    // The screens catch up: the live views read the new record from the database.
    let mut items = String::new();
    for _ in 0..100 {
        items = logistics.get("/api/snapshot").await.1;
        if items.contains("towels") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(items.contains("soap"), "the board never heard of soap: {items}");
    assert!(items.contains("towels"), "the board never heard of towels: {items}");
    app.stop().await;
}

/// `client`, talking to `app` instead: the same session, another server.
fn through(client: &tests::Client, app: &tests::TestApp) -> tests::Client {
    let mut moved = client.clone();
    moved.base = app.url("");
    moved.ws = app.ws_url("/ws");
    moved
}

/// Waits until `app`'s live views hold everything up to `position` (written by any server).
async fn caught_up(app: &tests::TestApp, position: u64) {
    let live = app.state.group.live();
    assert!(
        live.caught_up_to(position, std::time::Duration::from_secs(20)).await,
        "the server never heard of position {position}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_share_sessions_keys_and_never_both_win_one_delivery() {
    let cluster = migrated();
    let a = tests::spawn_app_on_postgres(&cluster.url(), Options::default()).await.unwrap();
    let b = tests::spawn_app_on_postgres(&cluster.url(), Options::default()).await.unwrap();
    let logistics = super::api::stocked(&a).await;
    let comms = a.member("cam", &[Role::Communications]).await;
    let quinn = a.member("quinn", &[Role::Driver]).await;
    let omar = a.member("omar", &[Role::Driver]).await;
    caught_up(&b, a.log.head().position).await;
    // Omar and logistics work through server B with the sessions server A gave them.
    let (omar, logistics_b) = (through(&omar, &b), through(&logistics, &b));
    let mut omar_feed = omar.feed().await;
    omar_feed.subscribe(None).await;
    let shared::wire::ServerMessage::Snapshot { snapshot } = omar_feed.next().await else {
        panic!("no snapshot")
    };
    let seen = snapshot.position;

    // A request with a household's contact, sealed by server A...
    let mut request = super::api::log_request("r1", "soap", None);
    request["personal_data"] = serde_json::json!({"name": "Ada Both", "phone": "555-0123", "address": "1 Shared Way", "notes": ""});
    let (status, body) = comms.command("log-r1", request).await;
    assert_eq!(status, 200, "{body}");
    // ... taken through its steps on server B, which decides on what A wrote.
    let now = (system_clock())();
    let steps = [
        serde_json::json!({"type": "CheckStock", "request_id": "r1"}),
        serde_json::json!({"type": "ReserveStock", "request_id": "r1", "lines": [{"item_id": "soap", "quantity": 2}], "from_location_id": null}),
        serde_json::json!({"type": "ScheduleDelivery", "delivery_id": "d1", "request_id": "r1", "kind": "delivery",
               "lines": [{"item_id": "soap", "quantity": 2}], "window_start_ms": now,
               "window_end_ms": now + 3_600_000, "driver_id": null, "replaces_delivery_id": null}),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = logistics_b.command(&format!("step-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }

    // Two drivers claim the one delivery at the same moment, through the two servers.
    let claim = serde_json::json!({"type": "ClaimDelivery", "delivery_id": "d1"});
    let (by_quinn, by_omar) =
        tokio::join!(quinn.command("claim-q", claim.clone()), omar.command("claim-o", claim));
    let statuses = [by_quinn.0, by_omar.0];
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{by_quinn:?} {by_omar:?}");
    let (winner, loser) = if by_quinn.0 == 200 { (&quinn, &by_omar) } else { (&omar, &by_quinn) };
    assert!(loser.1["error"]["code"].is_string(), "{loser:?}");

    // Both servers end at the same head, with one chain, and show the same driver.
    let head = a.log.head().position.max(b.log.head().position);
    caught_up(&a, head).await;
    caught_up(&b, head).await;
    let (on_a, on_b) = (a.log.verify().unwrap(), b.log.verify().unwrap());
    assert_eq!(on_a, on_b);
    for app in [&a, &b] {
        let driver = app.state.group.read(|p| {
            p.board.deliveries.get("d1").and_then(|d| d.driver_id.clone()).map(|d| d.to_string())
        });
        assert_eq!(driver.as_deref(), Some(winner.member_id.as_str()));
    }
    // The winner reads the household's door on the other server: the key is shared.
    let other = if winner.member_id == "quinn" { through(winner, &b) } else { through(winner, &a) };
    let (status, shown) = other.get("/api/requests/r1/contact").await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains("1 Shared Way"), "{shown}");
    // Omar's screen on B heard every step, including those written by A.
    let positions = omar_feed.positions_until(head).await;
    assert_eq!(positions, (seen + 1..=head).collect::<Vec<u64>>());
    omar_feed.close().await;
    b.stop().await;
    a.stop().await;
}

/// Sends `command` under `id` until it is accepted, retrying (with the same id) what the
/// server refuses as unavailable; the answer and how long it was refused.
async fn send_until_accepted(
    client: &tests::Client,
    id: &str,
    command: serde_json::Value,
) -> (serde_json::Value, std::time::Duration) {
    let mut refused_since = None;
    for _ in 0..2_000 {
        let (status, body) = client.command(id, command.clone()).await;
        match status {
            200 => {
                let refused = refused_since
                    .map_or(std::time::Duration::ZERO, |at: std::time::Instant| at.elapsed());
                return (body, refused);
            }
            503 => {
                refused_since.get_or_insert_with(std::time::Instant::now);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            _ => panic!("{id}: {status} {body}"),
        }
    }
    panic!("{id}: still refused after 2,000 tries");
}

/// Two servers on a primary with a synchronous standby; the primary is killed mid-load
/// and the standby promoted. Every acknowledged command is there once, at the position it
/// was acknowledged with; the chain verifies; the screens catch up by themselves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_primary_dies_the_standby_takes_over_and_nothing_acknowledged_is_lost() {
    let (primary, standby) = Cluster::primary_and_standby();
    let migrated = potluck(&["migrate", "--store", &primary.url()]);
    assert_eq!(migrated.status.code(), Some(0), "{}", stderr(&migrated));
    let url = format!(
        "postgres://potluck@127.0.0.1:{},127.0.0.1:{}/potluck?target_session_attrs=read-write",
        primary.port, standby.port
    );
    let a = tests::spawn_app_on_postgres(&url, Options::default()).await.unwrap();
    let b = tests::spawn_app_on_postgres(&url, Options::default()).await.unwrap();
    let on_a = a.member("lou", &[Role::Logistics]).await;
    caught_up(&b, a.log.head().position).await;
    let on_b = through(&on_a, &b);
    let mut screens = Vec::new();
    for app_client in [&on_a, &on_b] {
        let mut feed = app_client.feed().await;
        feed.subscribe(None).await;
        let shared::wire::ServerMessage::Snapshot { snapshot } = feed.next().await else {
            panic!("no snapshot")
        };
        screens.push((feed, snapshot.position));
    }

    // Four writers, two through each server, each sending its commands one after another.
    let mut writers = Vec::new();
    for w in 0..4 {
        let client = if w % 2 == 0 { on_a.clone() } else { on_b.clone() };
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut longest = std::time::Duration::ZERO;
            for i in 0..40 {
                let id = format!("w{w}-{i}");
                let (answer, refused) =
                    send_until_accepted(&client, &id, register_item(&format!("item-{w}-{i}")))
                        .await;
                longest = longest.max(refused);
                acknowledged.push((id, answer["first_position"].as_u64().unwrap()));
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            (acknowledged, longest)
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    primary.kill();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    standby.promote();

    let mut acknowledged = Vec::new();
    let mut longest = std::time::Duration::ZERO;
    for writer in writers {
        let (mine, refused) = writer.await.unwrap();
        acknowledged.extend(mine);
        longest = longest.max(refused);
    }
    eprintln!("writes were refused for at most {} ms during the failover", longest.as_millis());

    // Every acknowledged command once, at its acknowledged position, in one chain.
    let head = a.log.head().position.max(b.log.head().position);
    caught_up(&a, head).await;
    caught_up(&b, head).await;
    let records = a.log.read_raw(1, 10_000).unwrap();
    for (id, position) in &acknowledged {
        let found: Vec<u64> =
            records.iter().filter(|r| &r.command_id == id).map(|r| r.position).collect();
        assert_eq!(found, vec![*position], "{id}");
    }
    assert_eq!(acknowledged.len(), 160);
    assert_eq!(a.log.verify().unwrap(), b.log.verify().unwrap());
    // Every screen caught up without a reload.
    for (mut feed, seen) in screens {
        assert_eq!(feed.positions_until(head).await, (seen + 1..=head).collect::<Vec<u64>>());
        feed.close().await;
    }
    b.stop().await;
    a.stop().await;
}
