//! A seeded simulation of the whole server in one process: simulated members send the
//! distribution simulation's valid and deliberately wrong commands over HTTP (some sent
//! twice, as a phone on a bad signal does), the server is restarted at random moments, and
//! screens on the live feed drop and come back with their last position, an older one, one
//! from the future, or none.
//!
//! A refused command writes nothing and is not remembered: sent again, it is decided afresh
//! (and may be accepted now, once). After each run: every acknowledged command is in the
//! log exactly once, with the
//! positions it was answered with; nothing refused is; positions are gapless and the chain
//! verifies; every screen, caught up, folded the same board and timelines as a fresh
//! replay; stock is never negative nor reserved beyond what is on hand; and the server
//! agreed with the domain's own `decide` on every command.
//!
//! The operations and their order come from the seed alone, so a failing seed replays the
//! same run (what a socket has received when it reads is up to the network; the checks are
//! made once everything has arrived). `POTLUCK_SIM_SEED=n POTLUCK_SIM_STEPS=m` reruns one
//! seed, longer; RELIABILITY.md has the long runs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use server::http::Options;
use server::projections::{Projections, decode};
use shared::access::{Role, may_send};
use shared::distribution::sim::{Rng, Sim};
use shared::distribution::{self, Board, Timelines, decide};
use shared::envelope::ChainVerifier;
use shared::wire::ServerMessage;
use tests::{Client, Feed, TestApp};

/// The simulation's members and the roles they need.
const MEMBERS: [(&str, Role); 7] = [
    ("logistics-sam", Role::Logistics),
    ("coordinator-lena", Role::Coordinator),
    ("comms-yusuf", Role::Communications),
    ("driver-amina", Role::Driver),
    ("driver-bo", Role::Driver),
    ("driver-carmen", Role::Driver),
    ("driver-dev", Role::Driver),
];

const DAY_MS: i64 = 86_400_000;

/// A screen on the live feed: what it folded and up to where.
struct Screen {
    feed: Feed,
    board: Board,
    timelines: Timelines,
    position: u64,
}

impl Screen {
    async fn open(client: &Client, after: Option<u64>) -> Feed {
        let mut feed = client.feed().await;
        feed.subscribe(after).await;
        feed
    }

    fn receive(&mut self, message: ServerMessage) {
        match message {
            ServerMessage::Snapshot { snapshot } => {
                self.board = snapshot.board;
                self.timelines = snapshot.timelines;
                self.position = snapshot.position;
            }
            ServerMessage::Events { events } => {
                for event in events {
                    // A resumed feed may repeat what this screen has: it skips those.
                    if event.position <= self.position {
                        continue;
                    }
                    assert_eq!(event.position, self.position + 1, "a gap in the feed");
                    if let shared::group::Event::Distribution(inner) = event.event {
                        let recorded = distribution::Recorded {
                            position: event.position,
                            recorded_at_ms: event.recorded_at_ms,
                            actor: event.actor.as_str().into(),
                            event: inner,
                        };
                        self.board.apply(&recorded);
                        self.timelines.apply(&recorded);
                    }
                    self.position = event.position;
                }
            }
            _ => {}
        }
    }

    /// Whatever has arrived within a moment.
    async fn read_some(&mut self) {
        while let Ok(message) =
            tokio::time::timeout(Duration::from_millis(2), self.feed.next()).await
        {
            self.receive(message);
        }
    }
}

/// What the server said to an accepted command: its positions.
type Acked = BTreeMap<String, (u64, u64)>;

async fn members(app: &TestApp) -> BTreeMap<&'static str, Client> {
    let mut clients = BTreeMap::new();
    for (id, role) in MEMBERS {
        clients.insert(id, app.member(id, &[role]).await);
    }
    clients
}

/// Points every client at the restarted server (its port changed; sessions survived).
fn moved(clients: &mut BTreeMap<&'static str, Client>, app: &TestApp) {
    for client in clients.values_mut() {
        client.base = app.url("");
        client.ws = app.ws_url("/ws");
    }
}

async fn run(seed: u64, steps: usize) {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let mut sim = Sim::with_chaos(seed, 10);
    let now = Arc::new(AtomicI64::new(sim.now_ms()));
    let clock: server::log::Clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let mut app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    let mut clients = members(&app).await;
    let mut signed_in_at = sim.now_ms();
    // A member with the driver role is registered as a driver when added: the domain's
    // simulation learns it the same way.
    let init = distribution::Context { now_ms: sim.now_ms(), actor: "potluck-init".into() };
    let drivers = MEMBERS
        .iter()
        .filter(|(_, role)| *role == Role::Driver)
        .map(|(id, _)| distribution::Event::DriverRegistered { member_id: (*id).into() })
        .collect();
    sim.record(&init, drivers);
    let roles: BTreeMap<&str, Role> = MEMBERS.into_iter().collect();
    let mut screens = Vec::new();
    for i in 0..3 {
        let client = &clients[MEMBERS[i * 2].0];
        let feed = Screen::open(client, None).await;
        let screen =
            Screen { feed, board: Board::default(), timelines: Timelines::new(), position: 0 };
        screens.push(screen);
    }
    let mut acked = Acked::new();
    let mut refused = Vec::new();
    let mut sent: Vec<(String, distribution::Command, &'static str)> = Vec::new();
    let (mut restarts, mut reconnects, mut retries) = (0, 0, 0);

    for step in 0..steps {
        let context = format!("seed {seed}, step {step}");
        match rng.below(100) {
            // A restart: the server stops cleanly and comes back on the same folder.
            0..3 => {
                app = app.restart().await.unwrap();
                moved(&mut clients, &app);
                for screen in &mut screens {
                    let client = &clients[MEMBERS[0].0];
                    screen.feed = Screen::open(client, Some(screen.position)).await;
                }
                restarts += 1;
            }
            // A screen drops and comes back: with its position, an older one, one past the
            // head, or none at all.
            3..10 => {
                let screen = rng.index(screens.len());
                let after = match rng.below(4) {
                    0 => Some(screens[screen].position),
                    1 => Some(screens[screen].position.saturating_sub(rng.below(50))),
                    2 => Some(app.log.head().position + 1 + rng.below(1000)),
                    _ => None,
                };
                let client = &clients[MEMBERS[rng.index(MEMBERS.len())].0];
                screens[screen].feed = Screen::open(client, after).await;
                reconnects += 1;
            }
            // A screen reads what has arrived.
            10..25 => {
                let screen = rng.index(screens.len());
                screens[screen].read_some().await;
            }
            // The same command sent again (no answer reached the phone). An accepted one
            // gets its first answer and writes nothing; a refused one wrote nothing and is
            // decided afresh, against the group as it is now.
            25..30 if !sent.is_empty() => {
                let (command_id, command, actor) = sent[rng.index(sent.len())].clone();
                let head = app.log.head().position;
                let body = serde_json::to_value(&command).unwrap();
                let (status, answer) = clients[actor].command(&command_id, body).await;
                match acked.get(&command_id) {
                    Some(&(first, last)) => {
                        assert_eq!(status, 200, "{context}: retry of {command_id}: {answer}");
                        assert_eq!(answer["duplicate"], true, "{context}: {answer}");
                        let positions =
                            (answer["first_position"].as_u64(), answer["last_position"].as_u64());
                        assert_eq!(positions, (Some(first), Some(last)), "{context}");
                        assert_eq!(app.log.head().position, head, "{context}: a retry wrote");
                    }
                    None => {
                        let ctx = distribution::Context {
                            now_ms: now.load(Ordering::SeqCst),
                            actor: actor.into(),
                        };
                        let local = decide(sim.state(), &command, &ctx);
                        let expected =
                            may_send(&[roles[actor]], command.command_type()) && local.is_ok();
                        assert_eq!(
                            status == 200,
                            expected,
                            "{context}: retry of refused {command_id}: {answer}, the domain {local:?}"
                        );
                        if let (Ok(events), true) = (local, status == 200) {
                            let first = answer["first_position"].as_u64().unwrap();
                            let last = answer["last_position"].as_u64().unwrap();
                            assert_eq!(
                                last - first + 1,
                                events.len() as u64,
                                "{context}: {answer}"
                            );
                            sim.record(&ctx, events);
                            acked.insert(command_id.clone(), (first, last));
                            refused.retain(|id| *id != command_id);
                        } else {
                            assert_eq!(app.log.head().position, head, "{context}: a refusal wrote");
                        }
                    }
                }
                retries += 1;
            }
            // The next command of the simulated group, valid or deliberately wrong.
            _ => {
                let (command, ctx) = sim.next_command();
                now.store(ctx.now_ms, Ordering::SeqCst);
                // Sessions last a week of the simulation's clock: members sign in again.
                if ctx.now_ms - signed_in_at > 6 * DAY_MS {
                    for client in clients.values_mut() {
                        client.sign_in_again().await;
                    }
                    signed_in_at = ctx.now_ms;
                }
                let actor = MEMBERS.iter().find(|(id, _)| *id == ctx.actor.as_str()).map(|m| m.0);
                let Some(actor) = actor else {
                    panic!("{context}: an actor the simulation made up: {}", ctx.actor)
                };
                let allowed = may_send(&[roles[actor]], command.command_type());
                let local = decide(sim.state(), &command, &ctx);
                let command_id = format!("sim-{seed}-{step}");
                let body = serde_json::to_value(&command).unwrap();
                let (status, answer) = clients[actor].command(&command_id, body).await;
                let expected = allowed && local.is_ok();
                assert_eq!(
                    status == 200,
                    expected,
                    "{context}: {} by {actor}: the server answered {status} {answer}, the domain {local:?}",
                    command.command_type()
                );
                match local {
                    Ok(events) if status == 200 => {
                        let (first, last) = (
                            answer["first_position"].as_u64().unwrap(),
                            answer["last_position"].as_u64().unwrap(),
                        );
                        assert_eq!(last - first + 1, events.len() as u64, "{context}: {answer}");
                        sim.record(&ctx, events);
                        acked.insert(command_id.clone(), (first, last));
                    }
                    _ => refused.push(command_id.clone()),
                }
                sent.push((command_id, command, actor));
            }
        }
    }

    // Every acknowledged command exactly once, at the positions it was answered with;
    // nothing refused; positions gapless; the chain whole.
    let head = app.log.head().position;
    let records = app.log.read_from(1, head as usize).unwrap();
    assert_eq!(records.len() as u64, head, "seed {seed}: records missing below the head");
    let mut chain = ChainVerifier::default();
    let mut found: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record.position, i as u64 + 1, "seed {seed}: positions have a gap");
        chain.check(&app.log.read_raw(record.position, 1).unwrap()[0]).unwrap();
        if record.command_id.starts_with("sim-") {
            match found.get_mut(&record.command_id) {
                // A command's events are contiguous: anything else is a second append.
                Some(range) => {
                    assert_eq!(
                        range.1 + 1,
                        record.position,
                        "seed {seed}: {} appended twice",
                        record.command_id
                    );
                    range.1 = record.position;
                }
                None => {
                    found.insert(record.command_id.clone(), (record.position, record.position));
                }
            }
        }
    }
    assert_eq!(found, acked, "seed {seed}: the log's commands are not the acknowledged ones");
    assert!(refused.iter().all(|id| !found.contains_key(id)));
    assert!(app.log.verify().is_ok(), "seed {seed}: the chain does not verify");

    // Every screen, caught up, shows what a fresh replay shows.
    let mut fresh = Projections::default();
    for record in &records {
        match decode(record).unwrap() {
            Some(recorded) => fresh.apply(&recorded),
            None => fresh.position = record.position,
        }
    }
    for (n, screen) in screens.iter_mut().enumerate() {
        while screen.position < head {
            let message = tokio::time::timeout(Duration::from_secs(20), screen.feed.next())
                .await
                .unwrap_or_else(|_| panic!("seed {seed}: screen {n} stuck at {}", screen.position));
            screen.receive(message);
        }
        assert!(screen.board == fresh.board, "seed {seed}: screen {n}'s board differs");
        assert!(screen.timelines == fresh.timelines, "seed {seed}: screen {n}'s timelines differ");
    }
    // The domain's own invariants: stock is never negative nor reserved beyond what is there.
    for (item, levels) in &fresh.board.stock.items {
        for batch in &levels.batches {
            assert!(
                batch.on_hand >= 0 && batch.reserved >= 0 && batch.reserved <= batch.on_hand,
                "seed {seed}: {item}: {batch:?}"
            );
        }
    }
    eprintln!(
        "seed {seed}: {steps} steps, {} events, {} commands acknowledged, {} refused, {retries} retries, {restarts} restarts, {reconnects} reconnections",
        head,
        acked.len(),
        refused.len()
    );
    app.stop().await;
}

fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_day_with_restarts_retries_and_reconnections_loses_nothing() {
    let steps = env("POTLUCK_SIM_STEPS").unwrap_or(400) as usize;
    match env("POTLUCK_SIM_SEED") {
        Some(seed) => run(seed, steps).await,
        None => {
            for seed in [1, 2, 3] {
                run(seed, steps).await;
            }
        }
    }
}
