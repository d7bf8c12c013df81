//! A new request, fast on a phone. The household's name, phone and address are optional
//! here and go to the server, which seals them before anything is written.

use leptos::prelude::*;
use shared::distribution::{Command, ContactChannel, NeedCategory, RequestLine, Urgency};
use shared::personal::PersonalData;

use crate::ctx::kinds;
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::route::Route;
use crate::ui::form::{ActionForm, Choice, Field, options, parse_slug};
use crate::ui::{choices, format, labels};

/// What the intake form holds when it is sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Intake {
    pub need: String,
    /// `(item id, quantity)` as typed; lines without an item are skipped.
    pub lines: Vec<(String, String)>,
    pub household_size: String,
    pub urgency: String,
    pub zone: String,
    pub language: String,
    pub channel: String,
    pub personal: PersonalData,
}

/// What the intake form sends, and the new request's id.
pub fn log_request(i: I18n, intake: &Intake) -> Result<(Action, String), String> {
    let mut lines: Vec<RequestLine> = Vec::new();
    for (item, quantity) in &intake.lines {
        if item.is_empty() {
            continue;
        }
        let quantity = format::parse_whole(quantity).ok_or_else(|| i.t("intake.bad_quantity"))?;
        match lines.iter_mut().find(|l| l.item_id.as_str() == item) {
            Some(existing) => existing.quantity += quantity,
            None => lines.push(RequestLine { item_id: item.as_str().into(), quantity }),
        }
    }
    let household_size =
        format::parse_whole(&intake.household_size).ok_or_else(|| i.t("intake.bad_size"))?;
    let request_id = new_id("r");
    let command = Command::LogRequest {
        request_id: request_id.as_str().into(),
        household_id: new_id("h").as_str().into(),
        need_category: parse_slug(&intake.need).unwrap_or(NeedCategory::Other),
        lines,
        household_size,
        urgency: parse_slug(&intake.urgency).unwrap_or(Urgency::Routine),
        zone: intake.zone.trim().into(),
        preferred_language: intake.language.trim().to_owned(),
        contact_channel: parse_slug(&intake.channel).unwrap_or(ContactChannel::Phone),
        personal_data: None,
    };
    let mut action = Action::new(i.tf("action.log_request", &[("id", &request_id)]), &command)?
        .about(request_id.clone());
    let personal = &intake.personal;
    let told = [&personal.name, &personal.phone, &personal.address, &personal.notes];
    if told.iter().any(|field| !field.trim().is_empty()) {
        let trimmed = PersonalData {
            name: personal.name.trim().to_owned(),
            phone: personal.phone.trim().to_owned(),
            address: personal.address.trim().to_owned(),
            notes: personal.notes.trim().to_owned(),
        };
        action.command =
            action.command.with_personal_data(kinds::Distribution::LogRequest.into(), &trimmed);
    }
    Ok((action, request_id))
}

/// One line of a request being typed in.
#[derive(Clone, Copy, Debug)]
struct LineInput {
    key: usize,
    item: RwSignal<String>,
    quantity: RwSignal<String>,
}

impl LineInput {
    fn new(key: usize) -> LineInput {
        LineInput {
            key,
            item: RwSignal::new(String::new()),
            quantity: RwSignal::new("1".to_owned()),
        }
    }
}

#[component]
pub fn IntakeScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.may(kinds::Distribution::LogRequest) {
        return view! { <main><p data-testid="not-allowed">{move || i.t("error.not_allowed")}</p></main> }.into_any();
    }
    let need = RwSignal::new("food".to_owned());
    let size = RwSignal::new("1".to_owned());
    let urgency = RwSignal::new("routine".to_owned());
    let zone = RwSignal::new(String::new());
    let language = RwSignal::new(i.lang.get_untracked().tag().to_owned());
    let channel = RwSignal::new("phone".to_owned());
    let [name, phone, address, notes] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let next_key = StoredValue::new(1usize);
    let lines = RwSignal::new(vec![LineInput::new(0)]);

    let needs = Signal::derive(move || options(i, &labels::NEEDS, labels::need));
    let urgencies = Signal::derive(move || options(i, &labels::URGENCIES, labels::urgency));
    let channels = Signal::derive(move || options(i, &labels::CHANNELS, labels::channel));
    let items = choices::items();

    let add_line = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|l| l.push(LineInput::new(key)));
    };
    let action = move || {
        let intake = Intake {
            need: need.get_untracked(),
            lines: lines
                .get_untracked()
                .iter()
                .map(|l| (l.item.get_untracked(), l.quantity.get_untracked()))
                .collect(),
            household_size: size.get_untracked(),
            urgency: urgency.get_untracked(),
            zone: zone.get_untracked(),
            language: language.get_untracked(),
            channel: channel.get_untracked(),
            personal: PersonalData {
                name: name.get_untracked(),
                phone: phone.get_untracked(),
                address: address.get_untracked(),
                notes: notes.get_untracked(),
            },
        };
        let (action, request_id) = log_request(i, &intake)?;
        // The request's page follows it from "waiting to be sent" to its first stage; the
        // form goes once it has queued the action, right after this.
        queue_microtask(move || ctx.go(Route::Request(request_id)));
        Ok(action)
    };

    view! {
        <main class="intake-screen" data-testid="intake-screen">
            <h2>{move || i.t("intake.title")}</h2>
            <ActionForm test_id="intake" submit="intake.submit" action=action>
                <Choice id="intake-need" label="intake.need" options=needs value=need />
                <fieldset>
                    <legend>{move || i.t("intake.items")}</legend>
                    // Drawn again when a line is added or removed, not as one is typed into.
                    {move || lines.get().into_iter().map(|line| view! {
                        <div class="line-input">
                            <Choice id=format!("intake-item-{}", line.key) label="intake.item" options=items value=line.item />
                            <Field id=format!("intake-quantity-{}", line.key) label="intake.quantity" value=line.quantity kind="number" />
                            <button type="button" class="secondary"
                                on:click=move |_| lines.update(|l| l.retain(|x| x.key != line.key))>
                                {move || i.t("intake.remove_item")}
                            </button>
                        </div>
                    }).collect_view()}
                    <button type="button" class="secondary" on:click=add_line>{move || i.t("intake.add_item")}</button>
                </fieldset>
                <Field id="intake-size" label="intake.household_size" value=size kind="number" required=true />
                <Choice id="intake-urgency" label="intake.urgency" options=urgencies value=urgency />
                // The group's zones once it lists them; before that, any zone in words.
                {move || {
                    let zones = choices::zones();
                    if zones.with(Vec::is_empty) {
                        view! { <Field id="intake-zone" label="intake.zone" value=zone required=true /> }.into_any()
                    } else {
                        view! { <Choice id="intake-zone" label="intake.zone" options=zones value=zone required=true /> }.into_any()
                    }
                }}
                <Choice id="intake-language" label="intake.language" options=choices::languages() value=language required=true />
                <Choice id="intake-channel" label="intake.channel" options=channels value=channel />
                <fieldset>
                    <legend>{move || i.t("intake.contact")}</legend>
                    <p class="hint">{move || i.t("intake.contact_hint")}</p>
                    <Field id="intake-name" label="contact.name" value=name />
                    <Field id="intake-phone" label="contact.phone" value=phone kind="tel" />
                    <Field id="intake-address" label="contact.address" value=address />
                    <Field id="intake-notes" label="contact.notes" value=notes />
                </fieldset>
            </ActionForm>
        </main>
    }
    .into_any()
}
