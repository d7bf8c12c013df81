//! The simulated coordinator, drivers and communications volunteer: logging requests and
//! carrying each through the SOP.

use super::Sim;
use super::setup::{COMMUNICATIONS, COORDINATOR, DRIVERS, ITEMS, LANGUAGES, LOGISTICS, ZONES};
use crate::distribution::delivery::{DeliveryKind, DeliveryStatus, FailureReason};
use crate::distribution::feedback::FeedbackFrom;
use crate::distribution::id::{DeliveryId, HouseholdId, ItemId, MemberId, RequestId, Zone};
use crate::distribution::progress::{DeliveryProgress, RequestProgress, Stage};
use crate::distribution::request::{ContactChannel, NeedCategory, RequestLine, Urgency};
use crate::distribution::sim::Simulated;
use crate::distribution::{Command, Context};

impl Sim {
    pub(super) fn log_request(&mut self) -> (Command, Context) {
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
        let urgency =
            self.pick(&[Urgency::Routine, Urgency::Routine, Urgency::Soon, Urgency::Urgent]);
        let command = Command::LogRequest {
            request_id,
            household_id,
            need_category: NeedCategory::Food,
            lines,
            household_size: self.rng.between(1, 7),
            urgency,
            zone: Zone::from(self.pick(ZONES)),
            preferred_language: self.pick(LANGUAGES).to_owned(),
            contact_channel: self.pick(&[
                ContactChannel::Phone,
                ContactChannel::Sms,
                ContactChannel::Messaging,
            ]),
            personal_data: None,
        };
        (command, self.ctx(COORDINATOR))
    }

    /// Takes a random request one step further along the SOP.
    pub(super) fn advance_request(&mut self) -> Option<(Command, Context)> {
        let i = self.rng.index(self.open_requests.len());
        let request_id = self.open_requests.get(i)?.clone();
        let progress = self.state.request(request_id.as_str())?.progress.clone();
        let stage = progress.stage();
        if !stage.is_open() {
            self.open_requests.swap_remove(i);
            return self.feedback(request_id, stage);
        }
        if self.rng.chance(2) {
            let command = Command::CancelRequest {
                request_id,
                reason: "household no longer needs it".to_owned(),
            };
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

    pub(super) fn check(&self, request_id: RequestId) -> (Command, Context) {
        (Command::CheckStock { request_id }, self.ctx(LOGISTICS))
    }

    /// Reserves what is there of each outstanding line, or checks again if nothing is.
    pub(super) fn reserve(
        &mut self,
        request_id: RequestId,
        progress: &RequestProgress,
    ) -> Option<(Command, Context)> {
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
    pub(super) fn release(
        &mut self,
        request_id: RequestId,
        progress: &RequestProgress,
    ) -> Option<(Command, Context)> {
        let line = progress.lines.iter().find(|line| line.unscheduled() > 0)?;
        let command = Command::ReleaseStock {
            request_id,
            lines: vec![RequestLine { item_id: line.item_id.clone(), quantity: 1 }],
            reason: "household needs less".to_owned(),
        };
        Some((command, self.ctx(LOGISTICS)))
    }

    pub(super) fn schedule(
        &mut self,
        request_id: RequestId,
        progress: &RequestProgress,
    ) -> Option<(Command, Context)> {
        let lines: Vec<RequestLine> = progress
            .lines
            .iter()
            .map(|line| RequestLine { item_id: line.item_id.clone(), quantity: line.unscheduled() })
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
        let driver_id =
            (!pickup && self.rng.chance(50)).then(|| MemberId::from(self.pick(DRIVERS)));
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

    pub(super) fn move_delivery(
        &mut self,
        delivery: &DeliveryProgress,
    ) -> Option<(Command, Context)> {
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
            (DeliveryStatus::Scheduled | DeliveryStatus::OutForDelivery, _) => {
                self.hand_over(delivery_id)
            }
            _ => return None,
        };
        Some((command, self.ctx(actor)))
    }

    /// Most hand-overs succeed; some find nobody home or the wrong address.
    pub(super) fn hand_over(&mut self, delivery_id: DeliveryId) -> (Command, &'static str) {
        if self.rng.chance(85) {
            return (Command::CompleteDelivery { delivery_id }, LOGISTICS);
        }
        let reason = self.pick(&[
            FailureReason::NobodyHome,
            FailureReason::WrongAddress,
            FailureReason::Refused,
        ]);
        (Command::FailDelivery { delivery_id, reason, note: String::new() }, LOGISTICS)
    }

    pub(super) fn feedback(
        &mut self,
        request_id: RequestId,
        stage: Stage,
    ) -> Option<(Command, Context)> {
        if stage != Stage::Delivered || self.rng.chance(40) {
            return None;
        }
        let (from, actor) = if self.rng.chance(60) {
            (FeedbackFrom::Household, COMMUNICATIONS)
        } else {
            (FeedbackFrom::Volunteer, self.pick(DRIVERS))
        };
        let command = Command::RecordFeedback {
            request_id,
            from,
            rating: self.rng.between(3, 5),
            text: "thank you".to_owned(),
        };
        Some((command, self.ctx(actor)))
    }
}
