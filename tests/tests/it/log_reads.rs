//! Reads by stream and by time, schema evolution on read, and refused appends.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use server::log::{AppendError, AppendRequest, Clock, ExpectedVersion, Log, NewEvent};
use shared::upcast::Upcasters;
use tests::{note, noted};

fn settable_clock() -> (Arc<AtomicI64>, Clock) {
    let now = Arc::new(AtomicI64::new(0));
    let read = now.clone();
    (now, Arc::new(move || read.load(Ordering::SeqCst)))
}

#[tokio::test]
async fn position_at_finds_the_last_event_at_or_before_a_moment() {
    let dir = tempfile::tempdir().unwrap();
    let (now, clock) = settable_clock();
    let log = Log::open_with(dir.path(), Upcasters::domain(), clock).unwrap();
    for (i, at) in [100, 200, 200, 300].into_iter().enumerate() {
        now.store(at, Ordering::SeqCst);
        log.append(note("s", &format!("c{i}"))).await.unwrap();
    }
    let answers: Vec<u64> =
        [50, 100, 199, 200, 250, 300, 10_000].map(|t| log.position_at(t).unwrap()).to_vec();
    assert_eq!(answers, vec![0, 1, 1, 3, 3, 4, 4]);
    log.close().await;
}

#[tokio::test]
async fn recorded_times_never_go_backwards_when_the_clock_does() {
    let dir = tempfile::tempdir().unwrap();
    let (now, clock) = settable_clock();
    let log = Log::open_with(dir.path(), Upcasters::domain(), clock).unwrap();
    for (i, at) in [500, 400, 600].into_iter().enumerate() {
        now.store(at, Ordering::SeqCst);
        log.append(note("s", &format!("c{i}"))).await.unwrap();
    }
    let times: Vec<i64> = log.read_raw(1, 10).unwrap().iter().map(|e| e.recorded_at_ms).collect();
    assert_eq!(times, vec![500, 500, 600]);
    log.close().await;
}

#[tokio::test]
async fn a_stream_reads_back_in_order_and_alone() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    for i in 0..6 {
        let stream = if i % 2 == 0 { "request-a" } else { "request-b" };
        log.append(note(stream, &format!("c{i}"))).await.unwrap();
    }
    let a = log.read_stream("request-a", 1).unwrap();
    let summary: Vec<(u64, u64)> = a.iter().map(|e| (e.stream_version, e.position)).collect();
    assert_eq!(summary, vec![(1, 1), (2, 3), (3, 5)]);
    assert_eq!(log.read_stream("request-a", 3).unwrap().len(), 1);
    assert!(log.read_stream("request", 1).unwrap().is_empty());
    log.close().await;
}

fn flag_to_level(mut v: serde_json::Value) -> Result<serde_json::Value, String> {
    let urgent = v["urgent"].as_bool().ok_or("no urgent flag")?;
    v["urgency"] = (if urgent { "high" } else { "normal" }).into();
    v.as_object_mut().ok_or("not an object")?.remove("urgent");
    Ok(v)
}

#[tokio::test]
async fn a_record_written_in_an_older_schema_is_read_in_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let old = NewEvent {
        event_type: "RequestLogged".into(),
        schema_version: 1,
        payload: r#"{"request_id":"r1","urgent":true}"#.into(),
    };
    // Written by "last year's build", which knew no upcasters.
    let log = Log::open(dir.path()).unwrap();
    let request =
        AppendRequest::new("request-r1", ExpectedVersion::Exact(0), vec![old], "c1", "m1");
    log.append(request).await.unwrap();
    log.close().await;
    drop(log);

    let upcasters = Upcasters::domain().with("RequestLogged", 1, flag_to_level);
    let log = Log::open_with(dir.path(), upcasters, server::log::system_clock()).unwrap();
    let read = &log.read_stream("request-r1", 1).unwrap()[0];
    assert_eq!(read.schema_version, 2);
    let payload: serde_json::Value = serde_json::from_str(&read.payload).unwrap();
    assert_eq!(payload, serde_json::json!({"request_id": "r1", "urgency": "high"}));
    // The stored bytes are untouched: the chain still verifies.
    assert_eq!(log.verify().unwrap().count, 1);
    assert_eq!(log.read_raw(1, 1).unwrap()[0].schema_version, 1);
    log.close().await;
}

#[tokio::test]
async fn malformed_appends_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    let bad_json = NewEvent { event_type: "Noted".into(), schema_version: 1, payload: "{".into() };
    let huge = NewEvent {
        event_type: "Noted".into(),
        schema_version: 1,
        payload: serde_json::json!({ "text": "x".repeat(70_000) }).to_string(),
    };
    let refused = [
        AppendRequest::new("bad stream!", ExpectedVersion::Any, vec![noted("a")], "c1", "m"),
        AppendRequest::new("s\0s", ExpectedVersion::Any, vec![noted("a")], "c2", "m"),
        AppendRequest::new("s", ExpectedVersion::Any, vec![], "c3", "m"),
        AppendRequest::new("s", ExpectedVersion::Any, vec![bad_json], "c4", "m"),
        AppendRequest::new("s", ExpectedVersion::Any, vec![noted("a")], "", "m"),
        AppendRequest::new("s", ExpectedVersion::Any, vec![huge], "c6", "m"),
    ];
    for request in refused {
        let answer = log.append(request.clone()).await;
        assert!(matches!(answer, Err(AppendError::Invalid(_))), "{request:?} gave {answer:?}");
    }
    assert_eq!(log.head().position, 0);
    assert_eq!(log.command("c1").unwrap(), None);
    log.close().await;
}

#[tokio::test]
async fn a_conflict_names_the_current_version_and_a_retry_gets_the_original_answer() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    let first = AppendRequest::new("s", ExpectedVersion::Exact(0), vec![noted("a")], "c1", "m");
    let answer = log.append(first.clone()).await.unwrap();
    let late = AppendRequest::new("s", ExpectedVersion::Exact(0), vec![noted("b")], "c2", "m");
    assert_eq!(
        log.append(late).await,
        Err(AppendError::WrongExpectedVersion { stream: "s".into(), expected: 0, current: 1 })
    );
    // The retry's expected version is stale by now, yet it is the same command.
    assert_eq!(log.append(first).await, Ok(answer));
    let other = AppendRequest::new("s", ExpectedVersion::Any, vec![noted("c")], "c1", "m");
    assert_eq!(log.append(other).await, Err(AppendError::CommandIdReused("c1".into())));
    assert_eq!(log.head().position, 1);
    log.close().await;
}

#[tokio::test]
async fn a_reader_going_through_the_log_in_chunks_sees_every_record_once() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    tests::reading_in_chunks_sees_every_record(&log).await;
    log.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_go_on_during_an_online_backup_and_the_copy_is_the_log_at_one_head() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = Log::open(&data).unwrap();
    for chunk in 0..40 {
        let events = (0..1000).map(|i| noted(&format!("{chunk}-{i}"))).collect();
        let id = format!("fill-{chunk}");
        let request = AppendRequest::new("bulk", ExpectedVersion::Any, events, id, "tester");
        log.append(request).await.unwrap();
    }
    let filled = log.head();
    let target = dir.path().join("backup");
    let copying = {
        let (log, target) = (log.clone(), target.clone());
        tokio::spawn(async move { log.copy_into(&target).await })
    };
    // Appends sent one after another while the copy runs: acknowledged as it goes on.
    let mut during = Vec::new();
    for i in 0.. {
        if copying.is_finished() {
            break;
        }
        let id = format!("during-{i}");
        let appended = log.append(note("live", &id)).await.unwrap();
        if !copying.is_finished() {
            during.push((id, appended.first_position));
        }
    }
    let head = copying.await.unwrap().unwrap();
    assert!(during.len() >= 10, "only {} appends were answered during the backup", during.len());
    assert!(head.position > filled.position, "the copy ends at the head it reached, not before");
    assert_eq!(log.get(head.position).unwrap().unwrap().hash, head.hash);
    log.close().await;
    drop(log);

    // The copy is the log at that head, with the answers of the commands in it (opened as
    // a restored backup is, with the folder's marker that `potluck backup` copies too).
    let marker = server::log::MARKER_FILE;
    std::fs::copy(data.join(marker), target.join(marker)).unwrap();
    let copy = Log::open(&target).unwrap();
    assert_eq!(copy.head(), head);
    assert_eq!(copy.verify().unwrap().count, head.position);
    for (id, position) in &during {
        let kept = copy.command(id).unwrap();
        assert_eq!(kept.is_some(), *position <= head.position, "{id} at {position}");
    }
    assert!(copy.command("fill-7").unwrap().is_some());
    copy.close().await;
}
