//! Potluck's web client: a Leptos app, rendered in the browser, compiled to WebAssembly.
//!
//! The modules are layers; each imports only the ones below it (a test checks):
//!
//! 1. [`route`], [`i18n`], [`api`] (HTTP, typed by `shared::view`), [`incoming`] (the
//!    server's frames), [`live`] (the snapshot and events folded with `shared`'s own
//!    projections), [`socket`] (the WebSocket, reconnecting), [`outbox`] (actions queued and
//!    sent exactly once);
//! 2. [`ctx`]: the signed-in context every screen reads, and the role checks;
//! 3. [`ui`]: form fields and the one action form, formatting, words, and the pieces two
//!    screens share (the board's panels, signals, a contact, a statement);
//! 4. [`screens`]: one module a screen, none importing another;
//! 5. [`lazy`]: the split points of the screens that load on demand; [`app`]: the shell,
//!    sign-in and the router.
//!
//! `cargo xtask build-client` turns this crate into `client/dist/`, which the server serves.

pub mod api;
pub mod app;
pub mod ctx;
pub mod i18n;
pub mod incoming;
pub mod lazy;
pub mod live;
pub mod outbox;
pub mod route;
pub mod screens;
pub mod socket;
pub mod ui;

#[cfg(test)]
mod layers;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point: the wasm-bindgen glue calls this once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    // The words first (English, and the member's language), so the first screen has them;
    // who is signed in, so a member back on the page never sees the sign-in form; and the
    // board as it is: all at once, since on a phone each is a round trip.
    wasm_bindgen_futures::spawn_local(async {
        let lang = app::saved_language();
        // English is the fallback for words a language lacks, so it always comes.
        let chosen = async move { lang == i18n::Lang::En || lang.fetch().await };
        let (_, _, me, board) = futures_util::future::join4(
            i18n::Lang::En.fetch(),
            chosen,
            api::me(),
            api::get_json::<shared::wire::Snapshot>("/api/snapshot"),
        )
        .await;
        let start = app::Start { member: me.ok(), snapshot: board.ok() };
        leptos::mount::mount_to_body(move || leptos::view! { <app::App start=start /> });
    });
}
