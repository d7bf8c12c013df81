//! The end-to-end test binary: one binary, one module per subject (ripgrep's layout), so
//! the workspace links one executable instead of many.
#![allow(clippy::unwrap_used)] // Tests fail loudly on purpose.

mod it {
    mod ahead;
    mod ahead_crash;
    mod api;
    mod bundle;
    mod client_commands;
    mod clock;
    mod crash;
    mod demo;
    mod exports;
    mod feed;
    mod headers;
    mod history;
    mod hostile;
    mod imports;
    mod log_files;
    mod log_model;
    mod log_reads;
    mod logs;
    mod money;
    mod postgres;
    mod privacy;
    mod roster;
    mod server_ws;
    mod simulation;
    mod subscription;
}
