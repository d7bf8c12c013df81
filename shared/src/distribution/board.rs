//! The live board on the big screen: open requests in columns by stage, with how long each
//! has been in its stage; today's deliveries by driver; open procurement alerts; stock below
//! its threshold or about to expire. A projection: it folds recorded events, holds no rules,
//! and takes "now" only as an argument of its queries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Recorded;
use super::day::{is_expired, is_expiring_soon};
use super::delivery::{DeliveryKind, DeliveryMove, DeliveryStatus};
use super::event::Event;
use super::hashing::FastMap;
use super::id::{AlertId, DeliveryId, HouseholdId, ItemId, LocationId, MemberId, RequestId, Zone};
use super::progress::{RequestProgress, Stage};
use super::request::{NeedCategory, Occurrence, RequestLine, Urgency};
use super::settings::LateAfter;
use super::stock_levels::StockLevels;
use super::timeline::KEPT_FOR_UNDO_MS;
use crate::clock::Clock;
use crate::kernel::{At, Evolve};

/// Cards are kept in hash maps: every event looks one up, and the queries sort what they
/// show anyway.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Open requests only: a request leaves the board when delivered or cancelled.
    pub requests: FastMap<RequestId, RequestCard>,
    /// Active deliveries, and finished ones whose window ended no earlier than yesterday.
    pub deliveries: FastMap<DeliveryId, DeliveryCard>,
    pub alerts: FastMap<AlertId, AlertCard>,
    pub stock: StockLevels,
    /// The day of the latest event folded in, which decides what finished deliveries to keep.
    pub latest_day: Option<i64>,
    /// The group's zones, in the order added (choices for intake); empty: none listed yet.
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// When a request is late at each stage.
    #[serde(default)]
    pub late_after: LateAfter,
    /// Cards a completion closed within [`KEPT_FOR_UNDO_MS`] of the latest event, with when:
    /// taking the completion back puts them on the board again.
    #[serde(default)]
    pub just_closed: FastMap<RequestId, (RequestCard, i64)>,
    /// Requests logged so far: the next one's number, for events from before numbers.
    #[serde(default)]
    pub requests_logged: u64,
    /// The group's clock: its days and the times the board shows (UTC until it sets a zone).
    #[serde(default)]
    pub clock: Clock,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCard {
    pub request_id: RequestId,
    /// The short number the group says aloud ("#142").
    #[serde(default)]
    pub number: u64,
    pub household_id: HouseholdId,
    pub need_category: NeedCategory,
    pub urgency: Urgency,
    pub zone: Zone,
    pub household_size: i64,
    pub logged_at_ms: i64,
    pub stage: Stage,
    pub entered_stage_at_ms: i64,
    pub progress: RequestProgress,
    /// The standing order and date the request was logged for, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Occurrence>,
}

impl RequestCard {
    /// How long the request has been in its current stage at `now_ms`.
    pub fn time_in_stage_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.entered_stage_at_ms).max(0)
    }

    /// Whether the request's next step is overdue at `now_ms`, by the group's `rules`: which
    /// step, and since when it was due. A step not yet due is never late, however long the
    /// card waits (a delivery whose window has not begun is on time).
    pub fn late(&self, rules: &LateAfter, now_ms: i64) -> Option<Late> {
        let after = |minutes: u32| self.entered_stage_at_ms + i64::from(minutes) * 60_000;
        let (step, due_ms) = match self.stage {
            Stage::Logged => (Overdue::Check, after(rules.unchecked_minutes)),
            Stage::AwaitingStock => (Overdue::Stock, after(rules.awaiting_stock_minutes)),
            Stage::Checked | Stage::Reserved => {
                (Overdue::Schedule, after(rules.unscheduled_minutes))
            }
            Stage::Scheduled | Stage::Confirmed => {
                // The earliest window of a delivery still to be made.
                let ended = self
                    .progress
                    .deliveries
                    .iter()
                    .filter(|d| d.status.is_active())
                    .map(|d| d.window_end_ms)
                    .min()?;
                (Overdue::Window, ended)
            }
            Stage::OutForDelivery => (Overdue::Return, after(rules.out_minutes)),
            Stage::Failed => (Overdue::Reschedule, after(rules.failed_minutes)),
            Stage::Delivered | Stage::Cancelled => return None,
        };
        (now_ms > due_ms).then_some(Late { step, due_ms })
    }

    /// A one-line title: need · zone · household size (the words are the screen's).
    pub fn title(&self) -> (NeedCategory, &Zone, i64) {
        (self.need_category, &self.zone, self.household_size)
    }
}

/// What is overdue on a late card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Overdue {
    /// Logged, not checked against stock.
    Check,
    /// Waiting for stock too long.
    Stock,
    /// Checked or reserved, not scheduled.
    Schedule,
    /// The delivery's window ended without it being made.
    Window,
    /// Out for delivery too long: not back, not marked done.
    Return,
    /// Failed and not rescheduled or cancelled.
    Reschedule,
}

/// A late card: its overdue step, and since when it was due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Late {
    pub step: Overdue,
    pub due_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCard {
    pub delivery_id: DeliveryId,
    pub request_id: RequestId,
    /// The request's short number.
    #[serde(default)]
    pub request_number: u64,
    /// What it brings: the delivery's lines.
    #[serde(default)]
    pub lines: Vec<RequestLine>,
    pub kind: DeliveryKind,
    pub zone: Zone,
    pub window_start_ms: i64,
    pub window_end_ms: i64,
    pub driver_id: Option<MemberId>,
    pub status: DeliveryStatus,
    pub confirmed: bool,
    /// Once completed: who recorded it and when (the undo is theirs, for a while).
    #[serde(default)]
    pub completed: Option<(MemberId, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertCard {
    pub alert_id: AlertId,
    pub request_id: Option<RequestId>,
    pub item_id: ItemId,
    pub quantity: i64,
    pub raised_at_ms: i64,
}

/// One column of the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column<'a> {
    pub stage: Stage,
    /// Most urgent first, then longest waiting.
    pub cards: Vec<&'a RequestCard>,
}

/// One driver's deliveries of the day, by window start; `driver_id` is `None` for
/// deliveries nobody has claimed yet and for pickups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriverLane<'a> {
    pub driver_id: Option<&'a MemberId>,
    pub deliveries: Vec<&'a DeliveryCard>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StockWarning {
    /// Available stock, all locations together, is below the item's threshold.
    BelowThreshold { item_id: ItemId, available: i64, threshold: i64 },
    /// A batch expires today or within the next seven days.
    ExpiringSoon { item_id: ItemId, location_id: LocationId, expires_on_day: i64, on_hand: i64 },
    /// A batch is past its expiry day and should be written off.
    Expired { item_id: ItemId, location_id: LocationId, expires_on_day: i64, on_hand: i64 },
}

impl Board {
    /// Whether `member_id` drives a delivery of request `request_id` whose window opens on
    /// the group's day of `now_ms`.
    pub fn drives_today(&self, request_id: &str, member_id: &str, now_ms: i64) -> bool {
        let today = self.clock.day_of(now_ms);
        self.deliveries.values().any(|d| {
            d.request_id.as_str() == request_id
                && d.driver_id.as_ref().is_some_and(|driver| driver.as_str() == member_id)
                && self.clock.day_of(d.window_start_ms) == today
        })
    }

    pub fn new() -> Board {
        Board::default()
    }

    /// The open stages in order, each with its cards: most urgent first, then longest
    /// waiting, then by id.
    pub fn columns(&self) -> Vec<Column<'_>> {
        let mut columns: Vec<Column<'_>> =
            Stage::OPEN.iter().map(|&stage| Column { stage, cards: Vec::new() }).collect();
        for card in self.requests.values() {
            if let Some(column) = columns.iter_mut().find(|c| c.stage == card.stage) {
                column.cards.push(card);
            }
        }
        for column in &mut columns {
            column.cards.sort_by(|a, b| {
                let key = |c: &RequestCard| (std::cmp::Reverse(c.urgency), c.entered_stage_at_ms);
                key(a).cmp(&key(b)).then_with(|| a.request_id.cmp(&b.request_id))
            });
        }
        columns
    }

    /// Deliveries whose window overlaps the UTC day of `now_ms`, by driver; the lane of
    /// unclaimed deliveries and pickups comes first.
    pub fn deliveries_today(&self, now_ms: i64) -> Vec<DriverLane<'_>> {
        // The group's day: 23 or 25 hours long where the clocks change.
        let today = self.clock.day_of(now_ms);
        let day_start_ms = self.clock.start_of_day_ms(today);
        let day_end_ms = self.clock.start_of_day_ms(today.saturating_add(1));
        let mut lanes: BTreeMap<Option<&MemberId>, Vec<&DeliveryCard>> = BTreeMap::new();
        for card in self.deliveries.values() {
            if card.window_start_ms < day_end_ms && card.window_end_ms > day_start_ms {
                lanes.entry(card.driver_id.as_ref()).or_default().push(card);
            }
        }
        lanes
            .into_iter()
            .map(|(driver_id, mut deliveries)| {
                deliveries.sort_by(|a, b| {
                    (a.window_start_ms, &a.delivery_id).cmp(&(b.window_start_ms, &b.delivery_id))
                });
                DriverLane { driver_id, deliveries }
            })
            .collect()
    }

    /// Open procurement alerts, oldest first.
    pub fn open_alerts(&self) -> Vec<&AlertCard> {
        let mut alerts: Vec<&AlertCard> = self.alerts.values().collect();
        alerts.sort_by(|a, b| (a.raised_at_ms, &a.alert_id).cmp(&(b.raised_at_ms, &b.alert_id)));
        alerts
    }

    /// Items below their threshold, and batches expired or expiring within seven days, by
    /// item.
    pub fn stock_warnings(&self, now_ms: i64) -> Vec<StockWarning> {
        let today = self.clock.day_of(now_ms);
        let mut warnings = Vec::new();
        let mut items: Vec<_> = self.stock.items.iter().collect();
        items.sort_by(|a, b| a.0.cmp(b.0));
        for (item_id, item) in items {
            let available = item.available(today);
            if available < item.low_stock_threshold {
                warnings.push(StockWarning::BelowThreshold {
                    item_id: item_id.clone(),
                    available,
                    threshold: item.low_stock_threshold,
                });
            }
            for b in &item.batches {
                let Some(expires_on_day) = b.expires_on_day else {
                    continue;
                };
                let (item_id, location_id, on_hand) =
                    (item_id.clone(), b.location_id.clone(), b.on_hand);
                if is_expired(b.expires_on_day, today) {
                    warnings.push(StockWarning::Expired {
                        item_id,
                        location_id,
                        expires_on_day,
                        on_hand,
                    });
                } else if is_expiring_soon(b.expires_on_day, today) {
                    warnings.push(StockWarning::ExpiringSoon {
                        item_id,
                        location_id,
                        expires_on_day,
                        on_hand,
                    });
                }
            }
        }
        warnings
    }

    /// Folds one recorded event (the client's and tests' way in; [`Evolve`] is the fold).
    pub fn apply(&mut self, recorded: &Recorded) {
        self.evolve(recorded.at(), &recorded.event);
    }

    fn fold(&mut self, at: At<'_>, event: &Event) {
        self.stock.evolve(at, event);
        self.forget_old_deliveries(at.recorded_at_ms);
        if !self.just_closed.is_empty() {
            let now_ms = at.recorded_at_ms;
            self.just_closed.retain(|_, (_, at_ms)| *at_ms + KEPT_FOR_UNDO_MS >= now_ms);
        }
        match event {
            Event::RequestLogged { .. } => self.add_request(at, event),
            Event::ZoneAdded { zone } => self.zones.push(zone.clone()),
            Event::ZoneRemoved { zone } => self.zones.retain(|z| z != zone),
            Event::LateAfterSet { rules } => self.late_after = *rules,
            Event::TimeZoneSet { zone, offsets } => {
                self.clock.set(at.recorded_at_ms, zone, offsets);
            }
            Event::DeliveryCompletionUndone { request_id, .. } => {
                if let Some((card, _)) = self.just_closed.remove(request_id) {
                    self.requests.insert(request_id.clone(), card);
                }
                self.update_deliveries(at, event);
                self.update_request(request_id, at, event);
            }
            Event::ProcurementAlertRaised { alert_id, request_id, item_id, quantity, .. } => {
                let card = AlertCard {
                    alert_id: alert_id.clone(),
                    request_id: request_id.clone(),
                    item_id: item_id.clone(),
                    quantity: *quantity,
                    raised_at_ms: at.recorded_at_ms,
                };
                self.alerts.insert(alert_id.clone(), card);
            }
            Event::ProcurementAlertResolved { alert_id, .. } => {
                self.alerts.remove(alert_id);
            }
            _ => {
                if let Some(request_id) = event.request_id() {
                    self.update_deliveries(at, event);
                    self.update_request(request_id, at, event);
                }
            }
        }
    }

    fn add_request(&mut self, at: At<'_>, event: &Event) {
        let Event::RequestLogged {
            request_id,
            household_id,
            need_category,
            lines,
            household_size,
            urgency,
            zone,
            number,
            standing,
            ..
        } = event
        else {
            return;
        };
        self.requests_logged += 1;
        let progress = RequestProgress::logged(lines);
        let card = RequestCard {
            request_id: request_id.clone(),
            // Events from before numbers were given are numbered in the order logged.
            number: if *number > 0 { *number } else { self.requests_logged },
            household_id: household_id.clone(),
            need_category: *need_category,
            urgency: *urgency,
            zone: zone.clone(),
            household_size: *household_size,
            logged_at_ms: at.recorded_at_ms,
            stage: progress.stage(),
            entered_stage_at_ms: at.recorded_at_ms,
            progress,
            standing: standing.clone(),
        };
        self.requests.insert(request_id.clone(), card);
    }

    fn update_request(&mut self, request_id: &RequestId, at: At<'_>, event: &Event) {
        let Some(card) = self.requests.get_mut(request_id) else {
            return;
        };
        card.progress.apply(event);
        let stage = card.progress.stage();
        if stage != card.stage {
            card.stage = stage;
            card.entered_stage_at_ms = at.recorded_at_ms;
        }
        if !stage.is_open() {
            let closed = self.requests.remove(request_id);
            if let (Event::DeliveryCompleted { .. }, Some(card)) = (event, closed) {
                self.just_closed.insert(request_id.clone(), (card, at.recorded_at_ms));
            }
        }
    }

    fn update_deliveries(&mut self, at: At<'_>, event: &Event) {
        let cancelled = match event {
            Event::DeliveryScheduled { .. } => return self.add_delivery(event),
            Event::RequestCancelled { cancelled_delivery_ids, .. } => cancelled_delivery_ids,
            _ => {
                let Some((delivery_id, step)) = DeliveryMove::of(event) else { return };
                let by = (MemberId::from(at.actor), at.recorded_at_ms);
                return self.delivery_mut(delivery_id, |d| {
                    step.make(d.kind, &mut d.status, &mut d.driver_id, &mut d.confirmed);
                    match step {
                        DeliveryMove::Completed => d.completed = Some(by),
                        DeliveryMove::CompletionUndone => d.completed = None,
                        _ => {}
                    }
                });
            }
        };
        for delivery_id in cancelled {
            self.delivery_mut(delivery_id, |d| {
                DeliveryMove::Cancelled.make(
                    d.kind,
                    &mut d.status,
                    &mut d.driver_id,
                    &mut d.confirmed,
                );
            });
        }
    }

    fn add_delivery(&mut self, event: &Event) {
        let Event::DeliveryScheduled {
            delivery_id,
            request_id,
            kind,
            window_start_ms,
            window_end_ms,
            driver_id,
            lines,
            ..
        } = event
        else {
            return;
        };
        let request = self.requests.get(request_id);
        let zone = request.map_or_else(|| Zone::from(""), |r| r.zone.clone());
        let request_number = request.map_or(0, |r| r.number);
        let status =
            if driver_id.is_some() { DeliveryStatus::Assigned } else { DeliveryStatus::Scheduled };
        let card = DeliveryCard {
            delivery_id: delivery_id.clone(),
            request_id: request_id.clone(),
            request_number,
            lines: lines.clone(),
            kind: *kind,
            zone,
            window_start_ms: *window_start_ms,
            window_end_ms: *window_end_ms,
            driver_id: driver_id.clone(),
            status,
            confirmed: false,
            completed: None,
        };
        self.deliveries.insert(delivery_id.clone(), card);
    }

    fn delivery_mut(&mut self, delivery_id: &DeliveryId, change: impl FnOnce(&mut DeliveryCard)) {
        if let Some(card) = self.deliveries.get_mut(delivery_id) {
            change(card);
        }
    }

    /// Once a day (by the events' own clock), drops finished deliveries whose window ended
    /// before yesterday, so the board stays the size of a day's work, not of its history.
    fn forget_old_deliveries(&mut self, recorded_at_ms: i64) {
        let day = self.clock.day_of(recorded_at_ms);
        if self.latest_day.is_some_and(|latest| latest >= day) {
            return;
        }
        self.latest_day = Some(day);
        let keep_from_ms = self.clock.start_of_day_ms(day - 1);
        self.deliveries.retain(|_, d| d.status.is_active() || d.window_end_ms >= keep_from_ms);
    }
}

impl Evolve<Event> for Board {
    fn evolve(&mut self, at: At<'_>, event: &Event) {
        self.fold(at, event);
    }
}
