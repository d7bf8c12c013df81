//! The contract with the server: type tags, schema versions, streams, rejection codes.

use super::*;

/// Every event the simulation produces, plus the few it rarely does, by type, plus the
/// household events (registration, erasure and contact views), which the simulation does
/// not make.
fn one_of_each_event() -> Vec<Event> {
    let mut seen: Vec<Event> = Vec::new();
    for r in sim::generate(7, 5_000) {
        if !seen.iter().any(|e| e.event_type() == r.event.event_type()) {
            seen.push(r.event);
        }
    }
    seen.push(Event::HouseholdRegistered {
        household_id: HouseholdId::from("hh-7"),
        household_size: 3,
        zone: Zone::new("north"),
        preferred_language: "en".to_owned(),
        contact_channel: ContactChannel::Sms,
        personal_data: None,
    });
    seen.push(Event::HouseholdErased {
        household_id: HouseholdId::from("hh-7"),
        reason: "asked to be forgotten".to_owned(),
    });
    seen.push(Event::ContactDetailsViewed {
        request_id: RequestId::from("r1"),
        household_id: HouseholdId::from("hh-7"),
    });
    seen.push(Event::ZoneAdded { zone: Zone::new("north") });
    seen.push(Event::ZoneRemoved { zone: Zone::new("north") });
    seen.push(Event::LateAfterSet { rules: LateAfter::default() });
    seen.push(Event::TimeZoneSet {
        zone: "America/New_York".to_owned(),
        offsets: vec![crate::clock::Offset { from_ms: 0, seconds: -18_000 }],
    });
    seen.push(Event::DeliveryCompletionUndone {
        delivery_id: DeliveryId::from("d1"),
        request_id: RequestId::from("r1"),
        returned: vec![allocation("rice", "hall", Some(20_100), 2)],
    });
    seen
}

#[test]
fn every_event_type_is_its_serde_tag_and_round_trips() {
    let events = one_of_each_event();
    let seen: Vec<&str> = events.iter().map(Event::event_type).collect();
    let missing: Vec<&&str> = Event::TYPES.iter().filter(|t| !seen.contains(t)).collect();
    assert!(missing.is_empty(), "the simulation never produced {missing:?}");
    for event in events {
        let json = serde_json::to_value(&event).expect("events serialise");
        assert_eq!(json["type"], event.event_type());
        assert!(Event::TYPES.contains(&event.event_type()));
        assert_eq!(Event::schema_version_of(event.event_type()), Some(1));
        let back: Event = serde_json::from_value(json).expect("events deserialise");
        assert_eq!(back, event);
    }
    assert_eq!(Event::schema_version_of("RequestEdited"), None);
}

#[test]
fn every_event_reads_back_externally_tagged_as_itself() {
    for event in
        one_of_each_event().into_iter().chain(sim::generate(11, 3_000).into_iter().map(|r| r.event))
    {
        let text = serde_json::to_string(&event).expect("events serialise");
        let kind = event.event_type();
        assert_eq!(Event::from_tagged_json(kind, &text).as_ref(), Some(&event), "{kind}");
        // As the log stores it: the payload without its `type`.
        let mut payload = serde_json::to_value(&event).expect("events serialise");
        payload.as_object_mut().expect("an object").remove("type");
        let payload = payload.to_string();
        assert_eq!(Event::from_tagged_json(kind, &payload).as_ref(), Some(&event), "{kind}");
    }
    assert_eq!(Event::from_tagged_json("Nonsense", r#"{"type":"Nonsense"}"#), None);
    assert_eq!(Event::from_tagged_json("StockChecked", r#"{"request_id": 5}"#), None);
}

#[test]
fn both_stock_sources_read_back_without_buffering() {
    let sources = [
        StockSource::Donation { partner_id: "farm".into() },
        StockSource::Purchase { partner_id: None, alert_id: Some("a-1".into()) },
    ];
    for source in sources {
        // Fails to compile when a kind is added without being read in `SourceFields`.
        match &source {
            StockSource::Donation { .. } | StockSource::Purchase { .. } => {}
        }
        let json = serde_json::to_string(&source).expect("serialises");
        assert_eq!(serde_json::from_str::<StockSource>(&json).ok(), Some(source));
    }
    let unknown = serde_json::from_str::<StockSource>(r#"{"kind":"gift"}"#);
    assert!(unknown.is_err());
    let no_partner = serde_json::from_str::<StockSource>(r#"{"kind":"donation"}"#);
    assert!(no_partner.is_err());
}

#[test]
fn every_command_names_its_stream_and_its_tag() {
    let mut sim = sim::Sim::with_chaos(3, 20);
    for _ in 0..2_000 {
        let (command, _) = sim.next_command();
        let json = serde_json::to_value(&command).expect("commands serialise");
        assert_eq!(json["type"], command.command_type());
        let stream = command.stream();
        let known = ["catalog", "roster", "stock"].contains(&stream.as_str())
            || ["request-", "delivery-", "alert-"].iter().any(|p| stream.starts_with(p));
        assert!(known, "{stream}");
        let back: Command = serde_json::from_value(json).expect("commands deserialise");
        assert_eq!(back, command);
    }
}

#[test]
fn request_and_delivery_commands_are_appended_to_their_own_streams() {
    assert_eq!(log_request("r1", vec![]).stream(), "request-r1");
    assert_eq!(schedule("d1", "r1", vec![], None).stream(), "delivery-d1");
    assert_eq!(Command::RegisterDriver { member_id: MemberId::from(ANA) }.stream(), "roster");
}

#[test]
fn a_conflict_maps_apart_from_every_other_rejection() {
    let conflict = Rejection::Conflict { message: "taken".to_owned() };
    assert_eq!((conflict.code(), conflict.is_conflict()), ("conflict", true));
    let invalid = Rejection::invalid("quantity", "must be more than zero");
    assert_eq!((invalid.code(), invalid.is_conflict()), ("invalid_field", false));
    assert_eq!(invalid.to_string(), "quantity: must be more than zero");
}

/// Every kind a refusal names in the source is in [`Rejection::KINDS`], so each has words on
/// the screens.
#[test]
fn every_kind_a_refusal_names_is_listed() {
    let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut found = 0;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("a source file");
            for call in ["unknown(\"", "exists(\""] {
                for rest in source.split(call).skip(1) {
                    let kind = rest.split('"').next().unwrap_or_default();
                    assert!(Rejection::KINDS.contains(&kind), "{kind} ({})", path.display());
                    found += 1;
                }
            }
        }
    }
    assert!(found > 40, "{found} refusals found");
}
