//! Log benchmarks: durable appends under concurrency, replay speed, disk use.
//!
//! `cargo bench -p server --bench log` (add `-- quick` for a short run). Figures go to
//! BENCHMARKS.md with the machine they were measured on.
#![allow(clippy::unwrap_used)] // A benchmark that cannot set up should stop loudly.

use std::time::{Duration, Instant};

use server::log::{AppendRequest, ExpectedVersion, Log, NewEvent};
use shared::envelope::ChainVerifier;

/// A payload of about 300 bytes, shaped like a logged request.
fn payload(i: u64) -> String {
    serde_json::json!({
        "request_id": format!("r{i:08}"),
        "household_id": format!("h{:06}", i % 997),
        "need": "groceries",
        "lines": [{"item": "rice-1kg", "quantity": 2}, {"item": "beans-can", "quantity": 4},
                  {"item": "milk-1l", "quantity": 3}, {"item": "nappies-m", "quantity": 1}],
        "household_size": 4,
        "urgency": "normal",
        "zone": "north-3",
        "language": "es",
        "contact_channel": "sms",
        "note": "ring the side door; evenings after six preferred"
    })
    .to_string()
}

fn event(i: u64) -> NewEvent {
    NewEvent { event_type: "RequestLogged".into(), schema_version: 1, payload: payload(i) }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn appends(writers: u64, duration: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = 0;
            while started.elapsed() < duration {
                let id = format!("w{w}-{i}");
                let request = AppendRequest::new(
                    format!("s{w}"),
                    ExpectedVersion::Any,
                    vec![event(i)],
                    id,
                    "bench",
                );
                let sent = Instant::now();
                log.append(request).await.unwrap();
                latencies.push(sent.elapsed());
                i += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    println!(
        "appends  writers={writers:>3}  {:>8.0} commands/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} commands)",
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.len(),
    );
    log.close().await;
}

async fn replay(events: u64) {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    const PER_APPEND: u64 = 1000;
    let filling = Instant::now();
    for chunk in 0..events / PER_APPEND {
        let batch: Vec<NewEvent> = (0..PER_APPEND).map(|i| event(chunk * PER_APPEND + i)).collect();
        let request =
            AppendRequest::new("fill", ExpectedVersion::Any, batch, format!("c{chunk}"), "bench");
        log.append(request).await.unwrap();
    }
    println!("fill     {events} events in {:.1} s", filling.elapsed().as_secs_f64());
    let bytes = log.size_on_disk().unwrap();
    println!(
        "disk     {bytes} bytes for {events} events: {:.0} bytes/event",
        bytes as f64 / events as f64
    );
    log.close().await;
    drop(log);

    // A fresh open, so the reads start from what sled loads, as a restarting server's would.
    let log = Log::open(dir.path()).unwrap();
    let started = Instant::now();
    let mut chain = ChainVerifier::default();
    let mut next = 1;
    loop {
        let chunk = log.read_raw(next, 4096).unwrap();
        let Some(last) = chunk.last() else { break };
        next = last.position + 1;
        for record in &chunk {
            chain.check(record).unwrap();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(chain.head_position(), events);
    println!(
        "replay   {events} events read, decoded and hash-checked in {elapsed:.2} s: {:.0} events/s",
        events as f64 / elapsed
    );
    log.close().await;
}

/// An online backup of a log of `events` events (`Log::copy_into`, as `potluck backup` uses
/// on a running server), and how long one append waits when it arrives during the copy.
async fn backup(events: u64) {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(&dir.path().join("data")).unwrap();
    const PER_APPEND: u64 = 1000;
    for chunk in 0..events / PER_APPEND {
        let batch: Vec<NewEvent> = (0..PER_APPEND).map(|i| event(chunk * PER_APPEND + i)).collect();
        let request =
            AppendRequest::new("fill", ExpectedVersion::Any, batch, format!("c{chunk}"), "bench");
        log.append(request).await.unwrap();
    }
    let target = dir.path().join("backup");
    let started = Instant::now();
    let copying = {
        let log = log.clone();
        let target = target.clone();
        tokio::spawn(async move { log.copy_into(&target).await })
    };
    // Arrives while the copy runs: it waits for it.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let waiting = Instant::now();
    let late = AppendRequest::new("late", ExpectedVersion::Any, vec![event(0)], "late", "bench");
    log.append(late).await.unwrap();
    let waited = waiting.elapsed();
    let head = copying.await.unwrap().unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "backup   {} events copied online in {elapsed:.2} s ({:.0} events/s); an append during it waited {:.0} ms",
        head.position,
        head.position as f64 / elapsed,
        waited.as_secs_f64() * 1000.0
    );
    log.close().await;
}

#[tokio::main]
async fn main() {
    // `quick` shortens every run; `appends`, `replay` or `backup` runs only that part.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let quick = has("quick");
    let duration = Duration::from_secs(if quick { 2 } else { 10 });
    if !has("replay") && !has("backup") {
        for writers in [1, 8, 64] {
            appends(writers, duration).await;
        }
    }
    if !has("appends") && !has("backup") {
        replay(if quick { 100_000 } else { 1_000_000 }).await;
    }
    if !has("appends") && !has("replay") {
        backup(if quick { 100_000 } else { 1_000_000 }).await;
    }
}
