//! The catalog: items (what is counted, and in which unit), locations (where stock is
//! kept) and partners (who gives or sells it).

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::hashing::FastMap;
use super::id::{ItemId, LocationId, PartnerId, check_new_id};
use super::rejection::Rejection;
use super::state::State;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    /// Food must be received with an expiry day.
    Food,
    Hygiene,
    Medical,
    Clothing,
    Equipment,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Pantry,
    StorageRoom,
    Van,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    Donor,
    FoodBank,
    Business,
    Other,
}

/// What `decide` needs to know about a registered item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemEntry {
    pub category: ItemCategory,
    /// Zero when no warning is wanted.
    pub low_stock_threshold: i64,
}

/// The registered items, locations and partners.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub(crate) items: FastMap<ItemId, ItemEntry>,
    pub(crate) locations: FastMap<LocationId, LocationKind>,
    pub(crate) partners: FastMap<PartnerId, PartnerKind>,
}

impl Catalog {
    pub fn item(&self, item_id: &str) -> Option<&ItemEntry> {
        self.items.get(item_id)
    }

    pub fn has_location(&self, location_id: &str) -> bool {
        self.locations.contains_key(location_id)
    }

    pub fn has_partner(&self, partner_id: &str) -> bool {
        self.partners.contains_key(partner_id)
    }

    pub(crate) fn known_item(&self, item_id: &ItemId) -> Result<&ItemEntry, Rejection> {
        self.items.get(item_id).ok_or_else(|| Rejection::unknown("item", item_id.as_str()))
    }

    pub(crate) fn known_location(&self, location_id: &LocationId) -> Result<(), Rejection> {
        if self.has_location(location_id.as_str()) {
            Ok(())
        } else {
            Err(Rejection::unknown("location", location_id.as_str()))
        }
    }

    pub(crate) fn evolve(&mut self, event: &Event) {
        match event {
            Event::ItemRegistered { item_id, category, .. } => {
                let entry = ItemEntry { category: *category, low_stock_threshold: 0 };
                self.items.insert(item_id.clone(), entry);
            }
            Event::LocationRegistered { location_id, kind, .. } => {
                self.locations.insert(location_id.clone(), *kind);
            }
            Event::PartnerRegistered { partner_id, kind, .. } => {
                self.partners.insert(partner_id.clone(), *kind);
            }
            Event::LowStockThresholdSet { item_id, quantity } => {
                if let Some(entry) = self.items.get_mut(item_id) {
                    entry.low_stock_threshold = *quantity;
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn register_item(
    state: &State,
    item_id: &ItemId,
    name: &str,
    category: ItemCategory,
    unit: &str,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("item_id", item_id.as_str())?;
    field::name("name", name)?;
    field::name("unit", unit)?;
    if state.catalog.items.contains_key(item_id) {
        return Err(Rejection::exists("item", item_id.as_str()));
    }
    Ok(vec![Event::ItemRegistered {
        item_id: item_id.clone(),
        name: name.to_owned(),
        category,
        unit: unit.to_owned(),
    }])
}

pub(crate) fn register_location(
    state: &State,
    location_id: &LocationId,
    name: &str,
    kind: LocationKind,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("location_id", location_id.as_str())?;
    field::name("name", name)?;
    if state.catalog.has_location(location_id.as_str()) {
        return Err(Rejection::exists("location", location_id.as_str()));
    }
    Ok(vec![Event::LocationRegistered {
        location_id: location_id.clone(),
        name: name.to_owned(),
        kind,
    }])
}

pub(crate) fn register_partner(
    state: &State,
    partner_id: &PartnerId,
    name: &str,
    kind: PartnerKind,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("partner_id", partner_id.as_str())?;
    field::name("name", name)?;
    if state.catalog.has_partner(partner_id.as_str()) {
        return Err(Rejection::exists("partner", partner_id.as_str()));
    }
    Ok(vec![Event::PartnerRegistered {
        partner_id: partner_id.clone(),
        name: name.to_owned(),
        kind,
    }])
}

pub(crate) fn set_low_stock_threshold(
    state: &State,
    item_id: &ItemId,
    quantity: i64,
) -> Result<Vec<Event>, Rejection> {
    state.catalog.known_item(item_id)?;
    // Zero is allowed here, unlike in movements: it switches the warning off.
    if quantity < 0 {
        return Err(Rejection::invalid("quantity", "must not be negative"));
    }
    if quantity > field::MAX_QUANTITY {
        let reason = format!("must be at most {}", field::MAX_QUANTITY);
        return Err(Rejection::invalid("quantity", reason));
    }
    Ok(vec![Event::LowStockThresholdSet { item_id: item_id.clone(), quantity }])
}
