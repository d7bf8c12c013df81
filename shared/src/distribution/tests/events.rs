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
