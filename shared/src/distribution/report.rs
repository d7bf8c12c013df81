//! The distribution half of a month's retrospective, computed from events only: who was
//! served, what was asked, how deliveries went, how long requests took and where they
//! waited, and what households said. The same events always give the same report; the
//! server answers it over the API and the CLI prints it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Recorded;
use super::day::start_of_day_ms;
use super::event::Event;
use super::hashing::FastSet;
use super::id::{HouseholdId, RequestId};
use super::progress::Stage;
use super::timeline::Timelines;

/// How many of the longest waits the report lists.
pub const LONGEST_WAITS: usize = 5;

/// Durations in milliseconds: how many, the median and the 90th percentile (nearest rank).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    pub count: u64,
    pub median_ms: i64,
    pub p90_ms: i64,
}

impl Durations {
    pub fn of(mut values: Vec<i64>) -> Durations {
        if values.is_empty() {
            return Durations::default();
        }
        values.sort_unstable();
        let rank = |p: usize| values[(values.len() * p).div_ceil(100).max(1) - 1];
        Durations { count: values.len() as u64, median_ms: rank(50), p90_ms: rank(90) }
    }
}

/// A request that waited long: from logged to delivered, or to the month's end if it was
/// still open then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    pub request_id: RequestId,
    pub logged_at_ms: i64,
    pub delivered_at_ms: Option<i64>,
    pub waited_ms: i64,
    /// The stage it spent longest in.
    pub longest_stage: Stage,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub count: u64,
    /// Ratings given, by value.
    pub ratings: BTreeMap<i64, u64>,
    /// The comments, in the order given (no names: households are never named in them).
    pub comments: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthReport {
    pub first_day: i64,
    pub last_day: i64,
    /// Different households that received at least one completed delivery in the month.
    pub households_served: u64,
    pub requests_logged: u64,
    /// Requests logged in the month by need (`food`, `hygiene`, ...).
    pub requests_by_need: BTreeMap<String, u64>,
    pub deliveries_completed: u64,
    /// Failed deliveries by reason (`nobody_home`, `wrong_address`, ...).
    pub deliveries_failed: BTreeMap<String, u64>,
    /// From logged to delivered, for requests delivered in the month.
    pub request_to_delivery: Durations,
    /// Time spent in each stage, for stays that ended in the month (by stage name).
    pub time_in_stage: BTreeMap<String, Durations>,
    /// The requests delivered in the month or open at its end that waited longest.
    pub longest_waits: Vec<Wait>,
    pub feedback: Feedback,
}

/// A value's serde name: `NeedCategory::Food` is `food`.
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl MonthReport {
    /// The report for the days `first_day..=last_day` from the log's events in order (those
    /// after the last day are ignored; those before it give the requests' history).
    pub fn build<'a>(
        events: impl IntoIterator<Item = &'a Recorded>,
        first_day: i64,
        last_day: i64,
    ) -> MonthReport {
        let (start_ms, end_ms) = (start_of_day_ms(first_day), start_of_day_ms(last_day + 1));
        let mut report = MonthReport { first_day, last_day, ..MonthReport::default() };
        let mut timelines = Timelines::new();
        let mut household_of: BTreeMap<RequestId, HouseholdId> = BTreeMap::new();
        let mut served: FastSet<HouseholdId> = FastSet::default();
        for recorded in events {
            if recorded.recorded_at_ms >= end_ms {
                break;
            }
            timelines.apply(recorded);
            if let Event::RequestLogged { request_id, household_id, .. } = &recorded.event {
                household_of.insert(request_id.clone(), household_id.clone());
            }
            if recorded.recorded_at_ms < start_ms {
                continue;
            }
            match &recorded.event {
                Event::RequestLogged { need_category, .. } => {
                    report.requests_logged += 1;
                    *report.requests_by_need.entry(name(need_category)).or_default() += 1;
                }
                Event::DeliveryCompleted { request_id, .. } => {
                    report.deliveries_completed += 1;
                    if let Some(household) = household_of.get(request_id) {
                        served.insert(household.clone());
                    }
                }
                Event::DeliveryFailed { reason, .. } => {
                    *report.deliveries_failed.entry(name(reason)).or_default() += 1;
                }
                Event::FeedbackRecorded { rating, text, .. } => {
                    report.feedback.count += 1;
                    *report.feedback.ratings.entry(*rating).or_default() += 1;
                    if !text.trim().is_empty() {
                        report.feedback.comments.push(text.clone());
                    }
                }
                _ => {}
            }
        }
        report.households_served = served.len() as u64;
        report.timings(&timelines, start_ms, end_ms);
        report
    }

    fn timings(&mut self, timelines: &Timelines, start_ms: i64, end_ms: i64) {
        let in_month = |at: i64| (start_ms..end_ms).contains(&at);
        let mut to_delivery = Vec::new();
        let mut stays: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        let mut waits = Vec::new();
        // In request order, so ties in the longest waits come out the same every time.
        let mut requests: Vec<_> = timelines.requests.values().collect();
        requests.sort_by(|a, b| a.request_id.as_str().cmp(b.request_id.as_str()));
        for timeline in requests {
            let Some(first) = timeline.steps.first() else { continue };
            let logged_at_ms = first.recorded_at_ms;
            let mut longest: Option<(i64, Stage)> = None;
            for (step, next) in timeline.steps.iter().zip(timeline.steps.iter().skip(1)) {
                let stayed = next.recorded_at_ms - step.recorded_at_ms;
                if in_month(next.recorded_at_ms) {
                    stays.entry(name(&step.stage)).or_default().push(stayed);
                }
                if longest.is_none_or(|(ms, _)| stayed > ms) {
                    longest = Some((stayed, step.stage));
                }
            }
            let delivered_at_ms = timeline
                .steps
                .iter()
                .find(|s| s.stage == Stage::Delivered)
                .map(|s| s.recorded_at_ms);
            let open_at_end = timeline.stage().is_some_and(Stage::is_open);
            if let Some(at) = delivered_at_ms.filter(|at| in_month(*at)) {
                to_delivery.push(at - logged_at_ms);
            }
            let waited_ms = match delivered_at_ms {
                Some(at) if in_month(at) => at - logged_at_ms,
                _ if open_at_end => end_ms - logged_at_ms,
                _ => continue,
            };
            let last = timeline.steps.last().map_or(logged_at_ms, |s| s.recorded_at_ms);
            let current = (end_ms - last, timeline.stage().unwrap_or(Stage::Logged));
            let longest_stage = match longest {
                Some((ms, stage)) if !open_at_end || ms >= current.0 => stage,
                _ => current.1,
            };
            waits.push(Wait {
                request_id: timeline.request_id.clone(),
                logged_at_ms,
                delivered_at_ms: delivered_at_ms.filter(|at| in_month(*at)),
                waited_ms,
                longest_stage,
            });
        }
        self.request_to_delivery = Durations::of(to_delivery);
        self.time_in_stage = stays.into_iter().map(|(k, v)| (k, Durations::of(v))).collect();
        waits.sort_by_key(|w| std::cmp::Reverse(w.waited_ms));
        waits.truncate(LONGEST_WAITS);
        self.longest_waits = waits;
    }
}
