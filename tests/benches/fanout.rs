//! End-to-end benchmark of the live board: the real `potluck` binary (release build), N
//! WebSocket screens, 8 writers over HTTP.
//!
//! `cargo bench -p tests --bench fanout` (add `-- quick` for a short run). It reports, for
//! 100 and 1,000 connected screens: the server's memory per idle connection; commands per
//! second at full speed; and at 200 commands/s the time from a command being sent to its
//! event arriving on every screen (p50/p99 over all screens and events). The clients run in
//! this process, on the same 2 cores as the server: the figures include their work.
//!
//! `-- postgres` instead runs two servers on one PostgreSQL database (a private cluster
//! started for the run): commands go to the first, 500 screens are split between both, and
//! it reports the time from a command being sent to its event on every screen at 200
//! commands/s, across servers.
#![allow(clippy::unwrap_used)] // A benchmark that cannot set up should stop loudly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use shared::wire::ClientMessage;
use tests::served::{self, Served, sign_in};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WRITERS: usize = 8;

fn start_server(store: Option<&str>) -> Served {
    served::start(std::path::Path::new(env!("CARGO_BIN_EXE_potluck")), store)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(base: &str, token: &str, head: u64) -> Socket {
    let mut request =
        base.replace("http://", "ws://").add_path("/ws").into_client_request().unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let subscribe = serde_json::to_string(&ClientMessage::Subscribe { after: Some(head) }).unwrap();
    socket.send(Message::Text(subscribe.into())).await.unwrap();
    socket
}

trait AddPath {
    fn add_path(self, path: &str) -> String;
}

impl AddPath for String {
    fn add_path(self, path: &str) -> String {
        format!("{self}{path}")
    }
}

/// When each sequence number was sent.
type Sent = Arc<Mutex<HashMap<i64, Instant>>>;

async fn read_screen(mut socket: Socket, sent: Sent, until: i64) -> Vec<Duration> {
    let mut latencies = Vec::new();
    while let Some(Ok(frame)) = socket.next().await {
        let Message::Text(text) = frame else { continue };
        let arrived = Instant::now();
        // Only the numbers are needed: a full parse in 1,000 clients would measure the
        // benchmark's own parsing on the server's two cores.
        for piece in text.split("\"quantity\":").skip(1) {
            let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
            let Ok(seq) = digits.parse::<i64>() else { continue };
            if let Some(at) = sent.lock().unwrap().get(&seq) {
                latencies.push(arrived - *at);
            }
            if seq >= until {
                return latencies;
            }
        }
    }
    latencies
}

/// Sends threshold changes `first..=last` (the sequence number is the new threshold) from 8
/// writers, at `per_second` overall (0: flat out).
async fn write(
    base: &str,
    token: &str,
    first: i64,
    last: i64,
    per_second: u64,
    sent: Sent,
) -> Duration {
    let started = Instant::now();
    let mut writers = Vec::new();
    for w in 0..WRITERS as i64 {
        let (http, base, token, sent) =
            (reqwest::Client::new(), base.to_owned(), token.to_owned(), sent.clone());
        writers.push(tokio::spawn(async move {
            let mut seq = first + w;
            while seq <= last {
                if per_second > 0 {
                    let due =
                        started + Duration::from_secs_f64((seq - first) as f64 / per_second as f64);
                    tokio::time::sleep_until(due.into()).await;
                }
                let command =
                    json!({"type": "SetLowStockThreshold", "item_id": "rice", "quantity": seq});
                let body = json!({"command_id": format!("bench-{seq}"), "command": command});
                sent.lock().unwrap().insert(seq, Instant::now());
                let response = http
                    .post(format!("{base}/api/commands"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
                seq += WRITERS as i64;
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

async fn run(screens: usize, quick: bool) {
    let server = start_server(None);
    let pid = server.child.id();
    let http = reqwest::Client::new();
    let writer_token = sign_in(&http, &server.base, "ben").await;
    let reader_token = sign_in(&http, &server.base, "sam").await;
    let head = |http: reqwest::Client, base: String| async move {
        let health: Value =
            http.get(format!("{base}/healthz")).send().await.unwrap().json().await.unwrap();
        health["head"].as_u64().unwrap()
    };

    let before = rss_kib(pid);
    let at = head(http.clone(), server.base.clone()).await;
    let mut sockets = Vec::new();
    for _ in 0..screens {
        sockets.push(connect(&server.base, &reader_token, at).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(pid);
    println!(
        "screens={screens:>5}  idle memory: {:.1} KiB per connection (RSS {before} -> {after} KiB)",
        (after.saturating_sub(before)) as f64 / screens as f64
    );

    // Flat out: how many commands per second the server accepts with every screen fed.
    let total = if quick { 400 } else { 2_000 };
    let sent: Sent = Arc::default();
    let readers: Vec<_> =
        sockets.into_iter().map(|s| tokio::spawn(read_screen(s, sent.clone(), total))).collect();
    let took = write(&server.base, &writer_token, 1, total, 0, sent.clone()).await;
    for reader in readers {
        reader.await.unwrap();
    }
    println!(
        "screens={screens:>5}  flat out: {:.0} commands/s with {WRITERS} writers",
        total as f64 / took.as_secs_f64()
    );

    // At 200 commands/s: time from sending a command to its event on every screen.
    let at = head(http.clone(), server.base.clone()).await;
    let bases = vec![server.base.as_str(); screens];
    let (first, last) = (total + 1, total + if quick { 400 } else { 2_000 });
    let measured =
        at_200(&bases, &reader_token, at, &server.base, &writer_token, first, last).await;
    println!("screens={screens:>5}  {measured}");
}

/// One screen on each of `bases` (from position `at`), commands `first..=last` sent to
/// `writer_base` at 200 a second: what was achieved, and from sending a command to its event
/// on every screen.
async fn at_200(
    bases: &[&str],
    reader_token: &str,
    at: u64,
    writer_base: &str,
    writer_token: &str,
    first: i64,
    last: i64,
) -> String {
    let mut sockets = Vec::new();
    for base in bases {
        sockets.push(connect(base, reader_token, at).await);
    }
    let sent: Sent = Arc::default();
    let readers: Vec<_> =
        sockets.into_iter().map(|s| tokio::spawn(read_screen(s, sent.clone(), last))).collect();
    let took = write(writer_base, writer_token, first, last, 200, sent.clone()).await;
    let mut latencies = Vec::new();
    for reader in readers {
        latencies.extend(reader.await.unwrap());
    }
    latencies.sort();
    format!(
        "at 200 commands/s ({:.0} achieved): send -> every screen p50 {:.1} ms  p99 {:.1} ms  ({} deliveries)",
        (last - first + 1) as f64 / took.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.len()
    )
}

/// Two servers on one database: commands to the first, screens on both.
async fn across_servers(screens: usize, quick: bool) {
    let cluster = tests::postgres::Cluster::start();
    let url = cluster.url();
    let first = start_server(Some(&url));
    let second = start_server(Some(&url));
    let http = reqwest::Client::new();
    let writer_token = sign_in(&http, &first.base, "ben").await;
    // Signed in on the first server, watching on both: the session is the database's.
    let reader_token = sign_in(&http, &first.base, "sam").await;
    let health: Value =
        http.get(format!("{}/healthz", first.base)).send().await.unwrap().json().await.unwrap();
    let at = health["head"].as_u64().unwrap();
    let bases: Vec<&str> = (0..screens)
        .map(|i| if i % 2 == 0 { first.base.as_str() } else { second.base.as_str() })
        .collect();
    let last = if quick { 400 } else { 2_000 };
    let measured = at_200(&bases, &reader_token, at, &first.base, &writer_token, 1, last).await;
    println!("two servers on PostgreSQL, screens={screens}: {measured}");
}

#[tokio::main]
async fn main() {
    let has = |flag: &str| std::env::args().any(|a| a == flag);
    let quick = has("quick");
    if has("postgres") {
        across_servers(500, quick).await;
        return;
    }
    for screens in [100, 1_000] {
        run(screens, quick).await;
    }
}
