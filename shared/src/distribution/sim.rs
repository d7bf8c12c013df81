//! A seeded simulation of distribution days: it registers a small catalog and a few drivers,
//! then keeps logging requests and carrying them through the SOP (check, reserve, schedule,
//! confirm, deliver or fail and reschedule, feedback), receiving and writing off stock as it
//! goes. Every command goes through [`decide`], so the events are exactly what a real group
//! would log. The same seed gives the same events on every platform.
//!
//! Used by the property tests, the fold benchmark, and (later) the server's demo data. With
//! [`Sim::with_chaos`] a share of commands is deliberately wrong, to exercise rejections.

mod chaos;
mod requests;
mod rng;
mod setup;
mod shelves;

use self::setup::{BUSY_BOARD, LOGISTICS, setup_commands};
use super::day::{MS_PER_DAY, day_of};
use super::id::{AlertId, MemberId, RequestId};
use super::{Command, Context, Event, Recorded, Rejection, State, decide};

pub use rng::Rng;

/// 2025-01-06, a Monday, 08:00 UTC: the simulation's first moment.
pub const START_MS: i64 = 20_094 * MS_PER_DAY + 8 * 3_600_000;

/// A simulated group, its clock and its log.
#[derive(Clone, Debug)]
pub struct Sim {
    rng: Rng,
    state: State,
    now_ms: i64,
    position: u64,
    next_id: u64,
    chaos_percent: u64,
    /// Commands to send before any other, last first: the setup, then each morning's
    /// write-off of expired stock.
    queue: Vec<Command>,
    /// The day the shelves were last checked for expired stock.
    checked_day: i64,
    /// Requests the simulation still moves, including closed ones awaiting feedback.
    open_requests: Vec<RequestId>,
    open_alerts: Vec<AlertId>,
}

impl Sim {
    pub fn new(seed: u64) -> Sim {
        Sim::with_chaos(seed, 0)
    }

    /// A simulation where about `percent` in a hundred commands are malformed or out of
    /// turn, and should be rejected.
    pub fn with_chaos(seed: u64, percent: u64) -> Sim {
        let mut queue = setup_commands();
        queue.reverse();
        Sim {
            rng: Rng::new(seed),
            state: State::new(),
            now_ms: START_MS,
            position: 0,
            next_id: 0,
            chaos_percent: percent,
            queue,
            checked_day: day_of(START_MS),
            open_requests: Vec::new(),
            open_alerts: Vec::new(),
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// Decides the next command and, if accepted, records and folds its events.
    pub fn step(&mut self) -> Result<Vec<Recorded>, Rejection> {
        let (command, ctx) = self.next_command();
        let events = decide(&self.state, &command, &ctx)?;
        Ok(self.record(&ctx, events))
    }

    /// The next command and its context. The clock moves on by half a minute to five.
    pub fn next_command(&mut self) -> (Command, Context) {
        self.now_ms += self.rng.between(30_000, 300_000);
        if self.today() != self.checked_day {
            self.checked_day = self.today();
            self.queue.extend(self.expired_write_offs());
        }
        if let Some(command) = self.queue.pop() {
            return (command, self.ctx(LOGISTICS));
        }
        if self.rng.chance(self.chaos_percent) {
            return chaos::command(self);
        }
        // New requests come in faster while the board is short of work, so that about
        // `BUSY_BOARD` requests are open at a time, as on a real distribution day.
        let arrivals_percent = if self.open_requests.len() < BUSY_BOARD { 12 } else { 3 };
        if self.rng.chance(arrivals_percent) {
            return self.log_request();
        }
        let chosen = match self.rng.below(100) {
            0..7 => self.receive_stock(),
            7..10 => self.count_or_spoil(),
            10..12 => self.transfer(),
            12..16 => self.resolve_alert(),
            _ => None,
        };
        // Most of the day is spent moving requests along; a request that cannot move now
        // (waiting on stock) lets another one go, and a quiet board gets a new request.
        chosen
            .or_else(|| (0..4).find_map(|_| self.advance_request()))
            .unwrap_or_else(|| self.log_request())
    }

    /// Assigns positions, times and the actor, folds the events in and returns them.
    pub fn record(&mut self, ctx: &Context, events: Vec<Event>) -> Vec<Recorded> {
        let mut recorded = Vec::with_capacity(events.len());
        for event in events {
            self.position += 1;
            match &event {
                Event::RequestLogged { request_id, .. } => {
                    self.open_requests.push(request_id.clone())
                }
                Event::ProcurementAlertRaised { alert_id, .. } => {
                    self.open_alerts.push(alert_id.clone())
                }
                Event::ProcurementAlertResolved { alert_id, .. } => {
                    self.open_alerts.retain(|a| a != alert_id)
                }
                _ => {}
            }
            let r = Recorded {
                position: self.position,
                recorded_at_ms: ctx.now_ms,
                actor: ctx.actor.clone(),
                event,
            };
            super::evolve(&mut self.state, &r);
            recorded.push(r);
        }
        recorded
    }
}

impl Simulated for Sim {
    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn now_ms(&self) -> i64 {
        self.now_ms
    }

    fn next_id(&mut self) -> &mut u64 {
        &mut self.next_id
    }
}

/// What every simulation has (a seeded generator, a clock, a counter for new ids), and the
/// helpers both the distribution and the whole group's simulations use on it.
pub(crate) trait Simulated {
    fn rng(&mut self) -> &mut Rng;
    fn now_ms(&self) -> i64;
    fn next_id(&mut self) -> &mut u64;

    /// Who acts, now.
    fn ctx(&self, actor: &str) -> Context {
        Context { now_ms: self.now_ms(), actor: MemberId::from(actor) }
    }

    /// The simulated group's day (it keeps UTC).
    fn today(&self) -> i64 {
        day_of(self.now_ms())
    }

    /// A new id, `<prefix>-<n>`.
    fn fresh_id(&mut self, prefix: &str) -> String {
        *self.next_id() += 1;
        format!("{prefix}-{}", self.next_id())
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[self.rng().index(options.len())]
    }
}

/// Exactly `count` records from `step`, called until there are that many (fewer only if
/// ten thousand steps in a row are refused: a simulation that got stuck, which they are
/// built not to).
pub(crate) fn collect<R>(
    count: usize,
    mut step: impl FnMut() -> Result<Vec<R>, Rejection>,
) -> Vec<R> {
    let mut events = Vec::with_capacity(count + 16);
    let mut rejected_in_a_row = 0;
    while events.len() < count && rejected_in_a_row < 10_000 {
        match step() {
            Ok(recorded) => {
                rejected_in_a_row = 0;
                events.extend(recorded);
            }
            Err(_) => rejected_in_a_row += 1,
        }
    }
    events.truncate(count);
    events
}

/// Exactly `count` events of a simulated group, from its first registration on.
pub fn generate(seed: u64, count: usize) -> Vec<Recorded> {
    let mut sim = Sim::new(seed);
    collect(count, || sim.step())
}
