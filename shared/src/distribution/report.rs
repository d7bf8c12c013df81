//! The distribution half of a month's retrospective, computed from events only: who was
//! served, what was asked, how deliveries went, how long requests took and where they
//! waited, and what households said. The same events always give the same report; the
//! server answers it over the API and the CLI prints it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Recorded;
use super::event::Event;
use super::hashing::{FastMap, FastSet};
use super::id::{HouseholdId, ItemId, RequestId};
use super::progress::Stage;
use super::stock::AdjustmentReason;
use super::stock_levels::StockLevels;
use super::timeline::Timelines;
use crate::clock::Clock;

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
    /// The request's short number ("#142").
    #[serde(default)]
    pub number: u64,
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
    #[serde(deserialize_with = "ratings_by_text")]
    pub ratings: BTreeMap<i64, u64>,
    /// The comments, in the order given (no names: households are never named in them).
    pub comments: Vec<String>,
}

/// A stretch of time an item had nothing available (on hand, unreserved, unexpired), as
/// seen at each stock movement; clipped to the month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stockout {
    pub item_id: ItemId,
    pub from_ms: i64,
    /// `None`: still out at the month's end.
    pub until_ms: Option<i64>,
    pub duration_ms: i64,
}

/// Stock taken off the books in the month because it expired or spoiled, by item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenOff {
    pub expired: i64,
    pub spoiled: i64,
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
    /// Items that ran out, when and for how long, in the order they ran out.
    pub stockouts: Vec<Stockout>,
    /// Expired and spoiled stock written off in the month, by item id.
    pub written_off: BTreeMap<String, WrittenOff>,
    /// Standing orders' dates in the month (cancelled ones left out) and how many of them
    /// had a delivery or pickup completed.
    #[serde(default)]
    pub standing: StandingDates,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingDates {
    pub due: u64,
    pub delivered: u64,
}

/// A value's serde name: `NeedCategory::Food` is `food`.
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl MonthReport {
    /// The report for the days `first_day..=last_day` from the log's events in order (those
    /// after the last day are ignored; those before it give the requests' history). A month
    /// not over at `now_ms` counts open requests' waits to `now_ms`, not to its end.
    pub fn build<'a>(
        events: impl IntoIterator<Item = &'a Recorded>,
        first_day: i64,
        last_day: i64,
        now_ms: i64,
        clock: &Clock,
    ) -> MonthReport {
        // The month's days on the group's clock (the zone each was lived in).
        let (start_ms, end_ms) =
            (clock.start_of_day_ms(first_day), clock.start_of_day_ms(last_day + 1));
        let mut report = MonthReport { first_day, last_day, ..MonthReport::default() };
        let mut timelines = Timelines::new();
        let mut household_of: BTreeMap<RequestId, HouseholdId> = BTreeMap::new();
        // Completions per household this month: one taken back no longer counts.
        let mut served: BTreeMap<HouseholdId, i64> = BTreeMap::new();
        let mut stock = Stock::new(start_ms, clock.clone());
        // Standing orders' dates in the month: (delivered, cancelled) by request.
        let mut dates: BTreeMap<RequestId, (bool, bool)> = BTreeMap::new();
        for recorded in events {
            if recorded.recorded_at_ms >= end_ms {
                break;
            }
            timelines.apply(recorded);
            stock.apply(recorded);
            if let Event::RequestLogged { request_id, household_id, standing, .. } = &recorded.event
            {
                household_of.insert(request_id.clone(), household_id.clone());
                if standing.as_ref().is_some_and(|o| (first_day..=last_day).contains(&o.day)) {
                    dates.insert(request_id.clone(), (false, false));
                }
            }
            match &recorded.event {
                Event::DeliveryCompleted { request_id, .. }
                | Event::DeliveryCompletionUndone { request_id, .. } => {
                    if let Some((delivered, _)) = dates.get_mut(request_id) {
                        *delivered = matches!(recorded.event, Event::DeliveryCompleted { .. });
                    }
                }
                Event::RequestCancelled { request_id, .. } => {
                    if let Some((_, cancelled)) = dates.get_mut(request_id) {
                        *cancelled = true;
                    }
                }
                _ => {}
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
                        *served.entry(household.clone()).or_default() += 1;
                    }
                }
                Event::DeliveryCompletionUndone { request_id, .. } => {
                    report.deliveries_completed = report.deliveries_completed.saturating_sub(1);
                    if let Some(household) = household_of.get(request_id) {
                        *served.entry(household.clone()).or_default() -= 1;
                    }
                }
                Event::DeliveryFailed { reason, .. } => {
                    *report.deliveries_failed.entry(name(reason)).or_default() += 1;
                }
                Event::StockAdjusted { item_id, change, reason, .. } if *change < 0 => {
                    let entry = report.written_off.entry(item_id.to_string()).or_default();
                    match reason {
                        AdjustmentReason::Expiry => entry.expired -= change,
                        AdjustmentReason::Spoilage => entry.spoiled -= change,
                        AdjustmentReason::CountCorrection => {}
                    }
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
        report.households_served = served.values().filter(|n| **n > 0).count() as u64;
        let kept = dates.values().filter(|(delivered, cancelled)| *delivered || !*cancelled);
        report.standing = kept.fold(StandingDates::default(), |count, (delivered, _)| {
            StandingDates { due: count.due + 1, delivered: count.delivered + u64::from(*delivered) }
        });
        report.written_off.retain(|_, w| w.expired > 0 || w.spoiled > 0);
        report.stockouts = stock.finish(end_ms);
        report.timings(&timelines, start_ms, end_ms.min(now_ms.max(start_ms)));
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
            // Delivered for good: the first step of the last run of delivered steps (a
            // completion taken back and made again counts from the second).
            let delivered_at_ms = (timeline.stage() == Some(Stage::Delivered))
                .then(|| {
                    let run =
                        timeline.steps.iter().rev().take_while(|s| s.stage == Stage::Delivered);
                    run.last().map(|s| s.recorded_at_ms)
                })
                .flatten();
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
                number: timeline.number,
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

/// Follows each item's available stock through the stock movements, noting when it ran out
/// and came back.
struct Stock {
    levels: StockLevels,
    /// Items that have had stock at some point (an item never stocked is not "out").
    stocked: FastSet<ItemId>,
    /// Items out now, since when.
    out_since: FastMap<ItemId, i64>,
    done: Vec<Stockout>,
    month_start_ms: i64,
    clock: Clock,
}

impl Stock {
    fn new(month_start_ms: i64, clock: Clock) -> Stock {
        Stock {
            levels: StockLevels::default(),
            stocked: FastSet::default(),
            out_since: FastMap::default(),
            done: Vec::new(),
            month_start_ms,
            clock,
        }
    }

    fn apply(&mut self, recorded: &Recorded) {
        let moves_stock = matches!(
            recorded.event,
            Event::StockReceived { .. }
                | Event::StockAdjusted { .. }
                | Event::StockTransferred { .. }
                | Event::StockReserved { .. }
                | Event::StockReleased { .. }
                | Event::RequestCancelled { .. }
                | Event::DeliveryCompleted { .. }
        );
        self.levels.apply(recorded);
        if !moves_stock {
            return;
        }
        let at = recorded.recorded_at_ms;
        let today = self.clock.day_of(at);
        let available: Vec<(ItemId, bool)> = self
            .levels
            .items
            .iter()
            .map(|(item_id, item)| (item_id.clone(), item.available(today) > 0))
            .collect();
        for (item_id, has_some) in available {
            if has_some {
                if let Some(from) = self.out_since.remove(&item_id) {
                    self.close(&item_id, from, Some(at));
                }
                self.stocked.insert(item_id);
            } else if self.stocked.contains(&item_id) && !self.out_since.contains_key(&item_id) {
                self.out_since.insert(item_id, at);
            }
        }
    }

    fn close(&mut self, item_id: &ItemId, from: i64, until: Option<i64>) {
        let end = until.unwrap_or(i64::MAX);
        if end <= self.month_start_ms {
            return;
        }
        let from = from.max(self.month_start_ms);
        self.done.push(Stockout {
            item_id: item_id.clone(),
            from_ms: from,
            until_ms: until,
            duration_ms: end.saturating_sub(from),
        });
    }

    /// The stockouts that touched the month, items still out closed at `end_ms`.
    fn finish(mut self, end_ms: i64) -> Vec<Stockout> {
        let open: Vec<(ItemId, i64)> = self.out_since.drain().collect();
        for (item_id, from) in open {
            self.close(&item_id, from, None);
            if let Some(last) = self.done.last_mut() {
                last.duration_ms = end_ms - last.from_ms;
            }
        }
        self.done
            .sort_by(|a, b| (a.from_ms, a.item_id.as_str()).cmp(&(b.from_ms, b.item_id.as_str())));
        self.done
    }
}

/// Ratings keyed by their number, read from JSON's text keys (`{"5": 3}`) even when the
/// report is read through a flattened wrapper, where serde hands the keys over as strings.
fn ratings_by_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<i64, u64>, D::Error> {
    use serde::Deserialize as _;
    let by_text = BTreeMap::<String, u64>::deserialize(deserializer)?;
    by_text
        .into_iter()
        .map(|(rating, count)| {
            let rating =
                rating.parse().map_err(|_| serde::de::Error::custom("a rating is a number"))?;
            Ok((rating, count))
        })
        .collect()
}
