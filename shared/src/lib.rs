//! The pure core of Potluck, shared by the server and the WebAssembly client.
//!
//! Nothing here does I/O: no clock, no randomness, no files, no sockets. Time, ids and the
//! acting member come in as arguments, so replaying the same events always gives the same
//! state and the same projections, on the server and in the browser alike.
//!
//! - [`envelope`]: the stored record of one event (position, stream, hash chain) and its
//!   canonical bytes.
//! - [`wire`]: messages between the server and its clients.
//! - [`upcast`]: turns payloads written in older schema versions into the current shape.
//! - [`distribution`]: distribution day (requests, stock, deliveries, feedback) as commands,
//!   events, `decide`/`evolve` and the board, stock and timeline projections.

pub mod distribution;
pub mod envelope;
pub mod upcast;
pub mod wire;
