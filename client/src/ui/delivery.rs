//! One delivery's actions, on a request's page and on the driver's phone: claim, start,
//! complete, couldn't deliver (with its reason), and confirming the time with the household.
//! Each is offered only when the member's roles and the delivery's status allow it.

use leptos::prelude::*;
use shared::distribution::{Command, ContactChannel, DeliveryKind, DeliveryStatus, FailureReason};

use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::Action;
use crate::ui::form::{ActionButton, ActionForm, Choice, Field, options, parse_slug};
use crate::ui::labels;

/// A one-tap action on delivery `id`: its label and command.
pub fn delivery_action(
    i: I18n,
    key: &'static str,
    id: &str,
    command: &Command,
) -> Result<Action, String> {
    Ok(Action::new(i.tf(key, &[("id", id)]), command)?.about(id))
}

/// Claim, start and complete as buttons; a failure with its reason in a form.
#[component]
pub fn DeliveryButtons(
    #[prop(into)] delivery_id: String,
    kind: DeliveryKind,
    status: DeliveryStatus,
    driver_id: Option<String>,
) -> impl IntoView {
    let ctx = use_ctx();
    let i = use_i18n();
    let id = StoredValue::new(delivery_id.clone());
    let button = move |test_id: &'static str,
                       key: &'static str,
                       action: &'static str,
                       make: fn(&str) -> Command| {
        view! {
            <ActionButton test_id=test_id label=key
                action=move || id.with_value(|id| delivery_action(i, action, id, &make(id))) />
        }
    };
    // A delivery is handed over once out; a pickup whenever the household comes.
    let handing_over = status == DeliveryStatus::OutForDelivery
        || (kind == DeliveryKind::Pickup && status.is_active());
    let claim = (ctx.may("ClaimDelivery")
        && driver_id.is_none()
        && kind == DeliveryKind::Delivery
        && status == DeliveryStatus::Scheduled)
        .then(|| button("claim", "action.claim_button", "action.claim", claim));
    let start = (ctx.may("StartDelivery")
        && kind == DeliveryKind::Delivery
        && status == DeliveryStatus::Assigned)
        .then(|| button("start", "action.start_button", "action.start", start));
    let complete = (ctx.may("CompleteDelivery") && handing_over)
        .then(|| button("complete", "action.complete_button", "action.complete", complete));
    let fail = (ctx.may("FailDelivery") && handing_over)
        .then(|| view! { <FailForm delivery_id=delivery_id.clone() /> });
    view! { <div class="buttons">{claim} {start} {complete}</div> {fail} }
}

pub fn claim(id: &str) -> Command {
    Command::ClaimDelivery { delivery_id: id.into() }
}

pub fn start(id: &str) -> Command {
    Command::StartDelivery { delivery_id: id.into() }
}

pub fn complete(id: &str) -> Command {
    Command::CompleteDelivery { delivery_id: id.into() }
}

/// What "couldn't deliver" sends.
pub fn fail(i: I18n, id: &str, reason: &str, note: &str) -> Result<Action, String> {
    let command = Command::FailDelivery {
        delivery_id: id.into(),
        reason: parse_slug(reason).unwrap_or(FailureReason::Other),
        note: note.trim().to_owned(),
    };
    delivery_action(i, "action.fail", id, &command)
}

#[component]
fn FailForm(delivery_id: String) -> impl IntoView {
    let i = use_i18n();
    let reason = RwSignal::new("nobody_home".to_owned());
    let note = RwSignal::new(String::new());
    let reasons = Signal::derive(move || options(i, &labels::FAILURES, labels::failure));
    let ids = format!("fail-{delivery_id}");
    let id = StoredValue::new(delivery_id);
    let action =
        move || id.with_value(|id| fail(i, id, &reason.get_untracked(), &note.get_untracked()));
    view! {
        <ActionForm test_id="fail-form" submit="action.fail_button" action=action class="inline-form">
            <Choice id=format!("{ids}-reason") label="fail.reason" options=reasons value=reason />
            <Field id=format!("{ids}-note") label="fail.note" value=note />
        </ActionForm>
    }
}

/// What confirming a delivery's time with the household sends.
pub fn confirm(i: I18n, id: &str, channel: &str, language: &str) -> Result<Action, String> {
    let command = Command::ConfirmWithHousehold {
        delivery_id: id.into(),
        channel: parse_slug(channel).unwrap_or(ContactChannel::Phone),
        language: language.trim().to_owned(),
    };
    delivery_action(i, "action.confirm", id, &command)
}

#[component]
pub fn ConfirmForm(delivery_id: String) -> impl IntoView {
    let i = use_i18n();
    let channel = RwSignal::new("phone".to_owned());
    let language = RwSignal::new(i.lang.get_untracked().tag().to_owned());
    let channels = Signal::derive(move || options(i, &labels::CHANNELS, labels::channel));
    let ids = format!("confirm-{delivery_id}");
    let id = StoredValue::new(delivery_id);
    let action = move || {
        id.with_value(|id| confirm(i, id, &channel.get_untracked(), &language.get_untracked()))
    };
    view! {
        <ActionForm test_id="confirm-form" submit="action.confirm_button" action=action class="inline-form">
            <Choice id=format!("{ids}-channel") label="confirm.channel" options=channels value=channel />
            <Field id=format!("{ids}-language") label="confirm.language" value=language />
        </ActionForm>
    }
}
