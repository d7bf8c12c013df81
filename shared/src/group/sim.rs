//! A seeded simulation of the group's people and money: members and role cards, shifts on
//! distribution days with sign-ups, check-ins and the odd forgotten check-out or absence,
//! commitments, skills and the agreement; donations, expenses with approvals and payments,
//! transfers, reversals, grants and donated goods. Every command goes through
//! [`decide`](super::decide) against the whole group, so the events are what a real group
//! would log, and the same seed gives the same events on every platform.
//!
//! Used by the property tests of [`crate::people`] and [`crate::ledger`], and for demo data.
//! With [`Sim::with_chaos`] a share of commands is deliberately wrong (unbalanced, approved
//! by their recorder, paid unapproved...), to exercise rejections.

mod chaos;
mod money;
mod people;
mod setup;

use super::{Command, Event, Recorded, State, decide};
use crate::distribution::day::{MS_PER_DAY, day_of};
use crate::distribution::sim::{Rng, Simulated, collect};
use crate::distribution::{Context, Rejection};
use crate::people::ShiftId;

pub use crate::distribution::sim::START_MS;

const MINUTE_MS: i64 = 60_000;

/// A simulated group, its clock and its log.
#[derive(Clone, Debug)]
pub struct Sim {
    rng: Rng,
    state: State,
    now_ms: i64,
    position: u64,
    next_id: u64,
    chaos_percent: u64,
    /// Commands to send before any other, last first: the setup, then what a shift's start
    /// or end brings (check-ins, check-outs, corrections, absences).
    queue: Vec<(&'static str, Command)>,
    /// Shifts whose start, and whose end, the simulation has already acted on.
    started: Vec<ShiftId>,
    ended: Vec<ShiftId>,
}

impl Sim {
    pub fn new(seed: u64) -> Sim {
        Sim::with_chaos(seed, 0)
    }

    /// A simulation where about `percent` in a hundred commands break a rule on purpose.
    pub fn with_chaos(seed: u64, percent: u64) -> Sim {
        let mut queue = setup::commands(day_of(START_MS));
        queue.reverse();
        Sim {
            rng: Rng::new(seed),
            state: State::default(),
            now_ms: START_MS,
            position: 0,
            next_id: 0,
            chaos_percent: percent,
            queue,
            started: Vec::new(),
            ended: Vec::new(),
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

    /// The next command and who sends it, when.
    pub fn next_command(&mut self) -> (Command, Context) {
        if self.queue.is_empty() {
            self.advance_clock();
        }
        if let Some((actor, command)) = self.queue.pop() {
            return (command, self.ctx(actor));
        }
        if self.rng.chance(self.chaos_percent)
            && let Some((actor, command)) = chaos::command(self)
        {
            return (command, self.ctx(actor));
        }
        let chosen = if self.rng.chance(45) { people::next(self) } else { money::next(self) };
        let (actor, command) = chosen.unwrap_or_else(|| money::donation(self));
        (command, self.ctx(actor))
    }

    /// Assigns positions, the time and the actor, folds the events in and returns them.
    pub fn record(&mut self, ctx: &Context, events: Vec<Event>) -> Vec<Recorded> {
        let mut recorded = Vec::with_capacity(events.len());
        for event in events {
            self.position += 1;
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

    /// Moves the clock on by a quarter of an hour to four hours, stopping just after the
    /// next start or end of a shift so that its check-ins and check-outs happen on time.
    fn advance_clock(&mut self) {
        let mut next_ms = self.now_ms + self.rng.between(15 * MINUTE_MS, 240 * MINUTE_MS);
        let now_ms = self.now_ms;
        let recent =
            self.state.people.shifts.values().filter(|s| s.ends_at_ms > now_ms - MS_PER_DAY);
        for shift in recent.filter(|s| !s.cancelled) {
            for boundary in [shift.starts_at_ms + 5 * MINUTE_MS, shift.ends_at_ms + 10 * MINUTE_MS]
            {
                if boundary > now_ms && boundary < next_ms {
                    next_ms = boundary;
                }
            }
        }
        self.now_ms = next_ms;
        people::at_shift_boundaries(self);
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

/// Exactly `count` events of a simulated group, from its first member on.
pub fn generate(seed: u64, count: usize) -> Vec<Recorded> {
    let mut sim = Sim::new(seed);
    collect(count, || sim.step())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn without_chaos_every_command_is_accepted_and_with_it_rules_are_broken() {
        let mut calm = Sim::new(5);
        for _ in 0..3_000 {
            if let Err(rejection) = calm.step() {
                panic!("rejected without chaos: {rejection}");
            }
        }
        let mut wild = Sim::with_chaos(5, 30);
        let codes: BTreeSet<&str> =
            (0..3_000).filter_map(|_| wild.step().err()).map(|r| r.code()).collect();
        for code in ["invalid_field", "not_permitted", "wrong_stage"] {
            assert!(codes.contains(code), "{code} in {codes:?}");
        }
    }

    #[test]
    fn simulated_events_round_trip_through_their_stored_payload() {
        let mut seen = BTreeSet::new();
        for r in generate(11, 6_000) {
            let kind = r.event.event_type();
            assert!(Event::is_known_type(kind), "{kind}");
            let payload = r.event.payload().to_string();
            assert_eq!(Event::from_payload(kind, &payload).as_ref(), Ok(&r.event), "{kind}");
            seen.insert(kind);
        }
        for kind in ["CheckedOutOfShift", "ShiftTimesCorrected", "ExpenseApproved", "GrantReceived"]
        {
            assert!(seen.contains(kind), "the simulation never produced {kind}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_group() {
        assert_eq!(generate(3, 2_000), generate(3, 2_000));
    }
}
