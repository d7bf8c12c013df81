//! Folds 1,000,000 simulated distribution-day events through the decider's state and every
//! projection, and prints events per second. Target: at least 1,000,000 events/s.
//!
//! `cargo bench -p shared --bench fold` (release profile); `-- board` runs only the folds
//! whose name contains "board". The events are generated first, through `decide`, and are
//! not timed; each timed run folds all of them from empty.

use std::hint::black_box;
use std::time::{Duration, Instant};

use shared::distribution::{Board, Recorded, State, StockLevels, Timelines, evolve, sim};

const EVENTS: usize = 1_000_000;
const RUNS: usize = 5;
const SEED: u64 = 2025;

fn main() {
    let started = Instant::now();
    let events = sim::generate(SEED, EVENTS);
    assert_eq!(events.len(), EVENTS, "the simulation produced every event");
    let days = (events[EVENTS - 1].recorded_at_ms - events[0].recorded_at_ms) / 86_400_000;
    println!(
        "generated {EVENTS} events ({days} simulated days, seed {SEED}) in {:.2?}",
        started.elapsed()
    );

    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    let wanted = |name: &str| name.contains(filter.as_str());
    if wanted("all: state + board (with stock levels) + timelines") {
        report(
            "all: state + board (with stock levels) + timelines",
            &events,
            fold_all,
        );
    }
    if wanted("state (decider)") {
        report("state (decider)", &events, fold_state);
    }
    if wanted("board") {
        report("board", &events, fold_board);
    }
    if wanted("stock levels") {
        report("stock levels", &events, fold_stock);
    }
    if wanted("timelines") {
        report("timelines", &events, fold_timelines);
    }
}

/// Times `RUNS` folds and prints the median and best throughput. Dropping the folded
/// result is not part of folding, so it happens after the clock stops.
fn report<T>(name: &str, events: &[Recorded], fold: impl Fn(&[Recorded]) -> T) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let folded = black_box(fold(black_box(events)));
            let elapsed = started.elapsed();
            drop(folded);
            elapsed
        })
        .collect();
    times.sort();
    let rate = |d: Duration| events.len() as f64 / d.as_secs_f64();
    println!(
        "{name:36} median {:>12.0} events/s   best {:>12.0} events/s   ({:.2?} per fold)",
        rate(times[RUNS / 2]),
        rate(times[0]),
        times[RUNS / 2],
    );
}

/// What a server replays at start-up: the decider's state, the board (whose `stock` field
/// is the stock-levels projection, so it is not folded twice) and every request's timeline.
fn fold_all(events: &[Recorded]) -> (State, Board, Timelines) {
    let mut state = State::new();
    let mut board = Board::new();
    let mut timelines = Timelines::new();
    for r in events {
        evolve(&mut state, r);
        board.apply(r);
        timelines.apply(r);
    }
    (state, board, timelines)
}

fn fold_state(events: &[Recorded]) -> State {
    let mut state = State::new();
    events.iter().for_each(|r| evolve(&mut state, r));
    state
}

fn fold_board(events: &[Recorded]) -> Board {
    let mut board = Board::new();
    events.iter().for_each(|r| board.apply(r));
    board
}

fn fold_stock(events: &[Recorded]) -> StockLevels {
    let mut stock = StockLevels::new();
    events.iter().for_each(|r| stock.apply(r));
    stock
}

fn fold_timelines(events: &[Recorded]) -> Timelines {
    let mut timelines = Timelines::new();
    events.iter().for_each(|r| timelines.apply(r));
    timelines
}
