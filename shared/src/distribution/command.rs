//! What members ask for on distribution day. Commands are imperative and may be refused;
//! `decide` turns an accepted one into events.

use serde::{Deserialize, Serialize};

use super::catalog::{ItemCategory, LocationKind, PartnerKind};
use super::delivery::{DeliveryKind, FailureReason};
use super::feedback::FeedbackFrom;
use super::id::{
    AlertId, DeliveryId, HouseholdId, ItemId, LocationId, MemberId, PartnerId, RequestId, Zone,
};
use super::procurement::AlertResolution;
use super::request::{ContactChannel, NeedCategory, RequestLine, SealedPersonalData, Urgency};
use super::settings::LateAfter;
use super::stock::{AdjustmentReason, StockSource};
use crate::clock::Offset;
use crate::kernel::Sealing;

crate::kernel::named_variants! {
/// Every command of the distribution-day workflow. The acting member and the time are not
/// fields: they come in the [`Context`](super::Context) passed to `decide`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    // --- Catalog: what the group keeps, where, and who gives it. Stream `catalog`. ---
    /// Adds a kind of goods. `unit` is how it is counted ("kg", "tin", "pack").
    RegisterItem {
        item_id: ItemId,
        name: String,
        category: ItemCategory,
        unit: String,
    },
    RegisterLocation {
        location_id: LocationId,
        name: String,
        kind: LocationKind,
    },
    RegisterPartner {
        partner_id: PartnerId,
        name: String,
        kind: PartnerKind,
    },
    /// The board flags the item when its available stock, all locations together, falls
    /// below `quantity`. Zero turns the warning off.
    SetLowStockThreshold {
        item_id: ItemId,
        quantity: i64,
    },

    // --- Roster. Stream `roster`. ---
    /// Lets a member drive deliveries. Stands in for the member registry until it exists.
    RegisterDriver {
        member_id: MemberId,
    },

    // --- Stock movements. Stream `stock`. ---
    /// Stock arrives at a location. Food needs `expires_on_day` (see [`super::day`]).
    ReceiveStock {
        item_id: ItemId,
        location_id: LocationId,
        quantity: i64,
        expires_on_day: Option<i64>,
        source: StockSource,
    },
    /// Records a difference between the books and the shelf. `change` is signed: negative
    /// takes stock off the books. It never rewrites an earlier event; `corrects_position`
    /// optionally names the logged stock event it corrects.
    AdjustStock {
        item_id: ItemId,
        location_id: LocationId,
        expires_on_day: Option<i64>,
        change: i64,
        reason: AdjustmentReason,
        note: String,
        corrects_position: Option<u64>,
    },
    /// Moves unreserved stock, soonest expiry first.
    TransferStock {
        item_id: ItemId,
        from_location_id: LocationId,
        to_location_id: LocationId,
        quantity: i64,
    },

    // --- A household's request. Stream `request-<request_id>`. ---
    /// Logs a request. No eligibility proof is ever asked for, so there is no field for one.
    /// Name, phone, address and health notes go only in the sealed `personal_data`.
    LogRequest {
        request_id: RequestId,
        household_id: HouseholdId,
        need_category: NeedCategory,
        lines: Vec<RequestLine>,
        household_size: i64,
        urgency: Urgency,
        zone: Zone,
        preferred_language: String,
        contact_channel: ContactChannel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        personal_data: Option<SealedPersonalData>,
    },
    /// Compares each outstanding line with available stock; raises a procurement alert per
    /// short item that has none open for this request.
    CheckStock {
        request_id: RequestId,
    },
    /// Reserves stock for some of the request's outstanding lines, soonest expiry first,
    /// optionally from one location only.
    ReserveStock {
        request_id: RequestId,
        lines: Vec<RequestLine>,
        from_location_id: Option<LocationId>,
    },
    /// Gives back reserved stock that is not on an active delivery, latest expiry first.
    ReleaseStock {
        request_id: RequestId,
        lines: Vec<RequestLine>,
        reason: String,
    },
    /// Stops the request at any step before it is fully delivered; everything still
    /// reserved is released and open deliveries and alerts of the request are closed.
    CancelRequest {
        request_id: RequestId,
        reason: String,
    },
    /// Feedback from the household (relayed by whoever records it) or from the volunteer
    /// recording it. `rating` is 1 to 5.
    RecordFeedback {
        request_id: RequestId,
        from: FeedbackFrom,
        rating: i64,
        text: String,
    },

    // --- Deliveries and pickups. Stream `delivery-<delivery_id>`. ---
    /// Schedules reserved lines for a delivery (optionally with a driver) or a pickup. When
    /// it replaces a failed delivery, `replaces_delivery_id` names it.
    ScheduleDelivery {
        delivery_id: DeliveryId,
        request_id: RequestId,
        kind: DeliveryKind,
        lines: Vec<RequestLine>,
        window_start_ms: i64,
        window_end_ms: i64,
        driver_id: Option<MemberId>,
        replaces_delivery_id: Option<DeliveryId>,
    },
    /// The acting member takes an unassigned delivery.
    ClaimDelivery {
        delivery_id: DeliveryId,
    },
    /// Communications has reached the household and agreed the window.
    ConfirmWithHousehold {
        delivery_id: DeliveryId,
        channel: ContactChannel,
        language: String,
    },
    StartDelivery {
        delivery_id: DeliveryId,
    },
    /// Hands the goods over: the reserved stock of the delivery's lines is issued.
    CompleteDelivery {
        delivery_id: DeliveryId,
    },
    /// The reservation stays until the lines are rescheduled or the request is cancelled.
    FailDelivery {
        delivery_id: DeliveryId,
        reason: FailureReason,
        note: String,
    },

    // --- Procurement alerts raised by hand. Stream `alert-<alert_id>`. ---
    RaiseProcurementAlert {
        alert_id: AlertId,
        item_id: ItemId,
        quantity: i64,
        note: String,
    },
    ResolveProcurementAlert {
        alert_id: AlertId,
        resolution: AlertResolution,
        note: String,
    },

    // --- A household. Stream `household-<household_id>`. ---
    /// Registers a household the group already knows (a contact list brought in from a
    /// spreadsheet) before any request of theirs. Name, phone, address and notes go only
    /// in the sealed `personal_data`, as with [`Command::LogRequest`].
    RegisterHousehold {
        household_id: HouseholdId,
        household_size: i64,
        zone: Zone,
        preferred_language: String,
        contact_channel: ContactChannel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        personal_data: Option<SealedPersonalData>,
    },
    /// Forgets a household's personal data for good: once the event is durable the server
    /// destroys the household's key, so its sealed data can never be opened again. Counts,
    /// stock and stages stay. `reason` is kept in the log: it must not hold personal data.
    EraseHousehold {
        household_id: HouseholdId,
        reason: String,
    },
    // --- The group's settings. Stream `settings`. ---
    /// Adds a zone to the group's list; from then on requests and households name zones of
    /// the list (any spelling of one, kept as the list spells it).
    AddZone {
        zone: Zone,
    },
    RemoveZone {
        zone: Zone,
    },
    /// When a request counts as late at each stage, for the board.
    SetLateAfter {
        rules: LateAfter,
    },
    /// The group's time zone (an IANA name, `America/New_York`): its days and clock times
    /// from now on. The server fills in `offsets` from its tz database (what a client sends
    /// there is replaced), so the log keeps the table every replay counts days with.
    SetTimeZone {
        zone: String,
        /// Never written: a client has nothing to say here (and the browser's bundle carries
        /// no code to write it).
        #[serde(default, skip_serializing)]
        offsets: Vec<Offset>,
    },
    /// Takes a completion back, within [`UNDO_COMPLETION_MS`](super::UNDO_COMPLETION_MS) of it
    /// and only by the member
    /// who recorded it: a tap on the wrong card is put right by a new event, never an edit.
    UndoCompletion {
        delivery_id: DeliveryId,
    },

    /// Records that the acting member opened a household's contact details. Sent by the
    /// server itself (the contact route), never by a client: it is not in
    /// `access::COMMAND_TYPES`, so `POST /api/commands` refuses it as unknown.
    RecordContactView {
        request_id: RequestId,
        household_id: HouseholdId,
    },
}
fn command_type;
kind CommandKind;
}

impl Command {
    /// The stream the command's events are appended to.
    pub fn stream(&self) -> String {
        match self {
            Command::RegisterItem { .. }
            | Command::RegisterLocation { .. }
            | Command::RegisterPartner { .. }
            | Command::SetLowStockThreshold { .. } => "catalog".to_owned(),
            Command::RegisterDriver { .. } => "roster".to_owned(),
            Command::ReceiveStock { .. }
            | Command::AdjustStock { .. }
            | Command::TransferStock { .. } => "stock".to_owned(),
            Command::LogRequest { request_id, .. }
            | Command::CheckStock { request_id }
            | Command::ReserveStock { request_id, .. }
            | Command::ReleaseStock { request_id, .. }
            | Command::CancelRequest { request_id, .. }
            | Command::RecordFeedback { request_id, .. } => format!("request-{request_id}"),
            Command::ScheduleDelivery { delivery_id, .. }
            | Command::ClaimDelivery { delivery_id }
            | Command::ConfirmWithHousehold { delivery_id, .. }
            | Command::StartDelivery { delivery_id }
            | Command::CompleteDelivery { delivery_id }
            | Command::FailDelivery { delivery_id, .. } => format!("delivery-{delivery_id}"),
            Command::RaiseProcurementAlert { alert_id, .. }
            | Command::ResolveProcurementAlert { alert_id, .. } => format!("alert-{alert_id}"),
            Command::UndoCompletion { delivery_id } => format!("delivery-{delivery_id}"),
            Command::AddZone { .. }
            | Command::RemoveZone { .. }
            | Command::SetLateAfter { .. }
            | Command::SetTimeZone { .. } => "settings".to_owned(),
            Command::RegisterHousehold { household_id, .. }
            | Command::EraseHousehold { household_id, .. }
            | Command::RecordContactView { household_id, .. } => {
                format!("household-{household_id}")
            }
        }
    }
}

/// The steps of one delivery taken from a card (claim, start, complete, take back, fail,
/// confirm), as a type of their own: each serializes exactly as the [`Command`] it becomes
/// (`From`), so a screen that only takes these steps sends them without carrying every
/// command's serializer (the web client's first module).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum DeliveryStep {
    ClaimDelivery { delivery_id: DeliveryId },
    StartDelivery { delivery_id: DeliveryId },
    CompleteDelivery { delivery_id: DeliveryId },
    UndoCompletion { delivery_id: DeliveryId },
    FailDelivery { delivery_id: DeliveryId, reason: FailureReason, note: String },
    ConfirmWithHousehold { delivery_id: DeliveryId, channel: ContactChannel, language: String },
}

impl From<DeliveryStep> for Command {
    fn from(step: DeliveryStep) -> Command {
        match step {
            DeliveryStep::ClaimDelivery { delivery_id } => Command::ClaimDelivery { delivery_id },
            DeliveryStep::StartDelivery { delivery_id } => Command::StartDelivery { delivery_id },
            DeliveryStep::CompleteDelivery { delivery_id } => {
                Command::CompleteDelivery { delivery_id }
            }
            DeliveryStep::UndoCompletion { delivery_id } => Command::UndoCompletion { delivery_id },
            DeliveryStep::FailDelivery { delivery_id, reason, note } => {
                Command::FailDelivery { delivery_id, reason, note }
            }
            DeliveryStep::ConfirmWithHousehold { delivery_id, channel, language } => {
                Command::ConfirmWithHousehold { delivery_id, channel, language }
            }
        }
    }
}

impl CommandKind {
    /// Where a command of this kind carries personal data, and whose key seals it: the
    /// declaration beside the command (an exhaustive match, so a new command declares it or
    /// `None`). A household's name, phone, address and notes, sealed under the household's key.
    pub const fn sealing(self) -> Option<Sealing> {
        match self {
            CommandKind::LogRequest => Some(Sealing {
                path: &["personal_data"],
                owner_field: "household_id",
                key_prefix: "household:",
            }),
            CommandKind::RegisterHousehold => Some(Sealing {
                path: &["personal_data"],
                owner_field: "household_id",
                key_prefix: "household:",
            }),
            CommandKind::RegisterItem
            | CommandKind::RegisterLocation
            | CommandKind::RegisterPartner
            | CommandKind::SetLowStockThreshold
            | CommandKind::RegisterDriver
            | CommandKind::ReceiveStock
            | CommandKind::AdjustStock
            | CommandKind::TransferStock
            | CommandKind::CheckStock
            | CommandKind::ReserveStock
            | CommandKind::ReleaseStock
            | CommandKind::CancelRequest
            | CommandKind::RecordFeedback
            | CommandKind::ScheduleDelivery
            | CommandKind::ClaimDelivery
            | CommandKind::ConfirmWithHousehold
            | CommandKind::StartDelivery
            | CommandKind::CompleteDelivery
            | CommandKind::FailDelivery
            | CommandKind::RaiseProcurementAlert
            | CommandKind::ResolveProcurementAlert
            | CommandKind::EraseHousehold
            | CommandKind::AddZone
            | CommandKind::RemoveZone
            | CommandKind::SetLateAfter
            | CommandKind::SetTimeZone
            | CommandKind::UndoCompletion
            | CommandKind::RecordContactView => None,
        }
    }
}

#[cfg(test)]
mod step_tests {
    use super::*;

    #[test]
    fn a_delivery_step_serializes_as_the_command_it_becomes() {
        let id = || DeliveryId::from("d-1");
        let steps = [
            DeliveryStep::ClaimDelivery { delivery_id: id() },
            DeliveryStep::StartDelivery { delivery_id: id() },
            DeliveryStep::CompleteDelivery { delivery_id: id() },
            DeliveryStep::UndoCompletion { delivery_id: id() },
            DeliveryStep::FailDelivery {
                delivery_id: id(),
                reason: FailureReason::NobodyHome,
                note: "rang twice".into(),
            },
            DeliveryStep::ConfirmWithHousehold {
                delivery_id: id(),
                channel: ContactChannel::Sms,
                language: "es".into(),
            },
        ];
        for step in steps {
            let sent = serde_json::to_value(&step).unwrap();
            let command = serde_json::to_value(Command::from(step)).unwrap();
            assert_eq!(sent, command);
            assert_eq!(serde_json::from_value::<Command>(sent).ok().map(|_| ()), Some(()));
        }
    }
}
