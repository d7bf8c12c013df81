//! The facts of distribution day, past tense. Events are never edited: a correction is a
//! new event that names what it corrects and why. Their JSON shape is a stability boundary;
//! a change of shape bumps the type's schema version and gets an upcaster.

use serde::{Deserialize, Serialize};

use super::catalog::{ItemCategory, LocationKind, PartnerKind};
use super::delivery::{DeliveryKind, FailureReason};
use super::feedback::FeedbackFrom;
use super::id::{
    AlertId, DeliveryId, HouseholdId, ItemId, LocationId, MemberId, PartnerId, RequestId, Zone,
};
use super::procurement::AlertResolution;
use super::request::{
    ContactChannel, NeedCategory, Occurrence, RequestLine, SealedPersonalData, Urgency,
};
use super::reservation::LineCheck;
use super::settings::LateAfter;
use super::stock::{AdjustmentReason, Allocation, Portion, StockSource};
use crate::clock::Offset;

/// Writes the event enum once and everything that names its variants: the enum itself
/// (internally tagged, `{"type": "StockReceived", ...}`, as the log and the wire hold it),
/// [`Event::TYPES`], [`Event::event_type`], and a second reading of the same variants,
/// externally tagged, that [`Event::from_tagged_json`] uses: serde reads an internally tagged
/// enum by buffering the whole value first (its `Content`), which costs a web page a third of
/// its event code and the server time on replay.
macro_rules! events {
    (
        $(#[$meta:meta])*
        pub enum Event {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident {
                    $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type")]
        pub enum Event {
            $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $ty ),* } ),*
        }

        /// [`Event`] read externally tagged: `{"StockReceived": {...}}`. The `type` inside
        /// the object is skipped like any field it does not name.
        #[derive(Deserialize)]
        #[serde(remote = "Event")]
        enum Tagged {
            $( $variant { $( $(#[$field_meta])* $field: $ty ),* } ),*
        }

        impl Event {
            /// Every event type, as written in the `type` tag.
            pub const TYPES: &'static [&'static str] = &[$(stringify!($variant)),*];

            /// The serde tag of the event.
            pub fn event_type(&self) -> &'static str {
                match self {
                    $( Event::$variant { .. } => stringify!($variant), )*
                }
            }
        }
    };
}

events! {
/// Every event of the distribution-day workflow. Events about a request, its deliveries
/// and its alerts all carry `request_id`, so a projection never has to join to find it.
pub enum Event {
    ItemRegistered {
        item_id: ItemId,
        name: String,
        category: ItemCategory,
        unit: String,
    },
    LocationRegistered {
        location_id: LocationId,
        name: String,
        kind: LocationKind,
    },
    PartnerRegistered {
        partner_id: PartnerId,
        name: String,
        kind: PartnerKind,
    },
    LowStockThresholdSet {
        item_id: ItemId,
        quantity: i64,
    },
    DriverRegistered {
        member_id: MemberId,
    },
    StockReceived {
        item_id: ItemId,
        location_id: LocationId,
        quantity: i64,
        expires_on_day: Option<i64>,
        source: StockSource,
    },
    StockAdjusted {
        item_id: ItemId,
        location_id: LocationId,
        expires_on_day: Option<i64>,
        change: i64,
        reason: AdjustmentReason,
        note: String,
        corrects_position: Option<u64>,
    },
    /// `portions` are the expiry batches moved, chosen soonest expiry first.
    StockTransferred {
        item_id: ItemId,
        from_location_id: LocationId,
        to_location_id: LocationId,
        portions: Vec<Portion>,
    },
    RequestLogged {
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
        /// The short number the group says aloud ("#142"): 1 for the group's first request,
        /// in the order requests are logged. Events written before numbers were given carry
        /// none (0), and are numbered by that same order when folded.
        #[serde(default)]
        number: u64,
        /// Set when the server logged the request for a date of a standing order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        standing: Option<Occurrence>,
    },
    StockChecked {
        request_id: RequestId,
        lines: Vec<LineCheck>,
    },
    /// Raised by hand (`request_id` is `None`) or by a stock check that found a shortfall.
    ProcurementAlertRaised {
        alert_id: AlertId,
        request_id: Option<RequestId>,
        item_id: ItemId,
        quantity: i64,
        note: String,
    },
    ProcurementAlertResolved {
        alert_id: AlertId,
        request_id: Option<RequestId>,
        item_id: ItemId,
        resolution: AlertResolution,
        note: String,
    },
    /// `allocations` say exactly which batches were reserved, so evolve holds no rule.
    StockReserved {
        request_id: RequestId,
        allocations: Vec<Allocation>,
    },
    StockReleased {
        request_id: RequestId,
        allocations: Vec<Allocation>,
        reason: String,
    },
    RequestCancelled {
        request_id: RequestId,
        reason: String,
        released: Vec<Allocation>,
        cancelled_delivery_ids: Vec<DeliveryId>,
    },
    FeedbackRecorded {
        request_id: RequestId,
        from: FeedbackFrom,
        rating: i64,
        text: String,
    },
    DeliveryScheduled {
        delivery_id: DeliveryId,
        request_id: RequestId,
        kind: DeliveryKind,
        lines: Vec<RequestLine>,
        window_start_ms: i64,
        window_end_ms: i64,
        driver_id: Option<MemberId>,
        replaces_delivery_id: Option<DeliveryId>,
    },
    DeliveryClaimed {
        delivery_id: DeliveryId,
        request_id: RequestId,
        driver_id: MemberId,
    },
    HouseholdConfirmed {
        delivery_id: DeliveryId,
        request_id: RequestId,
        channel: ContactChannel,
        language: String,
    },
    DeliveryStarted {
        delivery_id: DeliveryId,
        request_id: RequestId,
    },
    /// `issued` is exactly the reserved stock of the delivery's lines.
    DeliveryCompleted {
        delivery_id: DeliveryId,
        request_id: RequestId,
        issued: Vec<Allocation>,
    },
    /// `lines` are the delivery's lines: still reserved, free to be rescheduled.
    DeliveryFailed {
        delivery_id: DeliveryId,
        request_id: RequestId,
        lines: Vec<RequestLine>,
        reason: FailureReason,
        note: String,
    },
    /// A household the group knew before any request of theirs (see
    /// `Command::RegisterHousehold`). Its personal data is sealed.
    HouseholdRegistered {
        household_id: HouseholdId,
        household_size: i64,
        zone: Zone,
        preferred_language: String,
        contact_channel: ContactChannel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        personal_data: Option<SealedPersonalData>,
    },
    /// The household's key is destroyed once this is durable: its sealed personal data can
    /// never be opened again. Its requests, deliveries and counts stay.
    HouseholdErased {
        household_id: HouseholdId,
        reason: String,
    },
    /// The acting member opened the household's contact details for this request. Not a
    /// step of the request (its timeline and stage are unchanged).
    ContactDetailsViewed {
        request_id: RequestId,
        household_id: HouseholdId,
    },
    /// A zone added to the group's list: requests and households name zones of the list.
    ZoneAdded {
        zone: Zone,
    },
    ZoneRemoved {
        zone: Zone,
    },
    /// When a request counts as late, stage by stage (the board's rules).
    LateAfterSet {
        rules: LateAfter,
    },
    /// The group's time zone from this event on, with the offsets its days are counted by
    /// (see [`crate::clock`]). Days before it keep the zone they were lived in.
    TimeZoneSet {
        zone: String,
        offsets: Vec<Offset>,
    },
    /// A completion taken back soon after, by the member who recorded it: the issued stock
    /// is reserved again and the delivery is back on the road (a pickup, back to waiting).
    DeliveryCompletionUndone {
        delivery_id: DeliveryId,
        request_id: RequestId,
        returned: Vec<Allocation>,
    },
}
}

impl Event {
    /// Reads an event of type `kind` from its JSON text (with or without its `type` field)
    /// without buffering it: the same enum, read externally tagged.
    pub fn from_tagged_json(kind: &str, text: &str) -> Option<Event> {
        if !Event::TYPES.contains(&kind) {
            return None;
        }
        // A type name is an identifier: nothing to escape.
        let tagged = format!(r#"{{"{kind}":{text}}}"#);
        let mut reader = serde_json::Deserializer::from_str(&tagged);
        Tagged::deserialize(&mut reader).ok()
    }

    /// The schema version every event type is written in today.
    pub const SCHEMA_VERSION: u32 = 1;

    /// The current schema version of an event type, or `None` for a type this build does
    /// not know. All are 1 for now; the upcaster raises old payloads to these.
    pub fn schema_version_of(event_type: &str) -> Option<u32> {
        Self::TYPES.contains(&event_type).then_some(Self::SCHEMA_VERSION)
    }

    /// The schema version this event is written in.
    pub fn schema_version(&self) -> u32 {
        Self::SCHEMA_VERSION
    }

    /// The request the event belongs to, if any.
    pub fn request_id(&self) -> Option<&RequestId> {
        match self {
            Event::RequestLogged { request_id, .. }
            | Event::StockChecked { request_id, .. }
            | Event::StockReserved { request_id, .. }
            | Event::StockReleased { request_id, .. }
            | Event::RequestCancelled { request_id, .. }
            | Event::FeedbackRecorded { request_id, .. }
            | Event::DeliveryScheduled { request_id, .. }
            | Event::DeliveryClaimed { request_id, .. }
            | Event::HouseholdConfirmed { request_id, .. }
            | Event::DeliveryStarted { request_id, .. }
            | Event::DeliveryCompleted { request_id, .. }
            | Event::DeliveryCompletionUndone { request_id, .. }
            | Event::DeliveryFailed { request_id, .. } => Some(request_id),
            Event::ProcurementAlertRaised { request_id, .. }
            | Event::ProcurementAlertResolved { request_id, .. } => request_id.as_ref(),
            Event::ItemRegistered { .. }
            | Event::LocationRegistered { .. }
            | Event::PartnerRegistered { .. }
            | Event::LowStockThresholdSet { .. }
            | Event::DriverRegistered { .. }
            | Event::StockReceived { .. }
            | Event::StockAdjusted { .. }
            | Event::StockTransferred { .. }
            | Event::HouseholdErased { .. }
            | Event::HouseholdRegistered { .. }
            | Event::ContactDetailsViewed { .. }
            | Event::ZoneAdded { .. }
            | Event::ZoneRemoved { .. }
            | Event::LateAfterSet { .. }
            | Event::TimeZoneSet { .. } => None,
        }
    }
}
