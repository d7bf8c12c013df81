//! Standing orders: every household that gets the same items on the same weekdays, with its
//! next date, who is paused and what is skipped; a form to start one, and a date to skip, a
//! pause and an end for each. The server logs each date's request a few days ahead; those
//! requests are ordinary cards on the board, marked ↻. Read over HTTP (`/api/standing`)
//! and again whenever the log moves.

use leptos::prelude::*;
use shared::distribution::day::Weekday;
use shared::distribution::{ContactChannel, DeliveryKind, NeedCategory, RequestLine};
use shared::standing::Command;
use shared::view::{StandingRow, StandingView};

use crate::api;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::ui::form::{ActionButton, ActionForm, Check, Choice, Field, parse_slug, slug};
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
            {ctx.may("StartStandingOrder").then(|| view! { <StartForm on_done=on_done /> })}
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
    let minutes = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    let window = format!("{}–{}", minutes(row.window_start_minute), minutes(row.window_end_minute));
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
    let manage = ctx.may("PauseStandingOrder") && running;
    let next_day = row.next_date;
    let pause_from = RwSignal::new(String::new());
    let pause_until = RwSignal::new(String::new());
    let (from_id, until_id) =
        (format!("pause-from-{}", row.order_id), format!("pause-until-{}", row.order_id));
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

/// What ending sends: no dates from `from_day` on.
pub fn end(i: I18n, order_id: &str, from_day: i64) -> Result<Action, String> {
    let command = Command::EndStandingOrder {
        order_id: order_id.into(),
        from_day,
        reason: i.t("standing.ended_here"),
    };
    Action::new(i.t("standing.end"), &command)
}

/// The fields of a new order, as typed.
#[derive(Clone, Debug, Default)]
pub struct NewOrder {
    pub household: String,
    pub zone: String,
    pub size: String,
    pub language: String,
    pub item: String,
    pub quantity: String,
    pub weekdays: Vec<String>,
    pub every: String,
    pub from_time: String,
    pub until_time: String,
    pub pickup: bool,
    pub starts: String,
}

/// What starting an order sends.
pub fn start(i: I18n, new: &NewOrder) -> Result<Action, String> {
    let minute = |text: &str| format::parse_clock(text).map(|ms| (ms / 60_000) as u32);
    let (Some(window_start_minute), Some(window_end_minute)) =
        (minute(&new.from_time), minute(&new.until_time))
    else {
        return Err(i.t("standing.bad_window"));
    };
    let starts_on_day = format::parse_date(&new.starts).ok_or_else(|| i.t("standing.bad_dates"))?;
    let quantity = new.quantity.trim().parse::<i64>().ok().filter(|q| *q > 0);
    let quantity = quantity.ok_or_else(|| i.t("standing.bad_quantity"))?;
    let weekdays: Vec<Weekday> = new.weekdays.iter().filter_map(|d| parse_slug(d)).collect();
    if weekdays.is_empty() {
        return Err(i.t("standing.no_weekday"));
    }
    let household = new.household.trim();
    if household.is_empty() {
        return Err(i.t("standing.no_household"));
    }
    let command = Command::StartStandingOrder {
        order_id: new_id("so").as_str().into(),
        household_id: household.into(),
        need_category: NeedCategory::Food,
        lines: vec![RequestLine { item_id: new.item.as_str().into(), quantity }],
        household_size: new.size.trim().parse().unwrap_or(1),
        zone: new.zone.trim().into(),
        preferred_language: new.language.trim().to_owned(),
        contact_channel: ContactChannel::Phone,
        kind: if new.pickup { DeliveryKind::Pickup } else { DeliveryKind::Delivery },
        weekdays,
        interval_weeks: new.every.parse().unwrap_or(1),
        window_start_minute,
        window_end_minute,
        starts_on_day,
    };
    Action::new(i.tf("standing.start_done", &[("household", household)]), &command)
}

#[component]
fn StartForm(on_done: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let text = |value: &str| RwSignal::new(value.to_owned());
    let household = text("");
    let zone = text("");
    let size = text("1");
    let language = RwSignal::new(i.lang.get_untracked().tag().to_owned());
    let item = text("");
    let quantity = text("1");
    let every = text("1");
    let from_time = text("10:00");
    let until_time = text("12:00");
    let pickup = RwSignal::new(false);
    let starts = text(&format::date(format::day_of(ctx.now.get_untracked()) + 1));
    let days: Vec<(Weekday, RwSignal<bool>)> =
        Weekday::ALL.into_iter().map(|d| (d, RwSignal::new(false))).collect();
    let chosen = StoredValue::new(days.clone());
    let everies = choices::keyed(&[
        ("1", "commit.every_week"),
        ("2", "commit.every_2_weeks"),
        ("4", "commit.every_4_weeks"),
    ]);
    let action = move || {
        let weekdays = chosen.with_value(|days| {
            days.iter().filter(|(_, on)| on.get_untracked()).map(|(d, _)| slug(d)).collect()
        });
        let new = NewOrder {
            household: household.get_untracked(),
            zone: zone.get_untracked(),
            size: size.get_untracked(),
            language: language.get_untracked(),
            item: item.get_untracked(),
            quantity: quantity.get_untracked(),
            weekdays,
            every: every.get_untracked(),
            from_time: from_time.get_untracked(),
            until_time: until_time.get_untracked(),
            pickup: pickup.get_untracked(),
            starts: starts.get_untracked(),
        };
        start(i, &new)
    };
    let boxes = days
        .into_iter()
        .map(|(day, on)| {
            let key: &'static str = match day {
                Weekday::Monday => "weekday.monday",
                Weekday::Tuesday => "weekday.tuesday",
                Weekday::Wednesday => "weekday.wednesday",
                Weekday::Thursday => "weekday.thursday",
                Weekday::Friday => "weekday.friday",
                Weekday::Saturday => "weekday.saturday",
                Weekday::Sunday => "weekday.sunday",
            };
            view! { <Check id=format!("order-{}", slug(&day)) label=key value=on /> }
        })
        .collect_view();
    view! {
        <section class="stacked" data-testid="start-order">
            <h3>{move || i.t("standing.start")}</h3>
            <ActionForm test_id="start-order-form" submit="standing.start" action=action on_done=on_done>
                <Field id="order-household" label="standing.household" value=household required=true />
                <Choice id="order-zone" label="intake.zone" options=choices::zones() value=zone />
                <Field id="order-size" label="intake.household_size" value=size kind="number" />
                <Choice id="order-language" label="intake.language" options=choices::languages() value=language />
                <Choice id="order-item" label="intake.item" options=choices::items() value=item required=true />
                <Field id="order-quantity" label="intake.quantity" value=quantity kind="number" required=true />
                <fieldset class="weekdays"><legend>{move || i.t("standing.weekdays")}</legend>{boxes}</fieldset>
                <Choice id="order-every" label="standing.every" options=everies value=every />
                <Field id="order-from" label="standing.window_from" value=from_time kind="time" required=true />
                <Field id="order-until" label="standing.window_until" value=until_time kind="time" required=true />
                <Check id="order-pickup" label="standing.pickup" value=pickup />
                <Field id="order-starts" label="standing.starts" value=starts kind="date" required=true />
            </ActionForm>
        </section>
    }
}
