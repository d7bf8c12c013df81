//! Durable commands side by side: Potluck over HTTP (the real `potluck` binary, release
//! build, sled, the demo group) against PostgreSQL's bare inserts (a private cluster on
//! loopback, `synchronous_commit = on`, one event per transaction into an events table with
//! a `(stream, version)` unique key), at 1, 8 and 64 clients, with the same payloads; and
//! the disk's own rate of 300-byte writes each followed by `fdatasync`.
//!
//! `cargo bench -p tests --bench commands` (add `-- quick` for 2 s a run instead of 10), or
//! `cargo xtask bench`. Everything runs on this machine's cores, clients included. Figures go
//! to BENCHMARKS.md with the load average.
#![allow(clippy::unwrap_used)] // A benchmark that cannot set up should stop loudly.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::json;
use tests::served::{self, sign_in};

const CLIENTS: [usize; 3] = [1, 8, 64];

struct Run {
    commands: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn print(mut self, what: &str, clients: usize) -> f64 {
        self.latencies.sort();
        let at = |p: f64| {
            let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
            self.latencies[index].as_secs_f64() * 1e3
        };
        let rate = self.commands as f64 / self.elapsed.as_secs_f64();
        println!(
            "{what:<22} clients={clients:>3}  {rate:>8.0} commands/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            at(0.5),
            at(0.99)
        );
        rate
    }
}

/// Each client sends one command after another for `duration`: a low-stock threshold,
/// a small command that always succeeds and appends one event.
async fn potluck(base: &str, clients: usize, duration: Duration) -> Run {
    let token = sign_in(&reqwest::Client::new(), base, "ben").await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (base, token) = (base.to_owned(), token.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut latencies = Vec::new();
                let mut i = 0u64;
                while started.elapsed() < duration {
                    let command =
                        json!({"type": "SetLowStockThreshold", "item_id": "rice", "quantity": i});
                    let id = format!("bench-{clients}-{c}-{i}");
                    let body = json!({"command_id": id, "command": command});
                    let sent = Instant::now();
                    let response = http
                        .post(format!("{base}/api/commands"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200);
                    latencies.push(sent.elapsed());
                    i += 1;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    Run { commands: latencies.len(), elapsed: started.elapsed(), latencies }
}

/// The same payload inserted by `clients` connections, one event per transaction, each
/// client on its own stream with its own version counter.
fn postgres_inserts(url: &str, clients: usize, duration: Duration, round: usize) -> Run {
    let payload = json!({"item_id": "rice", "threshold": 12}).to_string();
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (url, payload) = (url.to_owned(), payload.clone());
            std::thread::spawn(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                let insert = client
                    .prepare(
                        "INSERT INTO events (stream, version, event_type, payload, recorded_at) \
                         VALUES ($1, $2, 'LowStockThresholdSet', $3::text::jsonb, now())",
                    )
                    .unwrap();
                let stream = format!("bench-{round}-{c}");
                let mut latencies = Vec::new();
                let mut version = 1i64;
                while started.elapsed() < duration {
                    let sent = Instant::now();
                    client.execute(&insert, &[&stream, &version, &payload]).unwrap();
                    latencies.push(sent.elapsed());
                    version += 1;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for thread in threads {
        latencies.extend(thread.join().unwrap());
    }
    Run { commands: latencies.len(), elapsed: started.elapsed(), latencies }
}

/// 300-byte writes, each followed by `fdatasync`, on the disk `dir` is on.
fn fdatasync_rate(dir: &std::path::Path, duration: Duration) -> f64 {
    let mut file = std::fs::File::create(dir.join("fdatasync.bench")).unwrap();
    let record = [b'x'; 300];
    let started = Instant::now();
    let mut syncs = 0u64;
    while started.elapsed() < duration {
        file.write_all(&record).unwrap();
        file.sync_data().unwrap();
        syncs += 1;
    }
    syncs as f64 / started.elapsed().as_secs_f64()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split(' ')
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let duration = Duration::from_secs(if quick { 2 } else { 10 });
    println!("load average before: {}", load_average());

    let disk = tempfile::tempdir().unwrap();
    let syncs = fdatasync_rate(disk.path(), duration.min(Duration::from_secs(5)));
    println!("disk: {syncs:.0} writes of 300 bytes + fdatasync per second");

    let server = served::start(std::path::Path::new(env!("CARGO_BIN_EXE_potluck")), None);
    let mut ours = Vec::new();
    for clients in CLIENTS {
        ours.push(
            potluck(&server.base, clients, duration).await.print("potluck over HTTP", clients),
        );
    }
    drop(server);

    // 64 clients and the admin's own connection.
    let cluster = tests::postgres::Cluster::start_with("-c max_connections=80");
    cluster.psql(
        "potluck",
        "CREATE TABLE events (position bigserial PRIMARY KEY, stream text NOT NULL, \
         version bigint NOT NULL, event_type text NOT NULL, payload jsonb NOT NULL, \
         recorded_at timestamptz NOT NULL, UNIQUE (stream, version))",
    );
    let mut theirs = Vec::new();
    for (round, clients) in CLIENTS.into_iter().enumerate() {
        let url = cluster.url();
        let run =
            tokio::task::spawn_blocking(move || postgres_inserts(&url, clients, duration, round))
                .await
                .unwrap();
        theirs.push(run.print("postgres bare inserts", clients));
    }
    drop(cluster);

    for ((clients, ours), theirs) in CLIENTS.iter().zip(&ours).zip(&theirs) {
        println!("clients={clients:>3}: potluck at {:.2}x postgres's bare inserts", ours / theirs);
    }
    println!("1 client: potluck at {:.2}x the disk's fdatasync rate", ours[0] / syncs);
    println!("load average after: {}", load_average());
}
