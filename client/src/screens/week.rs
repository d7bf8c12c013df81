//! My week, on a phone: the signed-in member's shifts, the deliveries they drive, the
//! commitments that fall in the next seven days and a term of theirs that ends, day by
//! day in the group's local time; then the roles they hold with their key tasks. Read over
//! HTTP (`/api/week`) and again whenever the log moves.

use leptos::prelude::*;
use shared::view::{WeekItem, WeekView};

use crate::api;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::route::Route;
use crate::ui::{format, words};

#[component]
pub fn WeekScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let shown = LocalResource::new(move || {
        ctx.live.with(|live| live.position);
        api::get_json::<WeekView>("/api/week")
    });
    view! {
        <main class="week-screen" data-testid="week-screen">
            <h2>{move || i.t("week.title")}</h2>
            {move || match shown.get() {
                None => view! { <p>{i.t("people.loading")}</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any(),
                Some(Ok(week)) => days(i, &week).into_any(),
            }}
        </main>
    }
}

fn days(i: I18n, week: &WeekView) -> impl IntoView + use<> {
    let mut sections = Vec::new();
    for day in week.today..week.today + shared::view::WEEK_DAYS {
        let items: Vec<&WeekItem> = week.items.iter().filter(|item| item.day() == day).collect();
        if items.is_empty() {
            continue;
        }
        let title = if day == week.today { i.t("week.today") } else { words::date(i, day) };
        let rows = items.into_iter().map(|item| row(i, item)).collect_view();
        sections.push(view! {
            <section class="week-day" data-testid="week-day" data-day=day.to_string()>
                <h3>{title}</h3>
                <ul>{rows}</ul>
            </section>
        });
    }
    let empty = sections.is_empty().then(|| {
        view! { <p class="empty" data-testid="week-empty">{i.t("week.nothing")}</p> }
    });
    let roles = week
        .roles
        .iter()
        .map(|role| {
            let tasks = role.key_tasks.join(" · ");
            let until =
                i.tf("week.term_until", &[("date", &words::date(i, role.term_ends_on_day))]);
            view! {
                <li data-testid="week-role"><strong>{role.title.clone()}</strong> " — " {until}
                    {(!tasks.is_empty()).then(|| view! { <div class="hint">{tasks.clone()}</div> })}
                </li>
            }
        })
        .collect_view();
    let has_roles = !week.roles.is_empty();
    view! {
        {empty}
        {sections}
        {has_roles.then(|| view! { <section data-testid="week-roles"><h3>{i.t("week.roles")}</h3><ul>{roles}</ul></section> })}
    }
}

fn row(i: I18n, item: &WeekItem) -> impl IntoView + use<> {
    match item {
        WeekItem::Shift { task, starts_at_ms, ends_at_ms, checked_in, .. } => view! {
            <li data-testid="week-item" data-what="shift">
                <strong>{format::window(*starts_at_ms, *ends_at_ms)}</strong> " " {i.tf("week.shift", &[("task", task)])}
                {checked_in.then(|| view! { " · " {i.t("week.checked_in")} })}
                " " <a href=Route::People.href()>{i.t("nav.people")}</a>
            </li>
        }
        .into_any(),
        WeekItem::Delivery { number, kind, zone, window_start_ms, window_end_ms, .. } => {
            let what = if *kind == shared::distribution::DeliveryKind::Pickup {
                i.t("kind.pickup")
            } else {
                i.t("kind.delivery")
            };
            view! {
                <li data-testid="week-item" data-what="delivery">
                    <strong>{format::window(*window_start_ms, *window_end_ms)}</strong> " " {what} " "
                    <a href=Route::Request(number.to_string()).href()>{crate::ui::board::number(*number)}</a> " · " {zone.to_string()}
                </li>
            }
            .into_any()
        }
        WeekItem::Commitment { task, minutes, .. } => view! {
            <li data-testid="week-item" data-what="commitment">
                {i.tf("week.commitment", &[("task", task), ("hours", &format::hours(i64::from(*minutes)))])}
            </li>
        }
        .into_any(),
        WeekItem::TermEnds { title, .. } => view! {
            <li data-testid="week-item" data-what="term">{i.tf("week.term_ends", &[("role", title)])}</li>
        }
        .into_any(),
    }
}
