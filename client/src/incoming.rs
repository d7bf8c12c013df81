//! What the client reads of the server's frames: `shared::wire::ServerMessage`, except that
//! each event's payload stays JSON until the client knows it folds it.
//!
//! The server sends every event type the group has; this page folds only the distribution
//! events into its board and timelines, and only counts money events (the money screen then
//! reads the books again). Decoding the people and ledger events into their types would
//! bring their whole serde code into the WebAssembly bundle for nothing. Distribution events
//! are read with `shared`'s own enum, through its externally tagged reading
//! (`Event::from_tagged_json`: no buffering of the value). A test decodes the server's own
//! messages with this type, so the two cannot drift apart.

use serde::Deserialize;
use serde_json::value::RawValue;
use shared::distribution;
use shared::members::Member;
use shared::wire::Snapshot;

#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    Head { position: u64, hash: String },
    Welcome { member: Member, head: u64 },
    Snapshot { snapshot: Box<Snapshot> },
    Events { events: Vec<IncomingEvent> },
    Resync { reason: String },
    Error { code: String, message: String },
}

#[derive(Clone, Debug, Deserialize)]
pub struct IncomingEvent {
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: String,
    /// The event's JSON text, as the server sent it: read as far as this page needs.
    pub event: Box<RawValue>,
}

impl PartialEq for IncomingEvent {
    fn eq(&self, other: &Self) -> bool {
        let key = |e: &IncomingEvent| (e.position, e.recorded_at_ms, e.actor.clone());
        key(self) == key(other) && self.event.get() == other.event.get()
    }
}

/// The fields of an event this page reads without knowing its type.
#[derive(Deserialize, Default)]
struct Heading<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    request_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    delivery_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    item_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    transaction_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    member_id: Option<std::borrow::Cow<'a, str>>,
}

/// An event as far as this page cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Folded {
    Distribution(distribution::Event),
    /// The books changed.
    Money,
    /// Role cards, skills, commitments, shifts or the agreement changed.
    People,
    /// The group's limits changed: the money screen (approval threshold) and the people
    /// screen (roles and hours allowed, retention) both read them.
    Limits,
    /// Members and anything else: nothing these screens fold.
    Other,
}

impl IncomingEvent {
    fn heading(&self) -> Heading<'_> {
        serde_json::from_str(self.event.get()).unwrap_or_default()
    }

    /// The event's type tag.
    pub fn event_type(&self) -> String {
        self.heading().kind.map(|kind| kind.into_owned()).unwrap_or_default()
    }

    /// What the event is about, as a replay step names it: its request, delivery, item,
    /// transaction or member.
    pub fn subject(&self) -> Option<String> {
        let h = self.heading();
        [h.request_id, h.delivery_id, h.item_id, h.transaction_id, h.member_id]
            .into_iter()
            .flatten()
            .next()
            .map(|id| id.into_owned())
    }

    /// Decodes what this page folds; `None` for a distribution event it cannot read.
    pub fn folded(&self) -> Option<Folded> {
        let kind = self.event_type();
        let kind = kind.as_str();
        if distribution::Event::TYPES.contains(&kind) {
            return distribution::Event::from_tagged_json(kind, self.event.get())
                .map(Folded::Distribution);
        }
        if shared::people::Event::TYPES.contains(&kind) {
            return Some(Folded::People);
        }
        if shared::ledger::Event::TYPES.contains(&kind) {
            return Some(Folded::Money);
        }
        // The limits bear on both: the approval threshold and the roles and hours allowed.
        if shared::limits::Event::TYPES.contains(&kind) {
            return Some(Folded::Limits);
        }
        Some(Folded::Other)
    }
}

/// A frame read as one flat object: every field any message has, the `type` among them.
/// `Incoming` derives `Deserialize` with `tag = "type"`, which buffers the whole message
/// (the snapshot, all of it) in serde's `Content` and instantiates every type of the
/// snapshot a second time for it: a fifth of the bundle. A plain struct is read straight
/// from the JSON text.
#[derive(Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    position: Option<u64>,
    hash: Option<String>,
    member: Option<Member>,
    head: Option<u64>,
    snapshot: Option<Box<Snapshot>>,
    events: Option<Vec<IncomingEvent>>,
    reason: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

/// Decodes one text frame; `None` for a frame this build does not understand.
pub fn decode(frame: &str) -> Option<Incoming> {
    let frame: Frame = serde_json::from_str(frame).ok()?;
    Some(match frame.kind.as_str() {
        "head" => Incoming::Head { position: frame.position?, hash: frame.hash? },
        "welcome" => Incoming::Welcome { member: frame.member?, head: frame.head? },
        "snapshot" => Incoming::Snapshot { snapshot: frame.snapshot? },
        "events" => Incoming::Events { events: frame.events? },
        "resync" => Incoming::Resync { reason: frame.reason? },
        "error" => Incoming::Error { code: frame.code?, message: frame.message? },
        _ => return None,
    })
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
        let member = Member { member_id: "ana".into(), name: "Ana".into(), roles: vec![] };
        let welcome = ServerMessage::Welcome { member: member.clone(), head: 9 };
        assert_eq!(from_server(&welcome), Incoming::Welcome { member, head: 9 });
        let snapshot = Box::new(Snapshot { position: 4, ..Snapshot::default() });
        let Incoming::Snapshot { snapshot: read } =
            from_server(&ServerMessage::Snapshot { snapshot: snapshot.clone() })
        else {
            panic!("a snapshot")
        };
        assert_eq!(read, snapshot);
        let resync = ServerMessage::Resync { reason: "behind".into() };
        assert_eq!(from_server(&resync), Incoming::Resync { reason: "behind".into() });
        let error = ServerMessage::Error { code: "bad".into(), message: "no".into() };
        assert_eq!(
            from_server(&error),
            Incoming::Error { code: "bad".into(), message: "no".into() }
        );
    }

    #[test]
    fn an_unknown_frame_is_ignored() {
        assert_eq!(decode(r#"{"type":"gossip","position":1}"#), None);
        assert_eq!(decode(r#"{"type":"head","position":1}"#), None, "a head without its hash");
        assert_eq!(decode("not json"), None);
    }
}
