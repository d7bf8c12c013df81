//! The stock view: per item and location, what is on hand, reserved, available and about to
//! expire. A projection: it folds recorded events and holds no rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Recorded;
use super::catalog::ItemCategory;
use super::day::{is_expired, is_expiring_soon};
use super::event::Event;
use super::hashing::FastMap;
use super::id::{ItemId, LocationId, PartnerId};
use super::stock::Allocation;
use super::stockroom::Shelf;
use crate::kernel::{At, Evolve};

/// Items are kept in a hash map: most events look one up; `rows` sorts what it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevels {
    pub items: FastMap<ItemId, ItemLevels>,
    /// Registered locations, by id: their names, for the stock screen's forms.
    #[serde(default)]
    pub locations: BTreeMap<LocationId, String>,
    /// Registered partners (donors, food banks), by id: their names, for receiving stock.
    #[serde(default)]
    pub partners: BTreeMap<PartnerId, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLevels {
    pub name: String,
    pub unit: String,
    pub category: ItemCategory,
    /// Zero when no warning is wanted.
    pub low_stock_threshold: i64,
    /// Non-empty batches, soonest expiry first, then by location.
    pub batches: Vec<BatchLevel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchLevel {
    pub location_id: LocationId,
    pub expires_on_day: Option<i64>,
    pub on_hand: i64,
    pub reserved: i64,
}

/// One item at one location, as the stock screen shows it on a given day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    pub item_id: ItemId,
    pub location_id: LocationId,
    pub on_hand: i64,
    pub reserved: i64,
    /// On hand, unexpired and not reserved.
    pub available: i64,
    /// On hand and expiring today or within the next seven days.
    pub expiring_soon: i64,
    /// On hand and past its expiry day: to be written off.
    pub expired: i64,
}

impl ItemLevels {
    fn new() -> ItemLevels {
        ItemLevels {
            name: String::new(),
            unit: String::new(),
            category: ItemCategory::Other,
            low_stock_threshold: 0,
            batches: Vec::new(),
        }
    }

    /// Unreserved, unexpired stock at all locations on day `today`.
    pub fn available(&self, today: i64) -> i64 {
        self.batches
            .iter()
            .filter(|b| !is_expired(b.expires_on_day, today))
            .map(|b| b.on_hand - b.reserved)
            .sum()
    }

    fn add(
        &mut self,
        location_id: &LocationId,
        expires_on_day: Option<i64>,
        on_hand: i64,
        reserved: i64,
    ) {
        let key = (Shelf::of(expires_on_day), location_id);
        let found = self
            .batches
            .binary_search_by(|b| (Shelf::of(b.expires_on_day), &b.location_id).cmp(&key));
        let i = match found {
            Ok(i) => i,
            Err(i) => {
                let batch = BatchLevel {
                    location_id: location_id.clone(),
                    expires_on_day,
                    on_hand: 0,
                    reserved: 0,
                };
                self.batches.insert(i, batch);
                i
            }
        };
        let batch = &mut self.batches[i];
        batch.on_hand += on_hand;
        batch.reserved += reserved;
        if batch.on_hand == 0 && batch.reserved == 0 {
            self.batches.remove(i);
        }
    }
}

impl StockLevels {
    pub fn new() -> StockLevels {
        StockLevels::default()
    }

    pub fn item(&self, item_id: &str) -> Option<&ItemLevels> {
        self.items.get(item_id)
    }

    /// One row per item and location that holds any stock, on the group's day `today`, by
    /// item and then location.
    pub fn rows(&self, today: i64) -> Vec<StockRow> {
        let mut rows: BTreeMap<(&ItemId, &LocationId), StockRow> = BTreeMap::new();
        for (item_id, item) in &self.items {
            for b in &item.batches {
                let row = rows.entry((item_id, &b.location_id)).or_insert_with(|| StockRow {
                    item_id: item_id.clone(),
                    location_id: b.location_id.clone(),
                    on_hand: 0,
                    reserved: 0,
                    available: 0,
                    expiring_soon: 0,
                    expired: 0,
                });
                row.on_hand += b.on_hand;
                row.reserved += b.reserved;
                if is_expired(b.expires_on_day, today) {
                    row.expired += b.on_hand;
                } else {
                    row.available += b.on_hand - b.reserved;
                }
                if is_expiring_soon(b.expires_on_day, today) {
                    row.expiring_soon += b.on_hand;
                }
            }
        }
        rows.into_values().collect()
    }

    /// Folds one recorded event (the tests' way in; [`Evolve`] is the fold).
    pub fn apply(&mut self, recorded: &Recorded) {
        self.evolve(recorded.at(), &recorded.event);
    }

    fn fold(&mut self, event: &Event) {
        match event {
            Event::ItemRegistered { item_id, name, category, unit } => {
                let item = self.item_mut(item_id);
                item.name.clone_from(name);
                item.unit.clone_from(unit);
                item.category = *category;
            }
            Event::LocationRegistered { location_id, name, .. } => {
                self.locations.insert(location_id.clone(), name.clone());
            }
            Event::PartnerRegistered { partner_id, name, .. } => {
                self.partners.insert(partner_id.clone(), name.clone());
            }
            Event::LowStockThresholdSet { item_id, quantity } => {
                self.item_mut(item_id).low_stock_threshold = *quantity;
            }
            Event::StockReceived { item_id, location_id, quantity, expires_on_day, .. } => {
                self.item_mut(item_id).add(location_id, *expires_on_day, *quantity, 0)
            }
            Event::StockAdjusted { item_id, location_id, expires_on_day, change, .. } => {
                self.item_mut(item_id).add(location_id, *expires_on_day, *change, 0)
            }
            Event::StockTransferred { item_id, from_location_id, to_location_id, portions } => {
                let item = self.item_mut(item_id);
                for p in portions {
                    item.add(from_location_id, p.expires_on_day, -p.quantity, 0);
                    item.add(to_location_id, p.expires_on_day, p.quantity, 0);
                }
            }
            Event::StockReserved { allocations, .. } => self.apply_all(allocations, 0, 1),
            Event::StockReleased { allocations, .. } => self.apply_all(allocations, 0, -1),
            Event::RequestCancelled { released, .. } => self.apply_all(released, 0, -1),
            Event::DeliveryCompleted { issued, .. } => self.apply_all(issued, -1, -1),
            Event::DeliveryCompletionUndone { returned, .. } => self.apply_all(returned, 1, 1),
            _ => {}
        }
    }

    fn apply_all(&mut self, allocations: &[Allocation], on_hand_sign: i64, reserved_sign: i64) {
        for a in allocations {
            let (on_hand, reserved) = (a.quantity * on_hand_sign, a.quantity * reserved_sign);
            self.item_mut(&a.item_id).add(&a.location_id, a.expires_on_day, on_hand, reserved);
        }
    }

    fn item_mut(&mut self, item_id: &ItemId) -> &mut ItemLevels {
        // One look-up when the item is there, as it is for every movement; the id is cloned
        // only by the first event of an item.
        self.items.entry(item_id.clone()).or_insert_with(ItemLevels::new)
    }
}

impl Evolve<Event> for StockLevels {
    fn evolve(&mut self, _at: At<'_>, event: &Event) {
        self.fold(event);
    }
}
