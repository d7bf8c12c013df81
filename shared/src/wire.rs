//! Messages between the server and its clients, as JSON text frames on `/ws`.
//!
//! These types are a stability boundary: the browser may run an older build than the server
//! for a while, so fields are added, never renamed.

use serde::{Deserialize, Serialize};

/// What the server sends to a connected client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The log's head moved (or the client just connected): the newest position and its
    /// hash, hex-encoded. Position 0 is the empty log.
    Head { position: u64, hash: String },
}
