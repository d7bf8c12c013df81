//! Loading a part of the client on demand: what a split point returns when its module
//! cannot be fetched, and how a view waits for its module. The split points themselves are
//! `#[wasm_split]` functions: the screens' in `crate::lazy`, the board's people panel in
//! [`crate::ui::signals`].

use std::pin::Pin;

use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::ctx::use_ctx;
use crate::i18n::use_i18n;

/// A screen's module could not be fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// What a split point's call returns: the view, once its module is here.
pub type Loading = Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>;

/// The screen `load` brings, drawn once its module is here; a screen that could not be
/// fetched says so and offers to try again.
pub fn show(load: impl Future<Output = Result<AnyView, NotLoaded>> + 'static) -> AnyView {
    shown(Box::pin(load))
}

/// [`show`] without a copy of its code for each split point.
fn shown(load: Loading) -> AnyView {
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
