//! The whole group's domain behind one command type, one event type and one state: what the
//! server decides against and what it folds. Each part keeps its own enums (distribution,
//! members); here they are joined, and a JSON command or event is routed to its part by its
//! `type` tag, so a wrong field gets the part's precise error message.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::access::Role;
use crate::distribution::{self, Context, Rejection};
use crate::members::{self, Members};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Command {
    Distribution(distribution::Command),
    Members(members::Command),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Event {
    Distribution(distribution::Event),
    Members(members::Event),
}

/// An event as the log recorded it, in the group's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: distribution::MemberId,
    pub event: Event,
}

#[derive(Clone, Debug, Default)]
pub struct State {
    pub distribution: distribution::State,
    pub members: Members,
}

impl Command {
    pub fn command_type(&self) -> &'static str {
        match self {
            Command::Distribution(c) => c.command_type(),
            Command::Members(c) => c.command_type(),
        }
    }

    /// The stream the command's events are appended to.
    pub fn stream(&self) -> String {
        match self {
            Command::Distribution(c) => c.stream(),
            Command::Members(_) => "members".to_owned(),
        }
    }

    /// The `type` tag of a command in JSON, checked to be one this build knows, so a
    /// caller can authorize before it parses the rest.
    pub fn known_type(value: &Value) -> Result<&str, String> {
        let kind = type_tag(value)?;
        if crate::access::COMMAND_TYPES.contains(&kind) {
            Ok(kind)
        } else {
            Err(format!("unknown command type `{kind}`"))
        }
    }

    /// Parses a command from JSON, naming the problem in words a client developer can act on.
    pub fn from_json(value: Value) -> Result<Command, String> {
        let kind = Command::known_type(&value)?;
        if members::Command::TYPES.contains(&kind) {
            return members::Command::deserialize(value).map(Command::Members).map_err(|e| e.to_string());
        }
        distribution::Command::deserialize(value).map(Command::Distribution).map_err(|e| e.to_string())
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Command::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

impl Event {
    pub fn event_type(&self) -> &'static str {
        match self {
            Event::Distribution(e) => e.event_type(),
            Event::Members(e) => e.event_type(),
        }
    }

    pub fn schema_version(&self) -> u32 {
        match self {
            Event::Distribution(e) => e.schema_version(),
            Event::Members(_) => 1,
        }
    }

    /// Whether this build models events of this type (anything else in the log is skipped
    /// by the projections, e.g. notes written by tests).
    pub fn is_known_type(event_type: &str) -> bool {
        members::Event::TYPES.contains(&event_type)
            || distribution::Event::schema_version_of(event_type).is_some()
    }

    /// Removes households' personal data, which only its own routes may show.
    pub fn strip_personal_data(&mut self) {
        if let Event::Distribution(distribution::Event::RequestLogged { personal_data, .. }) = self {
            *personal_data = None;
        }
    }

    /// Parses a stored payload of `event_type`.
    pub fn from_payload(event_type: &str, payload: &str) -> Result<Event, String> {
        let mut value: Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        if let Value::Object(map) = &mut value {
            map.insert("type".into(), Value::String(event_type.to_owned()));
        }
        Event::from_json(value)
    }

    pub fn from_json(value: Value) -> Result<Event, String> {
        let kind = type_tag(&value)?;
        if members::Event::TYPES.contains(&kind) {
            return members::Event::deserialize(value).map(Event::Members).map_err(|e| e.to_string());
        }
        distribution::Event::deserialize(value).map(Event::Distribution).map_err(|e| e.to_string())
    }

    /// The event's fields without the `type` tag: what the log stores as payload.
    pub fn payload(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.remove("type");
        }
        value
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Event::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

fn type_tag(value: &Value) -> Result<&str, String> {
    match value.get("type") {
        Some(Value::String(kind)) => Ok(kind),
        Some(_) => Err("`type` must be a string".to_owned()),
        None if value.is_object() => Err("missing field `type`".to_owned()),
        None => Err("expected a JSON object with a `type`".to_owned()),
    }
}

/// Decides any command of the group against the whole state.
pub fn decide(state: &State, command: &Command, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::Distribution(c) => {
            let events = distribution::decide(&state.distribution, c, ctx)?;
            Ok(events.into_iter().map(Event::Distribution).collect())
        }
        Command::Members(c) => {
            let mut events: Vec<Event> =
                members::decide(&state.members, c)?.into_iter().map(Event::Members).collect();
            // A member given the driver role can be assigned deliveries from now on.
            if let members::Command::AddMember { member_id, roles, .. }
            | members::Command::ChangeRoles { member_id, roles } = c
            {
                let roster = state.distribution.roster();
                if roles.contains(&Role::Driver) && !roster.is_driver(member_id.as_str()) {
                    let registered =
                        distribution::Event::DriverRegistered { member_id: member_id.clone() };
                    events.push(Event::Distribution(registered));
                }
            }
            Ok(events)
        }
    }
}

/// Folds one recorded event into the state. Never fails.
pub fn evolve(state: &mut State, recorded: &Recorded) {
    match &recorded.event {
        Event::Distribution(event) => {
            state.distribution.evolve(&distribution::Recorded {
                position: recorded.position,
                recorded_at_ms: recorded.recorded_at_ms,
                actor: recorded.actor.clone(),
                event: event.clone(),
            });
        }
        Event::Members(event) => state.members.evolve(event),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_command_is_routed_to_its_part_by_type() {
        let add = json!({"type": "AddMember", "member_id": "bo", "name": "Bo", "roles": ["driver"]});
        assert!(matches!(Command::from_json(add), Ok(Command::Members(_))));
        let item = json!({"type": "RegisterItem", "item_id": "rice", "name": "Rice",
                          "category": "food", "unit": "kg"});
        assert!(matches!(Command::from_json(item), Ok(Command::Distribution(_))));
    }

    #[test]
    fn unknown_types_and_bad_fields_are_named() {
        assert_eq!(
            Command::from_json(json!({"type": "DropTables"})).unwrap_err(),
            "unknown command type `DropTables`"
        );
        assert_eq!(Command::from_json(json!([1])).unwrap_err(), "expected a JSON object with a `type`");
        let wrong = json!({"type": "AddMember", "member_id": "bo", "name": 7, "roles": []});
        assert!(Command::from_json(wrong).unwrap_err().contains("invalid type"));
    }

    #[test]
    fn every_listed_command_type_is_a_command_of_the_domain() {
        for kind in crate::access::COMMAND_TYPES {
            let error = Command::from_json(json!({ "type": kind })).unwrap_err();
            assert!(error.starts_with("missing field"), "{kind}: {error}");
        }
    }

    #[test]
    fn granting_the_driver_role_registers_a_driver() {
        let command = Command::Members(members::Command::AddMember {
            member_id: "dee".into(),
            name: "Dee".into(),
            roles: vec![Role::Driver],
        });
        let ctx = Context { now_ms: 0, actor: "ana".into() };
        let events = decide(&State::default(), &command, &ctx).unwrap();
        let types: Vec<&str> = events.iter().map(Event::event_type).collect();
        assert_eq!(types, vec!["MemberAdded", "DriverRegistered"]);
    }

    #[test]
    fn an_event_round_trips_through_its_stored_payload() {
        let event = Event::Members(members::Event::MemberRemoved { member_id: "bo".into() });
        let payload = event.payload().to_string();
        assert_eq!(Event::from_payload(event.event_type(), &payload), Ok(event));
    }
}
