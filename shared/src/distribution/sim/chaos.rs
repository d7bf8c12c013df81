//! Commands that are wrong on purpose: bad fields, unknown names, steps out of turn, a
//! second driver grabbing a claimed delivery. `decide` must refuse them without panicking
//! (some happen to be valid, which is fine).

use super::Sim;
use super::setup::{DRIVERS, LOGISTICS};
use crate::distribution::delivery::DeliveryKind;
use crate::distribution::id::{DeliveryId, HouseholdId, ItemId, LocationId, RequestId, Zone};
use crate::distribution::request::{ContactChannel, NeedCategory, RequestLine, Urgency};
use crate::distribution::sim::Simulated;
use crate::distribution::stock::{AdjustmentReason, StockSource};
use crate::distribution::{Command, Context};

pub(super) fn command(sim: &mut Sim) -> (Command, Context) {
    let request_id = match sim.open_requests.len() {
        0 => RequestId::from("req-none"),
        n => sim.open_requests[sim.rng.index(n)].clone(),
    };
    let latest = sim
        .state
        .request(request_id.as_str())
        .and_then(|r| r.progress.deliveries.last())
        .map(|d| (d.delivery_id.clone(), d.driver_id.clone()));
    let delivery_id = latest.as_ref().map_or(DeliveryId::from("del-none"), |(id, _)| id.clone());
    let quantity = sim.rng.between(-3, 0);
    let actor = LOGISTICS;
    let command = match sim.rng.below(10) {
        0 => receive(ItemId::from("rice"), quantity, None),
        1 => receive(ItemId::from("rice"), 5, None),
        2 => log_request(request_id, Vec::new()),
        3 => {
            let line = RequestLine { item_id: ItemId::from("caviar"), quantity: 1 };
            log_request(RequestId::new(sim.fresh_id("req")), vec![line])
        }
        4 => Command::ScheduleDelivery {
            delivery_id: DeliveryId::new(sim.fresh_id("del")),
            request_id,
            kind: DeliveryKind::Delivery,
            lines: vec![RequestLine { item_id: ItemId::from("rice"), quantity: 1 }],
            window_start_ms: sim.now_ms,
            window_end_ms: sim.now_ms - 3_600_000,
            driver_id: None,
            replaces_delivery_id: None,
        },
        5 => {
            // A driver other than the one holding it, or one nobody registered.
            let holder = latest.and_then(|(_, driver)| driver);
            let other = DRIVERS.iter().find(|d| holder.as_ref().is_none_or(|h| h.as_str() != **d));
            let ctx = sim.ctx(other.copied().unwrap_or("driver-ghost"));
            return (Command::ClaimDelivery { delivery_id }, ctx);
        }
        6 => Command::AdjustStock {
            item_id: ItemId::from("soap"),
            location_id: LocationId::from("pantry"),
            expires_on_day: None,
            change: -1,
            reason: AdjustmentReason::Spoilage,
            note: String::new(),
            corrects_position: None,
        },
        7 => Command::ReserveStock {
            request_id,
            lines: vec![RequestLine { item_id: ItemId::from("heater"), quantity: 10_000 }],
            from_location_id: None,
        },
        8 => Command::CompleteDelivery { delivery_id },
        _ => Command::StartDelivery { delivery_id },
    };
    (command, sim.ctx(actor))
}

fn receive(item_id: ItemId, quantity: i64, expires_on_day: Option<i64>) -> Command {
    Command::ReceiveStock {
        item_id,
        location_id: LocationId::from("pantry"),
        quantity,
        expires_on_day,
        source: StockSource::Purchase { partner_id: None, alert_id: None },
    }
}

fn log_request(request_id: RequestId, lines: Vec<RequestLine>) -> Command {
    Command::LogRequest {
        request_id,
        household_id: HouseholdId::from("hh-chaos"),
        need_category: NeedCategory::Other,
        lines,
        household_size: 2,
        urgency: Urgency::Routine,
        zone: Zone::from("north"),
        preferred_language: "en".to_owned(),
        contact_channel: ContactChannel::Sms,
        personal_data: None,
    }
}
