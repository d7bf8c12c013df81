//! Stock on the shelves: batches of an item at a location with one expiry day, and the
//! movements that change them (received, adjusted, transferred; reserved, released and
//! issued through requests and deliveries).
//!
//! On hand at a location is received, minus issued, plus or minus adjusted, plus or minus
//! transferred; available is on hand minus reserved. `decide` keeps both at zero or above
//! for every batch, so `evolve` can apply movements blindly.

use serde::{Deserialize, Serialize};

use super::catalog::ItemCategory;
use super::day::{day_of, is_expired};
use super::event::Event;
use super::field;
use super::hashing::FastMap;
use super::id::{AlertId, ItemId, LocationId, PartnerId};
use super::rejection::Rejection;
use super::state::State;

/// Where received stock came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StockSource {
    Donation {
        partner_id: PartnerId,
    },
    /// Bought, perhaps from a registered partner, perhaps to resolve a procurement alert.
    Purchase {
        partner_id: Option<PartnerId>,
        alert_id: Option<AlertId>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentReason {
    /// A count disagreed with the books; either direction.
    CountCorrection,
    /// Stock went off or broke; always takes stock off the books.
    Spoilage,
    /// Stock passed its expiry day and was thrown out; always takes stock off the books.
    Expiry,
}

/// A quantity of one item taken from one batch: a location and an expiry day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub item_id: ItemId,
    pub location_id: LocationId,
    pub expires_on_day: Option<i64>,
    pub quantity: i64,
}

/// A quantity of one expiry batch, within a transfer of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portion {
    pub expires_on_day: Option<i64>,
    pub quantity: i64,
}

/// The expiry of a batch, ordered soonest first with stock that keeps last: iterating a map
/// keyed by `Shelf` is first-expiry-first-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shelf {
    Expires(i64),
    Keeps,
}

impl Shelf {
    pub fn of(expires_on_day: Option<i64>) -> Shelf {
        expires_on_day.map_or(Shelf::Keeps, Shelf::Expires)
    }

    pub fn expires_on_day(self) -> Option<i64> {
        match self {
            Shelf::Expires(day) => Some(day),
            Shelf::Keeps => None,
        }
    }
}

/// One batch's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    pub on_hand: i64,
    pub reserved: i64,
}

impl Batch {
    pub fn available(self) -> i64 {
        self.on_hand - self.reserved
    }
}

/// An item's non-empty batches, soonest expiry first, then by location. A sorted vector,
/// not a map of maps: an item has a few dozen batches at most, and batches empty and refill
/// all day, which in a tree would mean a node allocated and freed each time.
type Shelves = Vec<(Shelf, LocationId, Batch)>;

/// All batches, per item, soonest expiry first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stockroom {
    items: FastMap<ItemId, Shelves>,
    /// Log positions of each item's stock movements, ascending, so a correction can name
    /// the one it corrects.
    movements: FastMap<ItemId, Vec<u64>>,
}

impl Stockroom {
    /// Every non-empty batch of an item: (expiry, location, counts), soonest expiry first.
    pub fn batches<'a>(
        &'a self,
        item_id: &str,
    ) -> impl Iterator<Item = (Shelf, &'a LocationId, Batch)> + 'a {
        self.items
            .get(item_id)
            .into_iter()
            .flat_map(|shelves| shelves.iter().map(|(shelf, loc, batch)| (*shelf, loc, *batch)))
    }

    /// The item ids that have at least one batch.
    pub fn item_ids(&self) -> impl Iterator<Item = &ItemId> {
        self.items.iter().filter(|(_, shelves)| !shelves.is_empty()).map(|(id, _)| id)
    }

    pub fn batch(&self, item_id: &str, location_id: &str, shelf: Shelf) -> Batch {
        self.items
            .get(item_id)
            .and_then(|shelves| {
                let i = find(shelves, shelf, location_id).ok()?;
                Some(shelves[i].2)
            })
            .unwrap_or_default()
    }

    /// Unreserved, unexpired stock of an item on day `today`, anywhere or at one location.
    pub fn available(&self, item_id: &str, today: i64, from: Option<&str>) -> i64 {
        self.batches(item_id)
            .filter(|(shelf, loc, _)| usable(*shelf, loc, today, from))
            .map(|(_, _, batch)| batch.available())
            .sum()
    }

    /// Picks `quantity` of unreserved, unexpired stock, soonest expiry first. Fails with the
    /// quantity available when there is not enough.
    pub(crate) fn pick_first_expiry(
        &self,
        item_id: &ItemId,
        quantity: i64,
        today: i64,
        from: Option<&str>,
    ) -> Result<Vec<Allocation>, Rejection> {
        let mut picked = Vec::new();
        let mut wanted = quantity;
        for (shelf, location_id, batch) in self.batches(item_id.as_str()) {
            if wanted == 0 {
                break;
            }
            if !usable(shelf, location_id, today, from) || batch.available() <= 0 {
                continue;
            }
            let take = wanted.min(batch.available());
            wanted -= take;
            picked.push(Allocation {
                item_id: item_id.clone(),
                location_id: location_id.clone(),
                expires_on_day: shelf.expires_on_day(),
                quantity: take,
            });
        }
        if wanted > 0 {
            return Err(Rejection::InsufficientStock {
                item_id: item_id.to_string(),
                requested: quantity,
                available: quantity - wanted,
            });
        }
        Ok(picked)
    }

    pub(crate) fn is_movement_of(&self, position: u64, item_id: &ItemId) -> bool {
        self.movements
            .get(item_id.as_str())
            .is_some_and(|positions| positions.binary_search(&position).is_ok())
    }

    fn record_movement(&mut self, position: u64, item_id: &ItemId) {
        match self.movements.get_mut(item_id.as_str()) {
            Some(positions) => positions.push(position),
            None => {
                self.movements.insert(item_id.clone(), vec![position]);
            }
        }
    }

    pub(crate) fn evolve(&mut self, position: u64, event: &Event) {
        match event {
            Event::StockReceived {
                item_id,
                location_id,
                quantity,
                expires_on_day,
                ..
            } => {
                self.record_movement(position, item_id);
                self.add(item_id, location_id, Shelf::of(*expires_on_day), *quantity, 0);
            }
            Event::StockAdjusted {
                item_id,
                location_id,
                expires_on_day,
                change,
                ..
            } => {
                self.record_movement(position, item_id);
                self.add(item_id, location_id, Shelf::of(*expires_on_day), *change, 0);
            }
            Event::StockTransferred {
                item_id,
                from_location_id,
                to_location_id,
                portions,
            } => {
                self.record_movement(position, item_id);
                for Portion {
                    expires_on_day,
                    quantity,
                } in portions
                {
                    let shelf = Shelf::of(*expires_on_day);
                    self.add(item_id, from_location_id, shelf, -quantity, 0);
                    self.add(item_id, to_location_id, shelf, *quantity, 0);
                }
            }
            Event::StockReserved { allocations, .. } => self.apply(allocations, 0, 1),
            Event::StockReleased { allocations, .. } => self.apply(allocations, 0, -1),
            Event::RequestCancelled { released, .. } => self.apply(released, 0, -1),
            Event::DeliveryCompleted { issued, .. } => self.apply(issued, -1, -1),
            _ => {}
        }
    }

    /// Adds each allocation's quantity, times the signs, to on hand and reserved.
    fn apply(&mut self, allocations: &[Allocation], on_hand_sign: i64, reserved_sign: i64) {
        for a in allocations {
            let shelf = Shelf::of(a.expires_on_day);
            let (on_hand, reserved) = (a.quantity * on_hand_sign, a.quantity * reserved_sign);
            self.add(&a.item_id, &a.location_id, shelf, on_hand, reserved);
        }
    }

    fn add(&mut self, item: &ItemId, location: &LocationId, shelf: Shelf, on_hand: i64, reserved: i64) {
        // Cloning an id copies a pointer, so the entry API's single look-up is cheapest.
        let shelves = self.items.entry(item.clone()).or_default();
        let i = match find(shelves, shelf, location.as_str()) {
            Ok(i) => i,
            Err(i) => {
                shelves.insert(i, (shelf, location.clone(), Batch::default()));
                i
            }
        };
        let batch = &mut shelves[i].2;
        batch.on_hand += on_hand;
        batch.reserved += reserved;
        // Empty batches are dropped so that long-lived state stays as small as the shelves.
        if *batch == Batch::default() {
            shelves.remove(i);
        }
    }
}

/// Where the batch of `shelf` at `location_id` is, or would go, in an item's shelves.
fn find(shelves: &Shelves, shelf: Shelf, location_id: &str) -> Result<usize, usize> {
    shelves.binary_search_by(|(s, loc, _)| (*s, loc.as_str()).cmp(&(shelf, location_id)))
}

/// Orders a request's held allocations by item, then soonest expiry, then location.
pub(crate) fn shelf_order(a: &Allocation) -> (&ItemId, Shelf, &LocationId) {
    (&a.item_id, Shelf::of(a.expires_on_day), &a.location_id)
}

fn usable(shelf: Shelf, location_id: &LocationId, today: i64, from: Option<&str>) -> bool {
    !is_expired(shelf.expires_on_day(), today) && from.is_none_or(|f| f == location_id.as_str())
}

/// Checks an expiry day for an item: food needs one, and it must not be past already.
fn check_expiry(category: ItemCategory, expires_on_day: Option<i64>, today: i64) -> Result<(), Rejection> {
    match expires_on_day {
        None if category == ItemCategory::Food => {
            Err(Rejection::invalid("expires_on_day", "food needs an expiry day"))
        }
        None => Ok(()),
        Some(day) => {
            field::day("expires_on_day", day)?;
            if day < today {
                return Err(Rejection::invalid("expires_on_day", "is already past"));
            }
            Ok(())
        }
    }
}

pub(crate) fn receive(
    state: &State,
    now_ms: i64,
    item_id: &ItemId,
    location_id: &LocationId,
    quantity: i64,
    expires_on_day: Option<i64>,
    source: &StockSource,
) -> Result<Vec<Event>, Rejection> {
    let item = state.catalog.known_item(item_id)?;
    state.catalog.known_location(location_id)?;
    field::quantity("quantity", quantity)?;
    check_expiry(item.category, expires_on_day, day_of(now_ms))?;
    match source {
        StockSource::Donation { partner_id } => known_partner(state, partner_id)?,
        StockSource::Purchase { partner_id, alert_id } => {
            if let Some(partner_id) = partner_id {
                known_partner(state, partner_id)?;
            }
            if let Some(alert_id) = alert_id {
                state.alert(alert_id.as_str()).ok_or_else(|| Rejection::unknown("alert", alert_id.as_str()))?;
            }
        }
    }
    Ok(vec![Event::StockReceived {
        item_id: item_id.clone(),
        location_id: location_id.clone(),
        quantity,
        expires_on_day,
        source: source.clone(),
    }])
}

fn known_partner(state: &State, partner_id: &PartnerId) -> Result<(), Rejection> {
    if state.catalog.has_partner(partner_id.as_str()) {
        Ok(())
    } else {
        Err(Rejection::unknown("partner", partner_id.as_str()))
    }
}

/// The fields of an `AdjustStock` command.
pub(crate) struct Adjustment<'a> {
    pub item_id: &'a ItemId,
    pub location_id: &'a LocationId,
    pub expires_on_day: Option<i64>,
    pub change: i64,
    pub reason: AdjustmentReason,
    pub note: &'a str,
    pub corrects_position: Option<u64>,
}

pub(crate) fn adjust(state: &State, adjustment: Adjustment<'_>) -> Result<Vec<Event>, Rejection> {
    let Adjustment { item_id, location_id, expires_on_day, change, reason, note, corrects_position } = adjustment;
    let item = state.catalog.known_item(item_id)?;
    state.catalog.known_location(location_id)?;
    field::reason("note", note)?;
    if change == 0 {
        return Err(Rejection::invalid("change", "must not be zero"));
    }
    field::quantity("change", change.abs())?;
    if change > 0 && reason != AdjustmentReason::CountCorrection {
        return Err(Rejection::invalid("change", "spoilage and expiry can only take stock off"));
    }
    if let Some(day) = expires_on_day {
        field::day("expires_on_day", day)?;
    } else if change > 0 && item.category == ItemCategory::Food {
        return Err(Rejection::invalid("expires_on_day", "food needs an expiry day"));
    }
    if let Some(position) = corrects_position
        && !state.stock.is_movement_of(position, item_id)
    {
        let reason = format!("position {position} is not a logged movement of `{item_id}`");
        return Err(Rejection::invalid("corrects_position", reason));
    }
    let batch = state.stock.batch(item_id.as_str(), location_id.as_str(), Shelf::of(expires_on_day));
    // Reserved stock is promised to a household: release it before writing it off.
    if change < 0 && -change > batch.available() {
        return Err(Rejection::InsufficientStock {
            item_id: item_id.to_string(),
            requested: -change,
            available: batch.available(),
        });
    }
    Ok(vec![Event::StockAdjusted {
        item_id: item_id.clone(),
        location_id: location_id.clone(),
        expires_on_day,
        change,
        reason,
        note: note.to_owned(),
        corrects_position,
    }])
}

pub(crate) fn transfer(
    state: &State,
    now_ms: i64,
    item_id: &ItemId,
    from_location_id: &LocationId,
    to_location_id: &LocationId,
    quantity: i64,
) -> Result<Vec<Event>, Rejection> {
    state.catalog.known_item(item_id)?;
    state.catalog.known_location(from_location_id)?;
    state.catalog.known_location(to_location_id)?;
    field::quantity("quantity", quantity)?;
    if from_location_id == to_location_id {
        return Err(Rejection::invalid("to_location_id", "must differ from from_location_id"));
    }
    let from = Some(from_location_id.as_str());
    let picked = state.stock.pick_first_expiry(item_id, quantity, day_of(now_ms), from)?;
    let portions = picked
        .into_iter()
        .map(|a| Portion {
            expires_on_day: a.expires_on_day,
            quantity: a.quantity,
        })
        .collect();
    Ok(vec![Event::StockTransferred {
        item_id: item_id.clone(),
        from_location_id: from_location_id.clone(),
        to_location_id: to_location_id.clone(),
        portions,
    }])
}
