//! The stock movements file: one row per batch that a distribution event moved on or off
//! the shelves or in or out of a reservation, with the item's on-hand and reserved totals
//! at that location after it. The same events, and the same signs, as
//! [`shared::distribution::StockLevels::apply`].

use std::collections::HashMap;

use shared::distribution::day::iso_date;
use shared::distribution::{self, AdjustmentReason, Allocation, ItemId, LocationId, StockSource};

use super::Trace;
use crate::csv;

const COLUMNS: [&str; 16] = [
    "position",
    "recorded_at",
    "actor",
    "command_id",
    "movement",
    "item_id",
    "location_id",
    "expires_on",
    "on_hand_change",
    "reserved_change",
    "on_hand_after",
    "reserved_after",
    "request_id",
    "delivery_id",
    "partner_id",
    "reason",
];

/// The movement rows so far, and the totals they leave.
#[derive(Debug)]
pub(super) struct StockMovements {
    pub(super) csv: String,
    pub(super) rows: u64,
    /// On hand and reserved per item and location, after the movements so far.
    levels: HashMap<(ItemId, LocationId), (i64, i64)>,
}

impl StockMovements {
    pub(super) fn new() -> StockMovements {
        StockMovements { csv: csv::row(&COLUMNS), rows: 0, levels: HashMap::new() }
    }

    /// Adds the rows of one event (none for an event that moves no stock).
    pub(super) fn record(&mut self, trace: &Trace, position: u64, event: &distribution::Event) {
        use distribution::Event as E;
        let mut at = Rows { movements: self, trace, position };
        match event {
            E::StockReceived { item_id, location_id, quantity, expires_on_day, source } => {
                let (partner, reason) = match source {
                    StockSource::Donation { partner_id } => (Some(partner_id), "donation"),
                    StockSource::Purchase { partner_id, .. } => (partner_id.as_ref(), "purchase"),
                };
                let batch = Batch { item_id, location_id, expires_on_day: *expires_on_day };
                let about = About { partner: partner.map(|p| p.as_str()), reason, ..About::NONE };
                at.row("received", &batch, (*quantity, 0), about);
            }
            E::StockAdjusted { item_id, location_id, expires_on_day, change, reason, .. } => {
                let (movement, reason) = match reason {
                    AdjustmentReason::CountCorrection => ("count_correction", "count_correction"),
                    AdjustmentReason::Spoilage => ("written_off", "spoilage"),
                    AdjustmentReason::Expiry => ("written_off", "expiry"),
                };
                let batch = Batch { item_id, location_id, expires_on_day: *expires_on_day };
                at.row(movement, &batch, (*change, 0), About { reason, ..About::NONE });
            }
            E::StockTransferred { item_id, from_location_id, to_location_id, portions } => {
                for portion in portions {
                    let expires_on_day = portion.expires_on_day;
                    let from = Batch { item_id, location_id: from_location_id, expires_on_day };
                    at.row("transferred_out", &from, (-portion.quantity, 0), About::NONE);
                    let to = Batch { item_id, location_id: to_location_id, expires_on_day };
                    at.row("transferred_in", &to, (portion.quantity, 0), About::NONE);
                }
            }
            E::StockReserved { request_id, allocations } => {
                let about = About { request: Some(request_id.as_str()), ..About::NONE };
                at.allocations("reserved", allocations, (0, 1), about);
            }
            E::StockReleased { request_id, allocations, .. } => {
                let about = About { request: Some(request_id.as_str()), ..About::NONE };
                at.allocations("released", allocations, (0, -1), about);
            }
            E::RequestCancelled { request_id, released, .. } => {
                let request = Some(request_id.as_str());
                let about = About { request, reason: "request_cancelled", ..About::NONE };
                at.allocations("released", released, (0, -1), about);
            }
            E::DeliveryCompleted { delivery_id, request_id, issued } => {
                let (request, delivery) = (Some(request_id.as_str()), Some(delivery_id.as_str()));
                let about = About { request, delivery, ..About::NONE };
                at.allocations("issued", issued, (-1, -1), about);
            }
            E::DeliveryCompletionUndone { delivery_id, request_id, returned } => {
                let (request, delivery) = (Some(request_id.as_str()), Some(delivery_id.as_str()));
                let about = About { request, delivery, ..About::NONE };
                at.allocations("returned", returned, (1, 1), about);
            }
            _ => {}
        }
    }
}

/// One batch of one item: what a movement row is about.
struct Batch<'a> {
    item_id: &'a ItemId,
    location_id: &'a LocationId,
    expires_on_day: Option<i64>,
}

/// The references of a movement row.
#[derive(Clone, Copy)]
struct About<'a> {
    request: Option<&'a str>,
    delivery: Option<&'a str>,
    partner: Option<&'a str>,
    reason: &'a str,
}

impl About<'_> {
    const NONE: About<'static> = About { request: None, delivery: None, partner: None, reason: "" };
}

/// Writes the rows of one event.
struct Rows<'a> {
    movements: &'a mut StockMovements,
    trace: &'a Trace,
    position: u64,
}

impl Rows<'_> {
    fn allocations(
        &mut self,
        movement: &str,
        allocations: &[Allocation],
        (on_hand_sign, reserved_sign): (i64, i64),
        about: About<'_>,
    ) {
        for a in allocations {
            let batch = Batch {
                item_id: &a.item_id,
                location_id: &a.location_id,
                expires_on_day: a.expires_on_day,
            };
            let change = (a.quantity * on_hand_sign, a.quantity * reserved_sign);
            self.row(movement, &batch, change, about);
        }
    }

    fn row(&mut self, movement: &str, batch: &Batch<'_>, change: (i64, i64), about: About<'_>) {
        let key = (batch.item_id.clone(), batch.location_id.clone());
        let level = self.movements.levels.entry(key).or_default();
        level.0 = level.0.saturating_add(change.0);
        level.1 = level.1.saturating_add(change.1);
        let after = *level;
        let row = csv::row(&[
            &self.position.to_string(),
            &self.trace.recorded_at(),
            &self.trace.actor,
            &self.trace.command_id,
            movement,
            batch.item_id.as_str(),
            batch.location_id.as_str(),
            &batch.expires_on_day.map(iso_date).unwrap_or_default(),
            &change.0.to_string(),
            &change.1.to_string(),
            &after.0.to_string(),
            &after.1.to_string(),
            about.request.unwrap_or_default(),
            about.delivery.unwrap_or_default(),
            about.partner.unwrap_or_default(),
            about.reason,
        ]);
        self.movements.csv.push_str(&row);
        self.movements.rows += 1;
    }
}
