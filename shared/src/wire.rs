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
