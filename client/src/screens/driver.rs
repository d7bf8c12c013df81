//! A driver's phone: today's deliveries assigned to them, each with what to bring, the
//! household's address (a map link) and phone (a call link), and the ones nobody has
//! claimed yet. A completion stays undoable by its driver for ten minutes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::distribution::{DeliveryCard, DeliveryKind, DeliveryStatus};
use shared::view::Contact;

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::use_i18n;
use crate::route::Route;
use crate::ui::delivery::DeliveryButtons;
use crate::ui::{board, contact, format, labels};

#[component]
pub fn DriverScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    // Today's deliveries that `keep` picks, by window.
    let today = move |keep: &dyn Fn(&DeliveryCard) -> bool| {
        let today = format::day_of(ctx.now.get());
        ctx.live.with(|live| {
            let mut chosen: Vec<DeliveryCard> = live
                .board
                .deliveries
                .values()
                .filter(|d| format::day_of(d.window_start_ms) == today && keep(d))
                .cloned()
                .collect();
            chosen.sort_by(|a, b| {
                (a.window_start_ms, &a.delivery_id).cmp(&(b.window_start_ms, &b.delivery_id))
            });
            chosen
        })
    };
    let mine = Memo::new(move |_| {
        today(&|d: &DeliveryCard| d.driver_id.as_ref().is_some_and(|id| id.as_str() == me))
    });
    let open = Memo::new(move |_| {
        today(&|d: &DeliveryCard| {
            d.driver_id.is_none()
                && d.kind == DeliveryKind::Delivery
                && d.status == DeliveryStatus::Scheduled
        })
    });
    view! {
        <main class="driver-screen" data-testid="driver-screen">
            <h2>{move || i.t("driver.title")}</h2>
            {move || {
                let mine = mine.get();
                if mine.is_empty() {
                    return view! { <p class="empty">{i.t("driver.none")}</p> }.into_any();
                }
                mine.into_iter().map(|d| view! { <DeliveryCardView delivery=d mine=true /> }).collect_view().into_any()
            }}
            <h2>{move || i.t("driver.open")}</h2>
            {move || {
                let open = open.get();
                if open.is_empty() {
                    return view! { <p class="empty">{i.t("driver.none_open")}</p> }.into_any();
                }
                open.into_iter().map(|d| view! { <DeliveryCardView delivery=d mine=false /> }).collect_view().into_any()
            }}
        </main>
    }
}

/// One delivery on the driver's phone: when, which request, where, what to bring; for their
/// own, the household's address and phone while it is under way; and the buttons.
#[component]
fn DeliveryCardView(delivery: DeliveryCard, mine: bool) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let d = delivery;
    let number = board::number(d.request_number);
    let items = ctx.live.with_untracked(|live| {
        d.lines
            .iter()
            .map(|line| format!("{} × {}", line.quantity, live.item_name(line.item_id.as_str())))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let status = labels::delivery_status(d.status);
    view! {
        <article class="delivery driver-card" data-testid=if mine { "my-delivery" } else { "open-delivery" }
            data-delivery-id=d.delivery_id.to_string() data-request-id=d.request_id.to_string()
            data-status=status.trim_start_matches("delivery.")>
            <h3>
                <span class="time">{format::window(d.window_start_ms, d.window_end_ms)}</span> " · "
                <a href=Route::Request(d.request_number.to_string()).href()>{number.clone()}</a>
                " · " {d.zone.to_string()}
            </h3>
            {(!items.is_empty()).then(|| view! {
                <p class="driver-items" data-testid="driver-items"><strong>{i.t("driver.items")} ": "</strong>{items}</p>
            })}
            <p><em>{i.t(status)}</em>
                {d.confirmed.then(|| format!(" ✓ {}", i.t("delivery.confirmed")))}</p>
            {(mine && d.status.is_active()).then(|| view! { <DriverContact request_id=d.request_id.to_string() /> })}
            <DeliveryButtons delivery_id=d.delivery_id.to_string() named=number kind=d.kind status=d.status
                driver_id=d.driver_id.as_ref().map(|id| id.to_string()) completed=d.completed.clone() />
        </article>
    }
}

/// The address and phone of a household this driver delivers to today, fetched once.
#[component]
fn DriverContact(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let shown = RwSignal::new(None::<Result<Contact, Failure>>);
    spawn_local(async move {
        let answer = api::contact(&request_id).await;
        shown.try_set(Some(answer));
    });
    move || shown.get().map(|answer| contact::details(i, answer))
}
