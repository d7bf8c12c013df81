//! What the simulated group is made of: its catalog, places, partners, drivers and people.

use crate::distribution::Command;
use crate::distribution::catalog::{ItemCategory, LocationKind, PartnerKind};
use crate::distribution::id::{ItemId, LocationId, MemberId, PartnerId};

pub(super) const ITEMS: &[(&str, &str, ItemCategory, &str)] = &[
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
pub(super) const LOCATIONS: &[(&str, &str, LocationKind)] = &[
    ("pantry", "Church hall pantry", LocationKind::Pantry),
    ("storage", "Basement storage room", LocationKind::StorageRoom),
    ("van", "Blue van", LocationKind::Van),
];
pub(super) const PARTNERS: &[(&str, &str, PartnerKind)] = &[
    ("food-bank", "City food bank", PartnerKind::FoodBank),
    ("bakery", "Corner bakery", PartnerKind::Business),
    ("neighbours", "Neighbours' collection", PartnerKind::Donor),
];
pub(super) const DRIVERS: &[&str] = &["driver-amina", "driver-bo", "driver-carmen", "driver-dev"];
pub(super) const COORDINATOR: &str = "coordinator-lena";
pub(super) const LOGISTICS: &str = "logistics-sam";
pub(super) const COMMUNICATIONS: &str = "comms-yusuf";
/// Above this many available, an item is not restocked unless an alert asks for it.
pub(super) const WELL_STOCKED: i64 = 40;
/// How many open requests the simulation keeps on the board, roughly.
pub(super) const BUSY_BOARD: usize = 40;
pub(super) const ZONES: &[&str] = &["north", "riverside", "old-town", "hillside", "station"];
pub(super) const LANGUAGES: &[&str] = &["en", "es", "ar", "pl", "so"];

/// The catalog, locations, partners, drivers and thresholds the simulation starts with.
pub(super) fn setup_commands() -> Vec<Command> {
    let mut commands = Vec::new();
    for &(id, name, category, unit) in ITEMS {
        let (name, unit) = (name.to_owned(), unit.to_owned());
        commands.push(Command::RegisterItem { item_id: ItemId::from(id), name, category, unit });
    }
    for &(id, name, kind) in LOCATIONS {
        commands.push(Command::RegisterLocation {
            location_id: LocationId::from(id),
            name: name.to_owned(),
            kind,
        });
    }
    for &(id, name, kind) in PARTNERS {
        commands.push(Command::RegisterPartner {
            partner_id: PartnerId::from(id),
            name: name.to_owned(),
            kind,
        });
    }
    for &driver in DRIVERS {
        commands.push(Command::RegisterDriver { member_id: MemberId::from(driver) });
    }
    for &(id, ..) in ITEMS.iter().take(6) {
        commands.push(Command::SetLowStockThreshold { item_id: ItemId::from(id), quantity: 10 });
    }
    commands
}
