//! Log benchmarks: durable appends under concurrency, replay speed, disk use.
//!
//! `cargo bench -p server --bench log` (add `-- quick` for a short run). With
//! `POTLUCK_BENCH_STORE=postgres://user@host:port/db` set, every part runs on sled and then
//! on PostgreSQL (each run in a fresh database `potluck_bench` made beside the one named).
//! Figures go to BENCHMARKS.md with the machine they were measured on.
#![allow(clippy::unwrap_used)] // A benchmark that cannot set up should stop loudly.

mod common;

use std::time::{Duration, Instant};

use server::log::{AppendRequest, ExpectedVersion, Log, NewEvent, system_clock};
use shared::envelope::ChainVerifier;
use shared::upcast::Upcasters;

/// Where a run keeps its log.
#[derive(Clone, Debug)]
enum Store {
    Sled,
    /// The address of a database on a server where the bench may create `potluck_bench`.
    Postgres(String),
}

/// A fresh, empty log, and what keeps it (a folder to delete, for sled).
struct Fresh {
    log: Log,
    _dir: tempfile::TempDir,
    store: Store,
}

impl Store {
    fn name(&self) -> &'static str {
        match self {
            Store::Sled => "sled",
            Store::Postgres(_) => "postgres",
        }
    }

    fn fresh(&self) -> Fresh {
        let dir = tempfile::tempdir().unwrap();
        let log = match self {
            Store::Sled => Log::open(dir.path()).unwrap(),
            Store::Postgres(url) => {
                let bench = common::fresh_database(url);
                Log::open_postgres(&bench, Upcasters::domain(), system_clock()).unwrap()
            }
        };
        Fresh { log, _dir: dir, store: self.clone() }
    }
}

impl Fresh {
    /// The same log opened again, as a restarting server would.
    async fn reopen(self) -> Fresh {
        let Fresh { log, _dir, store } = self;
        log.close().await;
        drop(log);
        let log = match &store {
            Store::Sled => Log::open(_dir.path()).unwrap(),
            Store::Postgres(url) => {
                Log::open_postgres(&common::bench_url(url), Upcasters::domain(), system_clock())
                    .unwrap()
            }
        };
        Fresh { log, _dir, store }
    }
}

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

async fn appends(store: &Store, writers: u64, duration: Duration) {
    let fresh = store.fresh();
    let log = fresh.log.clone();
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
        "{:<8} appends  writers={writers:>3}  {:>8.0} commands/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} commands)",
        store.name(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.len(),
    );
    log.close().await;
}

async fn replay(store: &Store, events: u64) {
    let fresh = store.fresh();
    let log = fresh.log.clone();
    let name = store.name();
    const PER_APPEND: u64 = 1000;
    let filling = Instant::now();
    for chunk in 0..events / PER_APPEND {
        let batch: Vec<NewEvent> = (0..PER_APPEND).map(|i| event(chunk * PER_APPEND + i)).collect();
        let request =
            AppendRequest::new("fill", ExpectedVersion::Any, batch, format!("c{chunk}"), "bench");
        log.append(request).await.unwrap();
    }
    println!("{name:<8} fill     {events} events in {:.1} s", filling.elapsed().as_secs_f64());
    let bytes = log.size_on_disk().unwrap();
    println!(
        "{name:<8} disk     {bytes} bytes for {events} events: {:.0} bytes/event",
        bytes as f64 / events as f64
    );
    drop(log);

    // A fresh open, so the reads start from what the store loads, as a restarting server's
    // would.
    let fresh = fresh.reopen().await;
    let log = fresh.log.clone();
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
        "{name:<8} replay   {events} events read, decoded and hash-checked in {elapsed:.2} s: {:.0} events/s",
        events as f64 / elapsed
    );
    log.close().await;
}

/// An online backup of a log of `events` events (`Log::copy_into`, as `potluck backup` uses
/// on a running server), and how long appends sent one after another during it waited.
async fn backup(store: &Store, events: u64) {
    let fresh = store.fresh();
    let log = fresh.log.clone();
    let dir = tempfile::tempdir().unwrap();
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
    // One writer appending one after another through the whole copy.
    let mut waits = Vec::new();
    while !copying.is_finished() {
        let id = format!("during-{}", waits.len());
        let request = AppendRequest::new("late", ExpectedVersion::Any, vec![event(0)], id, "bench");
        let sent = Instant::now();
        log.append(request).await.unwrap();
        waits.push(sent.elapsed());
    }
    let head = copying.await.unwrap().unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    waits.sort();
    let longest = waits.last().copied().unwrap_or_default();
    println!(
        "{:<8} backup   {} events copied online in {elapsed:.2} s ({:.0} events/s); {} appends during it, p99 {:.1} ms, longest {:.1} ms",
        store.name(),
        head.position,
        head.position as f64 / elapsed,
        waits.len(),
        percentile(&waits, 0.99).as_secs_f64() * 1000.0,
        longest.as_secs_f64() * 1000.0
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
    let mut stores = vec![Store::Sled];
    if let Some(url) = std::env::var("POTLUCK_BENCH_STORE").ok().filter(|url| !url.is_empty()) {
        stores.push(Store::Postgres(url));
    }
    for store in &stores {
        if !has("replay") && !has("backup") {
            for writers in [1, 8, 64] {
                appends(store, writers, duration).await;
            }
        }
        if !has("appends") && !has("backup") {
            replay(store, if quick { 100_000 } else { 1_000_000 }).await;
        }
        if !has("appends") && !has("replay") {
            backup(store, if quick { 100_000 } else { 1_000_000 }).await;
        }
    }
}
