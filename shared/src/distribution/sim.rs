//! A seeded simulation of distribution days: it registers a small catalog and a few drivers,
//! then keeps logging requests and carrying them through the SOP (check, reserve, schedule,
//! confirm, deliver or fail and reschedule, feedback), receiving and writing off stock as it
//! goes. Every command goes through [`decide`], so the events are exactly what a real group
//! would log. The same seed gives the same events on every platform.
//!
//! Used by the property tests, the fold benchmark, and (later) the server's demo data. With
//! [`Sim::with_chaos`] a share of commands is deliberately wrong, to exercise rejections.

mod chaos;
mod rng;

use super::catalog::ItemCategory;
use super::day::{MS_PER_DAY, day_of, is_expired};
use super::delivery::{DeliveryKind, DeliveryStatus, FailureReason};
use super::feedback::FeedbackFrom;
use super::id::{
    AlertId, DeliveryId, HouseholdId, ItemId, LocationId, MemberId, PartnerId, RequestId, Zone,
};
use super::procurement::AlertResolution;
use super::progress::{DeliveryProgress, RequestProgress, Stage};
use super::request::{ContactChannel, NeedCategory, RequestLine, Urgency};
use super::stock::{AdjustmentReason, StockSource};
use super::{Command, Context, Event, Recorded, Rejection, State, decide};

pub use rng::Rng;

/// 2025-01-06, a Monday, 08:00 UTC: the simulation's first moment.
pub const START_MS: i64 = 20_094 * MS_PER_DAY + 8 * 3_600_000;

const ITEMS: &[(&str, &str, ItemCategory, &str)] = &[
    ("rice", "Rice", ItemCategory::Food, "kg"),
    ("pasta", "Pasta", ItemCategory::Food, "pack"),
    ("tomatoes", "Tinned tomatoes", ItemCategory::Food, "tin"),
    ("milk", "UHT milk", ItemCategory::Food, "litre"),
    ("lentils", "Lentils", ItemCategory::Food, "kg"),
    ("nappies", "Nappies size 4", ItemCategory::Hygiene, "pack"),
    ("soap", "Soap", ItemCategory::Hygiene, "bar"),
    ("paracetamol", "Paracetamol", ItemCategory::Medical, "box"),
    ("blanket", "Blanket", ItemCategory::Clothing, "piece"),
    ("heater", "Electric heater", ItemCategory::Equipment, "piece"),
];
const LOCATIONS: &[(&str, &str, super::LocationKind)] = &[
    ("pantry", "Church hall pantry", super::LocationKind::Pantry),
    ("storage", "Basement storage room", super::LocationKind::StorageRoom),
    ("van", "Blue van", super::LocationKind::Van),
];
const PARTNERS: &[(&str, &str, super::PartnerKind)] = &[
    ("food-bank", "City food bank", super::PartnerKind::FoodBank),
    ("bakery", "Corner bakery", super::PartnerKind::Business),
    ("neighbours", "Neighbours' collection", super::PartnerKind::Donor),
];
const DRIVERS: &[&str] = &["driver-amina", "driver-bo", "driver-carmen", "driver-dev"];
const COORDINATOR: &str = "coordinator-lena";
const LOGISTICS: &str = "logistics-sam";
const COMMUNICATIONS: &str = "comms-yusuf";
/// Above this many available, an item is not restocked unless an alert asks for it.
const WELL_STOCKED: i64 = 40;
/// How many open requests the simulation keeps on the board, roughly.
const BUSY_BOARD: usize = 40;
const ZONES: &[&str] = &["north", "riverside", "old-town", "hillside", "station"];
const LANGUAGES: &[&str] = &["en", "es", "ar", "pl", "so"];

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
                Event::RequestLogged { request_id, .. } => self.open_requests.push(request_id.clone()),
                Event::ProcurementAlertRaised { alert_id, .. } => self.open_alerts.push(alert_id.clone()),
                Event::ProcurementAlertResolved { alert_id, .. } => self.open_alerts.retain(|a| a != alert_id),
                _ => {}
            }
            let r = Recorded {
                position: self.position,
                recorded_at_ms: ctx.now_ms,
                actor: ctx.actor.clone(),
                event,
            };
            self.state.evolve(&r);
            recorded.push(r);
        }
        recorded
    }

    fn ctx(&self, actor: &str) -> Context {
        Context {
            now_ms: self.now_ms,
            actor: MemberId::from(actor),
        }
    }

    fn today(&self) -> i64 {
        day_of(self.now_ms)
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{}", self.next_id)
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[self.rng.index(options.len())]
    }

    fn log_request(&mut self) -> (Command, Context) {
        let request_id = RequestId::new(self.fresh_id("req"));
        let household_id = HouseholdId::new(format!("hh-{}", self.rng.below(400)));
        let mut lines: Vec<RequestLine> = Vec::new();
        for _ in 0..self.rng.between(1, 4) {
            let (item, ..) = self.pick(ITEMS);
            if lines.iter().all(|l| l.item_id.as_str() != item) {
                let quantity = self.rng.between(1, 6);
                lines.push(RequestLine { item_id: ItemId::from(item), quantity });
            }
        }
        let urgency = self.pick(&[Urgency::Routine, Urgency::Routine, Urgency::Soon, Urgency::Urgent]);
        let command = Command::LogRequest {
            request_id,
            household_id,
            need_category: NeedCategory::Food,
            lines,
            household_size: self.rng.between(1, 7),
            urgency,
            zone: Zone::from(self.pick(ZONES)),
            preferred_language: self.pick(LANGUAGES).to_owned(),
            contact_channel: self.pick(&[ContactChannel::Phone, ContactChannel::Sms, ContactChannel::Messaging]),
            personal_data: None,
        };
        (command, self.ctx(COORDINATOR))
    }

    /// Restocks what an open alert asks for, or an item running low; `None` when a
    /// randomly chosen item is well stocked, as donations follow need.
    fn receive_stock(&mut self) -> Option<(Command, Context)> {
        let wanted = (!self.open_alerts.is_empty()).then(|| {
            let alert_id = &self.open_alerts[self.rng.index(self.open_alerts.len())];
            self.state.alert(alert_id.as_str()).map(|a| a.item_id.clone())
        });
        let item_id = match wanted.flatten() {
            Some(item_id) => item_id,
            None => ItemId::from(self.pick(ITEMS).0),
        };
        if self.state.stock().available(item_id.as_str(), self.today(), None) > WELL_STOCKED {
            return None;
        }
        let category = self.state.catalog().item(item_id.as_str()).map(|i| i.category);
        let expires_on_day = match category {
            Some(ItemCategory::Food) => Some(self.today() + self.rng.between(2, 40)),
            Some(ItemCategory::Medical) => Some(self.today() + self.rng.between(60, 400)),
            _ => None,
        };
        let source = if self.rng.chance(70) {
            StockSource::Donation { partner_id: PartnerId::from(self.pick(PARTNERS).0) }
        } else {
            StockSource::Purchase { partner_id: None, alert_id: None }
        };
        let command = Command::ReceiveStock {
            item_id,
            location_id: LocationId::from(self.pick(&["pantry", "pantry", "storage"])),
            quantity: self.rng.between(5, 40),
            expires_on_day,
            source,
        };
        Some((command, self.ctx(LOGISTICS)))
    }

    /// This morning's shelf check: every unreserved batch past its day is thrown out.
    fn expired_write_offs(&self) -> Vec<Command> {
        let today = self.today();
        let mut commands = Vec::new();
        for &(item, ..) in ITEMS {
            for (shelf, location_id, batch) in self.state.stock().batches(item) {
                if is_expired(shelf.expires_on_day(), today) && batch.available() > 0 {
                    commands.push(Command::AdjustStock {
                        item_id: ItemId::from(item),
                        location_id: location_id.clone(),
                        expires_on_day: shelf.expires_on_day(),
                        change: -batch.available(),
                        reason: AdjustmentReason::Expiry,
                        note: "past its day".to_owned(),
                        corrects_position: None,
                    });
                }
            }
        }
        commands
    }

    /// Corrects the count of a random batch by a little, or throws out a spoiled bit.
    fn count_or_spoil(&mut self) -> Option<(Command, Context)> {
        let (item, ..) = self.pick(ITEMS);
        let batches: Vec<_> = self.state.stock().batches(item).filter(|(_, _, b)| b.available() > 0).collect();
        let &(shelf, location_id, batch) = batches.get(self.rng.index(batches.len()))?;
        let location_id = location_id.clone();
        let (change, reason) = match self.rng.below(3) {
            0 => (self.rng.between(1, 3), AdjustmentReason::CountCorrection),
            1 => (-self.rng.between(1, 3).min(batch.available()), AdjustmentReason::CountCorrection),
            _ => (-1, AdjustmentReason::Spoilage),
        };
        let command = Command::AdjustStock {
            item_id: ItemId::from(item),
            location_id,
            expires_on_day: shelf.expires_on_day(),
            change,
            reason,
            note: "shelf count".to_owned(),
            corrects_position: None,
        };
        Some((command, self.ctx(LOGISTICS)))
    }

    fn transfer(&mut self) -> Option<(Command, Context)> {
        let (item, ..) = self.pick(ITEMS);
        let from = self.pick(&["pantry", "storage"]);
        let available = self.state.stock().available(item, self.today(), Some(from));
        if available <= 0 {
            return None;
        }
        let command = Command::TransferStock {
            item_id: ItemId::from(item),
            from_location_id: LocationId::from(from),
            to_location_id: LocationId::from(if from == "pantry" { "van" } else { "pantry" }),
            quantity: self.rng.between(1, available),
        };
        Some((command, self.ctx(LOGISTICS)))
    }

    /// Resolves an alert once its item is back in stock.
    fn resolve_alert(&mut self) -> Option<(Command, Context)> {
        let alert_id = self.open_alerts.get(self.rng.index(self.open_alerts.len()))?.clone();
        let alert = self.state.alert(alert_id.as_str())?;
        if self.state.stock().available(alert.item_id.as_str(), self.today(), None) < alert.quantity {
            return None;
        }
        let resolution = self.pick(&[AlertResolution::Purchased, AlertResolution::Donated]);
        let command = Command::ResolveProcurementAlert { alert_id, resolution, note: String::new() };
        Some((command, self.ctx(LOGISTICS)))
    }

    /// Takes a random request one step further along the SOP.
    fn advance_request(&mut self) -> Option<(Command, Context)> {
        let i = self.rng.index(self.open_requests.len());
        let request_id = self.open_requests.get(i)?.clone();
        let progress = self.state.request(request_id.as_str())?.progress.clone();
        let stage = progress.stage();
        if !stage.is_open() {
            self.open_requests.swap_remove(i);
            return self.feedback(request_id, stage);
        }
        if self.rng.chance(2) {
            let command = Command::CancelRequest { request_id, reason: "household no longer needs it".to_owned() };
            return Some((command, self.ctx(COORDINATOR)));
        }
        match stage {
            Stage::Logged => Some(self.check(request_id)),
            Stage::AwaitingStock | Stage::Checked => self.reserve(request_id, &progress),
            Stage::Reserved if self.rng.chance(5) => self.release(request_id, &progress),
            Stage::Reserved | Stage::Failed => self.schedule(request_id, &progress),
            _ => self.move_delivery(progress.deliveries.last()?),
        }
    }

    fn check(&self, request_id: RequestId) -> (Command, Context) {
        (Command::CheckStock { request_id }, self.ctx(LOGISTICS))
    }

    /// Reserves what is there of each outstanding line, or checks again if nothing is.
    fn reserve(&mut self, request_id: RequestId, progress: &RequestProgress) -> Option<(Command, Context)> {
        let today = self.today();
        let lines: Vec<RequestLine> = progress
            .lines
            .iter()
            .filter_map(|line| {
                let available = self.state.stock().available(line.item_id.as_str(), today, None);
                let quantity = line.outstanding().min(available);
                (quantity > 0).then(|| RequestLine { item_id: line.item_id.clone(), quantity })
            })
            .collect();
        if lines.is_empty() {
            // Waiting on procurement: look again only now and then.
            return self.rng.chance(20).then(|| self.check(request_id));
        }
        let command = Command::ReserveStock { request_id, lines, from_location_id: None };
        Some((command, self.ctx(LOGISTICS)))
    }

    /// Gives back one unit of a reserved line that is not on a delivery.
    fn release(&mut self, request_id: RequestId, progress: &RequestProgress) -> Option<(Command, Context)> {
        let line = progress
            .lines
            .iter()
            .find(|line| line.unscheduled() > 0)?;
        let command = Command::ReleaseStock {
            request_id,
            lines: vec![RequestLine { item_id: line.item_id.clone(), quantity: 1 }],
            reason: "household needs less".to_owned(),
        };
        Some((command, self.ctx(LOGISTICS)))
    }

    fn schedule(&mut self, request_id: RequestId, progress: &RequestProgress) -> Option<(Command, Context)> {
        let lines: Vec<RequestLine> = progress
            .lines
            .iter()
            .map(|line| RequestLine {
                item_id: line.item_id.clone(),
                quantity: line.unscheduled(),
            })
            .filter(|line| line.quantity > 0)
            .collect();
        if lines.is_empty() {
            return None;
        }
        let replaces_delivery_id = progress
            .deliveries
            .last()
            .filter(|d| d.status == DeliveryStatus::Failed)
            .map(|d| d.delivery_id.clone());
        let pickup = self.rng.chance(20);
        let driver_id = (!pickup && self.rng.chance(50)).then(|| MemberId::from(self.pick(DRIVERS)));
        let window_start_ms = (self.now_ms / 3_600_000 + self.rng.between(1, 30)) * 3_600_000;
        let command = Command::ScheduleDelivery {
            delivery_id: DeliveryId::new(self.fresh_id("del")),
            request_id,
            kind: if pickup { DeliveryKind::Pickup } else { DeliveryKind::Delivery },
            lines,
            window_start_ms,
            window_end_ms: window_start_ms + 2 * 3_600_000,
            driver_id,
            replaces_delivery_id,
        };
        Some((command, self.ctx(LOGISTICS)))
    }

    fn move_delivery(&mut self, delivery: &DeliveryProgress) -> Option<(Command, Context)> {
        let delivery_id = delivery.delivery_id.clone();
        let is_pickup = delivery.kind == DeliveryKind::Pickup;
        let (command, actor) = match (delivery.status, &delivery.driver_id) {
            (DeliveryStatus::Scheduled, _) if !is_pickup => {
                (Command::ClaimDelivery { delivery_id }, self.pick(DRIVERS))
            }
            (DeliveryStatus::Scheduled | DeliveryStatus::Assigned, _) if !delivery.confirmed => {
                let language = self.pick(LANGUAGES).to_owned();
                let channel = ContactChannel::Phone;
                let command = Command::ConfirmWithHousehold { delivery_id, channel, language };
                (command, COMMUNICATIONS)
            }
            (DeliveryStatus::Assigned, Some(driver)) => {
                let ctx = Context { now_ms: self.now_ms, actor: driver.clone() };
                return Some((Command::StartDelivery { delivery_id }, ctx));
            }
            (DeliveryStatus::Scheduled | DeliveryStatus::OutForDelivery, _) => self.hand_over(delivery_id),
            _ => return None,
        };
        Some((command, self.ctx(actor)))
    }

    /// Most hand-overs succeed; some find nobody home or the wrong address.
    fn hand_over(&mut self, delivery_id: DeliveryId) -> (Command, &'static str) {
        if self.rng.chance(85) {
            return (Command::CompleteDelivery { delivery_id }, LOGISTICS);
        }
        let reason = self.pick(&[FailureReason::NobodyHome, FailureReason::WrongAddress, FailureReason::Refused]);
        (Command::FailDelivery { delivery_id, reason, note: String::new() }, LOGISTICS)
    }

    fn feedback(&mut self, request_id: RequestId, stage: Stage) -> Option<(Command, Context)> {
        if stage != Stage::Delivered || self.rng.chance(40) {
            return None;
        }
        let (from, actor) = if self.rng.chance(60) {
            (FeedbackFrom::Household, COMMUNICATIONS)
        } else {
            (FeedbackFrom::Volunteer, self.pick(DRIVERS))
        };
        let command = Command::RecordFeedback { request_id, from, rating: self.rng.between(3, 5), text: "thank you".to_owned() };
        Some((command, self.ctx(actor)))
    }
}

/// The catalog, locations, partners, drivers and thresholds the simulation starts with.
fn setup_commands() -> Vec<Command> {
    let mut commands = Vec::new();
    for &(id, name, category, unit) in ITEMS {
        let (name, unit) = (name.to_owned(), unit.to_owned());
        commands.push(Command::RegisterItem { item_id: ItemId::from(id), name, category, unit });
    }
    for &(id, name, kind) in LOCATIONS {
        commands.push(Command::RegisterLocation { location_id: LocationId::from(id), name: name.to_owned(), kind });
    }
    for &(id, name, kind) in PARTNERS {
        commands.push(Command::RegisterPartner { partner_id: PartnerId::from(id), name: name.to_owned(), kind });
    }
    for &driver in DRIVERS {
        commands.push(Command::RegisterDriver { member_id: MemberId::from(driver) });
    }
    for &(id, ..) in ITEMS.iter().take(6) {
        commands.push(Command::SetLowStockThreshold { item_id: ItemId::from(id), quantity: 10 });
    }
    commands
}

/// Exactly `count` events of a simulated group, from its first registration on.
/// Stops early only if the simulation gets stuck, which it is built not to.
pub fn generate(seed: u64, count: usize) -> Vec<Recorded> {
    let mut sim = Sim::new(seed);
    let mut events = Vec::with_capacity(count + 16);
    let mut rejected_in_a_row = 0;
    while events.len() < count && rejected_in_a_row < 10_000 {
        match sim.step() {
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
