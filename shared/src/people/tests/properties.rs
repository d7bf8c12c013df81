//! Properties over simulated months of the group's people (seeded): the roster built live
//! (across a snapshot restart) equals the roster rebuilt from scratch; hours agree with a
//! plain count of check-ins, check-outs and corrections; the burnout signal names exactly
//! the members over the limit.

use crate::clock::Clock;
use crate::kernel::{At, Evolve};
use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::group::{self, sim};
use crate::limits::GroupLimits;

/// The people events of a simulated group, and the moment the simulation stopped.
fn simulate(seed: u64, chaos_percent: u64, count: usize) -> (Vec<Event>, i64) {
    let mut sim = sim::Sim::with_chaos(seed, chaos_percent);
    let mut events = Vec::new();
    for _ in 0..count * 10 {
        if events.len() >= count {
            break;
        }
        if let Ok(recorded) = sim.step() {
            events.extend(recorded.into_iter().filter_map(|r| match r.event {
                group::Event::People(event) => Some(event),
                _ => None,
            }));
        }
    }
    (events, sim.now_ms())
}

/// The reference: per member, minutes of finished stretches checked into in the four weeks
/// up to `now_ms`, from the last check-in, check-out or correction of each shift.
fn reference_minutes(events: &[Event], now_ms: i64) -> BTreeMap<MemberId, i64> {
    let mut times: BTreeMap<(ShiftId, MemberId), (i64, Option<i64>)> = BTreeMap::new();
    for event in events {
        match event {
            Event::CheckedInToShift { shift_id, member_id, at_ms } => {
                times.insert((shift_id.clone(), member_id.clone()), (*at_ms, None));
            }
            Event::CheckedOutOfShift { shift_id, member_id, at_ms } => {
                if let Some(stretch) = times.get_mut(&(shift_id.clone(), member_id.clone())) {
                    stretch.1 = Some(*at_ms);
                }
            }
            Event::ShiftTimesCorrected {
                shift_id,
                member_id,
                checked_in_at_ms,
                checked_out_at_ms,
                ..
            } => {
                times.insert(
                    (shift_id.clone(), member_id.clone()),
                    (*checked_in_at_ms, Some(*checked_out_at_ms)),
                );
            }
            _ => {}
        }
    }
    let mut minutes: BTreeMap<MemberId, i64> = BTreeMap::new();
    let since_ms = now_ms - WINDOW_DAYS * MS_PER_DAY;
    for ((_, member_id), (checked_in, checked_out)) in times {
        if let (Some(out), true) = (checked_out, checked_in > since_ms && checked_in <= now_ms) {
            *minutes.entry(member_id).or_default() += (out - checked_in) / 60_000;
        }
    }
    minutes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_roster_built_live_equals_the_roster_rebuilt_from_scratch(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 1usize..300,
        restart_at in 0usize..300,
    ) {
        let (events, _) = simulate(seed, chaos_percent, len);
        let mut live = Roster::new();
        for (i, event) in events.iter().enumerate() {
            if i == restart_at {
                let json = serde_json::to_string(&live).expect("the roster serialises");
                live = serde_json::from_str(&json).expect("the roster deserialises");
            }
            live.evolve(At::position(1), event);
            prop_assert_eq!(&live, &roster_after(&events[..=i]));
        }
    }

    #[test]
    fn hours_agree_with_a_plain_count_and_burnout_flags_exactly_those_over_the_limit(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 50usize..1_500,
        max_hours in 4u32..40,
    ) {
        let (events, end_ms) = simulate(seed, chaos_percent, len);
        let roster = roster_after(&events);
        let limits = GroupLimits { max_hours_per_4_weeks: max_hours, ..GroupLimits::default() };
        for now_ms in [end_ms, end_ms - 10 * MS_PER_DAY] {
            let reference = reference_minutes(&events, now_ms);
            let counted: BTreeMap<MemberId, i64> =
                roster.minutes_last_4_weeks(now_ms).into_iter().map(|(m, (minutes, _))| (m, minutes)).collect();
            prop_assert_eq!(&counted, &reference);
            let flagged: Vec<MemberId> = roster
                .signals(now_ms, &Clock::utc(), &limits)
                .into_iter()
                .filter_map(|s| match s {
                    Signal::TooManyHours { member_id, .. } => Some(member_id),
                    _ => None,
                })
                .collect();
            let over: Vec<MemberId> = reference
                .into_iter()
                .filter(|(_, minutes)| *minutes > i64::from(max_hours) * 60)
                .map(|(m, _)| m)
                .collect();
            prop_assert_eq!(flagged, over);
            prop_assert_eq!(roster.signals(now_ms, &Clock::utc(), &limits), roster.signals(now_ms, &Clock::utc(), &limits));
        }
    }
}
