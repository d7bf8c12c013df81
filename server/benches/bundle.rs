//! Audit bundle benchmark: exporting a log to a bundle folder, building the tar archive the
//! API sends, and verifying the folder offline.
//!
//! `cargo bench -p server --bench bundle` (100,000 events; `-- quick` for 10,000). The log
//! is filled first, not timed: half distribution-day events, half people and money, from
//! the seeded simulators through `decide`, so every event decodes and the ledger and stock
//! folds do real work. Figures go to BENCHMARKS.md.
#![allow(clippy::unwrap_used)] // A benchmark that cannot set up should stop loudly.

use std::time::Instant;

use server::bundle;
use server::log::{AppendRequest, ExpectedVersion, Log, NewEvent, system_clock};
use shared::group::{self, Event};

const SEED: u64 = 2025;

/// `count` events of a simulated group: distribution and people-and-money simulations,
/// interleaved in runs of a hundred (each keeps its own order, which is all it needs).
fn events(count: usize) -> Vec<NewEvent> {
    let distribution = shared::distribution::sim::generate(SEED, count / 2);
    let money = group::sim::generate(SEED, count - count / 2);
    let as_new = |event: Event| NewEvent {
        event_type: event.event_type().to_owned(),
        schema_version: event.schema_version(),
        payload: event.payload().to_string(),
    };
    let mut distribution = distribution.into_iter().map(|r| as_new(Event::Distribution(r.event)));
    let mut money = money.into_iter().map(|r| as_new(r.event));
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let before = out.len();
        out.extend(distribution.by_ref().take(100));
        out.extend(money.by_ref().take(100));
        if out.len() == before {
            break;
        }
    }
    out
}

async fn fill(log: &Log, count: usize) {
    let mut pending = events(count).into_iter().peekable();
    let mut batch = 0;
    while pending.peek().is_some() {
        let events: Vec<NewEvent> = pending.by_ref().take(1000).collect();
        let id = format!("fill-{batch}");
        log.append(AppendRequest::new("bench", ExpectedVersion::Any, events, id, "bench"))
            .await
            .unwrap();
        batch += 1;
    }
}

fn size_of(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            if e.file_type().unwrap().is_dir() {
                size_of(&e.path())
            } else {
                e.metadata().unwrap().len()
            }
        })
        .sum()
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let count = if quick { 10_000 } else { 100_000 };
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(&dir.path().join("data")).unwrap();
    let started = Instant::now();
    fill(&log, count).await;
    println!("filled   {} events in {:.2?}", log.head().position, started.elapsed());

    let target = dir.path().join("bundle");
    let now_ms = (system_clock())();
    let started = Instant::now();
    let manifest =
        tokio::task::block_in_place(|| bundle::write_dir(&log, &target, "bench", now_ms)).unwrap();
    let export = started.elapsed();
    let mb = |path: &std::path::Path| size_of(path) as f64 / 1e6;
    println!(
        "export   {} events to a folder in {:.2} s ({:.0} events/s), {:.1} MB: events {:.1} MB, \
         CSVs {:.1} MB, {} statements {:.1} MB",
        manifest.count,
        export.as_secs_f64(),
        manifest.count as f64 / export.as_secs_f64(),
        mb(&target),
        std::fs::metadata(target.join(bundle::EVENTS)).unwrap().len() as f64 / 1e6,
        ["transactions.csv", "stock_movements.csv"]
            .map(|f| std::fs::metadata(target.join(f)).unwrap().len() as f64 / 1e6)
            .iter()
            .sum::<f64>(),
        manifest.files.keys().filter(|f| f.starts_with("statements/")).count(),
        mb(&target.join("statements")),
    );

    let started = Instant::now();
    let archive = tokio::task::block_in_place(|| {
        let built = bundle::build(&log, "bench", now_ms).unwrap();
        bundle::archive::tar("potluck-bundle", built, 0).unwrap()
    });
    let tar = started.elapsed();
    let tar_bytes: usize = archive.iter().map(Vec::len).sum();
    println!(
        "tar      {} events in memory, as the API answers, in {:.2} s ({:.1} MB)",
        manifest.count,
        tar.as_secs_f64(),
        tar_bytes as f64 / 1e6
    );
    drop(archive);
    log.close().await;

    let started = Instant::now();
    let verified = bundle::verify(&target).unwrap();
    let verify = started.elapsed();
    println!(
        "verify   {} events, {} postings, {} stock movements in {:.2} s ({:.0} events/s)",
        verified.manifest.count,
        verified.transaction_rows,
        verified.movement_rows,
        verify.as_secs_f64(),
        verified.manifest.count as f64 / verify.as_secs_f64()
    );
}
