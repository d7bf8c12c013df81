//! The people screen: the signals a group should act on (no backup, a term ended, too many
//! roles or hours, a shift short of people), the shifts to sign up for and check into on a
//! phone, my hours, the role cards and everyone's load, skills, commitments and the group's
//! agreement; and the forms that look after them ([`roles`], [`shifts`], [`skills`],
//! [`agreement`]). Read over HTTP (`/api/roster`) and again on every people event.

pub mod agreement;
pub mod roles;
pub mod shifts;
pub mod skills;

use leptos::prelude::*;
use shared::access::View;
use shared::limits::Command as LimitsCommand;
use shared::view::RosterView;

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::form::{ActionForm, Field};
use crate::ui::{format, signals, words};

#[component]
pub fn PeopleScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let shown = signals::roster_resource();
    let roster = Signal::derive(move || shown.get().and_then(Result::ok));
    // The lists are drawn again whenever the roster changes; the forms are made once, so
    // what is being typed and which section is open survive news from others.
    view! {
        <main class="people-screen" data-testid="people-screen">
            {move || match shown.get() {
                None => Some(view! { <p>{i.t("people.loading")}</p> }.into_any()),
                Some(Err(failure)) => Some(view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any()),
                Some(Ok(_)) => None,
            }}
            {move || roster.get().map(|view| {
                let list = ctx.live.with(|live| signals::list(i, live, &view, usize::MAX));
                view! {
                    <section class="signals-section" data-testid="signals">
                        <h2>{i.t("people.signals")}</h2>
                        {list}
                    </section>
                    <shifts::Shifts view=view.clone() />
                    <MyHours view=view.clone() />
                    <skills::CommitmentsSection view=view />
                }
            })}
            {ctx.may(kinds::People::PlanShift).then(|| view! { <shifts::ShiftAdmin roster=roster /> })}
            {ctx.may(kinds::People::MakeCommitment).then(|| view! { <skills::CommitmentForm roster=roster /> })}
            {move || roster.get().map(|view| view! { <roles::RoleCards view=view /> })}
            {ctx.may(kinds::People::AssignRole).then(|| view! { <roles::RoleCardForm roster=roster /> })}
            {move || roster.get().map(|view| view! { <Loads view=view.clone() /> <skills::SkillsSection view=view /> })}
            {ctx.may_view(View::Roster).then(|| {
                let month = format::month_of(format::day_of(ctx.now.get_untracked()));
                let href = format!("/api/exports/members.csv?month={month}");
                view! { <p><a href=href download>{move || i.t("people.members_csv")}</a></p> }
            })}
            {ctx.may(kinds::People::RecordSkill).then(|| view! { <skills::SkillForm /> })}
            {move || roster.get().map(|view| view! { <agreement::AgreementSection view=view /> })}
            {ctx.may(kinds::People::ChangeAgreement).then(|| view! { <agreement::AgreementForm roster=roster /> })}
            {ctx.may(kinds::Limits::SetHouseholdRetention).then(|| view! { <RetentionForm roster=roster /> })}
        </main>
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
                {i.tf("people.my_hours_text", &[("hours", &format::hours(minutes)), ("shifts", &shifts.to_string()), ("limit", &format::hours(limit))])}
            </p>
            {(minutes > limit).then(|| view! { <p class="warning">{i.t("people.over_limit")}</p> })}
        </section>
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
                        <td class:over=over>{format::hours(w.minutes_last_4_weeks)} {over.then(|| format!(" ({})", i.t("people.over")))}</td>
                        <td>{w.shifts_last_4_weeks}</td>
                        <td>{format::hours(w.committed_minutes_next_4_weeks)}</td>
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

/// What the retention form sends: empty turns automatic erasure off.
pub fn retention(i: I18n, days: &str) -> Result<Action, String> {
    let days = match days.trim() {
        "" => None,
        text => Some(text.parse::<u32>().map_err(|_| i.t("retention.bad_days"))?),
    };
    Action::new(i.t("retention.label"), &LimitsCommand::SetHouseholdRetention { days })
}

/// For the coordinator: how long a household with no open request is remembered before
/// the server erases it automatically (empty: never, the default).
#[component]
fn RetentionForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let i = use_i18n();
    let current = Memo::new(move |_| {
        roster.with(|r| r.as_ref().and_then(|v| v.limits.household_retention_days))
    });
    let days = RwSignal::new(String::new());
    let action = move || retention(i, &days.get_untracked());
    view! {
        <details class="manage" data-testid="retention">
            <summary>{move || i.t("retention.title")}</summary>
            <p data-testid="retention-now">{move || match current.get() {
                Some(days) => i.tf("retention.now", &[("days", &days.to_string())]),
                None => i.t("retention.off"),
            }}</p>
            <ActionForm test_id="retention-form" submit="roles.submit" action=action>
                <Field id="retention-days" label="retention.days" value=days kind="number" />
            </ActionForm>
        </details>
    }
}
