//! One delivery's actions, on a request's page and on the driver's phone: claim, start,
//! complete, taking a completion back (its recorder, for ten minutes), couldn't deliver
//! (folded away, with its reason), and confirming the time with the household. Each is
//! offered only when the member's roles and the delivery's status allow it.

use leptos::prelude::*;
use shared::access;
use shared::distribution::{
    ContactChannel, DeliveryKind, DeliveryStatus, DeliveryStep, FailureReason, MemberId,
    UNDO_COMPLETION_MS,
};

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::form::{ActionButton, ActionForm, Choice, Field, options, parse_slug};
use crate::ui::{choices, labels};

/// A one-tap action on delivery `id`: its label and command.
pub fn delivery_action(
    i: I18n,
    key: &'static str,
    id: &str,
    command: &DeliveryStep,
) -> Result<Action, String> {
    Ok(Action::new(i.tf(key, &[("id", id)]), command)?.about(id))
}

/// Claim, start and complete as buttons, and the undo of a completion while it is the
/// member's to take back; a failure with its reason in a form behind "Couldn't deliver".
/// `named` is how the notices name the delivery: its request's number ("#142").
#[component]
pub fn DeliveryButtons(
    #[prop(into)] delivery_id: String,
    #[prop(into)] named: String,
    kind: DeliveryKind,
    status: DeliveryStatus,
    driver_id: Option<String>,
    /// Who recorded the completion and when, once completed.
    completed: Option<(MemberId, i64)>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i = use_i18n();
    let id = StoredValue::new(delivery_id.clone());
    let name = StoredValue::new(named);
    let button = move |test_id: &'static str,
                       key: &'static str,
                       action: &'static str,
                       make: fn(&str) -> DeliveryStep| {
        view! {
            <ActionButton test_id=test_id label=key
                action=move || id.with_value(|id| {
                    name.with_value(|name| delivery_action(i, action, name, &make(id)))
                }) />
        }
    };
    // Another driver's delivery is theirs to take on (or a coordinator's or logistics').
    let theirs = !ctx.me.with_value(|me| {
        access::may_take_delivery_step(&me.roles, me.member_id.as_str(), driver_id.as_deref())
    });
    // A delivery is handed over once out; a pickup whenever the household comes.
    let handing_over = status == DeliveryStatus::OutForDelivery
        || (kind == DeliveryKind::Pickup && status.is_active());
    let claim = (ctx.may(kinds::Distribution::ClaimDelivery)
        && driver_id.is_none()
        && kind == DeliveryKind::Delivery
        && status == DeliveryStatus::Scheduled)
        .then(|| button("claim", "action.claim_button", "action.claim", claim));
    let start = (ctx.may(kinds::Distribution::StartDelivery)
        && !theirs
        && kind == DeliveryKind::Delivery
        && status == DeliveryStatus::Assigned)
        .then(|| button("start", "action.start_button", "action.start", start));
    let complete = (ctx.may(kinds::Distribution::CompleteDelivery) && handing_over && !theirs)
        .then(|| button("complete", "action.complete_button", "action.complete", complete));
    let fail = (ctx.may(kinds::Distribution::FailDelivery) && handing_over && !theirs).then(|| {
        view! {
            <details class="fail" data-testid="fail">
                <summary>{move || i.t("fail.open")}</summary>
                <FailForm delivery_id=delivery_id.clone() named=name.get_value() />
            </details>
        }
    });
    // The undo shows while the member may still take their completion back.
    let mine = completed
        .filter(|(by, _)| status == DeliveryStatus::Completed && by.as_str() == ctx.my_id());
    let undo = (ctx.may(kinds::Distribution::UndoCompletion) && mine.is_some()).then(|| {
        let until = mine.map_or(0, |(_, at)| at + UNDO_COMPLETION_MS);
        move || {
            (ctx.now.get() < until)
                .then(|| button("undo", "action.undo_button", "action.undo", undo))
        }
    });
    view! { <div class="buttons">{claim} {start} {complete} {undo}</div> {fail} }
}

pub fn claim(id: &str) -> DeliveryStep {
    DeliveryStep::ClaimDelivery { delivery_id: id.into() }
}

pub fn start(id: &str) -> DeliveryStep {
    DeliveryStep::StartDelivery { delivery_id: id.into() }
}

pub fn complete(id: &str) -> DeliveryStep {
    DeliveryStep::CompleteDelivery { delivery_id: id.into() }
}

pub fn undo(id: &str) -> DeliveryStep {
    DeliveryStep::UndoCompletion { delivery_id: id.into() }
}

/// What "couldn't deliver" sends.
pub fn fail(
    i: I18n,
    (id, named): (&str, &str),
    reason: &str,
    note: &str,
) -> Result<Action, String> {
    let command = DeliveryStep::FailDelivery {
        delivery_id: id.into(),
        reason: parse_slug(reason).unwrap_or(FailureReason::Other),
        note: note.trim().to_owned(),
    };
    delivery_action(i, "action.fail", named, &command)
}

#[component]
fn FailForm(delivery_id: String, named: String) -> impl IntoView {
    let i = use_i18n();
    let reason = RwSignal::new("nobody_home".to_owned());
    let note = RwSignal::new(String::new());
    let reasons = Signal::derive(move || options(i, &labels::FAILURES, labels::failure));
    let ids = format!("fail-{delivery_id}");
    let id = StoredValue::new((delivery_id, named));
    let action = move || {
        id.with_value(|(id, named)| {
            fail(i, (id, named), &reason.get_untracked(), &note.get_untracked())
        })
    };
    view! {
        <ActionForm test_id="fail-form" submit="action.fail_button" action=action class="inline-form">
            <Choice id=format!("{ids}-reason") label="fail.reason" options=reasons value=reason />
            <Field id=format!("{ids}-note") label="fail.note" value=note />
        </ActionForm>
    }
}

/// What confirming a delivery's time with the household sends.
pub fn confirm(
    i: I18n,
    (id, named): (&str, &str),
    channel: &str,
    language: &str,
) -> Result<Action, String> {
    let command = DeliveryStep::ConfirmWithHousehold {
        delivery_id: id.into(),
        channel: parse_slug(channel).unwrap_or(ContactChannel::Phone),
        language: language.trim().to_owned(),
    };
    delivery_action(i, "action.confirm", named, &command)
}

#[component]
pub fn ConfirmForm(delivery_id: String, named: String) -> impl IntoView {
    let i = use_i18n();
    let channel = RwSignal::new("phone".to_owned());
    let language = RwSignal::new(i.lang.get_untracked().tag().to_owned());
    let channels = Signal::derive(move || options(i, &labels::CHANNELS, labels::channel));
    let ids = format!("confirm-{delivery_id}");
    let id = StoredValue::new((delivery_id, named));
    let action = move || {
        id.with_value(|(id, named)| {
            confirm(i, (id, named), &channel.get_untracked(), &language.get_untracked())
        })
    };
    view! {
        <ActionForm test_id="confirm-form" submit="action.confirm_button" action=action class="inline-form">
            <Choice id=format!("{ids}-channel") label="confirm.channel" options=channels value=channel />
            <Choice id=format!("{ids}-language") label="confirm.language" options=choices::languages() value=language required=true />
        </ActionForm>
    }
}
