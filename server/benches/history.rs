//! Time travel on a long log: how long "the board as of position P" takes, from snapshots
//! taken every N events, and with no snapshots at all.
//!
//! `cargo bench -p server --bench history` (add `-- quick` for 100,000 events instead of
//! 1,000,000). With `POTLUCK_BENCH_STORE=postgres://user@host:port/db` set, it runs on sled
//! and then on PostgreSQL (in a fresh database `potluck_bench` made beside the one named). The log is a seeded simulation of distribution days (`shared::distribution::sim`),
//! appended 1,000 events per command with the simulation's own clock. Figures go to
//! BENCHMARKS.md with the machine they were measured on.
#![allow(clippy::unwrap_used)] // A benchmark that cannot set up should stop loudly.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use server::history::{History, Past, replay_to};
use server::log::{AppendRequest, ExpectedVersion, Log, NewEvent};
use server::projections::{Projections, replay};
use shared::distribution::sim;
use shared::group;
use shared::upcast::Upcasters;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn fill(log: &Log, clock: &AtomicI64, events: usize) {
    let started = Instant::now();
    let recorded = sim::generate(0x71e, events);
    for (chunk, batch) in recorded.chunks(1000).enumerate() {
        clock.store(batch[0].recorded_at_ms, Ordering::SeqCst);
        let events = batch
            .iter()
            .map(|r| {
                let event = group::Event::Distribution(r.event.clone());
                NewEvent {
                    event_type: event.event_type().to_owned(),
                    schema_version: event.schema_version(),
                    payload: event.payload().to_string(),
                }
            })
            .collect();
        let request =
            AppendRequest::new("sim", ExpectedVersion::Any, events, format!("c{chunk}"), "sim");
        log.append(request).await.unwrap();
    }
    println!("fill      {events} simulated events in {:.1} s", started.elapsed().as_secs_f64());
}

/// Writes the snapshots (as a starting server's fold does) and times questions at the
/// start, the middle and the end, each just before a snapshot (the most folding).
async fn with_snapshots(log: &Log, data: &std::path::Path, every: u64) {
    let history = History::new(&data.join(format!("every-{every}")), every);
    let head = log.head().position;
    let started = Instant::now();
    let mut views = Projections::default();
    replay(log, |envelope, recorded| {
        match recorded {
            Some(recorded) => views.apply(recorded),
            None => views.position = envelope.position,
        }
        if history.is_due(envelope.position) {
            history.keep(&Past::of(&views, envelope.recorded_at_ms), envelope.hash);
        }
    })
    .unwrap();
    let bytes: u64 = std::fs::read_dir(history.dir())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "every {every:>6}: {} snapshots written in {:.1} s, {:.1} MB on disk ({:.0} KB each)",
        history.snapshots().len(),
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / history.snapshots().len().max(1) as f64
    );
    for (name, position) in
        [("start", every - 1), ("middle", head / 2 + every - 1), ("end", head - 1)]
    {
        let position = position.min(head);
        let times: Vec<Duration> = (0..7)
            .map(|_| {
                let started = Instant::now();
                let past = history.at(log, position).unwrap();
                assert_eq!(past.position, position);
                started.elapsed()
            })
            .collect();
        let worst = times.iter().max().unwrap();
        println!(
            "          as of {name:<6} (position {position:>7}): median {:>6.1} ms, max {:>6.1} ms",
            median(times.clone()).as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
    }
    // By moment: the binary search for the position, then the same.
    let at_ms = log.get(head / 3).unwrap().unwrap().recorded_at_ms;
    let times: Vec<Duration> = (0..7)
        .map(|_| {
            let started = Instant::now();
            history.at_time(log, at_ms).unwrap();
            started.elapsed()
        })
        .collect();
    println!(
        "          as of a moment a third of the way:  median {:>6.1} ms",
        median(times).as_secs_f64() * 1e3
    );
}

/// Fills a fresh log on `store` (sled when `None`) and asks it the questions.
async fn run(store: Option<&str>, events: usize) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicI64::new(sim::START_MS));
    let log = {
        let clock = clock.clone();
        let clock: server::log::Clock = Arc::new(move || clock.load(Ordering::SeqCst));
        match store {
            None => Log::open_with(&dir.path().join("log"), Upcasters::domain(), clock).unwrap(),
            Some(url) => {
                let bench = common::fresh_database(url);
                Log::open_postgres(&bench, Upcasters::domain(), clock).unwrap()
            }
        }
    };
    println!("== {}", if store.is_some() { "PostgreSQL" } else { "sled" });
    fill(&log, &clock, events).await;
    let head = log.head().position;

    let started = Instant::now();
    replay_to(&log, head).unwrap();
    println!(
        "no snapshots: as of the end (position {head}) folds everything in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for every in [1_000, 10_000, 50_000] {
        with_snapshots(&log, dir.path(), every).await;
    }
    log.close().await;
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let events = if quick { 100_000 } else { 1_000_000 };
    run(None, events).await;
    if let Some(url) = std::env::var("POTLUCK_BENCH_STORE").ok().filter(|url| !url.is_empty()) {
        run(Some(&url), events).await;
    }
}
