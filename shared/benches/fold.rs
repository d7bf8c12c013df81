//! Folds 1,000,000 simulated distribution-day events through the decider's state and every
//! projection, and prints events per second. Target: at least 1,000,000 events/s.
//!
//! `cargo bench -p shared --bench fold` (release profile); `-- board` runs only the folds
//! whose name contains "board". The events are generated first, through `decide`, and are
//! not timed, and read back from JSON as the server reads its log; each timed run folds all
//! of them from empty.

use std::hint::black_box;
use std::time::{Duration, Instant};

use shared::distribution::{Board, Recorded, State, StockLevels, Timelines, evolve, sim};
use shared::group;
use shared::ledger::Ledger;
use shared::limits::GroupLimits;
use shared::members::Members;
use shared::people::Roster;
use shared::standing::StandingOrders;

const EVENTS: usize = 1_000_000;
const RUNS: usize = 5;
const SEED: u64 = 2025;

fn main() {
    let started = Instant::now();
    let generated = sim::generate(SEED, EVENTS);
    assert_eq!(generated.len(), EVENTS, "the simulation produced every event");
    // Through JSON and back, as the server reads them from the log: every id is then its
    // own allocation, as in production, rather than shared with the simulation's state.
    let events: Vec<Recorded> = generated
        .iter()
        .map(|r| serde_json::to_string(r).and_then(|json| serde_json::from_str(&json)))
        .collect::<Result<_, _>>()
        .expect("events round-trip through JSON");
    drop(generated);
    let days = (events[EVENTS - 1].recorded_at_ms - events[0].recorded_at_ms) / 86_400_000;
    println!(
        "generated {EVENTS} events ({days} simulated days, seed {SEED}) in {:.2?}",
        started.elapsed()
    );

    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_default();
    let wanted = |name: &str| name.contains(filter.as_str());
    if wanted("all: decider state + board (with stock levels) + timelines") {
        let name = "all: decider state + board (with stock levels) + timelines";
        report(name, &events, fold_all);
    }
    if wanted("group: decision state + views, each through group::Parts::apply") {
        // The server's folds: every event wrapped as the group's (not timed), then the
        // decision state and the views (board, members, roster, books, limits, standing)
        // each folded through the one dispatch, as start-up does.
        let grouped: Vec<group::Recorded> = events
            .iter()
            .map(|r| group::Recorded {
                position: r.position,
                recorded_at_ms: r.recorded_at_ms,
                actor: r.actor.clone(),
                event: group::Event::Distribution(r.event.clone()),
            })
            .collect();
        let name = "group: decision state + views, each through group::Parts::apply";
        report(name, &events, |_| fold_group(&grouped));
    }
    if wanted("projections: board (with stock levels) + timelines") {
        let name = "projections: board (with stock levels) + timelines";
        report(name, &events, fold_projections);
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
/// result is not part of folding, so it happens after the clock stops. Where Linux reports
/// it, the median on-CPU throughput is printed too: on a shared machine the wall clock also
/// counts the time other processes held the CPU.
fn report<T>(name: &str, events: &[Recorded], fold: impl Fn(&[Recorded]) -> T) {
    let mut times: Vec<(Duration, Option<Duration>)> = (0..RUNS)
        .map(|_| {
            let (started, cpu_started) = (Instant::now(), cpu_time());
            let folded = black_box(fold(black_box(events)));
            let elapsed = started.elapsed();
            let on_cpu = cpu_time().zip(cpu_started).map(|(end, start)| end.saturating_sub(start));
            drop(folded);
            (elapsed, on_cpu)
        })
        .collect();
    times.sort();
    let rate = |d: Duration| events.len() as f64 / d.as_secs_f64();
    let (median, best) = (times[RUNS / 2].0, times[0].0);
    let mut on_cpu: Vec<Duration> = times.iter().filter_map(|t| t.1).collect();
    on_cpu.sort();
    let on_cpu = on_cpu
        .get(on_cpu.len() / 2)
        .map_or(String::new(), |d| format!("   on-CPU median {:>10.0} events/s", rate(*d)));
    println!(
        "{name:60} median {:>10.0} events/s   best {:>10.0} events/s   ({median:.2?} per fold){on_cpu}",
        rate(median),
        rate(best),
    );
}

/// User plus system time of this process so far, from `/proc/self/stat` (in 1/100 s,
/// Linux's fixed unit there); `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The group's decision state and views, each through `group::Parts::apply`: the dispatch
/// start-up pays (every part folds the event where it lies, no copy).
fn fold_group(events: &[group::Recorded]) -> (group::State, Board, StandingOrders) {
    let mut state = group::State::default();
    let mut board = Board::new();
    let mut members = Members::default();
    let mut people = Roster::default();
    let mut ledger = Ledger::default();
    let mut limits = GroupLimits::default();
    let mut standing = StandingOrders::default();
    for r in events {
        group::evolve(&mut state, r);
        group::Parts {
            distribution: &mut board,
            members: &mut members,
            people: &mut people,
            ledger: &mut ledger,
            limits: &mut limits,
            standing: &mut standing,
        }
        .apply(r);
    }
    (state, board, standing)
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

/// What a screen replays: the projections alone, without the decider's state.
fn fold_projections(events: &[Recorded]) -> (Board, Timelines) {
    let mut board = Board::new();
    let mut timelines = Timelines::new();
    for r in events {
        board.apply(r);
        timelines.apply(r);
    }
    (board, timelines)
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
