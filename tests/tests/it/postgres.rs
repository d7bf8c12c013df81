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
    assert!(stdout(&output).contains("Applied migrations [1]"), "{}", stdout(&output));
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
async fn a_second_writer_on_one_database_is_refused_and_writes_nothing() {
    let cluster = migrated();
    let first = open(&cluster.url());
    first.append(note("s", "one")).await.unwrap();
    let second = open(&cluster.url());
    let refused = second.append(note("s", "two")).await.unwrap_err();
    assert!(refused.to_string().contains("another potluck server"), "{refused}");
    assert_eq!(first.append(note("s", "three")).await.unwrap().first_position, 2);
    assert_eq!(second.command("two").unwrap(), None);
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
