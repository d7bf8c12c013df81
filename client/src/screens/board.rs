//! The live board for the wall screen: open requests in columns by stage, today's
//! deliveries by driver, open procurement alerts, low and expiring stock, and the people
//! signals the group should act on.

use leptos::prelude::*;

use crate::ctx::use_ctx;
use crate::i18n::use_i18n;
use crate::ui::board::{Fit, alerts_view, columns_view, deliveries_view, stock_view};
use crate::ui::{signals, split};

#[component]
pub fn BoardScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let (live, now) = (ctx.live, ctx.now);
    let drawn = Memo::new(move |_| live.with(|l| l.position.is_some()));
    // The board takes the height the header leaves, which changes as the header wraps (a
    // narrower window, a longer language): measured once drawn, and again on each change.
    let board = NodeRef::<leptos::html::Main>::new();
    let height = RwSignal::new(None::<f64>);
    Effect::new(move || {
        ctx.viewport.track();
        i.lang.track();
        if let Some(element) = board.get() {
            request_animation_frame(move || height.set(Some(f64::from(element.client_height()))));
        }
    });
    let fit = Memo::new(move |_| {
        let (width, window_height) = ctx.viewport.get();
        Fit::of(width, height.get().unwrap_or(window_height))
    });
    view! {
        <main class="board-screen" data-testid="board-screen" node_ref=board>
            <section class="columns" aria-label=move || i.t("board.columns")>
                {move || live.with(|l| columns_view(i, l, now.get(), fit.get()))}
            </section>
            <section class="panels">
                <section class="panel" data-testid="deliveries-today" aria-labelledby="deliveries-title">
                    <h2 id="deliveries-title">{move || i.t("board.deliveries_today")}</h2>
                    <div class="lanes" style:column-count=move || fit.get().lanes.to_string()>{move || live.with(|l| deliveries_view(i, l, now.get(), fit.get()))}</div>
                </section>
                <section class="panel" data-testid="procurement-alerts" aria-labelledby="alerts-title">
                    <h2 id="alerts-title">{move || i.t("board.alerts")}</h2>
                    {move || live.with(|l| alerts_view(i, l, now.get(), fit.get()))}
                </section>
                <section class="panel" data-testid="stock-warnings" aria-labelledby="stock-title">
                    <h2 id="stock-title">{move || i.t("board.stock_warnings")}</h2>
                    {move || live.with(|l| stock_view(i, l, now.get(), fit.get()))}
                </section>
                <section class="panel" data-testid="people-signals" aria-labelledby="people-title">
                    <h2 id="people-title">{move || i.t("board.people")}</h2>
                    // Loaded once the board has its data, so it never delays the board.
                    {move || drawn.get().then(|| split::show(signals::panel(Signal::derive(move || fit.get().rows))))}
                </section>
            </section>
        </main>
    }
}
