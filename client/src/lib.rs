//! Potluck's web client: a Leptos app, rendered in the browser, compiled to WebAssembly.
//!
//! [`app`] holds the shell and routing; [`screens`] and [`forms`] the screens ([`retro`] the
//! monthly report, [`replay`] the board replayed, [`audit`] the log asked, [`import`] CSV
//! files uploaded); [`live`] folds
//! the server's messages with the same projection code the server runs; [`socket`] owns the
//! WebSocket to the server, reconnects it with backoff and hands each decoded message on;
//! [`outbox`] queues actions and sends each exactly once; [`i18n`] holds the words. The wire
//! types come from `shared`, so the server and the client cannot disagree on a message's shape.
//! `cargo xtask build-client` turns this crate into `client/dist/`, which the server serves.

pub mod api;
pub mod app;
pub mod audit;
pub mod books;
pub mod forms;
pub mod i18n;
pub mod import;
pub mod incoming;
pub mod labels;
pub mod live;
pub mod money;
pub mod outbox;
pub mod people;
pub mod replay;
pub mod retro;
pub mod screens;
pub mod socket;
pub mod stewardship;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point: the wasm-bindgen glue calls this once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    // The words first (English, and the member's language), so the first screen has them.
    wasm_bindgen_futures::spawn_local(async {
        let lang = app::saved_language();
        i18n::Lang::En.fetch().await;
        lang.fetch().await;
        leptos::mount::mount_to_body(app::App);
    });
}
