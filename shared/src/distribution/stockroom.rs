//! The stock room: every batch of every item, with what is on hand and what is reserved,
//! as `decide` needs it. Batches are kept soonest expiry first, so reading them in order is
//! first-expiry-first-out.

use super::day::is_expired;
use super::event::Event;
use super::hashing::FastMap;
use super::id::{ItemId, LocationId};
use super::rejection::Rejection;
use super::stock::{Allocation, Portion};

/// The expiry of a batch, ordered soonest first with stock that keeps last: batches sorted
/// by `Shelf` are in first-expiry-first-out order.
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
            Event::StockReceived { item_id, location_id, quantity, expires_on_day, .. } => {
                self.record_movement(position, item_id);
                self.add(item_id, location_id, Shelf::of(*expires_on_day), *quantity, 0);
            }
            Event::StockAdjusted { item_id, location_id, expires_on_day, change, .. } => {
                self.record_movement(position, item_id);
                self.add(item_id, location_id, Shelf::of(*expires_on_day), *change, 0);
            }
            Event::StockTransferred { item_id, from_location_id, to_location_id, portions } => {
                self.record_movement(position, item_id);
                for Portion { expires_on_day, quantity } in portions {
                    let shelf = Shelf::of(*expires_on_day);
                    self.add(item_id, from_location_id, shelf, -quantity, 0);
                    self.add(item_id, to_location_id, shelf, *quantity, 0);
                }
            }
            Event::StockReserved { allocations, .. } => self.apply(allocations, 0, 1),
            Event::StockReleased { allocations, .. } => self.apply(allocations, 0, -1),
            Event::RequestCancelled { released, .. } => self.apply(released, 0, -1),
            Event::DeliveryCompleted { issued, .. } => self.apply(issued, -1, -1),
            Event::DeliveryCompletionUndone { returned, .. } => self.apply(returned, 1, 1),
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

    fn add(
        &mut self,
        item: &ItemId,
        location: &LocationId,
        shelf: Shelf,
        on_hand: i64,
        reserved: i64,
    ) {
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
