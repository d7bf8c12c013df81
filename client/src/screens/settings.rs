//! The group's own settings, for its coordinators: the zones intake chooses from, and when a
//! card on the board turns late, step by step. Each change is an event like any other, so
//! the replay and the audit show who changed what and when.

use leptos::prelude::*;
use shared::distribution::{Command, LateAfter};

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::form::{ActionButton, ActionForm, Choice, Choices, Field};

#[component]
pub fn SettingsScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !(ctx.may(kinds::Distribution::AddZone) || ctx.may(kinds::Distribution::SetLateAfter)) {
        return view! { <main><p data-testid="not-allowed">{move || i.t("error.not_allowed")}</p></main> }.into_any();
    }
    view! {
        <main class="settings-screen" data-testid="settings-screen">
            <h2>{move || i.t("settings.title")}</h2>
            <Zones />
            <TimeZone />
            <LateRules />
        </main>
    }
    .into_any()
}

/// What setting the time zone sends; the server fills in its offsets.
pub fn set_time_zone(i: I18n, zone: &str) -> Result<Action, String> {
    let zone = zone.trim();
    if zone.is_empty() {
        return Err(i.t("settings.no_time_zone"));
    }
    let command = Command::SetTimeZone { zone: zone.to_owned(), offsets: Vec::new() };
    Action::new(i.tf("settings.time_zone_done", &[("zone", zone)]), &command)
}

/// The group's time zone, and a form to change it.
#[component]
fn TimeZone() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.may(kinds::Distribution::SetTimeZone) {
        return None;
    }
    let zone = RwSignal::new(String::new());
    let on_done = Callback::new(move |()| zone.set(String::new()));
    let now = move || {
        let name = ctx.live.with(|live| live.board.clock.zone_name().to_owned());
        i.tf("settings.time_zone_now", &[("zone", &name)])
    };
    Some(view! {
        <section class="stacked" data-testid="time-zone">
            <h3>{move || i.t("settings.time_zone")}</h3>
            <p class="hint">{move || i.t("settings.time_zone_hint")}</p>
            <p data-testid="time-zone-now"><strong>{now}</strong></p>
            <ActionForm test_id="time-zone-form" submit="settings.time_zone_submit" class="inline-form"
                on_done=on_done action=move || set_time_zone(i, &zone.get_untracked())>
                <Field id="time-zone-name" label="settings.time_zone" value=zone required=true />
            </ActionForm>
        </section>
    })
}

/// What adding a zone sends.
pub fn add_zone(i: I18n, zone: &str) -> Result<Action, String> {
    let zone = zone.trim();
    Action::new(
        i.tf("settings.add_zone_done", &[("zone", zone)]),
        &Command::AddZone { zone: zone.into() },
    )
}

/// What removing a zone sends.
pub fn remove_zone(i: I18n, zone: &str) -> Result<Action, String> {
    let command = Command::RemoveZone { zone: zone.into() };
    Action::new(i.tf("settings.remove_zone_done", &[("zone", zone)]), &command)
}

/// The zones, each with its remove button, and a form to add one.
#[component]
fn Zones() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let zone = RwSignal::new(String::new());
    let on_done = Callback::new(move |()| zone.set(String::new()));
    let zones = move || {
        let zones = ctx.live.with(|live| live.board.zones.clone());
        if zones.is_empty() {
            return view! { <p class="hint" data-testid="no-zones">{i.t("settings.no_zones")}</p> }
                .into_any();
        }
        let rows = zones
            .into_iter()
            .map(|zone| {
                let name = StoredValue::new(zone.to_string());
                view! {
                    <li data-testid="zone" data-zone=zone.to_string()>
                        <span>{zone.to_string()}</span> " "
                        <ActionButton test_id="remove-zone" label="settings.remove_zone" class="secondary"
                            action=move || name.with_value(|zone| remove_zone(i, zone)) />
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="zones">{rows}</ul> }.into_any()
    };
    view! {
        <section class="stacked" data-testid="zones">
            <h3>{move || i.t("settings.zones")}</h3>
            <p class="hint">{move || i.t("settings.zones_hint")}</p>
            {zones}
            <ActionForm test_id="add-zone" submit="settings.add_zone" class="inline-form" on_done=on_done
                action=move || add_zone(i, &zone.get_untracked())>
                <Field id="zone-name" label="settings.zone" value=zone required=true />
            </ActionForm>
        </section>
    }
}

/// A length of time as a number and its unit ("45", "minutes"), the largest unit that
/// says it exactly.
pub fn split_minutes(minutes: u32) -> (String, &'static str) {
    if minutes > 0 && minutes.is_multiple_of(24 * 60) {
        ((minutes / (24 * 60)).to_string(), "days")
    } else if minutes > 0 && minutes.is_multiple_of(60) {
        ((minutes / 60).to_string(), "hours")
    } else {
        (minutes.to_string(), "minutes")
    }
}

/// A number and its unit in minutes; `None` for anything but a whole number above zero.
pub fn to_minutes(number: &str, unit: &str) -> Option<u32> {
    let number: u32 = number.trim().parse().ok().filter(|n| *n > 0)?;
    let per = match unit {
        "days" => 24 * 60,
        "hours" => 60,
        _ => 1,
    };
    number.checked_mul(per)
}

/// What setting the late rules sends: each step's number and unit.
pub fn set_late_after(i: I18n, rules: [(String, String); 5]) -> Result<Action, String> {
    let minutes: Vec<u32> = rules
        .iter()
        .map(|(number, unit)| to_minutes(number, unit).ok_or_else(|| i.t("settings.bad_time")))
        .collect::<Result<_, _>>()?;
    let rules = LateAfter {
        unchecked_minutes: minutes[0],
        awaiting_stock_minutes: minutes[1],
        unscheduled_minutes: minutes[2],
        out_minutes: minutes[3],
        failed_minutes: minutes[4],
    };
    Action::new(i.t("settings.late_done"), &Command::SetLateAfter { rules })
}

/// The five steps a card can be late at, each as a number and a unit.
#[component]
fn LateRules() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.may(kinds::Distribution::SetLateAfter) {
        return None;
    }
    let now = ctx.live.with_untracked(|live| live.board.late_after);
    let current = [
        now.unchecked_minutes,
        now.awaiting_stock_minutes,
        now.unscheduled_minutes,
        now.out_minutes,
        now.failed_minutes,
    ];
    let fields: [(RwSignal<String>, RwSignal<String>); 5] = current.map(|minutes| {
        let (number, unit) = split_minutes(minutes);
        (RwSignal::new(number), RwSignal::new(unit.to_owned()))
    });
    let units = Signal::derive(move || -> Choices {
        ["minutes", "hours", "days"]
            .map(|unit| (unit.to_owned(), i.t(&format!("settings.unit_{unit}"))))
            .to_vec()
    });
    const STEPS: [(&str, &str); 5] = [
        ("late-check", "settings.late_check"),
        ("late-stock", "settings.late_stock"),
        ("late-schedule", "settings.late_schedule"),
        ("late-return", "settings.late_return"),
        ("late-reschedule", "settings.late_reschedule"),
    ];
    let rows = STEPS
        .into_iter()
        .zip(fields)
        .map(|((id, label), (number, unit))| {
            view! {
                <div class="line-input" data-testid=id>
                    <Field id=format!("{id}-number") label=label value=number kind="number" required=true />
                    <Choice id=format!("{id}-unit") label="settings.unit" options=units value=unit />
                </div>
            }
        })
        .collect_view();
    let action =
        move || set_late_after(i, fields.map(|(n, u)| (n.get_untracked(), u.get_untracked())));
    Some(view! {
        <section class="stacked" data-testid="late-rules">
            <h3>{move || i.t("settings.late")}</h3>
            <p class="hint">{move || i.t("settings.late_hint")}</p>
            <ActionForm test_id="late-form" submit="settings.late_submit" action=action>
                {rows}
            </ActionForm>
        </section>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_said_in_the_largest_exact_unit_and_read_back() {
        assert_eq!(split_minutes(45), ("45".to_owned(), "minutes"));
        assert_eq!(split_minutes(180), ("3".to_owned(), "hours"));
        assert_eq!(split_minutes(3 * 24 * 60), ("3".to_owned(), "days"));
        assert_eq!(to_minutes("3", "days"), Some(3 * 24 * 60));
        assert_eq!(to_minutes(" 90 ", "minutes"), Some(90));
        assert_eq!(to_minutes("0", "hours"), None);
        assert_eq!(to_minutes("1.5", "hours"), None);
    }
}
