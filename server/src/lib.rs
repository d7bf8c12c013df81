//! The potluck server.
//!
//! - [`log`]: the append-only event log on sled: group commit, hash chain, subscriptions.
//! - [`commands`]: the command pipeline: idempotency, decide, append, answer.
//! - [`projections`]: the live read models and the broadcast feed to screens.
//! - [`auth`]: passwords, sessions, the sign-in throttle; [`admin`]: adding members.
//! - [`http`]: the axum application: the API, the WebSocket feed, the static client.
//! - [`sealed`]: households' personal data, encrypted per household, keys outside the log.
//! - [`history`]: time travel: any projection as of a position or moment, from snapshots.
//! - [`metrics`]: Prometheus counters; [`exports`]: CSV for accountants and coordinators.
//! - [`ahead`]: planning ahead: standing orders' dates, template shifts, sign-ups.
//! - [`cli`]: the `potluck` command line; [`demo`]: a month of demo data.
//!
//! `main.rs` is a thin command line over these; tests drive [`http::app`] on port 0.

pub mod admin;
pub mod ahead;
pub mod auth;
pub mod backup;
pub mod bundle;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod csv;
pub mod database;
pub mod demo;
pub mod durable;
pub mod exports;
pub mod group;
pub mod history;
pub mod http;
pub mod import;
pub mod log;
pub mod metrics;
pub mod projections;
pub mod report;
pub mod retention;
pub mod sealed;
