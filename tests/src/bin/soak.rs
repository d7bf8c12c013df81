//! `soak`: the real `potluck` binary under a distribution day's load while things go wrong,
//! on 127.0.0.1 only, bounded in time. Run by hand (`cargo xtask soak`); the figures go to
//! RELIABILITY.md.
//!
//! - Writers receive stock over HTTP, each command with its own id; a command without a
//!   definite answer (the server was killed, the disk was full) is sent again with the same
//!   id until one comes, as the web client's outbox does.
//! - Readers hold the live feed; one in ten never reads; at random moments half of them drop
//!   and come back with their last position.
//! - The server is killed with SIGKILL at random moments and started again on the same
//!   folder and port.
//! - With `--disk-mb`, the data folder is a tmpfs of that size (root only): halfway through,
//!   a ballast file fills it until writes fail, stays for a while, then goes.
//!
//! At the end the server stops cleanly and the tool checks, from the log itself: every
//! acknowledged command is in it exactly once, the chain verifies, every reader that reads
//! reached the head. It prints the counts, the answer times, the restarts and the server's
//! largest resident memory, and exits 1 if anything was lost.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use shared::distribution::sim::Rng;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Debug)]
struct Options {
    seconds: u64,
    writers: usize,
    readers: usize,
    /// Seconds between kills, at random within (n/2, 3n/2); 0: never.
    kill_every: u64,
    disk_mb: Option<u64>,
    potluck: PathBuf,
    seed: u64,
}

impl Options {
    fn parse() -> anyhow::Result<Options> {
        let mut options = Options {
            seconds: 600,
            writers: 50,
            readers: 1000,
            kill_every: 60,
            disk_mb: None,
            potluck: std::env::current_exe()?.with_file_name("potluck"),
            seed: 1,
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--seconds" => options.seconds = value()?.parse()?,
                "--writers" => options.writers = value()?.parse()?,
                "--readers" => options.readers = value()?.parse()?,
                "--kill-every" => options.kill_every = value()?.parse()?,
                "--disk-mb" => options.disk_mb = Some(value()?.parse()?),
                "--potluck" => options.potluck = value()?.into(),
                "--seed" => options.seed = value()?.parse()?,
                other => bail!(
                    "unknown flag {other}; flags: --seconds --writers --readers --kill-every \
                     --disk-mb --potluck --seed"
                ),
            }
        }
        Ok(options)
    }
}

/// The server process, on a fixed address and folder.
struct Server {
    potluck: PathBuf,
    data: PathBuf,
    bind: String,
    child: Option<Child>,
    log: PathBuf,
}

impl Server {
    /// Starts it and waits for its "listening on" line.
    fn start(&mut self, demo: bool) -> anyhow::Result<()> {
        let mut command = Command::new(&self.potluck);
        command.args(["serve", "--bind", &self.bind, "--data"]).arg(&self.data);
        if demo {
            command.arg("--demo");
        }
        let stderr = std::fs::OpenOptions::new().create(true).append(true).open(&self.log)?;
        let mut child = command.stdout(Stdio::piped()).stderr(stderr).spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut listening = false;
        for line in BufReader::new(stdout).lines() {
            if line?.contains("listening on http://") {
                listening = true;
                break;
            }
        }
        if !listening {
            let _ = child.kill();
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            bail!(
                "the server did not start:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        self.child = Some(child);
        Ok(())
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits: in-flight commands finish.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }

    fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }
}

/// A tmpfs mounted for the run, unmounted however the run ends.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// What the writers saw.
#[derive(Default)]
struct Writes {
    /// Command id → the positions it was answered with.
    acked: BTreeMap<String, (u64, u64)>,
    /// Milliseconds from first sending to the definite answer.
    latencies: Vec<u64>,
    /// Answers by status, 0 for no answer at all.
    statuses: BTreeMap<u16, u64>,
    /// Commands refused for good (a 4xx): none are expected.
    refused: u64,
    resent: u64,
}

async fn sign_in(http: &reqwest::Client, base: &str, member: &str) -> anyhow::Result<String> {
    let body = json!({"member_id": member, "password": "potluck-demo"});
    let answer: Value =
        http.post(format!("{base}/api/session")).json(&body).send().await?.json().await?;
    Ok(answer["token"].as_str().context("no token")?.to_owned())
}

/// One writer: receives one unit of an item, again and again, until `stop`.
async fn writer(
    n: usize,
    base: String,
    token: String,
    stop: Arc<AtomicBool>,
    writes: Arc<Mutex<Writes>>,
) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    // Not food: food needs an expiry day, and these need none.
    let items = ["soap", "shampoo", "toothpaste", "socks", "blanket"];
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let command_id = format!("soak-{n}-{i}");
        let body = json!({"command_id": command_id, "command": {
            "type": "ReceiveStock", "item_id": items[i % items.len()], "location_id": "church-pantry",
            "quantity": 1, "expires_on_day": null,
            "source": {"kind": "donation", "partner_id": "city-food-bank"}}});
        let started = Instant::now();
        // Until a definite answer: the same id every time, so at most one lands.
        loop {
            let sent = http
                .post(format!("{base}/api/commands"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await;
            let (status, answer) = match sent {
                Ok(response) => {
                    let status = response.status().as_u16();
                    (status, response.json::<Value>().await.unwrap_or_default())
                }
                Err(_) => (0, Value::Null),
            };
            let definite = {
                let mut w = writes.lock().expect("writes");
                *w.statuses.entry(status).or_default() += 1;
                if status == 200 {
                    let positions = (
                        answer["first_position"].as_u64().unwrap_or(0),
                        answer["last_position"].as_u64().unwrap_or(0),
                    );
                    w.acked.insert(command_id.clone(), positions);
                    w.latencies.push(started.elapsed().as_millis() as u64);
                    true
                } else if (400..500).contains(&status) && status != 408 && status != 429 {
                    if w.refused == 0 {
                        eprintln!("soak: {command_id} refused: {status} {answer}");
                    }
                    w.refused += 1;
                    true
                } else {
                    w.resent += 1;
                    false
                }
            };
            if definite {
                break;
            }
            if stop.load(Ordering::Relaxed) && started.elapsed() > Duration::from_secs(30) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// One reader: holds the feed, follows positions, resubscribes after its last on every
/// reconnection. A reader that `never_reads` only connects.
async fn reader(
    ws: String,
    token: String,
    never_reads: bool,
    stop: Arc<AtomicBool>,
    drop_now: Arc<AtomicU64>,
    position: Arc<AtomicU64>,
    reconnects: Arc<AtomicU64>,
) {
    let mut seen_drop = drop_now.load(Ordering::Relaxed);
    while !stop.load(Ordering::Relaxed) {
        let mut request = ws.as_str().into_client_request().expect("ws url");
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().expect("header"));
        let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let last = position.load(Ordering::Relaxed);
        let after = if last == 0 { Value::Null } else { json!(last) };
        let subscribe = json!({"type": "subscribe", "after": after}).to_string();
        if socket.send(Message::text(subscribe)).await.is_err() {
            continue;
        }
        if never_reads {
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            return;
        }
        loop {
            let next = tokio::time::timeout(Duration::from_millis(500), socket.next()).await;
            let current = drop_now.load(Ordering::Relaxed);
            if current != seen_drop {
                seen_drop = current;
                break;
            }
            match next {
                Err(_) => continue,
                Ok(Some(Ok(Message::Text(text)))) => {
                    let message: Value = serde_json::from_str(&text).unwrap_or_default();
                    match message["type"].as_str() {
                        Some("snapshot") => {
                            let at = message["snapshot"]["position"].as_u64().unwrap_or(0);
                            position.store(at, Ordering::Relaxed);
                        }
                        Some("events") => {
                            let events = message["events"].as_array().cloned().unwrap_or_default();
                            if let Some(at) = events.last().and_then(|e| e["position"].as_u64()) {
                                position.fetch_max(at, Ordering::Relaxed);
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => break,
            }
        }
        reconnects.fetch_add(1, Ordering::Relaxed);
    }
}

/// The server's resident memory in KiB, from /proc.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Fills the folder with zeros until the disk refuses; the ballast file is returned.
fn fill_disk(dir: &Path) -> anyhow::Result<PathBuf> {
    let ballast = dir.join("ballast");
    let mut file = std::fs::File::create(&ballast)?;
    let block = vec![0u8; 1 << 20];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
    Ok(ballast)
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

#[tokio::main]
async fn main() -> ExitCode {
    match soak().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("soak: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn soak() -> anyhow::Result<bool> {
    let options = Options::parse()?;
    println!("soak: {options:?}");
    let folder = tempfile::tempdir()?;
    let data = folder.path().join("data");
    std::fs::create_dir_all(&data)?;
    let mount = match options.disk_mb {
        Some(mb) => {
            let status = Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
                .arg(&data)
                .status()?;
            if !status.success() {
                bail!("--disk-mb needs a tmpfs mount (root)");
            }
            Some(Mount(data.clone()))
        }
        None => None,
    };
    let mounted = mount.is_some();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let bind = format!("127.0.0.1:{port}");
    let base = format!("http://{bind}");
    let mut server = Server {
        potluck: options.potluck.clone(),
        data: data.clone(),
        bind: bind.clone(),
        child: None,
        log: folder.path().join("server.log"),
    };
    server.start(true)?;
    let http = reqwest::Client::new();
    let writers_token = sign_in(&http, &base, "ben").await?;
    let readers_token = sign_in(&http, &base, "sam").await?;

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(Mutex::new(Writes::default()));
    let drop_now = Arc::new(AtomicU64::new(0));
    let reconnects = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for n in 0..options.writers {
        let task = writer(n, base.clone(), writers_token.clone(), stop.clone(), writes.clone());
        tasks.push(tokio::spawn(task));
    }
    let mut positions = Vec::new();
    let mut readers = Vec::new();
    for n in 0..options.readers {
        let position = Arc::new(AtomicU64::new(0));
        let never_reads = n % 10 == 9;
        if !never_reads {
            positions.push(position.clone());
        }
        let task = reader(
            format!("ws://{bind}/ws"),
            readers_token.clone(),
            never_reads,
            stop.clone(),
            drop_now.clone(),
            position,
            reconnects.clone(),
        );
        readers.push(tokio::spawn(task));
    }

    // The moments of the faults come from the seed.
    let mut rng = Rng::new(options.seed);
    let started = Instant::now();
    let end = Duration::from_secs(options.seconds);
    let next_kill = |rng: &mut Rng| {
        let every = options.kill_every.max(1) * 1000;
        Duration::from_millis(every / 2 + rng.below(every))
    };
    let mut kill_at = started.elapsed() + next_kill(&mut rng);
    let mut drop_at = started.elapsed() + Duration::from_secs(20 + rng.below(40));
    let mut disk_phase = if mounted { Some(end / 2) } else { None };
    let (mut kills, mut drops, mut restart_ms, mut max_rss) = (0, 0, Vec::new(), 0);
    let mut disk_report = String::new();
    let mut rss_by_minute: Vec<u64> = Vec::new();
    while started.elapsed() < end {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Some(rss) = server.pid().and_then(rss_kib) {
            max_rss = max_rss.max(rss);
            // One sample a minute, to show whether memory levels off or keeps growing.
            let minute = started.elapsed().as_secs() / 60;
            if rss_by_minute.len() as u64 <= minute {
                rss_by_minute.push(rss / 1024);
            }
        }
        let now = started.elapsed();
        if options.kill_every > 0 && now >= kill_at {
            server.kill();
            let restarting = Instant::now();
            server.start(false)?;
            restart_ms.push(restarting.elapsed().as_millis() as u64);
            kills += 1;
            kill_at = now + next_kill(&mut rng);
        }
        if now >= drop_at {
            drop_now.fetch_add(1, Ordering::Relaxed);
            drops += 1;
            drop_at = now + Duration::from_secs(20 + rng.below(40));
        }
        if disk_phase.is_some_and(|at| now >= at) {
            disk_phase = None;
            let before = writes.lock().expect("writes").statuses.clone();
            let ballast = fill_disk(&data)?;
            tokio::time::sleep(Duration::from_secs(7)).await;
            // Killed while the disk is full: it must either come back or refuse clearly, and
            // lose nothing either way.
            server.kill();
            let full_restart = match server.start(false) {
                Ok(()) => "came back while full".to_owned(),
                Err(error) => format!(
                    "refused to start while full ({})",
                    error.to_string().lines().last().unwrap_or_default()
                ),
            };
            tokio::time::sleep(Duration::from_secs(8)).await;
            let during = writes.lock().expect("writes").statuses.clone();
            std::fs::remove_file(&ballast)?;
            // Space is back: an operator starts it again if it refused.
            if server.pid().is_none() {
                server.start(false)?;
            }
            let freed = Instant::now();
            let acked_then = writes.lock().expect("writes").acked.len();
            let mut recovered = None;
            while freed.elapsed() < Duration::from_secs(30) {
                tokio::time::sleep(Duration::from_millis(250)).await;
                if writes.lock().expect("writes").acked.len() > acked_then + 10 {
                    recovered = Some(freed.elapsed());
                    break;
                }
            }
            let changed: BTreeMap<u16, u64> = during
                .iter()
                .map(|(s, n)| (*s, n - before.get(s).copied().unwrap_or(0)))
                .filter(|(_, n)| *n > 0)
                .collect();
            disk_report = match recovered {
                Some(after) => format!(
                    "disk full for 15 s, killed after 7 s and {full_restart}: answers \
                     {changed:?}; writes resumed {} ms after space returned",
                    after.as_millis()
                ),
                None => format!(
                    "disk full for 15 s, killed after 7 s and {full_restart}: answers \
                     {changed:?}; writes did NOT resume within 30 s of space returning"
                ),
            };
        }
    }

    // The end: the writers finish what they have in hand, the readers catch up.
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let health: Value = http.get(format!("{base}/healthz")).send().await?.json().await?;
    let head = health["head"].as_u64().unwrap_or(0);
    let waiting = Instant::now();
    while waiting.elapsed() < Duration::from_secs(60)
        && positions.iter().any(|p| p.load(Ordering::Relaxed) < head)
    {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let behind = positions.iter().filter(|p| p.load(Ordering::Relaxed) < head).count();
    for task in readers {
        task.abort();
    }
    server.stop();

    // From the log itself: every acknowledged command once, at its positions.
    let export = Command::new(&options.potluck).args(["export", "--data"]).arg(&data).output()?;
    let mut found: HashMap<String, (u64, u64)> = HashMap::new();
    let mut duplicates = 0;
    for line in String::from_utf8_lossy(&export.stdout).lines() {
        let record: Value = serde_json::from_str(line)?;
        let id = record["command_id"].as_str().unwrap_or_default();
        if !id.starts_with("soak-") {
            continue;
        }
        let position = record["position"].as_u64().unwrap_or(0);
        match found.get_mut(id) {
            Some(range) if range.1 + 1 == position => range.1 = position,
            Some(_) => duplicates += 1,
            None => {
                found.insert(id.to_owned(), (position, position));
            }
        }
    }
    let writes = writes.lock().expect("writes");
    let lost: Vec<&String> =
        writes.acked.iter().filter(|(id, p)| found.get(*id) != Some(p)).map(|(id, _)| id).collect();
    let unacked_in_log = found.keys().filter(|id| !writes.acked.contains_key(*id)).count();
    let verify = Command::new(&options.potluck).args(["verify", "--data"]).arg(&data).output()?;
    let mut latencies = writes.latencies.clone();
    latencies.sort_unstable();
    restart_ms.sort_unstable();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "ran {seconds:.0} s: {} writers, {} readers ({} reading)",
        options.writers,
        options.readers,
        positions.len()
    );
    println!(
        "commands acknowledged: {} ({:.0}/s); refused: {}; answers by status {:?}; sent again {} times",
        writes.acked.len(),
        writes.acked.len() as f64 / seconds,
        writes.refused,
        writes.statuses,
        writes.resent
    );
    println!(
        "time to a definite answer: p50 {} ms, p99 {} ms, max {} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0)
    );
    println!(
        "kills: {kills}, restart to listening: p50 {} ms, max {} ms; mass drops: {drops}; reconnections: {}",
        percentile(&restart_ms, 0.5),
        restart_ms.last().copied().unwrap_or(0),
        reconnects.load(Ordering::Relaxed)
    );
    if !disk_report.is_empty() {
        println!("{disk_report}");
    }
    println!(
        "server memory: largest resident set {} MiB; at each minute (MiB): {rss_by_minute:?}",
        max_rss / 1024
    );
    println!(
        "log: head {head}; acknowledged and missing or moved: {}; appended twice: {duplicates}; \
         in the log without an answer reaching the writer: {unacked_in_log}; chain: {}",
        lost.len(),
        if verify.status.success() { "verified" } else { "BROKEN" }
    );
    let lowest = positions.iter().map(|p| p.load(Ordering::Relaxed)).min().unwrap_or(head);
    println!(
        "readers behind the head at the end: {behind} of {} (the furthest behind at {lowest})",
        positions.len()
    );
    drop(mount);
    Ok(lost.is_empty()
        && duplicates == 0
        && writes.refused == 0
        && verify.status.success()
        && behind == 0)
}
