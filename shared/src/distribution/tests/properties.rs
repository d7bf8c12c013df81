//! Properties over simulated days (seeded, so a failure names the seed to replay):
//! projections built incrementally, across a snapshot restart, equal projections rebuilt
//! from scratch at every prefix; stock matches a plain reference model and never goes
//! negative; reservations stay within what requests asked for.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

/// Runs a simulation until it has logged at least `count` events; rejected commands are
/// part of the run (chaos), they just add nothing.
fn simulate(seed: u64, chaos_percent: u64, count: usize) -> Vec<Recorded> {
    let mut sim = sim::Sim::with_chaos(seed, chaos_percent);
    let mut events = Vec::new();
    for _ in 0..count * 10 {
        if events.len() >= count {
            break;
        }
        if let Ok(recorded) = sim.step() {
            events.extend(recorded);
        }
    }
    events
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Projections {
    board: Board,
    stock: StockLevels,
    timelines: Timelines,
}

impl Projections {
    fn apply(&mut self, r: &Recorded) {
        self.board.apply(r);
        self.stock.apply(r);
        self.timelines.apply(r);
    }

    fn rebuilt(events: &[Recorded]) -> Projections {
        let mut p = Projections::default();
        events.iter().for_each(|r| p.apply(r));
        p
    }
}

/// The reference: on hand and reserved per (item, location, expiry), by plain addition.
type Books = BTreeMap<(String, String, Option<i64>), (i64, i64)>;

fn books(events: &[Recorded]) -> Books {
    let mut books = Books::new();
    let mut add =
        |item: &ItemId, location: &LocationId, expiry: Option<i64>, on_hand: i64, reserved: i64| {
            let entry = books.entry((item.to_string(), location.to_string(), expiry)).or_default();
            entry.0 += on_hand;
            entry.1 += reserved;
        };
    for r in events {
        match &r.event {
            Event::StockReceived { item_id, location_id, quantity, expires_on_day, .. } => {
                add(item_id, location_id, *expires_on_day, *quantity, 0);
            }
            Event::StockAdjusted { item_id, location_id, expires_on_day, change, .. } => {
                add(item_id, location_id, *expires_on_day, *change, 0);
            }
            Event::StockTransferred { item_id, from_location_id, to_location_id, portions } => {
                for p in portions {
                    add(item_id, from_location_id, p.expires_on_day, -p.quantity, 0);
                    add(item_id, to_location_id, p.expires_on_day, p.quantity, 0);
                }
            }
            Event::StockReserved { allocations, .. } => {
                allocations
                    .iter()
                    .for_each(|a| add(&a.item_id, &a.location_id, a.expires_on_day, 0, a.quantity));
            }
            Event::StockReleased { allocations: released, .. }
            | Event::RequestCancelled { released, .. } => {
                released.iter().for_each(|a| {
                    add(&a.item_id, &a.location_id, a.expires_on_day, 0, -a.quantity)
                });
            }
            Event::DeliveryCompleted { issued, .. } => {
                issued.iter().for_each(|a| {
                    add(&a.item_id, &a.location_id, a.expires_on_day, -a.quantity, -a.quantity)
                });
            }
            _ => {}
        }
    }
    books.retain(|_, counts| *counts != (0, 0));
    books
}

fn assert_stock_invariants(events: &[Recorded], state: &State, levels: &StockLevels) {
    let reference = books(events);
    for ((item, location, expiry), (on_hand, reserved)) in &reference {
        assert!(
            *reserved >= 0 && *reserved <= *on_hand,
            "{item} at {location} ({expiry:?}): {on_hand} on hand, {reserved} reserved"
        );
        let batch = state.stock().batch(item, location, Shelf::of(*expiry));
        assert_eq!((batch.on_hand, batch.reserved), (*on_hand, *reserved));
    }
    let mut projected = Books::new();
    for (item_id, item) in &levels.items {
        for b in &item.batches {
            let key = (item_id.to_string(), b.location_id.to_string(), b.expires_on_day);
            projected.insert(key, (b.on_hand, b.reserved));
        }
    }
    assert_eq!(projected, reference, "the stock view agrees with the books");
}

fn assert_request_invariants(state: &State) {
    for request in &state.requests {
        for line in &request.progress.lines {
            let held: i64 = request
                .allocations
                .iter()
                .filter(|a| a.item_id == line.item_id)
                .map(|a| a.quantity)
                .sum();
            assert_eq!(held, line.reserved, "allocations add up to the reserved line");
            assert!(line.reserved >= 0 && line.reserved + line.issued <= line.requested);
            assert!(line.scheduled >= 0 && line.scheduled <= line.reserved);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn projections_built_incrementally_equal_projections_rebuilt_from_scratch(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 1usize..250,
        restart_at in 0usize..250,
    ) {
        let events = simulate(seed, chaos_percent, len);
        let mut live = Projections::default();
        let mut state = State::new();
        for (i, r) in events.iter().enumerate() {
            if i == restart_at {
                // A client that reconnects gets a snapshot and goes on from there.
                let json = serde_json::to_string(&live).expect("projections serialise");
                live = serde_json::from_str(&json).expect("projections deserialise");
            }
            live.apply(r);
            evolve(&mut state, r);
            let prefix = &events[..=i];
            prop_assert_eq!(&live, &Projections::rebuilt(prefix));
            prop_assert_eq!(&state, &state_of(prefix));
        }
    }

    #[test]
    fn stock_invariants_hold_for_random_command_sequences(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 1usize..1_500,
    ) {
        let events = simulate(seed, chaos_percent, len);
        let mut state = State::new();
        let mut levels = StockLevels::new();
        for (i, r) in events.iter().enumerate() {
            evolve(&mut state, r);
            levels.apply(r);
            if i % 25 == 0 || i + 1 == events.len() {
                assert_stock_invariants(&events[..=i], &state, &levels);
                assert_request_invariants(&state);
            }
        }
    }
}

fn state_of(events: &[Recorded]) -> State {
    let mut state = State::new();
    events.iter().for_each(|r| evolve(&mut state, r));
    state
}

#[test]
fn the_same_seed_gives_the_same_day() {
    assert_eq!(sim::generate(42, 3_000), sim::generate(42, 3_000));
    assert_ne!(sim::generate(42, 300), sim::generate(43, 300));
}

#[test]
fn a_long_simulated_month_keeps_every_invariant() {
    let events = sim::generate(2025, 20_000);
    assert_eq!(events.len(), 20_000);
    let state = state_of(&events);
    let mut levels = StockLevels::new();
    events.iter().for_each(|r| levels.apply(r));
    assert_stock_invariants(&events, &state, &levels);
    assert_request_invariants(&state);
    let delivered =
        state.requests.iter().filter(|r| r.progress.stage() == Stage::Delivered).count();
    assert!(delivered > 100, "the simulation delivers ({delivered} delivered)");
}
