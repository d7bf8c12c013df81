//! The month's report from a hand-built history: every figure checked against what the
//! events say.

use super::*;
use crate::clock::Clock;
use crate::distribution::report::{Durations, MonthReport};

const DAY_MS: i64 = day::MS_PER_DAY;
/// The month under report: 30 days from `FIRST`.
const FIRST: i64 = TODAY - 10;
const LAST: i64 = FIRST + 29;

fn at(day: i64, hour: i64) -> i64 {
    day * DAY_MS + hour * HOUR_MS
}

fn history() -> Vec<Recorded> {
    let d1 = || DeliveryId::from("d1");
    let d3 = || DeliveryId::from("d3");
    let rice4 = || vec![line("rice", 4)];
    let mut timed: Vec<(i64, Event)> =
        with_catalog(vec![received("rice", "pantry", 10, Some(LAST + 30))])
            .into_iter()
            .map(|e| (at(FIRST - 5, 8), e))
            .collect();
    timed.extend([
        // r1: logged before the month, delivered in it, 4 days and 2 hours later.
        (at(FIRST - 2, 8), logged("r1", rice4())),
        (at(FIRST + 1, 10), reserved("r1", vec![allocation("rice", "pantry", Some(LAST + 30), 4)])),
        (at(FIRST + 1, 11), scheduled("d1", "r1", rice4(), Some(ANA))),
        (at(FIRST + 2, 9), Event::DeliveryStarted { delivery_id: d1(), request_id: "r1".into() }),
        (
            at(FIRST + 2, 10),
            Event::DeliveryCompleted {
                delivery_id: d1(),
                request_id: "r1".into(),
                issued: vec![allocation("rice", "pantry", Some(LAST + 30), 4)],
            },
        ),
        (
            at(FIRST + 3, 8),
            Event::FeedbackRecorded {
                request_id: "r1".into(),
                from: FeedbackFrom::Household,
                rating: 5,
                text: "Thank you, the rice was welcome".to_owned(),
            },
        ),
        // r2: logged in the month, still waiting at its end.
        (at(FIRST + 3, 9), logged("r2", rice4())),
        // r3: reserved and out, nobody home; open at the month's end.
        (at(FIRST + 4, 9), logged("r3", rice4())),
        (at(FIRST + 4, 10), reserved("r3", vec![allocation("rice", "pantry", Some(LAST + 30), 4)])),
        (at(FIRST + 4, 11), scheduled("d3", "r3", rice4(), Some(BO))),
        (at(FIRST + 5, 9), Event::DeliveryStarted { delivery_id: d3(), request_id: "r3".into() }),
        (
            at(FIRST + 5, 10),
            Event::DeliveryFailed {
                delivery_id: d3(),
                request_id: "r3".into(),
                lines: rice4(),
                reason: FailureReason::NobodyHome,
                note: String::new(),
            },
        ),
        // Two kilos go off: nothing left that is not promised, until a delivery comes in.
        (
            at(FIRST + 6, 9),
            Event::StockAdjusted {
                item_id: "rice".into(),
                location_id: "pantry".into(),
                expires_on_day: Some(LAST + 30),
                change: -2,
                reason: AdjustmentReason::Spoilage,
                note: "Damp".to_owned(),
                corrects_position: None,
            },
        ),
        (at(FIRST + 8, 9), received("rice", "pantry", 5, Some(LAST + 30))),
        // After the month: not in its report.
        (at(LAST + 1, 9), logged("r4", rice4())),
    ]);
    timed
        .into_iter()
        .enumerate()
        .map(|(i, (ms, event))| Recorded {
            position: i as u64 + 1,
            recorded_at_ms: ms,
            actor: MemberId::from(COORDINATOR),
            event,
        })
        .collect()
}

#[test]
fn the_months_figures_come_from_its_events_and_history_before_it() {
    let report = MonthReport::build(&history(), FIRST, LAST, i64::MAX, &Clock::utc());
    assert_eq!(report.requests_logged, 2, "r2 and r3; r1 was logged before, r4 after");
    assert_eq!(report.requests_by_need.get("food"), Some(&2));
    assert_eq!(report.deliveries_completed, 1);
    assert_eq!(report.deliveries_failed.get("nobody_home"), Some(&1));
    assert_eq!(report.households_served, 1);
    let four_days_two_hours = 4 * DAY_MS + 2 * HOUR_MS;
    assert_eq!(
        report.request_to_delivery,
        Durations { count: 1, median_ms: four_days_two_hours, p90_ms: four_days_two_hours }
    );
    // r1 sat logged from before the month until its reservation in it: 3 days 2 hours.
    assert_eq!(report.time_in_stage["logged"].count, 1 + 1, "r1 and r3 left `logged` in the month");
    assert_eq!(report.time_in_stage["logged"].p90_ms, 3 * DAY_MS + 2 * HOUR_MS);
    let end_ms = at(LAST + 1, 0);
    let waits: Vec<(&str, i64)> =
        report.longest_waits.iter().map(|w| (w.request_id.as_str(), w.waited_ms)).collect();
    assert_eq!(
        waits,
        vec![
            ("r2", end_ms - at(FIRST + 3, 9)),
            ("r3", end_ms - at(FIRST + 4, 9)),
            ("r1", four_days_two_hours),
        ]
    );
    assert_eq!(report.longest_waits[0].longest_stage, Stage::Logged);
    assert_eq!(report.longest_waits[1].longest_stage, Stage::Failed, "r3 waits after the failure");
    assert_eq!(report.feedback.count, 1);
    assert_eq!(report.feedback.ratings.get(&5), Some(&1));
    assert_eq!(report.feedback.comments, vec!["Thank you, the rice was welcome".to_owned()]);
    // Rice ran out when the damp kilos were written off and came back with the delivery.
    assert_eq!(report.stockouts.len(), 1, "{:?}", report.stockouts);
    let out = &report.stockouts[0];
    assert_eq!(
        (out.item_id.as_str(), out.from_ms, out.until_ms),
        ("rice", at(FIRST + 6, 9), Some(at(FIRST + 8, 9)))
    );
    assert_eq!(out.duration_ms, 2 * DAY_MS);
    assert_eq!(
        report.written_off["rice"],
        crate::distribution::report::WrittenOff { expired: 0, spoiled: 2 }
    );
}

#[test]
fn percentiles_are_nearest_rank_and_an_empty_month_is_all_zero() {
    assert_eq!(Durations::of((1..=10).collect()), Durations { count: 10, median_ms: 5, p90_ms: 9 });
    assert_eq!(Durations::of(vec![7]), Durations { count: 1, median_ms: 7, p90_ms: 7 });
    assert_eq!(Durations::of(Vec::new()), Durations::default());
    let empty = MonthReport::build(&[], FIRST, LAST, i64::MAX, &Clock::utc());
    assert_eq!(empty.requests_logged, 0);
    assert!(empty.longest_waits.is_empty());
    // The same events always give the same report.
    assert_eq!(
        MonthReport::build(&history(), FIRST, LAST, i64::MAX, &Clock::utc()),
        MonthReport::build(&history(), FIRST, LAST, i64::MAX, &Clock::utc())
    );
}

#[test]
fn a_month_is_bounded_by_the_groups_own_midnights() {
    // Logged at 02:00 UTC on the month's first day: still the evening before in New York
    // (UTC−5), the last day of the previous month there.
    let early = vec![Recorded {
        position: 1,
        recorded_at_ms: at(FIRST, 2),
        actor: MemberId::from(COORDINATOR),
        event: logged("r9", vec![line("rice", 1)]),
    }];
    let new_york = Clock {
        zone: "America/New_York".into(),
        offsets: vec![crate::clock::Offset { from_ms: i64::MIN, seconds: -5 * 3_600 }],
    };
    let utc = MonthReport::build(&early, FIRST, LAST, i64::MAX, &Clock::utc());
    assert_eq!(utc.requests_logged, 1);
    let this_month = MonthReport::build(&early, FIRST, LAST, i64::MAX, &new_york);
    assert_eq!(this_month.requests_logged, 0);
    let last_month = MonthReport::build(&early, FIRST - 30, FIRST - 1, i64::MAX, &new_york);
    assert_eq!(last_month.requests_logged, 1);
}
