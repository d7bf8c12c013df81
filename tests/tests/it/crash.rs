//! Crash test: a child process appends from several tasks and is killed with SIGKILL at a
//! random moment, again and again on the same folder. After each kill, every append the
//! child had acknowledged is in the log exactly once, at the positions it was told, and the
//! chain verifies.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use server::log::Log;

const ROUNDS: u64 = 6;
const TASKS: &str = "8";

/// A tiny seeded generator, so a failing run can be repeated exactly.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_appends_survive_sigkill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut seed = 0x5eed_u64 ^ std::process::id() as u64;
    println!("crash test seed {seed}");
    let mut acknowledged: HashMap<String, (u64, u64)> = HashMap::new();

    for round in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_child"))
            .args([data.to_str().unwrap(), &round.to_string(), TASKS])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait until the child has acknowledged something, then kill it a random while later.
        let first =
            lines.recv_timeout(Duration::from_secs(60)).expect("child acknowledged nothing");
        let wait_ms = 20 + next_random(&mut seed) % 400;
        std::thread::sleep(Duration::from_millis(wait_ms));
        child.kill().unwrap(); // SIGKILL on Unix.
        child.wait().unwrap();
        reader.join().unwrap();
        for line in std::iter::once(first).chain(lines.try_iter()) {
            let parts: Vec<&str> = line.split(' ').collect();
            let ["ack", id, first, last] = parts.as_slice() else { continue };
            acknowledged.insert(id.to_string(), (first.parse().unwrap(), last.parse().unwrap()));
        }

        let log = Log::open(&data).unwrap();
        let verified = log.verify().unwrap();
        let events = log.read_raw(1, usize::MAX).unwrap();
        assert_eq!(verified.count, events.len() as u64);
        let mut seen: HashMap<&str, Vec<u64>> = HashMap::new();
        for event in &events {
            seen.entry(event.command_id.as_str()).or_default().push(event.position);
        }
        for (id, (first, last)) in &acknowledged {
            assert_eq!(seen.get(id.as_str()), Some(&vec![*first]), "round {round}, command {id}");
            assert_eq!(first, last);
        }
        assert!(seen.values().all(|positions| positions.len() == 1));
        log.close().await;
        println!(
            "round {round}: killed after {wait_ms} ms, {} events, {} acknowledged",
            events.len(),
            acknowledged.len()
        );
    }
}
