//! The screens that load on demand: money, people, the report, the replay, the audit view
//! and the import screen each live in a WebAssembly module of their own, fetched the first
//! time the screen opens (or before, in the background: [`preload`]). The first module holds
//! sign-in, the board, intake, a request's page, the driver's view and stock: what a
//! distribution day needs on a slow phone.
//!
//! Each split point is a `#[wasm_split]` function; `cargo xtask build-client` cuts the linked
//! module at these points (`wasm_split_cli_support`, as cargo-leptos does). Natively (tests,
//! clippy) the functions are called directly. The split is `fallible`: a module that cannot
//! be fetched (offline before it was ever loaded) is an answer on the page, not an abort.

use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

use crate::ctx::use_ctx;
use crate::i18n::use_i18n;
use crate::screens::{
    audit::AuditScreen, import::ImportScreen, money::MoneyScreen, people::PeopleScreen,
    replay::ReplayScreen, report::ReportScreen,
};

/// A screen's module could not be fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

#[wasm_split(money, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_money))]
pub fn money() -> Result<AnyView, NotLoaded> {
    Ok(view! { <MoneyScreen /> }.into_any())
}

#[wasm_split(people, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_people))]
pub fn people() -> Result<AnyView, NotLoaded> {
    Ok(view! { <PeopleScreen /> }.into_any())
}

#[wasm_split(report, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_report))]
pub fn report() -> Result<AnyView, NotLoaded> {
    Ok(view! { <ReportScreen /> }.into_any())
}

#[wasm_split(replay, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_replay))]
pub fn replay() -> Result<AnyView, NotLoaded> {
    Ok(view! { <ReplayScreen /> }.into_any())
}

#[wasm_split(audit, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_audit))]
pub fn audit(mentions: String) -> Result<AnyView, NotLoaded> {
    Ok(view! { <AuditScreen mentions=mentions /> }.into_any())
}

#[wasm_split(import, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_import))]
pub fn import() -> Result<AnyView, NotLoaded> {
    Ok(view! { <ImportScreen /> }.into_any())
}

/// The screen `load` brings, drawn once its module is here; a screen that could not be
/// fetched says so and offers to try again.
pub fn show(load: impl Future<Output = Result<AnyView, NotLoaded>> + 'static) -> AnyView {
    // The loader's futures are not `Send`: the page has one thread.
    Suspend::new(SendWrapper::new(async move {
        match load.await {
            Ok(screen) => screen,
            Err(NotLoaded) => view! { <NotLoadedYet /> }.into_any(),
        }
    }))
    .into_any()
}

#[component]
fn NotLoadedYet() -> impl IntoView {
    let (i, ctx) = (use_i18n(), use_ctx());
    // Asking for the same route again runs the router's match, and so the load, again.
    let again = move |_| ctx.route.set(ctx.route.get_untracked());
    view! {
        <main class="not-loaded" data-testid="not-loaded">
            <p role="alert">{move || i.t("lazy.not_loaded")}</p>
            <button type="button" on:click=again>{move || i.t("lazy.try_again")}</button>
        </main>
    }
}

/// Which lazy screens a member's header offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offered {
    pub audit: bool,
    pub import: bool,
}

/// Fetches the modules of the screens `offered`, one after the other, so that a screen
/// opened later opens without the network (a driver who loses signal in a stairwell can
/// still look at the shifts). A module already here costs nothing; one that fails is
/// fetched again the next time this runs.
pub fn preload(offered: Offered) {
    spawn_local(async move {
        // Each load resolves at once when the module is already in.
        let _ = preload_people().await;
        let _ = preload_money().await;
        let _ = preload_report().await;
        let _ = preload_replay().await;
        if offered.audit {
            let _ = preload_audit().await;
        }
        if offered.import {
            let _ = preload_import().await;
        }
    });
}
