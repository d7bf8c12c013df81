//! Potluck's web client: a Leptos app, rendered in the browser, compiled to WebAssembly.
//!
//! [`app`] holds the components and the signals they read; [`socket`] owns the WebSocket to
//! the server, reconnects it with backoff and hands each decoded message to the app. The wire
//! types come from `shared`, so the server and the client cannot disagree on a message's shape.
//! `cargo xtask build-client` turns this crate into `client/dist/`, which the server serves.

pub mod api;
pub mod app;
pub mod live;
pub mod socket;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point: the wasm-bindgen glue calls this once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
