//! Stock on the shelves: batches of an item at a location with one expiry day, and the
//! movements that change them (received, adjusted, transferred; reserved, released and
//! issued through requests and deliveries).
//!
//! On hand at a location is received, minus issued, plus or minus adjusted, plus or minus
//! transferred; available is on hand minus reserved. `decide` keeps both at zero or above
//! for every batch, so `evolve` can apply movements blindly.

use serde::{Deserialize, Serialize};

use super::catalog::ItemCategory;
use super::event::Event;
use super::field;
use super::id::{AlertId, ItemId, LocationId, PartnerId};
use super::rejection::Rejection;
use super::state::State;
use super::stockroom::Shelf;

/// Where received stock came from. Written with its `kind` inside
/// (`{"kind": "donation", "partner_id": ...}`) and read back through [`SourceFields`], one
/// flat object: no buffering of the value, so a web page that reads events stays small.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "SourceFields")]
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

/// A [`StockSource`] as its JSON holds it: every field of either kind.
#[derive(Deserialize)]
struct SourceFields {
    kind: String,
    partner_id: Option<PartnerId>,
    alert_id: Option<AlertId>,
}

impl TryFrom<SourceFields> for StockSource {
    type Error = String;

    fn try_from(fields: SourceFields) -> Result<StockSource, String> {
        match fields.kind.as_str() {
            "donation" => Ok(StockSource::Donation {
                partner_id: fields.partner_id.ok_or("a donation names its partner_id")?,
            }),
            "purchase" => Ok(StockSource::Purchase {
                partner_id: fields.partner_id,
                alert_id: fields.alert_id,
            }),
            other => Err(format!("unknown source kind `{other}`: donation or purchase")),
        }
    }
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

/// Checks an expiry day for an item: food needs one, and it must not be past already.
fn check_expiry(
    category: ItemCategory,
    expires_on_day: Option<i64>,
    today: i64,
) -> Result<(), Rejection> {
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
    check_expiry(item.category, expires_on_day, state.clock.day_of(now_ms))?;
    match source {
        StockSource::Donation { partner_id } => known_partner(state, partner_id)?,
        StockSource::Purchase { partner_id, alert_id } => {
            if let Some(partner_id) = partner_id {
                known_partner(state, partner_id)?;
            }
            if let Some(alert_id) = alert_id {
                state
                    .alert(alert_id.as_str())
                    .ok_or_else(|| Rejection::unknown("alert", alert_id.as_str()))?;
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
    let Adjustment {
        item_id,
        location_id,
        expires_on_day,
        change,
        reason,
        note,
        corrects_position,
    } = adjustment;
    let item = state.catalog.known_item(item_id)?;
    state.catalog.known_location(location_id)?;
    field::reason("note", note)?;
    if change == 0 {
        return Err(Rejection::invalid("change", "must not be zero"));
    }
    // `unsigned_abs`, not `abs`: a change of `i64::MIN` must be refused, not overflow.
    if change.unsigned_abs() > field::MAX_QUANTITY.unsigned_abs() {
        let reason = format!("must be between -{0} and {0}", field::MAX_QUANTITY);
        return Err(Rejection::invalid("change", reason));
    }
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
    let batch =
        state.stock.batch(item_id.as_str(), location_id.as_str(), Shelf::of(expires_on_day));
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
    let picked =
        state.stock.pick_first_expiry(item_id, quantity, state.clock.day_of(now_ms), from)?;
    let portions = picked
        .into_iter()
        .map(|a| Portion { expires_on_day: a.expires_on_day, quantity: a.quantity })
        .collect();
    Ok(vec![Event::StockTransferred {
        item_id: item_id.clone(),
        from_location_id: from_location_id.clone(),
        to_location_id: to_location_id.clone(),
        portions,
    }])
}
