//! Messages between the server and its clients, as JSON text frames on `/ws`.
//!
//! These types are a stability boundary: the browser may run an older build than the server
//! for a while, so fields are added, never renamed.
//!
//! The conversation: the client sends `subscribe` with the last position it has folded (or
//! none); the server answers with a `snapshot` when the client has nothing or is far behind,
//! or with the missing `events` when the gap is small, then sends every new batch of `events`
//! in position order. `resync` means the client fell too far behind; a `snapshot` follows.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::distribution::{Board, Timelines};
use crate::group::Event;
use crate::members::Member;

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Start (or resume) the live feed after `after`; `None` asks for a snapshot.
    Subscribe { after: Option<u64> },
}

/// What the server sends to a connected client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The log's head moved (or the client just connected): the newest position and its
    /// hash, hex-encoded. Position 0 is the empty log.
    Head { position: u64, hash: String },
    /// Who is connected, sent once after the upgrade.
    Welcome { member: Member, head: u64 },
    /// Every projection as of `snapshot.position`.
    Snapshot { snapshot: Box<Snapshot> },
    /// Events in position order, each exactly once, folded by the client with the same
    /// projection code as the server.
    Events { events: Vec<WireEvent> },
    /// The client fell behind; a snapshot follows.
    Resync { reason: String },
    /// A message the server could not act on. Nothing changed.
    Error { code: String, message: String },
}

/// The projections a client folds from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub position: u64,
    /// The board, with stock levels per item and location in `board.stock`.
    pub board: Board,
    pub timelines: Timelines,
    pub members: Vec<Member>,
}

/// One event as screens see it: never with households' personal data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireEvent {
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: String,
    pub event: Event,
}

/// The body of `POST /api/commands`. The server reads the command as a JSON value (it seals
/// personal data in it before parsing it as a command); a client sends an [`Outgoing`]'s text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CommandBody))]
#[serde(deny_unknown_fields)]
pub struct CommandRequest<C = serde_json::Value> {
    /// Chosen by the client (a UUID, say) and kept with the command: sending the same
    /// command again with the same id returns the first answer and changes nothing.
    pub command_id: String,
    /// The version of the command's stream the client saw; omit to skip the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<u64>,
    /// The command: an object whose `type` names it (`LogRequest`, `ReserveStock`, ...),
    /// as [`Outgoing`] writes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub command: C,
}

/// A command as a client sends it: a command value of one of the parts (`distribution`,
/// `people`, `ledger`, ...) serialized by serde, and where the command carries personal data
/// ([`crate::personal::sealing`]), that data in clear for the server to seal.
///
/// The command is serialized where it is built, so a client pays in code only for the
/// command types it sends; it is kept as JSON text, so a client needs no code for JSON
/// values at all.
#[derive(Clone, Debug)]
pub struct Outgoing {
    command_type: String,
    json: Box<RawValue>,
}

impl PartialEq for Outgoing {
    fn eq(&self, other: &Self) -> bool {
        self.json.get() == other.json.get()
    }
}

/// The `type` of a command's JSON.
#[derive(Deserialize)]
struct Typed {
    #[serde(rename = "type")]
    command_type: String,
}

/// A JSON object's members, each kept as text.
type Members = std::collections::BTreeMap<String, Box<RawValue>>;

impl Outgoing {
    /// `command` as JSON; an error for a value that is not a command object with its `type`.
    pub fn new<C: Serialize>(command: &C) -> Result<Outgoing, String> {
        let json = serde_json::value::to_raw_value(command).map_err(|e| e.to_string())?;
        let typed: Typed = serde_json::from_str(json.get())
            .map_err(|_| "a command is an object with its `type`".to_owned())?;
        Ok(Outgoing { command_type: typed.command_type, json })
    }

    /// Puts `data` in clear where a command of this kind carries personal data. A command
    /// without such a field, or whose field holds no object on the way to it, is left as it
    /// was.
    pub fn with_personal_data(
        self,
        kind: crate::kind::CommandKind,
        data: &crate::personal::PersonalData,
    ) -> Outgoing {
        let Some(field) = crate::personal::sealing(kind) else {
            return self;
        };
        match put(&self.json, field.path, data) {
            Some(json) => Outgoing { json, ..self },
            None => self,
        }
    }

    pub fn command_type(&self) -> &str {
        &self.command_type
    }

    /// The command as `POST /api/commands` takes it in [`CommandRequest::command`].
    pub fn json(&self) -> &RawValue {
        &self.json
    }
}

/// `object` with `data` at `path` (objects on the way are made when missing or null).
fn put<T: Serialize>(object: &RawValue, path: &[&str], data: &T) -> Option<Box<RawValue>> {
    let (first, rest) = path.split_first()?;
    let mut members: Members = serde_json::from_str(object.get()).ok()?;
    let value = if rest.is_empty() {
        serde_json::value::to_raw_value(data).ok()?
    } else {
        let inner = match members.get(*first) {
            Some(inner) if inner.get() != "null" => inner.clone(),
            _ => RawValue::from_string("{}".to_owned()).ok()?,
        };
        put(&inner, rest, data)?
    };
    members.insert((*first).to_owned(), value);
    serde_json::value::to_raw_value(&members).ok()
}
