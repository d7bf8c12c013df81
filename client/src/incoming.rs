//! What the client reads of the server's frames: `shared::wire::ServerMessage`, except that
//! each event's payload stays JSON until the client knows it folds it.
//!
//! The server sends every event type the group has; this page folds only the distribution
//! events into its board and timelines, and only counts money events (the money screen then
//! reads the books again). Decoding the people and ledger events into their types would
//! bring their whole serde code into the WebAssembly bundle for nothing. A test decodes the
//! server's own messages with this type, so the two cannot drift apart.

use serde::Deserialize;
use serde_json::Value;
use shared::distribution;
use shared::members::Member;
use shared::wire::Snapshot;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Incoming {
    Head { position: u64, hash: String },
    Welcome { member: Member, head: u64 },
    Snapshot { snapshot: Box<Snapshot> },
    Events { events: Vec<IncomingEvent> },
    Resync { reason: String },
    Error { code: String, message: String },
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IncomingEvent {
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: String,
    pub event: Value,
}

/// An event as far as this page cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Folded {
    Distribution(distribution::Event),
    /// The books or the group's limits changed.
    Money,
    /// Members, role cards, shifts: nothing on these screens yet.
    Other,
}

impl IncomingEvent {
    /// The event's type tag.
    pub fn event_type(&self) -> &str {
        self.event.get("type").and_then(Value::as_str).unwrap_or_default()
    }

    /// Decodes what this page folds; `None` for a distribution event it cannot read.
    pub fn folded(&self) -> Option<Folded> {
        let kind = self.event_type();
        if distribution::Event::TYPES.contains(&kind) {
            return distribution::Event::deserialize(&self.event).ok().map(Folded::Distribution);
        }
        let money = shared::ledger::Event::TYPES.contains(&kind)
            || shared::limits::Event::TYPES.contains(&kind);
        Some(if money { Folded::Money } else { Folded::Other })
    }
}

/// Decodes one text frame; `None` for a frame this build does not understand.
pub fn decode(frame: &str) -> Option<Incoming> {
    serde_json::from_str(frame).ok()
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use shared::wire::{ServerMessage, WireEvent};

    /// The frame the server would send for `message`, as this page reads it.
    pub fn from_server(message: &ServerMessage) -> Incoming {
        decode(&serde_json::to_string(message).expect("serializable")).expect("decodable")
    }

    #[test]
    fn the_servers_messages_decode_and_only_distribution_events_are_typed() {
        let logged: distribution::Event = serde_json::from_value(serde_json::json!({
            "type": "DriverRegistered", "member_id": "lena"
        }))
        .expect("a distribution event");
        let opened: shared::ledger::Event = serde_json::from_value(serde_json::json!({
            "type": "AccountOpened", "account_id": "cash", "name": "Cash", "kind": "cash"
        }))
        .expect("a ledger event");
        let wire =
            |position, event| WireEvent { position, recorded_at_ms: 5, actor: "ana".into(), event };
        let message = ServerMessage::Events {
            events: vec![
                wire(1, shared::group::Event::Distribution(logged.clone())),
                wire(2, shared::group::Event::Ledger(opened)),
            ],
        };
        let Incoming::Events { events } = from_server(&message) else { panic!("events") };
        assert_eq!(events[0].folded(), Some(Folded::Distribution(logged)));
        assert_eq!(events[1].folded(), Some(Folded::Money));
        assert_eq!(events[1].position, 2);
        let head = ServerMessage::Head { position: 3, hash: "ab".repeat(32) };
        assert_eq!(from_server(&head), Incoming::Head { position: 3, hash: "ab".repeat(32) });
    }

    #[test]
    fn an_unknown_frame_is_ignored() {
        assert_eq!(decode(r#"{"type":"gossip","position":1}"#), None);
        assert_eq!(decode("not json"), None);
    }
}
