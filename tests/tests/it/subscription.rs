//! The seam between catch-up and live: no gap, no duplicate, even while writers are busy.

use server::log::Log;
use tests::note;

const PREFILLED: u64 = 300;
const WRITERS: u64 = 6;
const PER_WRITER: u64 = 150;

async fn collect_until(log: &Log, after: u64, last: u64) -> Vec<u64> {
    let mut subscription = log.subscribe(after);
    let mut positions = Vec::new();
    while positions.last().copied().unwrap_or(after) < last {
        let batch = subscription.next_batch(64).await.unwrap();
        positions.extend(batch.iter().map(|e| e.position));
    }
    positions
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_joining_during_concurrent_writes_see_every_event_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    for i in 0..PREFILLED {
        log.append(note("pre", &format!("pre-{i}"))).await.unwrap();
    }
    let total = PREFILLED + WRITERS * PER_WRITER;

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let log = log.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..PER_WRITER {
                log.append(note(&format!("w{w}"), &format!("w{w}-{i}"))).await.unwrap();
            }
        }));
    }
    // Subscribers join from the start, from the middle of the prefill, and from wherever the
    // head is while the writers run.
    let mut readers = Vec::new();
    for after in [0, PREFILLED / 2, log.head().position] {
        let log = log.clone();
        readers.push(tokio::spawn(async move { (after, collect_until(&log, after, total).await) }));
        tokio::task::yield_now().await;
    }
    for writer in writers {
        writer.await.unwrap();
    }
    for reader in readers {
        let (after, positions) = reader.await.unwrap();
        assert_eq!(positions, (after + 1..=total).collect::<Vec<_>>(), "joined after {after}");
    }
    log.close().await;
}

#[tokio::test]
async fn a_subscription_ends_when_the_log_closes() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::open(dir.path()).unwrap();
    let mut subscription = log.subscribe(0);
    let waiting = tokio::spawn(async move { subscription.next_batch(10).await });
    log.close().await;
    assert!(matches!(waiting.await.unwrap(), Err(server::log::ReadError::Closed)));
}
