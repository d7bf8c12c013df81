//! Starting a standing order, and a household's orders: shared by the standing orders
//! screen (an order typed from nothing) and a request's page (an order from the request's
//! household and lines).

use leptos::prelude::*;
use shared::distribution::day::Weekday;
use shared::distribution::{ContactChannel, DeliveryKind, NeedCategory, RequestLine};
use shared::standing::Command;
use shared::view::StandingView;

use crate::api;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::route::Route;
use crate::ui::form::{ActionForm, Check, Choice, Field, parse_slug, slug};
use crate::ui::{choices, format, words};

/// The fields of a new order, as typed (or taken from a request: then `lines` are its
/// lines, and `item` and `quantity` are not asked).
#[derive(Clone, Debug, Default)]
pub struct NewOrder {
    pub household: String,
    pub zone: String,
    pub size: String,
    pub language: String,
    /// Food unless a request says otherwise.
    pub need: Option<NeedCategory>,
    pub lines: Vec<RequestLine>,
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
    let (Some(window_start_minute), Some(window_end_minute)) =
        (format::minute(&new.from_time), format::minute(&new.until_time))
    else {
        return Err(i.t("standing.bad_window"));
    };
    let starts_on_day = format::parse_date(&new.starts).ok_or_else(|| i.t("standing.bad_dates"))?;
    let lines = if new.lines.is_empty() {
        let quantity = new.quantity.trim().parse::<i64>().ok().filter(|q| *q > 0);
        let quantity = quantity.ok_or_else(|| i.t("standing.bad_quantity"))?;
        vec![RequestLine { item_id: new.item.as_str().into(), quantity }]
    } else {
        new.lines.clone()
    };
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
        need_category: new.need.unwrap_or(NeedCategory::Food),
        lines,
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

/// What a new order starts from: nothing (a household id to type), or a request's
/// household and lines.
#[derive(Clone, Debug, Default)]
pub struct Prefill {
    pub household: String,
    pub zone: String,
    pub size: i64,
    /// Food unless a request says otherwise.
    pub need: Option<NeedCategory>,
    pub lines: Vec<RequestLine>,
}

/// The form that starts a standing order, from `prefill`.
#[component]
pub fn StartOrderForm(
    prefill: Prefill,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let text = |value: &str| RwSignal::new(value.to_owned());
    let from_request = !prefill.lines.is_empty();
    let household = text(&prefill.household);
    let zone = text(&prefill.zone);
    let size = text(&prefill.size.max(1).to_string());
    let (need, lines) = (prefill.need, StoredValue::new(prefill.lines));
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
            need,
            lines: lines.get_value(),
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
            <ActionForm test_id="start-order-form" submit="standing.start" action=action on_done=on_done.unwrap_or(Callback::new(|()| {}))>
                {(!from_request).then(|| view! {
                    <Field id="order-household" label="standing.household" value=household required=true />
                    <Choice id="order-zone" label="intake.zone" options=choices::zones() value=zone />
                    <Field id="order-size" label="intake.household_size" value=size kind="number" />
                })}
                <Choice id="order-language" label="intake.language" options=choices::languages() value=language />
                {(!from_request).then(|| view! {
                    <Choice id="order-item" label="intake.item" options=choices::items() value=item required=true />
                    <Field id="order-quantity" label="intake.quantity" value=quantity kind="number" required=true />
                })}
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

/// The standing orders of one household, each with its next date, and a link to them all.
#[component]
pub fn HouseholdOrders(household_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let household = StoredValue::new(household_id);
    let shown = LocalResource::new(move || {
        ctx.live.with(|live| live.position);
        api::get_json::<StandingView>("/api/standing")
    });
    move || {
        let view = shown.get()?.ok()?;
        let rows = household.with_value(|household| {
            view.orders
                .iter()
                .filter(|o| o.household_id.as_str() == household)
                .map(|o| {
                    let next = o.next_date.map_or_else(|| "—".to_owned(), |d| words::date(i, d));
                    view! {
                        <li data-testid="household-order" data-order-id=o.order_id.to_string()>
                            {i.t("standing.next")} ": " {next}
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        });
        let none = rows.is_empty();
        Some(view! {
            <section class="household-orders" data-testid="household-orders">
                <h3>{i.t("standing.title")}</h3>
                {none.then(|| view! { <p class="hint">{i.t("standing.household_none")}</p> })}
                <ul>{rows}</ul>
                <p><a href=Route::Standing.href()>{i.t("standing.all")}</a></p>
            </section>
        })
    }
}
