//! The people screen: the signals a group should act on (no backup, a term ended, too many
//! roles or hours, a shift short of people), the shifts to sign up for and check into on a
//! phone, my hours, the role cards and everyone's load. Read over HTTP (`/api/roster`) and
//! again whenever a people event arrives on the live feed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use serde_json::{Value, json};
use shared::access::{Role, View};
use shared::distribution::day::{date_of_day, day_of};
use shared::people::{Agreement, RoleCard, Shift, Workload};
use std::collections::BTreeMap;

use crate::api::{self, Failure};
use crate::app::use_ctx;
use crate::forms::may_view;
use crate::i18n::{I18n, use_i18n};
use crate::live::Live;
use crate::screens::{clock, date_label, failure_words};
use crate::stewardship::{
    AgreementForm, AgreementSection, CommitmentForm, CommitmentsSection, RetentionForm,
    RoleCardForm, ShiftAdmin, SkillForm, SkillsSection,
};

/// What the screen reads of `/api/roster`. The signals stay JSON objects, read field by
/// field below: decoding them (and the skills inside) into `shared::people::Signal` would
/// bring serde's machinery for internally tagged enums into the bundle for eight variants.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RosterView {
    pub now_ms: i64,
    pub limits: Limits,
    pub signals: Vec<Value>,
    pub role_cards: Vec<RoleCard>,
    pub workloads: Vec<Workload>,
    pub shifts: Vec<Shift>,
    /// Skills by member, as JSON (`Skill` is internally tagged too).
    #[serde(default)]
    pub skills: BTreeMap<String, Vec<Value>>,
    pub agreement: Option<Agreement>,
    /// Running commitments, as JSON (their `Recurrence` is internally tagged).
    #[serde(default)]
    pub commitments: Vec<Value>,
}

/// The group's limits this screen shows.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Limits {
    pub max_roles_per_member: u32,
    pub max_hours_per_4_weeks: u32,
    #[serde(default)]
    pub household_retention_days: Option<u32>,
}

/// `/api/roster`, read again whenever the roster changes.
pub fn roster_resource() -> RwSignal<Option<Result<RosterView, Failure>>> {
    let ctx = use_ctx();
    let shown = RwSignal::new(None::<Result<RosterView, Failure>>);
    Effect::new(move || {
        let _ = ctx.live.with(|l| l.people_changes);
        spawn_local(async move {
            let answer = api::get_json::<RosterView>("/api/roster").await;
            shown.try_set(Some(answer));
        });
    });
    shown
}

/// "7 h 05" from minutes.
pub fn hours(minutes: i64) -> String {
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

pub(crate) fn skill_words(i: I18n, skill: &Value) -> String {
    let text =
        |field: &str| skill.get(field).and_then(Value::as_str).unwrap_or_default().to_owned();
    match skill.get("kind").and_then(Value::as_str).unwrap_or_default() {
        "language" => i.tf("skill.language", &[("language", &text("language"))]),
        "cpr" => i.t("skill.cpr"),
        "first_aid" => i.t("skill.first_aid"),
        "trade" => text("trade"),
        "driving" => i.t("skill.driving"),
        "food_hygiene" => i.t("skill.food_hygiene"),
        _ => text("name"),
    }
}

/// The kind of a signal (`no_backup`, `term_ended`, ...), as `shared::people::Signal` tags it.
pub fn signal_kind(signal: &Value) -> &str {
    signal.get("kind").and_then(Value::as_str).unwrap_or_default()
}

/// A signal in plain words, with members and roles by name; `None` for a kind this build
/// does not know.
pub fn signal_words(i: I18n, live: &Live, view: &RosterView, signal: &Value) -> Option<String> {
    let text = |field: &str| signal.get(field).and_then(Value::as_str).unwrap_or_default();
    let number = |field: &str| signal.get(field).and_then(Value::as_i64).unwrap_or_default();
    let role = || {
        let id = text("role_card_id");
        view.role_cards
            .iter()
            .find(|c| c.role_card_id.as_str() == id)
            .map_or(id.to_owned(), |c| c.title.clone())
    };
    let member = || live.member_name(text("member_id")).to_owned();
    let date = |field: &str| date_label(number(field));
    Some(match signal_kind(signal) {
        "no_backup" => i.tf("signal.no_backup", &[("role", &role())]),
        "vacant" => i.tf("signal.vacant", &[("role", &role())]),
        "term_ended" => i.tf(
            "signal.term_ended",
            &[("member", &member()), ("role", &role()), ("date", &date("term_ended_on_day"))],
        ),
        "too_many_roles" => i.tf(
            "signal.too_many_roles",
            &[
                ("member", &member()),
                ("n", &number("roles_held").to_string()),
                ("limit", &number("limit").to_string()),
            ],
        ),
        "too_many_hours" => i.tf(
            "signal.too_many_hours",
            &[
                ("member", &member()),
                ("hours", &hours(number("minutes_last_4_weeks"))),
                ("limit", &hours(number("limit_minutes"))),
            ],
        ),
        "shift_short_of_people" => {
            let id = text("shift_id");
            let task = view
                .shifts
                .iter()
                .find(|s| s.shift_id.as_str() == id)
                .map_or(id.to_owned(), |s| s.task.clone());
            let starts = number("starts_at_ms");
            i.tf(
                "signal.shift_short",
                &[
                    ("task", &task),
                    ("date", &date_label(day_of(starts))),
                    ("time", &clock(starts)),
                    ("signed", &number("signed_up").to_string()),
                    ("needed", &number("people_needed").to_string()),
                ],
            )
        }
        "skill_expired" => i.tf(
            "signal.skill_expired",
            &[
                ("member", &member()),
                ("skill", &skill_words(i, signal.get("skill").unwrap_or(&Value::Null))),
                ("date", &date("expired_on_day")),
            ],
        ),
        "agreement_review_due" => i.tf("signal.review_due", &[("date", &date("review_on_day"))]),
        _ => return None,
    })
}

/// The signals as a list; `most` cuts it (on the board).
pub fn signals_view(i: I18n, live: &Live, view: &RosterView, most: usize) -> impl IntoView + use<> {
    if view.signals.is_empty() {
        return view! { <p class="empty">{i.t("people.no_signals")}</p> }.into_any();
    }
    let total = view.signals.len();
    let rows = view
        .signals
        .iter()
        .take(most)
        .filter_map(|s| {
            let words = signal_words(i, live, view, s)?;
            Some(
                view! { <li data-testid="signal" data-kind=signal_kind(s).to_owned()>{words}</li> },
            )
        })
        .collect_view();
    let more = (total > most).then(
        || view! { <li class="more">{i.tf("more", &[("n", &(total - most).to_string())])}</li> },
    );
    view! { <ul class="signals">{rows} {more}</ul> }.into_any()
}

#[component]
pub fn PeopleScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let shown = roster_resource();
    let roster = Signal::derive(move || shown.get().and_then(Result::ok));
    // The lists are drawn again whenever the roster changes; the forms are made once, so
    // what is being typed and which section is open survive news from others.
    view! {
        <main class="people-screen" data-testid="people-screen">
            {move || match shown.get() {
                None => Some(view! { <p>{i.t("people.loading")}</p> }.into_any()),
                Some(Err(failure)) => Some(view! { <p class="error" role="alert">{failure_words(i, failure)}</p> }.into_any()),
                Some(Ok(_)) => None,
            }}
            {move || roster.get().map(|view| {
                let signals = ctx.live.with(|live| signals_view(i, live, &view, usize::MAX));
                view! {
                    <section class="signals-section" data-testid="signals">
                        <h2>{i.t("people.signals")}</h2>
                        {signals}
                    </section>
                    <Shifts view=view.clone() />
                    <MyHours view=view.clone() />
                    <CommitmentsSection view=view />
                }
            })}
            {ctx.may("PlanShift").then(|| view! { <ShiftAdmin roster=roster /> })}
            {ctx.may("MakeCommitment").then(|| view! { <CommitmentForm roster=roster /> })}
            {move || roster.get().map(|view| view! { <RoleCards view=view /> })}
            {ctx.may("AssignRole").then(|| view! { <RoleCardForm roster=roster /> })}
            {move || roster.get().map(|view| view! { <Loads view=view.clone() /> <SkillsSection view=view /> })}
            {may_view(&ctx, View::Roster).then(|| {
                let (year, month, _) = date_of_day(day_of(ctx.now.get_untracked()));
                let href = format!("/api/exports/members.csv?month={year:04}-{month:02}");
                view! { <p><a href=href download>{move || i.t("people.members_csv")}</a></p> }
            })}
            {ctx.may("RecordSkill").then(|| view! { <SkillForm /> })}
            {move || roster.get().map(|view| view! { <AgreementSection view=view /> })}
            {ctx.may("ChangeAgreement").then(|| view! { <AgreementForm roster=roster /> })}
            {ctx.may("SetHouseholdRetention").then(|| view! { <RetentionForm roster=roster /> })}
        </main>
    }
}

/// Shifts from twelve hours ago on, with sign-up, withdrawal, check-in and check-out for the
/// member using the page.
#[component]
fn Shifts(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let now = view.now_ms;
    let rows = view
        .shifts
        .iter()
        .filter(|s| !s.cancelled && s.ends_at_ms + 12 * 3_600_000 >= now)
        .map(|s| {
            let mine = s.signed_up.iter().any(|m| m.as_str() == me);
            let attendance = s.attendance.iter().find(|(m, _)| m.as_str() == me).map(|(_, a)| a.clone());
            let started = now >= s.starts_at_ms;
            let id = s.shift_id.to_string();
            let who = ctx.live.with_untracked(|live| {
                s.signed_up.iter().map(|m| live.member_name(m.as_str()).to_owned()).collect::<Vec<_>>().join(", ")
            });
            // Sent as JSON objects: `people::Command`'s `Serialize` covers every people command
            // and all their types, a cost in the bundle for four of them.
            let button = |test_id: &'static str, key: &'static str, kind: &'static str| {
                let command = StoredValue::new(json!({"type": kind, "shift_id": id, "member_id": me}));
                view! {
                    <button type="button" data-testid=test_id
                        on:click=move |_| command.with_value(|c| ctx.send(i.t(key), c))>
                        {i.t(key)}
                    </button>
                }
            };
            let sign_up = (!mine && !started && ctx.may("SignUpForShift"))
                .then(|| button("sign-up", "shift.sign_up", "SignUpForShift"));
            let withdraw = (mine && !started && attendance.is_none())
                .then(|| button("withdraw", "shift.withdraw", "WithdrawFromShift"));
            let can_check_in = now >= s.starts_at_ms - 3_600_000 && now <= s.ends_at_ms;
            let check_in = (attendance.is_none() && can_check_in && ctx.may("CheckInToShift"))
                .then(|| button("check-in", "shift.check_in", "CheckInToShift"));
            let check_out = attendance.as_ref().filter(|a| a.checked_out_at_ms.is_none())
                .map(|_| button("check-out", "shift.check_out", "CheckOutOfShift"));
            let state = match &attendance {
                Some(a) => match a.minutes() {
                    Some(minutes) => i.tf("shift.worked", &[("hours", &hours(minutes))]),
                    None => i.tf("shift.checked_in", &[("time", &clock(a.checked_in_at_ms))]),
                },
                None if mine => i.t("shift.signed_up"),
                None => String::new(),
            };
            let short = (s.signed_up.len() as u32) < s.people_needed;
            view! {
                <li class="shift" class:short=short data-testid="shift" data-shift-id=id.clone()>
                    <div>
                        <strong>{s.task.clone()}</strong> " · " {date_label(day_of(s.starts_at_ms))} " "
                        {format!("{}–{}", clock(s.starts_at_ms), clock(s.ends_at_ms))}
                    </div>
                    <div class="hint">
                        {i.tf("shift.people", &[("signed", &s.signed_up.len().to_string()), ("needed", &s.people_needed.to_string())])}
                        {(!who.is_empty()).then(|| format!(": {who}"))}
                    </div>
                    <div data-testid="shift-state">{state}</div>
                    <div class="buttons">{sign_up} {withdraw} {check_in} {check_out}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="shifts" data-testid="shifts">
            <h2>{i.t("people.shifts")}</h2>
            <ul>{rows}</ul>
        </section>
    }
}

#[component]
fn MyHours(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let load = view.workloads.iter().find(|w| w.member_id.as_str() == me).cloned();
    let limit = i64::from(view.limits.max_hours_per_4_weeks) * 60;
    let (minutes, shifts) =
        load.as_ref().map_or((0, 0), |l| (l.minutes_last_4_weeks, l.shifts_last_4_weeks));
    view! {
        <section class="my-hours" data-testid="my-hours">
            <h2>{i.t("people.my_hours")}</h2>
            <p data-testid="my-minutes" data-minutes=minutes.to_string()>
                {i.tf("people.my_hours_text", &[("hours", &hours(minutes)), ("shifts", &shifts.to_string()), ("limit", &hours(limit))])}
            </p>
            {(minutes > limit).then(|| view! { <p class="warning">{i.t("people.over_limit")}</p> })}
        </section>
    }
}

#[component]
fn RoleCards(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let at_work = !ctx.me.with_value(|me| me.roles.iter().all(|r| *r == Role::Auditor));
    let today = day_of(view.now_ms);
    let rows = ctx.live.with_untracked(|live| {
        view.role_cards
            .iter()
            .map(|card| {
                let holder = card.holder.as_ref().map(|h| live.member_name(h.member_id.as_str()).to_owned());
                let term = card.holder.as_ref().map(|h| h.term_ends_on_day);
                let ended = term.is_some_and(|t| t < today);
                let backup = card.backup_id.as_ref().map_or_else(|| i.t("people.none"), |b| live.member_name(b.as_str()).to_owned());
                view! {
                    <tr data-testid="role-card">
                        <th scope="row">{card.title.clone()} {card.critical.then(|| view! { <span class="critical">" · " {i.t("people.critical")}</span> })}
                            <div class="hint">{card.key_tasks.join(" · ")}</div></th>
                        <td>{holder.unwrap_or_else(|| i.t("people.vacant"))}</td>
                        <td class:ended=ended>{term.map(date_label)} {ended.then(|| format!(" ({})", i.t("people.ended")))}</td>
                        <td>{backup}</td>
                        <td>{card.handovers}</td>
                        <td>{(card.holder.is_some() && at_work).then(|| view! { <RoleContact role_card_id=card.role_card_id.to_string() /> })}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="role-cards">
            <h2>{i.t("people.role_cards")}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{i.t("people.role")}</th>
                        <th scope="col">{i.t("people.holder")}</th>
                        <th scope="col">{i.t("people.term_ends")}</th>
                        <th scope="col">{i.t("people.backup")}</th>
                        <th scope="col">{i.t("people.handovers")}</th>
                        <th scope="col">{i.t("roles.contact")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// How to reach a role's holder, fetched when asked for (`/api/roles/{id}/contact`).
#[component]
fn RoleContact(role_card_id: String) -> impl IntoView {
    let i = use_i18n();
    let shown = RwSignal::new(None::<Result<Value, Failure>>);
    let path = format!("/api/roles/{}/contact", js_sys::encode_uri_component(&role_card_id));
    let open = move |_| {
        let path = path.clone();
        spawn_local(async move { shown.set(Some(api::get_json::<Value>(&path).await)) });
    };
    move || {
        match shown.get() {
        None => view! { <button type="button" class="link" data-testid="role-contact" on:click=open.clone()>{i.t("roles.show_contact")}</button> }.into_any(),
        Some(Ok(answer)) => {
            let data = &answer["personal_data"];
            let words: Vec<&str> = ["name", "phone", "address", "notes"]
                .iter()
                .filter_map(|f| data.get(*f).and_then(Value::as_str).filter(|v| !v.is_empty()))
                .collect();
            let text = if words.is_empty() { i.t("roles.no_contact") } else { words.join(" · ") };
            view! { <span data-testid="role-contact-shown">{text}</span> }.into_any()
        }
        Some(Err(failure)) => view! { <span class="error">{failure_words(i, failure)}</span> }.into_any(),
    }
    }
}

#[component]
fn Loads(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let limit = i64::from(view.limits.max_hours_per_4_weeks) * 60;
    let rows = ctx.live.with_untracked(|live| {
        view.workloads
            .iter()
            .map(|w| {
                let over = w.minutes_last_4_weeks > limit;
                view! {
                    <tr data-testid="workload" data-member-id=w.member_id.to_string()>
                        <th scope="row">{live.member_name(w.member_id.as_str()).to_owned()}</th>
                        <td>{w.roles_held.len()}</td>
                        <td class:over=over>{hours(w.minutes_last_4_weeks)} {over.then(|| format!(" ({})", i.t("people.over")))}</td>
                        <td>{w.shifts_last_4_weeks}</td>
                        <td>{hours(w.committed_minutes_next_4_weeks)}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="loads">
            <h2>{i.t("people.loads")}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{i.t("people.member")}</th>
                        <th scope="col">{i.t("people.roles_held")}</th>
                        <th scope="col">{i.t("people.hours_4_weeks")}</th>
                        <th scope="col">{i.t("people.shifts_4_weeks")}</th>
                        <th scope="col">{i.t("people.committed")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_signals_read_as_words_in_every_language() {
        crate::i18n::loaded();
        use crate::i18n::{I18n, Lang};
        use shared::people::{Signal, Skill};
        let owner = Owner::new();
        owner.set();
        let view = RosterView {
            now_ms: 0,
            limits: Limits {
                max_roles_per_member: 2,
                max_hours_per_4_weeks: 40,
                household_retention_days: None,
            },
            signals: Vec::new(),
            role_cards: Vec::new(),
            workloads: Vec::new(),
            shifts: Vec::new(),
            skills: BTreeMap::new(),
            agreement: None,
            commitments: Vec::new(),
        };
        let signals = [
            Signal::NoBackup { role_card_id: "finance".into() },
            Signal::Vacant { role_card_id: "finance".into() },
            Signal::TermEnded {
                role_card_id: "lead".into(),
                member_id: "ben".into(),
                term_ended_on_day: 1,
            },
            Signal::TooManyRoles { member_id: "chen".into(), roles_held: 3, limit: 2 },
            Signal::TooManyHours {
                member_id: "sam".into(),
                minutes_last_4_weeks: 2_520,
                limit_minutes: 2_400,
            },
            Signal::ShiftShortOfPeople {
                shift_id: "packing".into(),
                starts_at_ms: 0,
                signed_up: 1,
                people_needed: 4,
            },
            Signal::SkillExpired { member_id: "sam".into(), skill: Skill::Cpr, expired_on_day: 2 },
            Signal::AgreementReviewDue { review_on_day: 3 },
        ];
        for lang in Lang::ALL {
            let i = I18n { lang: RwSignal::new(lang) };
            for signal in &signals {
                let value = serde_json::to_value(signal).unwrap_or_default();
                let words = signal_words(i, &Live::default(), &view, &value);
                let words = words.unwrap_or_else(|| panic!("no words for {value}"));
                assert!(!words.contains('{'), "{}: {words}", lang.tag());
            }
        }
        let english = I18n { lang: RwSignal::new(Lang::En) };
        let hours = serde_json::to_value(&signals[4]).unwrap_or_default();
        assert_eq!(
            signal_words(english, &Live::default(), &view, &hours).as_deref(),
            Some("sam worked 42 h 00 in the last 4 weeks; the group's limit is 40 h 00.")
        );
    }

    #[test]
    fn minutes_read_as_hours_and_minutes() {
        crate::i18n::loaded();
        assert_eq!(hours(0), "0 h 00");
        assert_eq!(hours(425), "7 h 05");
        assert_eq!(hours(2_520), "42 h 00");
    }
}
