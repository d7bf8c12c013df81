//! The simulated logistics lead: restocking, the morning shelf check, counts, transfers,
//! and closing procurement alerts once the stock is in.

use super::Sim;
use super::setup::{ITEMS, LOGISTICS, PARTNERS, WELL_STOCKED};
use crate::distribution::catalog::ItemCategory;
use crate::distribution::day::is_expired;
use crate::distribution::id::{ItemId, LocationId, PartnerId};
use crate::distribution::procurement::AlertResolution;
use crate::distribution::sim::Simulated;
use crate::distribution::stock::{AdjustmentReason, StockSource};
use crate::distribution::{Command, Context};

impl Sim {
    /// Restocks what an open alert asks for, or an item running low; `None` when a
    /// randomly chosen item is well stocked, as donations follow need.
    pub(super) fn receive_stock(&mut self) -> Option<(Command, Context)> {
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
    pub(super) fn expired_write_offs(&self) -> Vec<Command> {
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
    pub(super) fn count_or_spoil(&mut self) -> Option<(Command, Context)> {
        let (item, ..) = self.pick(ITEMS);
        let batches: Vec<_> =
            self.state.stock().batches(item).filter(|(_, _, b)| b.available() > 0).collect();
        let &(shelf, location_id, batch) = batches.get(self.rng.index(batches.len()))?;
        let location_id = location_id.clone();
        let (change, reason) = match self.rng.below(3) {
            0 => (self.rng.between(1, 3), AdjustmentReason::CountCorrection),
            1 => {
                (-self.rng.between(1, 3).min(batch.available()), AdjustmentReason::CountCorrection)
            }
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

    pub(super) fn transfer(&mut self) -> Option<(Command, Context)> {
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
    pub(super) fn resolve_alert(&mut self) -> Option<(Command, Context)> {
        let alert_id = self.open_alerts.get(self.rng.index(self.open_alerts.len()))?.clone();
        let alert = self.state.alert(alert_id.as_str())?;
        if self.state.stock().available(alert.item_id.as_str(), self.today(), None) < alert.quantity
        {
            return None;
        }
        let resolution = self.pick(&[AlertResolution::Purchased, AlertResolution::Donated]);
        let command =
            Command::ResolveProcurementAlert { alert_id, resolution, note: String::new() };
        Some((command, self.ctx(LOGISTICS)))
    }
}
