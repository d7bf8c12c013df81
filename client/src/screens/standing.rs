//! Standing orders: every household that gets the same items on the same weekdays, with its
//! next date, who is paused and what is skipped; a form to start one, and a date to skip, a
//! pause and an end for each. The server logs each date's request a few days ahead; those
//! requests are ordinary cards on the board, marked ↻. Read over HTTP (`/api/standing`)
//! and again whenever the log moves.

use leptos::prelude::*;
use shared::distribution::{DeliveryKind, RequestLine};
use shared::standing::Command;
use shared::view::{StandingRow, StandingView};

use crate::api;
use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::form::{ActionButton, ActionForm, Choice, Field, slug};
use crate::ui::standing::{Prefill, StartOrderForm};
use crate::ui::{choices, format, words};

#[component]
pub fn StandingScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let changed = RwSignal::new(0u32);
    // Read again after a change here, and whenever the log moves (a skip, a date logged).
    let shown = LocalResource::new(move || {
        changed.track();
        ctx.live.with(|live| live.position);
        api::get_json::<StandingView>("/api/standing")
    });
    let on_done = Callback::new(move |()| changed.update(|n| *n += 1));
    view! {
        <main class="standing-screen" data-testid="standing-screen">
            <h2>{move || i.t("standing.title")}</h2>
            <p class="hint">{move || i.t("standing.hint")}</p>
            {move || match shown.get() {
                None => view! { <p>{i.t("people.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any(),
                Some(Ok(view)) if view.orders.is_empty() => view! { <p class="empty" data-testid="no-orders">{i.t("standing.none")}</p> }.into_any(),
                Some(Ok(view)) => {
                    let rows = view.orders.into_iter().map(|row| view! { <Order row=row today=view.today on_done=on_done /> }).collect_view();
                    view! { <ul class="orders" data-testid="orders">{rows}</ul> }.into_any()
                }
            }}
            {ctx.may(kinds::Standing::StartStandingOrder).then(|| view! { <StartOrderForm prefill=Prefill::default() on_done=on_done /> })}
        </main>
    }
}

/// "Monday and Thursday, every 2 weeks, 10:00–12:00".
fn rhythm(i: I18n, row: &StandingRow) -> String {
    let days: Vec<String> =
        row.weekdays.iter().map(|d| i.t(&format!("weekday.{}", slug(d)))).collect();
    let every = if row.interval_weeks > 1 {
        i.tf("standing.every_weeks", &[("n", &row.interval_weeks.to_string())])
    } else {
        i.t("commit.every_week")
    };
    let window = format!(
        "{}–{}",
        format::hh_mm(row.window_start_minute),
        format::hh_mm(row.window_end_minute)
    );
    format!("{} · {every} · {window}", days.join(", "))
}

#[component]
fn Order(row: StandingRow, today: i64, on_done: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let items = ctx.live.with_untracked(|live| {
        let lines: Vec<String> = row
            .lines
            .iter()
            .map(|l| format!("{} × {}", l.quantity, live.item_name(l.item_id.as_str())))
            .collect();
        lines.join(", ")
    });
    let next = row.next_date.map(|day| words::date(i, day));
    let status = match (row.ended_from_day, row.paused_until) {
        (Some(day), _) if day <= today => i.t("standing.ended"),
        (_, Some(until)) => i.tf("standing.paused_until", &[("date", &words::date(i, until))]),
        _ => String::new(),
    };
    let skipped: Vec<String> = row.skipped.iter().map(|d| words::date(i, *d)).collect();
    let id = StoredValue::new(row.order_id.to_string());
    let running = row.ended_from_day.is_none_or(|day| day > today);
    let manage = ctx.may(kinds::Standing::PauseStandingOrder) && running;
    let next_day = row.next_date;
    let pause_from = RwSignal::new(String::new());
    let pause_until = RwSignal::new(String::new());
    let (from_id, until_id) =
        (format!("pause-from-{}", row.order_id), format!("pause-until-{}", row.order_id));
    let (item_id, quantity_id, change_from_id) = (
        format!("change-item-{}", row.order_id),
        format!("change-quantity-{}", row.order_id),
        format!("change-from-{}", row.order_id),
    );
    let current = StoredValue::new(row.lines.clone());
    let item = RwSignal::new(String::new());
    let quantity = RwSignal::new(String::new());
    let change_from = RwSignal::new(format::date(next_day.unwrap_or(today)));
    view! {
        <li class="order card" data-testid="standing-order" data-order-id=row.order_id.to_string()>
            <div class="card-top">
                <strong>{row.household_id.to_string()}</strong> " · " {row.zone.to_string()} " · "
                {i.t(if row.kind == DeliveryKind::Pickup { "kind.pickup" } else { "kind.delivery" })}
            </div>
            <div>{rhythm(i, &row)}</div>
            <div class="card-items">{items}</div>
            <div data-testid="next-date">
                {i.t("standing.next")} ": " {next.unwrap_or_else(|| "—".to_owned())}
                {(!status.is_empty()).then(|| view! { " · " <strong data-testid="order-status">{status.clone()}</strong> })}
            </div>
            {(!skipped.is_empty()).then(|| view! { <div class="hint">{i.t("standing.skipped")} ": " {skipped.join(", ")}</div> })}
            {(manage && next_day.is_some()).then(|| view! {
                <ActionButton test_id="skip-next" label="standing.skip_next" class="secondary"
                    action=move || id.with_value(|id| skip(i, id, next_day.unwrap_or(today))) />
            })}
            {manage.then(|| view! {
                <details>
                    <summary>{i.t("standing.pause")}</summary>
                    <ActionForm test_id="pause-form" submit="standing.pause" class="inline-form" on_done=on_done
                        action=move || id.with_value(|id| pause(i, id, &pause_from.get_untracked(), &pause_until.get_untracked()))>
                        <Field id=from_id.clone() label="standing.pause_from" value=pause_from kind="date" required=true />
                        <Field id=until_id.clone() label="standing.pause_until" value=pause_until kind="date" required=true />
                    </ActionForm>
                </details>
                <details>
                    <summary>{i.t("standing.change_items")}</summary>
                    <p class="hint">{i.t("standing.change_hint")}</p>
                    <ActionForm test_id="change-items-form" submit="standing.change_items" class="inline-form" on_done=on_done
                        action=move || id.with_value(|id| current.with_value(|lines| {
                            change_items(i, id, lines, (&item.get_untracked(), &quantity.get_untracked()), &change_from.get_untracked())
                        }))>
                        <Choice id=item_id.clone() label="intake.item" options=choices::items() value=item required=true />
                        <Field id=quantity_id.clone() label="intake.quantity" value=quantity kind="number" required=true />
                        <Field id=change_from_id.clone() label="standing.pause_from" value=change_from kind="date" required=true />
                    </ActionForm>
                </details>
                <ActionButton test_id="end-order" label="standing.end" class="secondary"
                    action=move || id.with_value(|id| end(i, id, today + 1)) />
            })}
        </li>
    }
}

/// What skipping one date sends.
pub fn skip(i: I18n, order_id: &str, day: i64) -> Result<Action, String> {
    let command = Command::SkipStandingDate { order_id: order_id.into(), day };
    Action::new(i.tf("standing.skip_done", &[("date", &words::date(i, day))]), &command)
}

/// What pausing sends: from one date until (not including) another.
pub fn pause(i: I18n, order_id: &str, from: &str, until: &str) -> Result<Action, String> {
    let (Some(from_day), Some(until_day)) = (format::parse_date(from), format::parse_date(until))
    else {
        return Err(i.t("standing.bad_dates"));
    };
    let command = Command::PauseStandingOrder { order_id: order_id.into(), from_day, until_day };
    Action::new(i.t("standing.pause"), &command)
}

/// What changing the items sends: the order's `current` lines with `item` at `quantity`
/// (added if new, left out at zero), from the date `from` on.
pub fn change_items(
    i: I18n,
    order_id: &str,
    current: &[RequestLine],
    (item, quantity): (&str, &str),
    from: &str,
) -> Result<Action, String> {
    let quantity = quantity.trim().parse::<i64>().ok().filter(|q| *q >= 0);
    let quantity = quantity.ok_or_else(|| i.t("standing.bad_quantity"))?;
    let from_day = format::parse_date(from).ok_or_else(|| i.t("standing.bad_dates"))?;
    let mut lines: Vec<RequestLine> =
        current.iter().filter(|l| l.item_id.as_str() != item).cloned().collect();
    if quantity > 0 {
        lines.push(RequestLine { item_id: item.into(), quantity });
    }
    let command = Command::ChangeStandingItems { order_id: order_id.into(), from_day, lines };
    Action::new(i.t("standing.change_items"), &command)
}

/// What ending sends: no dates from `from_day` on.
pub fn end(i: I18n, order_id: &str, from_day: i64) -> Result<Action, String> {
    let command = Command::EndStandingOrder {
        order_id: order_id.into(),
        from_day,
        reason: i.t("standing.ended_here"),
    };
    Action::new(i.t("standing.end"), &command)
}
