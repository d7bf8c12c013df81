//! The screens that load on demand: a request's page, intake, stock, money, people, the report, the replay,
//! the audit view, the import screen, the group's settings, standing orders and a member's week each live in a WebAssembly module of their own,
//! fetched the first time the screen opens (or before, in the background: [`preload`]). The
//! first module holds sign-in, the board and the driver's view: what a distribution day
//! needs first on a slow phone. A request's page and intake are fetched while the board is
//! up, before anyone opens them.
//!
//! Each split point is a `#[wasm_split]` function; `cargo xtask build-client` cuts the linked
//! module at these points (`wasm_split_cli_support`, as cargo-leptos does). Natively (tests,
//! clippy) the functions are called directly. The split is `fallible`: a module that cannot
//! be fetched (offline before it was ever loaded) is an answer on the page, not an abort.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;

use crate::screens::{
    audit::AuditScreen, import::ImportScreen, intake::IntakeScreen, money::MoneyScreen,
    people::PeopleScreen, replay::ReplayScreen, report::ReportScreen, request::RequestScreen,
    settings::SettingsScreen, standing::StandingScreen, stock::StockScreen, week::WeekScreen,
};
use crate::ui::signals;
pub use crate::ui::split::{NotLoaded, show};

#[wasm_split(request, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_request))]
pub fn request(key: String) -> Result<AnyView, NotLoaded> {
    Ok(view! { <RequestScreen key=key /> }.into_any())
}

#[wasm_split(intake, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_intake))]
pub fn intake() -> Result<AnyView, NotLoaded> {
    Ok(view! { <IntakeScreen /> }.into_any())
}

#[wasm_split(stock, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_stock))]
pub fn stock() -> Result<AnyView, NotLoaded> {
    Ok(view! { <StockScreen /> }.into_any())
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

#[wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_settings))]
pub fn settings() -> Result<AnyView, NotLoaded> {
    Ok(view! { <SettingsScreen /> }.into_any())
}

#[wasm_split(standing, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_standing))]
pub fn standing() -> Result<AnyView, NotLoaded> {
    Ok(view! { <StandingScreen /> }.into_any())
}

#[wasm_split(week, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_week))]
pub fn week() -> Result<AnyView, NotLoaded> {
    Ok(view! { <WeekScreen /> }.into_any())
}

/// Which lazy screens a member's header offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offered {
    pub audit: bool,
    pub import: bool,
    pub settings: bool,
    pub standing: bool,
}

/// Fetches the modules of the screens `offered`, one after the other, so that a screen
/// opened later opens without the network (a driver who loses signal in a stairwell can
/// still look at the shifts). A module already here costs nothing; one that fails is
/// fetched again the next time this runs.
pub fn preload(offered: Offered) {
    spawn_local(async move {
        // Each load resolves at once when the module is already in.
        let _ = signals::preload_panel().await;
        let _ = preload_week().await;
        let _ = preload_request().await;
        let _ = preload_intake().await;
        let _ = preload_stock().await;
        let _ = preload_people().await;
        let _ = preload_money().await;
        let _ = preload_report().await;
        let _ = preload_replay().await;
        if offered.settings {
            let _ = preload_settings().await;
        }
        if offered.standing {
            let _ = preload_standing().await;
        }
        if offered.audit {
            let _ = preload_audit().await;
        }
        if offered.import {
            let _ = preload_import().await;
        }
    });
}
