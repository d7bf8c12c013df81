//! `distribution::Event` read without serde's `Content`.
//!
//! The event derives `Deserialize` with `tag = "type"`: serde then buffers each event in its
//! `Content` and instantiates every field type a second time to read from it, 35 KB of the
//! gzipped bundle (BENCHMARKS.md, "Web client bundle"). This is the same enum described again
//! for serde's `remote` derive, read externally tagged: `{"StockReceived": {...}}`, straight
//! from the JSON text, where the `type` field left inside is ignored like any unknown field.
//!
//! The description must list every variant with its fields: the compiler checks the fields
//! (the derive builds `Event`'s own variants) and, through the test-only `Serialize`, that no
//! variant is missing (it matches on `Event`).

#[cfg(test)]
use serde::Serialize;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use shared::distribution::{
    AdjustmentReason, AlertId, AlertResolution, Allocation, ContactChannel, DeliveryId,
    DeliveryKind, Event, FailureReason, FeedbackFrom, HouseholdId, ItemCategory, ItemId, LineCheck,
    LocationId, LocationKind, MemberId, NeedCategory, PartnerId, PartnerKind, Portion, RequestId,
    RequestLine, SealedPersonalData, StockSource, Urgency, Zone,
};

/// Reads a distribution event from its JSON text (`{"type": "StockReceived", ...}`).
pub fn decode(kind: &str, text: &str) -> Option<Event> {
    // The type names are identifiers: no escaping needed.
    let tagged = format!(r#"{{"{kind}":{text}}}"#);
    let mut de = serde_json::Deserializer::from_str(&tagged);
    EventShape::deserialize(&mut de).ok()
}

/// `StockSource` is internally tagged (`kind`) as well: read as one flat object, so no event
/// field needs serde's `Content`.
#[derive(Deserialize)]
struct SourceShape {
    kind: String,
    partner_id: Option<PartnerId>,
    alert_id: Option<AlertId>,
}

fn stock_source<'de, D: Deserializer<'de>>(deserializer: D) -> Result<StockSource, D::Error> {
    let source = SourceShape::deserialize(deserializer)?;
    match source.kind.as_str() {
        "donation" => Ok(StockSource::Donation {
            partner_id: source.partner_id.ok_or_else(|| D::Error::missing_field("partner_id"))?,
        }),
        "purchase" => {
            Ok(StockSource::Purchase { partner_id: source.partner_id, alert_id: source.alert_id })
        }
        other => Err(D::Error::unknown_variant(other, &["donation", "purchase"])),
    }
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
#[serde(remote = "Event")]
enum EventShape {
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
        #[serde(deserialize_with = "stock_source")]
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
        #[serde(default)]
        personal_data: Option<SealedPersonalData>,
    },
    StockChecked {
        request_id: RequestId,
        lines: Vec<LineCheck>,
    },
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
    DeliveryCompleted {
        delivery_id: DeliveryId,
        request_id: RequestId,
        issued: Vec<Allocation>,
    },
    DeliveryFailed {
        delivery_id: DeliveryId,
        request_id: RequestId,
        lines: Vec<RequestLine>,
        reason: FailureReason,
        note: String,
    },
    HouseholdRegistered {
        household_id: HouseholdId,
        household_size: i64,
        zone: Zone,
        preferred_language: String,
        contact_channel: ContactChannel,
        #[serde(default)]
        personal_data: Option<SealedPersonalData>,
    },
    HouseholdErased {
        household_id: HouseholdId,
        reason: String,
    },
    ContactDetailsViewed {
        request_id: RequestId,
        household_id: HouseholdId,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::distribution::sim;

    /// The shape as `Event` serializes itself, and back through this description.
    fn round_trip(event: &Event) -> Option<Event> {
        let text = serde_json::to_string(event).expect("serializable");
        decode(event.event_type(), &text)
    }

    #[test]
    fn every_simulated_event_reads_back_as_itself() {
        let mut seen = std::collections::BTreeSet::new();
        for recorded in sim::generate(7, 3_000) {
            let event = recorded.event;
            assert_eq!(round_trip(&event).as_ref(), Some(&event), "{}", event.event_type());
            seen.insert(event.event_type());
        }
        assert!(seen.len() > 15, "the simulation covers most types: {seen:?}");
    }

    /// Fails to compile when `StockSource` gains a variant [`stock_source`] does not read.
    #[test]
    fn both_stock_sources_read_back() {
        let sources = [
            StockSource::Donation { partner_id: "farm".into() },
            StockSource::Purchase { partner_id: None, alert_id: Some("a-1".into()) },
        ];
        for source in sources {
            match &source {
                StockSource::Donation { .. } | StockSource::Purchase { .. } => {}
            }
            let event = Event::StockReceived {
                item_id: "rice".into(),
                location_id: "hall".into(),
                quantity: 4,
                expires_on_day: None,
                source,
            };
            assert_eq!(round_trip(&event), Some(event));
        }
    }

    #[test]
    fn household_events_and_missing_optional_fields_read_back() {
        let registered = Event::HouseholdRegistered {
            household_id: "h-1".into(),
            household_size: 3,
            zone: "north".into(),
            preferred_language: "es".into(),
            contact_channel: ContactChannel::Phone,
            personal_data: None,
        };
        let erased = Event::HouseholdErased { household_id: "h-1".into(), reason: "asked".into() };
        let viewed =
            Event::ContactDetailsViewed { request_id: "r-1".into(), household_id: "h-1".into() };
        for event in [registered, erased, viewed] {
            assert_eq!(round_trip(&event), Some(event));
        }
        assert_eq!(decode("Nonsense", r#"{"type":"Nonsense"}"#), None);
    }
}
