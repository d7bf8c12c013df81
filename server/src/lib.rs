//! The potluck server.
//!
//! - [`log`]: the append-only event log on sled: group commit, hash chain, subscriptions.
//! - [`cli`]: the `potluck` command line.
//! - [`http`]: the axum application: the WebSocket feed, health, the static client.
//!
//! `main.rs` is a thin command line over these; tests drive [`http::app`] on port 0.

pub mod cli;
pub mod http;
pub mod log;
