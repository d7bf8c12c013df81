//! Shifts: the list a member signs up for, withdraws from, checks into and out of on a
//! phone; and for coordinators and logistics, planning a shift, correcting a member's times
//! from the paper sheet (with a reason) and recording that someone did not come.

use leptos::prelude::*;
use shared::distribution::day::Weekday;
use shared::people::{Command, Shift};
use shared::view::RosterView;

use super::skills;
use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::ui::form::{ActionButton, ActionForm, Choice, Choices, Field};
use crate::ui::{format, words};

/// The four buttons of a shift for the member using the page.
pub fn shift_action(i: I18n, key: &'static str, command: &Command) -> Result<Action, String> {
    Action::new(i.t(key), command)
}

pub fn sign_up(shift_id: &str, member_id: &str) -> Command {
    Command::SignUpForShift { shift_id: shift_id.into(), member_id: member_id.into() }
}

pub fn withdraw(shift_id: &str, member_id: &str) -> Command {
    Command::WithdrawFromShift { shift_id: shift_id.into(), member_id: member_id.into() }
}

pub fn check_in(shift_id: &str, member_id: &str) -> Command {
    Command::CheckInToShift { shift_id: shift_id.into(), member_id: member_id.into() }
}

pub fn check_out(shift_id: &str, member_id: &str) -> Command {
    Command::CheckOutOfShift { shift_id: shift_id.into(), member_id: member_id.into() }
}

/// Shifts from twelve hours ago on, with sign-up, withdrawal, check-in and check-out for the
/// member using the page.
#[component]
pub fn Shifts(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let now = view.now_ms;
    let rows = view
        .shifts
        .iter()
        .filter(|s| !s.cancelled && s.ends_at_ms + 12 * 3_600_000 >= now)
        .map(|s| shift_row(i, s, &me, now))
        .collect_view();
    view! {
        <section class="shifts" data-testid="shifts">
            <h2>{i.t("people.shifts")}</h2>
            <ul>{rows}</ul>
        </section>
    }
}

fn shift_row(i: I18n, s: &Shift, me: &str, now: i64) -> impl IntoView + use<> {
    let ctx = use_ctx();
    let mine = s.signed_up.iter().any(|m| m.as_str() == me);
    let attendance = s.attendance.iter().find(|(m, _)| m.as_str() == me).map(|(_, a)| a.clone());
    let started = now >= s.starts_at_ms;
    let id = s.shift_id.to_string();
    let who = ctx.live.with_untracked(|live| {
        s.signed_up
            .iter()
            .map(|m| live.member_name(m.as_str()).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let ids = StoredValue::new((id.clone(), me.to_owned()));
    let button = move |test_id: &'static str,
                       key: &'static str,
                       make: fn(&str, &str) -> Command| {
        view! {
            <ActionButton test_id=test_id label=key
                action=move || ids.with_value(|(shift, member)| shift_action(i, key, &make(shift, member))) />
        }
    };
    let sign_up = (!mine && !started && ctx.may(kinds::People::SignUpForShift))
        .then(|| button("sign-up", "shift.sign_up", sign_up));
    let withdraw = (mine && !started && attendance.is_none())
        .then(|| button("withdraw", "shift.withdraw", withdraw));
    let can_check_in = now >= s.starts_at_ms - 3_600_000 && now <= s.ends_at_ms;
    let check_in = (attendance.is_none() && can_check_in && ctx.may(kinds::People::CheckInToShift))
        .then(|| button("check-in", "shift.check_in", check_in));
    let check_out = attendance
        .as_ref()
        .filter(|a| a.checked_out_at_ms.is_none())
        .map(|_| button("check-out", "shift.check_out", check_out));
    let state = match &attendance {
        Some(a) => match a.minutes() {
            Some(minutes) => i.tf("shift.worked", &[("hours", &format::hours(minutes))]),
            None => i.tf("shift.checked_in", &[("time", &format::clock(a.checked_in_at_ms))]),
        },
        None if mine => i.t("shift.signed_up"),
        None => String::new(),
    };
    let short = (s.signed_up.len() as u32) < s.people_needed;
    let people = i.tf(
        "shift.people",
        &[("signed", &s.signed_up.len().to_string()), ("needed", &s.people_needed.to_string())],
    );
    view! {
        <li class="shift" class:short=short data-testid="shift" data-shift-id=id>
            <div>
                <strong>{s.task.clone()}</strong> " · " {words::date(i, format::day_of(s.starts_at_ms))} " "
                {format::window(s.starts_at_ms, s.ends_at_ms)}
            </div>
            <div class="hint">{people} {(!who.is_empty()).then(|| format!(": {who}"))}</div>
            <div data-testid="shift-state">{state}</div>
            <div class="buttons">{sign_up} {withdraw} {check_in} {check_out}</div>
        </li>
    }
}

/// What planning a shift sends: `date` from a date input, `from` and `to` from time inputs.
pub fn plan(
    i: I18n,
    task: &str,
    date: &str,
    (from, to): (&str, &str),
    needed: &str,
) -> Result<Action, String> {
    let day = format::parse_date(date);
    let times = day.and_then(|d| Some((format::at_clock(d, from)?, format::at_clock(d, to)?)));
    let (Some((starts_at_ms, ends_at_ms)), Ok(people_needed)) = (times, needed.trim().parse())
    else {
        return Err(i.t("shifts.bad_times"));
    };
    let command = Command::PlanShift {
        shift_id: new_id("shift").as_str().into(),
        task: task.trim().to_owned(),
        starts_at_ms,
        ends_at_ms,
        people_needed,
    };
    Action::new(i.t("shifts.plan"), &command)
}

/// What correcting a member's times on a shift of day `day` sends.
pub fn correct(
    i: I18n,
    (shift_id, member_id, day): (&str, &str, i64),
    (checked_in, checked_out): (&str, &str),
    reason: &str,
) -> Result<Action, String> {
    let (Some(checked_in_at_ms), Some(checked_out_at_ms)) =
        (format::at_clock(day, checked_in), format::at_clock(day, checked_out))
    else {
        return Err(i.t("shifts.bad_times"));
    };
    let command = Command::CorrectShiftTimes {
        shift_id: shift_id.into(),
        member_id: member_id.into(),
        checked_in_at_ms,
        checked_out_at_ms,
        reason: reason.trim().to_owned(),
    };
    Action::new(i.t("shifts.correct"), &command)
}

/// What recording an absence sends.
pub fn absent(i: I18n, shift_id: &str, member_id: &str) -> Result<Action, String> {
    let command =
        Command::RecordShiftAbsence { shift_id: shift_id.into(), member_id: member_id.into() };
    Action::new(i.t("shifts.absent"), &command)
}

/// A past shift as the correction form offers it: id, words, who signed up (with whether
/// their times are in), and its day.
#[derive(Clone, Debug, PartialEq)]
struct PastShift {
    shift_id: String,
    label: String,
    people: Vec<(String, &'static str)>,
    day: i64,
}

fn past_shifts(i: I18n, view: &RosterView) -> Vec<PastShift> {
    view.shifts
        .iter()
        .filter(|s| !s.cancelled && s.starts_at_ms <= view.now_ms)
        .rev()
        .take(20)
        .map(|s| {
            let label = format!(
                "{} · {} {}",
                s.task,
                words::date(i, format::day_of(s.starts_at_ms)),
                format::clock(s.starts_at_ms)
            );
            // Who signed up, and whether their times are in: an absence is recorded for
            // someone with none, once the shift is over.
            let people = s
                .signed_up
                .iter()
                .map(|m| {
                    let state = if s.absent.contains(m) {
                        "shifts.did_not_come"
                    } else if s.attendance.contains_key(m) {
                        ""
                    } else {
                        "shifts.no_times"
                    };
                    (m.to_string(), state)
                })
                .collect();
            PastShift {
                shift_id: s.shift_id.to_string(),
                label,
                people,
                day: format::day_of(s.starts_at_ms),
            }
        })
        .collect()
}

/// For coordinators and logistics: plan a shift; correct a member's times on one (from the
/// paper sheet, with a reason); record that someone who signed up did not come.
#[component]
pub fn ShiftAdmin(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let [task, shift, member, checked_in, checked_out, reason] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let date = RwSignal::new(format::date(format::day_of(ctx.now.get_untracked())));
    let from = RwSignal::new("09:00".to_owned());
    let to = RwSignal::new("13:00".to_owned());
    let needed = RwSignal::new("2".to_owned());
    let shifts = Memo::new(move |_| {
        roster.with(|r| r.as_ref().map(|view| past_shifts(i, view)).unwrap_or_default())
    });
    let shift_choices = Signal::derive(move || {
        let mut list: Choices = vec![(String::new(), i.t("choose"))];
        shifts.with(|s| list.extend(s.iter().map(|p| (p.shift_id.clone(), p.label.clone()))));
        list
    });
    let people = Signal::derive(move || {
        let chosen = shift.get();
        let mut list: Choices = vec![(String::new(), i.t("choose"))];
        ctx.live.with(|live| {
            shifts.with(|s| {
                let Some(past) = s.iter().find(|p| p.shift_id == chosen) else { return };
                list.extend(past.people.iter().map(|(m, state)| {
                    let name = live.member_name(m);
                    let label = if state.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{name} — {}", i.t(state))
                    };
                    (m.clone(), label)
                }));
            });
        });
        list
    });
    let plan_action = move || {
        let (f, t) = (from.get_untracked(), to.get_untracked());
        plan(i, &task.get_untracked(), &date.get_untracked(), (&f, &t), &needed.get_untracked())
    };
    let on_shift = move || {
        let chosen = shift.get_untracked();
        let day = shifts.with_untracked(|s| s.iter().find(|p| p.shift_id == chosen).map(|p| p.day));
        let member = member.get_untracked();
        match day {
            Some(day) if !member.is_empty() => Ok((chosen, member, day)),
            _ => Err(i.t("shifts.choose")),
        }
    };
    let correct_action = move || {
        let (shift_id, member_id, day) = on_shift()?;
        let times = (checked_in.get_untracked(), checked_out.get_untracked());
        correct(i, (&shift_id, &member_id, day), (&times.0, &times.1), &reason.get_untracked())
    };
    let absent_action = move || {
        let (shift_id, member_id, _) = on_shift()?;
        absent(i, &shift_id, &member_id)
    };
    let planned = Callback::new(move |()| task.set(String::new()));
    view! {
        <details class="manage" data-testid="shift-admin">
            <summary>{i.t("shifts.manage")}</summary>
            <ActionForm test_id="plan-shift-form" submit="shifts.plan" action=plan_action on_done=planned>
                <h3>{i.t("shifts.plan")}</h3>
                <Field id="plan-task" label="commit.task" value=task required=true />
                <Field id="plan-date" label="ledger.date" value=date kind="date" />
                <Field id="plan-from" label="shifts.from" value=from kind="time" />
                <Field id="plan-to" label="shifts.to" value=to kind="time" />
                <Field id="plan-needed" label="shifts.needed" value=needed kind="number" />
            </ActionForm>
            <Templates roster=roster />
            <ActionForm test_id="correct-shift-form" submit="shifts.correct" action=correct_action>
                <h3>{i.t("shifts.correct")}</h3>
                <Choice id="correct-shift" label="people.shifts" options=shift_choices value=shift />
                <Choice id="correct-member" label="people.member" options=people value=member />
                <Field id="correct-in" label="shifts.checked_in" value=checked_in kind="time" />
                <Field id="correct-out" label="shifts.checked_out" value=checked_out kind="time" />
                <Field id="correct-reason" label="shifts.reason" value=reason required=true />
                // Recorded without times or a reason: a button of its own inside the form.
                <ActionButton test_id="record-absence" label="shifts.absent" action=absent_action class="secondary" />
            </ActionForm>
        </details>
    }
}

/// What defining a recurring shift sends: `rhythm` as the commitment form has it (`1`, `2`,
/// `4` weeks or `m1`..`m4`), local times, from a first day.
pub fn define_template(
    i: I18n,
    task: &str,
    (rhythm, weekday): (&str, &str),
    (from, to): (&str, &str),
    needed: &str,
    first: &str,
) -> Result<Action, String> {
    let (Some(starts_minute), Some(ends_minute)) = (format::minute(from), format::minute(to))
    else {
        return Err(i.t("standing.bad_window"));
    };
    let starts_on_day = format::parse_date(first).ok_or_else(|| i.t("standing.bad_dates"))?;
    let recurrence = skills::recurrence(rhythm, weekday, Weekday::Saturday);
    let command = Command::DefineShiftTemplate {
        template_id: new_id("tpl").as_str().into(),
        task: task.trim().to_owned(),
        recurrence,
        starts_minute,
        ends_minute,
        people_needed: needed.trim().parse().unwrap_or(1),
        starts_on_day,
    };
    Action::new(i.tf("templates.defined", &[("task", task.trim())]), &command)
}

/// What ending a recurring shift sends.
pub fn end_template(i: I18n, template_id: &str, reason: &str) -> Result<Action, String> {
    let command =
        Command::EndShiftTemplate { template_id: template_id.into(), reason: reason.to_owned() };
    Action::new(i.t("templates.end"), &command)
}

/// The shifts that come back, each with a button to end it, and a form to add one.
#[component]
fn Templates(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let [task, reason] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let every = RwSignal::new("1".to_owned());
    let weekday = RwSignal::new("saturday".to_owned());
    let from = RwSignal::new("09:00".to_owned());
    let to = RwSignal::new("12:00".to_owned());
    let needed = RwSignal::new("4".to_owned());
    let first = RwSignal::new(format::date(format::day_of(ctx.now.get_untracked())));
    let (rhythms, weekdays) = (skills::rhythm_choices(), skills::weekday_choices(i));
    let define = move || {
        define_template(
            i,
            &task.get_untracked(),
            (&every.get_untracked(), &weekday.get_untracked()),
            (&from.get_untracked(), &to.get_untracked()),
            &needed.get_untracked(),
            &first.get_untracked(),
        )
    };
    let defined = Callback::new(move |()| task.set(String::new()));
    let list = move || {
        let templates =
            roster.with(|r| r.as_ref().map(|v| v.templates.clone()).unwrap_or_default());
        let rows = templates
            .into_iter()
            .map(|t| {
                let when = format!(
                    "{} · {}–{}",
                    skills::recurrence_words(i, &t.recurrence),
                    format::hh_mm(t.starts_minute),
                    format::hh_mm(t.ends_minute)
                );
                let id = StoredValue::new(t.template_id.to_string());
                view! {
                    <li data-testid="template" data-template-id=t.template_id.to_string()>
                        <strong>{t.task.clone()}</strong> " · " {when} " · "
                        {i.tf("templates.needed", &[("n", &t.people_needed.to_string())])} " "
                        <ActionButton test_id="end-template" label="templates.end" class="secondary"
                            action=move || id.with_value(|id| end_template(i, id, &reason.get_untracked()))/>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="templates">{rows}</ul> }
    };
    view! {
        <section class="stacked" data-testid="templates">
            <h3>{move || i.t("templates.title")}</h3>
            <p class="hint">{move || i.t("templates.hint")}</p>
            {list}
            <Field id="template-end-reason" label="templates.end_reason" value=reason />
            <ActionForm test_id="template-form" submit="templates.define" action=define on_done=defined>
                <Field id="template-task" label="commit.task" value=task required=true />
                <Choice id="template-every" label="commit.rhythm" options=rhythms value=every />
                <Choice id="template-weekday" label="commit.weekday" options=weekdays value=weekday />
                <Field id="template-from" label="shifts.from" value=from kind="time" />
                <Field id="template-to" label="shifts.to" value=to kind="time" />
                <Field id="template-needed" label="shifts.needed" value=needed kind="number" />
                <Field id="template-first" label="standing.starts" value=first kind="date" />
            </ActionForm>
        </section>
    }
}
