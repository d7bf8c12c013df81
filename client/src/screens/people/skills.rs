//! Skills and commitments: everyone's skills (a member records and removes their own, a
//! coordinator anyone's), and recurring, specific commitments ("every second Thursday, 90
//! minutes") that each member makes and ends for themselves.

use leptos::prelude::*;
use shared::access::Role;
use shared::distribution::day::Weekday;
use shared::people::{Command, Recurrence, Skill};
use shared::view::RosterView;

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::ui::form::{ActionButton, ActionForm, Check, Choice, Choices, Field, parse_slug, slug};
use crate::ui::{choices, format, signals, words};

/// Everyone's skills; a member removes their own (a coordinator anyone's).
#[component]
pub fn SkillsSection(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let today = format::day_of(view.now_ms);
    let anyone = ctx.has_role(Role::Coordinator);
    let rows = ctx.live.with_untracked(|live| {
        view.skills
            .iter()
            .filter(|(_, skills)| !skills.is_empty())
            .map(|(member_id, skills)| {
                let own = member_id.as_str() == me || anyone;
                let entries = skills
                    .iter()
                    .map(|entry| {
                        let expired = entry.expires_on_day.is_some_and(|d| d < today);
                        let until = entry.expires_on_day.map(|d| format!(" ({})", i.tf("skills.until", &[("date", &words::date(i, d))])));
                        let skill = StoredValue::new((member_id.to_string(), entry.skill.clone()));
                        let remove = (own && ctx.may(kinds::People::RemoveSkill)).then(|| view! {
                            <ActionButton test_id="remove-skill" label="skills.remove" class="link"
                                action=move || skill.with_value(|(member, skill)| remove_skill(i, member, skill)) />
                        });
                        view! { <li class:ended=expired>{signals::skill(i, &entry.skill)} {until} " " {remove}</li> }
                    })
                    .collect_view();
                view! {
                    <tr data-testid="skills-row">
                        <th scope="row">{live.member_name(member_id.as_str()).to_owned()}</th>
                        <td><ul class="plain">{entries}</ul></td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="skills">
            <h2>{i.t("skills.title")}</h2>
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
        </section>
    }
}

/// What removing a skill sends.
pub fn remove_skill(i: I18n, member: &str, skill: &Skill) -> Result<Action, String> {
    let command = Command::RemoveSkill { member_id: member.into(), skill: skill.clone() };
    Action::new(i.t("skills.remove"), &command)
}

/// What recording a skill sends: `kind` as `Skill` names it (`language`, `cpr`, ...),
/// `detail` the language, trade or name it needs.
pub fn record_skill(
    i: I18n,
    member: &str,
    (kind, detail, vehicle): (&str, &str, bool),
    expires: &str,
) -> Result<Action, String> {
    let detail = detail.trim().to_owned();
    let skill = match kind {
        "language" => Skill::Language { language: detail },
        "cpr" => Skill::Cpr,
        "first_aid" => Skill::FirstAid,
        "trade" => Skill::Trade { trade: detail },
        "driving" => Skill::Driving { has_vehicle: vehicle },
        "food_hygiene" => Skill::FoodHygiene,
        _ => Skill::Other { name: detail },
    };
    let command = Command::RecordSkill {
        member_id: member.trim().into(),
        skill,
        expires_on_day: format::parse_date(expires),
    };
    Action::new(i.t("skills.record"), &command)
}

/// Records a skill: one's own, or (for a coordinator) anyone's.
#[component]
pub fn SkillForm() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let anyone = ctx.has_role(Role::Coordinator);
    let kind = RwSignal::new("language".to_owned());
    let [detail, expires] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let vehicle = RwSignal::new(false);
    let member = RwSignal::new(ctx.my_id());
    let kinds = choices::keyed(&[
        ("language", "skills.kind_language"),
        ("cpr", "skill.cpr"),
        ("first_aid", "skill.first_aid"),
        ("trade", "skills.kind_trade"),
        ("driving", "skill.driving"),
        ("food_hygiene", "skill.food_hygiene"),
        ("other", "skills.kind_other"),
    ]);
    let needs_detail = move || matches!(kind.get().as_str(), "language" | "trade" | "other");
    let action = move || {
        let skill = (kind.get_untracked(), detail.get_untracked(), vehicle.get_untracked());
        record_skill(
            i,
            &member.get_untracked(),
            (&skill.0, &skill.1, skill.2),
            &expires.get_untracked(),
        )
    };
    let on_done = Callback::new(move |()| detail.set(String::new()));
    view! {
        <details class="manage" data-testid="skill-manage">
            <summary>{i.t("skills.record")}</summary>
            <ActionForm test_id="skill-form" submit="skills.record" action=action on_done=on_done>
                {anyone.then(|| view! { <Choice id="skill-member" label="people.member" options=choices::members() value=member /> })}
                <Choice id="skill-kind" label="skills.kind" options=kinds value=kind />
                {move || match kind.get().as_str() {
                    "language" => view! { <Choice id="skill-detail" label="skills.detail" options=choices::languages() value=detail required=true /> }.into_any(),
                    _ if needs_detail() => view! { <Field id="skill-detail" label="skills.detail" value=detail required=true /> }.into_any(),
                    _ => ().into_any(),
                }}
                {move || (kind.get() == "driving").then(|| view! { <Check id="skill-vehicle" label="skills.vehicle" value=vehicle /> })}
                <Field id="skill-expires" label="skills.expires" value=expires kind="date" />
            </ActionForm>
        </details>
    }
}

/// The rhythms a commitment or a recurring shift keeps, for a select: `1`, `2`, `4` weeks
/// or `m1`..`m4` (the nth weekday of each month).
pub fn rhythm_choices() -> Signal<Choices> {
    choices::keyed(&[
        ("1", "commit.every_week"),
        ("2", "commit.every_2_weeks"),
        ("4", "commit.every_4_weeks"),
        ("m1", "commit.first_of_month"),
        ("m2", "commit.second_of_month"),
        ("m3", "commit.third_of_month"),
        ("m4", "commit.fourth_of_month"),
    ])
}

/// The weekdays, for a select, in the page's language.
pub fn weekday_choices(i: I18n) -> Signal<Choices> {
    Signal::derive(move || {
        Weekday::ALL.iter().map(|d| (slug(d), i.t(&format!("weekday.{}", slug(d))))).collect()
    })
}

/// A rhythm as [`rhythm_choices`] names it, on `weekday` (a slug; `fallback` if none).
pub fn recurrence(rhythm: &str, weekday: &str, fallback: Weekday) -> Recurrence {
    let weekday: Weekday = parse_slug(weekday).unwrap_or(fallback);
    match rhythm.strip_prefix('m') {
        Some(nth) => Recurrence::Month { weekday, nth: nth.parse().unwrap_or(1) },
        None => Recurrence::Week { weekday, interval_weeks: rhythm.parse().unwrap_or(1) },
    }
}

/// A commitment's rhythm in words: "Every Tuesday", "Every 2 weeks on Tuesday",
/// "Saturday no. 1 of each month".
pub fn recurrence_words(i: I18n, recurrence: &Recurrence) -> String {
    let weekday = |day: &Weekday| i.t(&format!("weekday.{}", slug(day)));
    match recurrence {
        Recurrence::Month { weekday: day, nth } => {
            i.tf("commit.monthly", &[("weekday", &weekday(day)), ("nth", &nth.to_string())])
        }
        Recurrence::Week { weekday: day, interval_weeks: 1 } => {
            i.tf("commit.weekly", &[("weekday", &weekday(day))])
        }
        Recurrence::Week { weekday: day, interval_weeks } => i.tf(
            "commit.every_weeks",
            &[("weekday", &weekday(day)), ("n", &interval_weeks.to_string())],
        ),
    }
}

/// Recurring, specific commitments: who, what, when, how long.
#[component]
pub fn CommitmentsSection(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let rows = ctx.live.with_untracked(|live| {
        view.commitments
            .iter()
            .map(|c| {
                view! {
                    <tr data-testid="commitment">
                        <th scope="row">{live.member_name(c.member_id.as_str()).to_owned()}</th>
                        <td>{c.task.clone()}</td>
                        <td>{recurrence_words(i, &c.recurrence)}</td>
                        <td>{format::hours(i64::from(c.minutes))}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    view! {
        <section data-testid="commitments">
            <h2>{i.t("commit.title")}</h2>
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
        </section>
    }
}

/// What making a commitment sends: `rhythm` is `1`, `2` or `4` (weeks) or `m1`..`m4` (the
/// nth weekday of each month).
pub fn make_commitment(
    i: I18n,
    (member, today): (&str, i64),
    task: &str,
    (rhythm, weekday): (&str, &str),
    minutes: &str,
) -> Result<Action, String> {
    let minutes = minutes.trim().parse::<u32>().ok().filter(|m| *m > 0);
    let minutes = minutes.ok_or_else(|| i.t("commit.bad_minutes"))?;
    let recurrence = recurrence(rhythm, weekday, Weekday::Tuesday);
    let command = Command::MakeCommitment {
        commitment_id: new_id("commit").as_str().into(),
        member_id: member.into(),
        task: task.trim().to_owned(),
        recurrence,
        minutes,
        starts_on_day: today,
    };
    Action::new(i.t("commit.make"), &command)
}

/// What ending a commitment sends.
pub fn end_commitment(i: I18n, commitment: &str, reason: &str) -> Result<Action, String> {
    let command = Command::EndCommitment {
        commitment_id: commitment.into(),
        reason: reason.trim().to_owned(),
    };
    Action::new(i.t("commit.end"), &command)
}

/// A member makes a commitment of their own, or ends one with a reason.
#[component]
pub fn CommitmentForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let mine = Memo::new(move |_| {
        roster.with(|r| {
            r.iter()
                .flat_map(|view| &view.commitments)
                .filter(|c| c.member_id.as_str() == me)
                .map(|c| (c.commitment_id.to_string(), c.task.clone()))
                .collect::<Vec<_>>()
        })
    });
    let [task, ending, reason] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let every = RwSignal::new("1".to_owned());
    let weekday = RwSignal::new("tuesday".to_owned());
    let minutes = RwSignal::new("120".to_owned());
    let (rhythms, weekdays) = (rhythm_choices(), weekday_choices(i));
    let end_choices = Signal::derive(move || {
        let mut list = vec![(String::new(), i.t("choose"))];
        mine.with(|mine| list.extend(mine.iter().cloned()));
        list
    });
    let make = move || {
        let me = (ctx.my_id(), format::day_of(ctx.now.get_untracked()));
        let rhythm = (every.get_untracked(), weekday.get_untracked());
        make_commitment(
            i,
            (&me.0, me.1),
            &task.get_untracked(),
            (&rhythm.0, &rhythm.1),
            &minutes.get_untracked(),
        )
    };
    let end = move || end_commitment(i, &ending.get_untracked(), &reason.get_untracked());
    let made = Callback::new(move |()| task.set(String::new()));
    let ended = Callback::new(move |()| reason.set(String::new()));
    view! {
        <details class="manage" data-testid="commitment-manage">
            <summary>{i.t("commit.make")}</summary>
            <ActionForm test_id="commitment-form" submit="commit.make" action=make on_done=made>
                <Field id="commit-task" label="commit.task" value=task required=true />
                <Choice id="commit-every" label="commit.rhythm" options=rhythms value=every />
                <Choice id="commit-weekday" label="commit.weekday" options=weekdays value=weekday />
                <Field id="commit-minutes" label="commit.minutes" value=minutes kind="number" />
            </ActionForm>
            {move || mine.with(|m| !m.is_empty()).then(|| view! {
                <ActionForm test_id="end-commitment-form" submit="commit.end" action=end on_done=ended>
                    <Choice id="commit-end" label="commit.which" options=end_choices value=ending />
                    <Field id="commit-reason" label="commit.reason" value=reason required=true />
                </ActionForm>
            })}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn rhythms_read_as_words() {
        crate::i18n::loaded();
        let owner = Owner::new();
        owner.set();
        let i = I18n { lang: RwSignal::new(Lang::En) };
        let weekly = Recurrence::Week { weekday: Weekday::Tuesday, interval_weeks: 1 };
        assert_eq!(recurrence_words(i, &weekly), "Every Tuesday");
        let fortnightly = Recurrence::Week { weekday: Weekday::Tuesday, interval_weeks: 2 };
        assert_eq!(recurrence_words(i, &fortnightly), "Every 2 weeks on Tuesday");
        let monthly = Recurrence::Month { weekday: Weekday::Saturday, nth: 1 };
        assert_eq!(recurrence_words(i, &monthly), "Saturday no. 1 of each month");
    }
}
