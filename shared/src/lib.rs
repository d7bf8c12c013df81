//! The pure core of Potluck, shared by the server and the WebAssembly client.
//!
//! Nothing here does I/O: no clock, no randomness, no files, no sockets. Time, ids and the
//! acting member come in as arguments, so replaying the same events always gives the same
//! state and the same projections, on the server and in the browser alike.
//!
//! - [`kernel`]: what every part shares: ids, days, field checks, `Rejection`, `Context`,
//!   `Role`.
//! - [`kind`]: `CommandKind`, which command without its fields: what the access and
//!   sealing tables are keyed by.
//! - [`access`]: roles, and which role may send which command and see which view.
//! - [`clock`]: the group's time zone as a table of offsets: local days and clock times.
//! - [`envelope`]: the stored record of one event (position, stream, hash chain) and its
//!   canonical bytes.
//! - [`members`]: members and their roles.
//! - [`group`]: the whole group behind one command, event and state type: what the server
//!   decides against.
//! - [`wire`]: messages between the server and its clients, and the body of a command.
//! - [`view`]: what the server computes for a screen over HTTP (roster, ledger, statement,
//!   report, history, imports), produced by the server and decoded by the client.
//! - [`upcast`]: turns payloads written in older schema versions into the current shape.
//! - [`distribution`]: distribution day (requests, stock, deliveries, feedback) as commands,
//!   events, `decide`/`evolve` and the board, stock and timeline projections.
//! - [`people`]: role cards, skills, commitments, shifts and the group agreement, folded
//!   into the roster with its burnout signals.
//! - [`ledger`]: double-entry money (accounts, transactions, approvals, reversals, grants,
//!   valued goods) and the monthly statement.
//! - [`limits`]: the group's own limits and currency, which people and ledger read.
//! - [`standing`]: standing orders, a household's same items on the same weekdays, and
//!   the requests the server logs for their dates.
//! - [`personal`]: a household's personal data in clear, which the server seals.

pub mod access;
pub mod clock;
pub mod distribution;
pub mod envelope;
pub mod group;
pub mod kernel;
pub mod kind;
pub mod ledger;
pub mod limits;
pub mod members;
pub mod people;
pub mod personal;
pub mod standing;
pub mod upcast;
pub mod view;
pub mod wire;
