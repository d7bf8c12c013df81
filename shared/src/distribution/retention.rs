//! Retention: a group may choose to forget a household automatically once all its requests
//! are closed and nothing has happened on any of them for a number of days (the group's
//! `household_retention_days`, off by default). The server sweeps with [`due_for_erasure`]
//! and erases each household it names by an ordinary `EraseHousehold` with the reason
//! [`retention_reason`], so every automatic erasure is an event in the log like any other.

use std::collections::BTreeMap;

use super::id::{HouseholdId, RequestId};
use super::timeline::Timelines;
use crate::clock::Clock;

/// The first instant that still counts as recent under a retention of `days` at `now_ms`:
/// the start of the group's day `days` days before today. Whatever happened before it is
/// quiet for the whole period, counted in the group's days, across daylight saving.
pub fn retention_cutoff(now_ms: i64, days: u32, clock: &Clock) -> i64 {
    clock.start_of_day_ms(clock.day_of(now_ms) - i64::from(days))
}

/// The reason recorded with an automatic erasure.
pub fn retention_reason(days: u32) -> String {
    format!("Retention: no open request and no activity for {days} days")
}

/// The households to erase at `now_ms` under a retention of `days`: every request of theirs
/// is closed, and the latest step of any of them is on a day more than `days` of the
/// group's days ago ([`retention_cutoff`]). Only
/// households `household_of` names are considered (the server names those whose personal
/// data it still holds); the result is sorted, so a sweep is reproducible.
pub fn due_for_erasure<'a>(
    timelines: &Timelines,
    household_of: impl Fn(&RequestId) -> Option<&'a HouseholdId>,
    now_ms: i64,
    days: u32,
    clock: &Clock,
) -> Vec<HouseholdId> {
    // Per household: any open request, and the time of its latest step.
    let mut households: BTreeMap<&HouseholdId, (bool, i64)> = BTreeMap::new();
    for (request_id, timeline) in &timelines.requests {
        let Some(household_id) = household_of(request_id) else {
            continue;
        };
        let open = timeline.stage().is_none_or(|stage| stage.is_open());
        let latest = timeline.steps.last().map_or(i64::MAX, |step| step.recorded_at_ms);
        let entry = households.entry(household_id).or_insert((false, i64::MIN));
        entry.0 |= open;
        entry.1 = entry.1.max(latest);
    }
    let cutoff = retention_cutoff(now_ms, days, clock);
    households
        .into_iter()
        .filter(|(_, (open, latest))| !open && *latest < cutoff)
        .map(|(household_id, _)| household_id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::{
        ContactChannel, Event, NeedCategory, Recorded, RequestLine, Urgency, Zone,
    };

    const DAY_MS: i64 = 86_400_000;

    fn recorded(position: u64, at_day: i64, event: Event) -> Recorded {
        Recorded { position, recorded_at_ms: at_day * DAY_MS, actor: "ana".into(), event }
    }

    fn logged(request_id: &str, household_id: &str) -> Event {
        Event::RequestLogged {
            request_id: request_id.into(),
            household_id: household_id.into(),
            need_category: NeedCategory::Food,
            lines: vec![RequestLine { item_id: "rice".into(), quantity: 1 }],
            household_size: 2,
            urgency: Urgency::Routine,
            zone: Zone::new("north"),
            preferred_language: "en".to_owned(),
            contact_channel: ContactChannel::Phone,
            personal_data: None,
            number: 0,
            standing: None,
        }
    }

    fn cancelled(request_id: &str) -> Event {
        Event::RequestCancelled {
            request_id: request_id.into(),
            reason: "Moved away".to_owned(),
            released: Vec::new(),
            cancelled_delivery_ids: Vec::new(),
        }
    }

    #[test]
    fn only_households_with_every_request_closed_and_quiet_for_the_period_are_due() {
        let mut timelines = Timelines::new();
        let history = [
            // h-old: one request, closed on day 10.
            recorded(1, 1, logged("r1", "h-old")),
            recorded(2, 10, cancelled("r1")),
            // h-open: an old closed request and one still open.
            recorded(3, 1, logged("r2", "h-open")),
            recorded(4, 2, cancelled("r2")),
            recorded(5, 3, logged("r3", "h-open")),
            // h-recent: closed, but its last step is recent.
            recorded(6, 1, logged("r4", "h-recent")),
            recorded(7, 95, cancelled("r4")),
        ];
        for step in &history {
            timelines.apply(step);
        }
        let households: BTreeMap<RequestId, HouseholdId> =
            [("r1", "h-old"), ("r2", "h-open"), ("r3", "h-open"), ("r4", "h-recent")]
                .into_iter()
                .map(|(r, h)| (r.into(), h.into()))
                .collect();
        let utc = Clock::utc();
        let due = |now_day: i64, days: u32| {
            due_for_erasure(&timelines, |r| households.get(r), now_day * DAY_MS, days, &utc)
        };
        assert_eq!(due(100, 30), vec![HouseholdId::from("h-old")]);
        // Exactly at the period's end it is not due yet; a day later it is.
        assert_eq!(due(40, 30), Vec::<HouseholdId>::new());
        assert_eq!(due(41, 30), vec![HouseholdId::from("h-old")]);
        assert_eq!(due(200, 30), vec![HouseholdId::from("h-old"), HouseholdId::from("h-recent")]);
        // A household nobody names (its data is gone already) is never due.
        let none = due_for_erasure(&timelines, |_| None, 200 * DAY_MS, 30, &utc);
        assert!(none.is_empty());
    }

    #[test]
    fn the_period_is_counted_in_the_group_s_days() {
        // New York, five hours behind UTC all of this (made-up) winter.
        let mut new_york = Clock::utc();
        let offset = crate::clock::Offset { from_ms: 0, seconds: -5 * 3_600 };
        new_york.set(0, "America/New_York", &[offset]);
        // Closed at 23:30 on day 10 in New York: 04:30 on day 11 in UTC.
        let closed_ms = 11 * DAY_MS + 4 * 3_600_000 + 30 * 60_000;
        let mut timelines = Timelines::new();
        timelines.apply(&recorded(1, 1, logged("r1", "h-1")));
        let mut closing = recorded(2, 0, cancelled("r1"));
        closing.recorded_at_ms = closed_ms;
        timelines.apply(&closing);
        let households: BTreeMap<RequestId, HouseholdId> =
            [("r1".into(), "h-1".into())].into_iter().collect();
        let due =
            |now_ms: i64| due_for_erasure(&timelines, |r| households.get(r), now_ms, 30, &new_york);
        // At 00:30 on day 41 in New York (05:30 UTC) thirty whole days of New York have
        // passed since day 10; at 23:30 on day 40 they have not.
        assert_eq!(due(41 * DAY_MS + 5 * 3_600_000 + 30 * 60_000), vec![HouseholdId::from("h-1")]);
        assert!(due(41 * DAY_MS + 4 * 3_600_000 + 30 * 60_000).is_empty());
    }
}
