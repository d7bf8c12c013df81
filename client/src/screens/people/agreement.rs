//! The group's one-page agreement (membership, commitments, communication, boundaries) and
//! its review date; for the coordinator, adopting it, changing it with a reason and
//! recording a review.

use leptos::prelude::*;
use shared::people::{Agreement, AgreementText, Command};
use shared::view::RosterView;

use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::form::{ActionForm, Field, TextArea};
use crate::ui::{format, words};

/// The group's one-page agreement and its review date.
#[component]
pub fn AgreementSection(view: RosterView) -> impl IntoView {
    let i = use_i18n();
    let today = format::day_of(view.now_ms);
    let shown = match view.agreement {
        None => view! { <p class="empty">{i.t("agreement.none")}</p> }.into_any(),
        Some(a) => {
            let due = a.review_due(today);
            let section = |key: &'static str, body: String| view! { <h3>{i.t(key)}</h3> <p class="agreement-text">{body}</p> };
            view! {
                <p class="hint" data-testid="agreement-version">
                    {i.tf("agreement.version", &[("n", &a.version.to_string()), ("adopted", &words::date(i, a.adopted_on_day)), ("changed", &words::date(i, a.changed_on_day))])}
                </p>
                <p class:warning=due data-testid="agreement-review">{i.tf("agreement.review_on", &[("date", &words::date(i, a.review_on_day))])}</p>
                {section("agreement.membership", a.text.membership)}
                {section("agreement.commitments", a.text.commitments)}
                {section("agreement.communication", a.text.communication)}
                {section("agreement.boundaries", a.text.boundaries)}
            }
            .into_any()
        }
    };
    view! {
        <section class="agreement" data-testid="agreement">
            <h2>{i.t("agreement.title")}</h2>
            {shown}
        </section>
    }
}

/// For the coordinator: adopt the agreement, change it (with a reason) or record a review.
/// Made again only when a new version arrives, so a half-typed change survives other news.
#[component]
pub fn AgreementForm(roster: Signal<Option<RosterView>>) -> impl IntoView {
    let version = Memo::new(move |_| {
        roster.with(|r| r.as_ref().and_then(|v| v.agreement.as_ref().map(|a| a.version)))
    });
    move || {
        let _ = version.get();
        let agreement = roster.with_untracked(|r| r.as_ref().and_then(|v| v.agreement.clone()));
        view! { <AgreementEditor agreement=agreement /> }
    }
}

/// What adopting or changing the agreement sends: a change needs its reason.
pub fn change_agreement(
    i: I18n,
    adopted: bool,
    text: AgreementText,
    reason: &str,
) -> Result<Action, String> {
    let command = if adopted {
        Command::ChangeAgreement { text, reason: reason.trim().to_owned() }
    } else {
        Command::AdoptAgreement { text }
    };
    Action::new(i.t("agreement.label"), &command)
}

/// What recording a review sends.
pub fn review_agreement(i: I18n, next_review: &str, note: &str) -> Result<Action, String> {
    let next_review_on_day = format::parse_date(next_review).ok_or_else(|| i.t("form.bad_date"))?;
    let command = Command::ReviewAgreement { next_review_on_day, note: note.trim().to_owned() };
    Action::new(i.t("agreement.review"), &command)
}

#[component]
fn AgreementEditor(agreement: Option<Agreement>) -> impl IntoView {
    let i = use_i18n();
    let text = |f: fn(&AgreementText) -> &String| {
        agreement.as_ref().map(|a| f(&a.text).clone()).unwrap_or_default()
    };
    let membership = RwSignal::new(text(|t| &t.membership));
    let commitments = RwSignal::new(text(|t| &t.commitments));
    let communication = RwSignal::new(text(|t| &t.communication));
    let boundaries = RwSignal::new(text(|t| &t.boundaries));
    let [reason, next_review, review_note] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let adopted = agreement.is_some();
    let change = move || {
        let trimmed = |field: RwSignal<String>| field.get_untracked().trim().to_owned();
        let text = AgreementText {
            membership: trimmed(membership),
            commitments: trimmed(commitments),
            communication: trimmed(communication),
            boundaries: trimmed(boundaries),
        };
        change_agreement(i, adopted, text, &reason.get_untracked())
    };
    let review =
        move || review_agreement(i, &next_review.get_untracked(), &review_note.get_untracked());
    view! {
        <details class="manage print-hide" data-testid="agreement-manage">
            <summary>{i.t(if adopted { "agreement.change" } else { "agreement.adopt" })}</summary>
            <ActionForm test_id="agreement-form" submit="roles.submit" action=change>
                <TextArea id="agreement-membership" label="agreement.membership" value=membership />
                <TextArea id="agreement-commitments" label="agreement.commitments" value=commitments />
                <TextArea id="agreement-communication" label="agreement.communication" value=communication />
                <TextArea id="agreement-boundaries" label="agreement.boundaries" value=boundaries />
                {adopted.then(|| view! { <Field id="agreement-reason" label="agreement.reason" value=reason required=true /> })}
            </ActionForm>
            {adopted.then(|| view! {
                <ActionForm test_id="review-form" submit="agreement.review" action=review>
                    <Field id="review-next" label="agreement.next_review" value=next_review kind="date" />
                    <Field id="review-note" label="agreement.review_note" value=review_note />
                </ActionForm>
            })}
        </details>
    }
}
