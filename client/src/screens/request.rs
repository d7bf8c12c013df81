//! One request: what it asks for, where it stands, its timeline, and the next steps of the
//! procedure the member's roles allow: check stock, reserve, schedule, confirm, deliver,
//! cancel; feedback; and for the roles that see them, the household's contact details.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use shared::distribution::day::{day_of, start_of_day_ms};
use shared::distribution::{
    Command, DeliveryKind, DeliveryProgress, FeedbackFrom, RequestLine, RequestProgress, Stage,
};
use shared::view::Contact;

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::outbox::{Action, new_id};
use crate::ui::delivery::{ConfirmForm, DeliveryButtons};
use crate::ui::form::{ActionButton, ActionForm, Choice, Field, options, parse_slug};
use crate::ui::split::{self, NotLoaded};
use crate::ui::{choices, contact, format, labels, words};

#[component]
pub fn RequestScreen(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let id = StoredValue::new(request_id);
    // The request as the board or the timeline knows it; a closed request is only in the
    // timeline.
    let progress = Memo::new(move |_| {
        ctx.live.with(|live| {
            id.with_value(|id| {
                let card = live.board.requests.get(id.as_str());
                let timeline = live.timelines.get(id);
                let stage = timeline.and_then(|t| t.stage()).or(card.map(|c| c.stage))?;
                let progress = card
                    .map(|c| c.progress.clone())
                    .or_else(|| timeline.and_then(|t| t.progress.clone()));
                Some((stage, progress))
            })
        })
    });

    view! {
        <main class="request-screen" data-testid="request-screen" data-request-id=id.get_value()>
            <h2>{move || i.tf("request.title", &[("id", &id.get_value())])}</h2>
            {move || match progress.get() {
                None => {
                    let waiting = id.with_value(|id| ctx.outbox.waiting_about(id));
                    let key = if waiting { "request.waiting" } else { "request.not_found" };
                    view! { <p data-testid="request-missing">{i.t(key)}</p> }.into_any()
                }
                Some((stage, progress)) => view! {
                    <p class="stage" data-testid="request-stage" data-stage=labels::stage_slug(stage)>
                        {i.t(labels::stage(stage))}
                    </p>
                    <RequestFacts request_id=id.get_value() />
                    {progress.clone().map(|p| view! { <RequestActions request_id=id.get_value() stage=stage progress=p /> })}
                    {request_tools(id.get_value(), stage, progress.as_ref())}
                }.into_any(),
            }}
            <Timeline request_id=id.get_value() />
        </main>
    }
}

/// Urgency, zone, household size and the lines with what has happened to each.
#[component]
fn RequestFacts(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    move || {
        ctx.live.with(|live| {
            let card = live.board.requests.get(request_id.as_str());
            let lines = card.map(|c| c.progress.lines.clone()).unwrap_or_default();
            let facts = card.map(|c| {
                format!(
                    "{} · {} · {} · {}",
                    i.t(labels::urgency(c.urgency)),
                    i.t(labels::need(c.need_category)),
                    c.zone,
                    words::people(i, c.household_size)
                )
            });
            let rows = lines
                .iter()
                .map(|line| {
                    view! {
                        <tr>
                            <th scope="row">{live.item_name(line.item_id.as_str()).to_owned()}</th>
                            <td>{line.requested}</td>
                            <td>{line.reserved}</td>
                            <td>{line.scheduled}</td>
                            <td>{line.issued}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="facts">{facts}</p>
                {(!lines.is_empty()).then(|| view! {
                    <table class="lines">
                        <thead><tr>
                            <th scope="col">{i.t("request.item")}</th>
                            <th scope="col">{i.t("request.requested")}</th>
                            <th scope="col">{i.t("request.reserved")}</th>
                            <th scope="col">{i.t("request.scheduled")}</th>
                            <th scope="col">{i.t("request.issued")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                })}
            }
        })
    }
}

/// An action on request `id`: its label and command.
fn request_action(
    i: I18n,
    key: &'static str,
    id: &str,
    command: &Command,
) -> Result<Action, String> {
    Ok(Action::new(i.tf(key, &[("id", id)]), command)?.about(id))
}

/// What "check stock" sends.
pub fn check_stock(i: I18n, id: &str) -> Result<Action, String> {
    request_action(i, "action.check_stock", id, &Command::CheckStock { request_id: id.into() })
}

/// What "reserve" sends: every line not yet reserved.
pub fn reserve(i: I18n, id: &str, lines: Vec<RequestLine>) -> Result<Action, String> {
    let command = Command::ReserveStock { request_id: id.into(), lines, from_location_id: None };
    request_action(i, "action.reserve", id, &command)
}

/// The next steps of the procedure the member's roles allow, for this stage.
#[component]
fn RequestActions(request_id: String, stage: Stage, progress: RequestProgress) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let id = StoredValue::new(request_id.clone());
    let check = (ctx.may("CheckStock") && matches!(stage, Stage::Logged | Stage::AwaitingStock))
        .then(|| {
            view! {
                <ActionButton test_id="check-stock" label="action.check_stock_button"
                    action=move || id.with_value(|id| check_stock(i, id)) />
            }
        });
    let outstanding: Vec<RequestLine> = progress
        .lines
        .iter()
        .filter(|l| l.outstanding() > 0)
        .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.outstanding() })
        .collect();
    let reserve_button =
        (ctx.may("ReserveStock") && !outstanding.is_empty() && stage != Stage::Logged).then(|| {
            let lines = StoredValue::new(outstanding);
            view! {
                <ActionButton test_id="reserve" label="action.reserve_button"
                    action=move || id.with_value(|id| reserve(i, id, lines.get_value())) />
            }
        });
    let deliveries = progress
        .deliveries
        .iter()
        .filter(|d| d.status.is_active())
        .map(|d| view! { <DeliveryActions delivery=d.clone() /> })
        .collect_view();
    view! {
        <section class="actions" aria-label=i.t("request.actions")>
            <div class="buttons">{check} {reserve_button}</div>
            {deliveries}
        </section>
    }
}

/// The rest of the page's tools, for the roles that use them: loaded on demand.
fn request_tools(
    request_id: String,
    stage: Stage,
    progress: Option<&RequestProgress>,
) -> Option<AnyView> {
    let ctx = use_ctx();
    let uses_tools = ["ScheduleDelivery", "CancelRequest", "RecordFeedback", "EraseHousehold"]
        .iter()
        .any(|command| ctx.may(command))
        || ctx.sees_personal_data();
    let unscheduled: Vec<RequestLine> = progress
        .map(|p| {
            p.lines
                .iter()
                .filter(|l| l.unscheduled() > 0)
                .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.unscheduled() })
                .collect()
        })
        .unwrap_or_default();
    uses_tools.then(|| split::show(tools(request_id, stage, unscheduled)))
}

/// The tools of a request's page that a driver's phone never needs: scheduling (logistics),
/// cancelling, feedback, and a household's contact for the roles that see it. A part of
/// their own, loaded on demand and in the background once the board is drawn.
#[wasm_split(request_tools, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_tools))]
pub fn tools(
    request_id: String,
    stage: Stage,
    unscheduled: Vec<RequestLine>,
) -> Result<AnyView, NotLoaded> {
    let ctx = use_ctx();
    let schedule = (ctx.may("ScheduleDelivery") && !unscheduled.is_empty())
        .then(|| view! { <ScheduleForm request_id=request_id.clone() lines=unscheduled /> });
    let cancel = (ctx.may("CancelRequest") && stage.is_open())
        .then(|| view! { <CancelForm request_id=request_id.clone() /> });
    Ok(view! {
        <section class="actions">{schedule} {cancel}</section>
        <FeedbackForm request_id=request_id.clone() />
        <ContactDetails request_id=request_id />
    }
    .into_any())
}

/// What the schedule form sends: a delivery or pickup of `lines` today from `start` ("14:00")
/// for two hours, with a driver or none.
pub fn schedule(
    i: I18n,
    now_ms: i64,
    request_id: &str,
    lines: Vec<RequestLine>,
    (kind, start, driver): (&str, &str, &str),
) -> Result<Action, String> {
    let minutes = format::parse_clock(start).ok_or_else(|| i.t("schedule.bad_time"))?;
    let window_start_ms = start_of_day_ms(day_of(now_ms)) + minutes * 60_000;
    let kind = parse_slug(kind).unwrap_or(DeliveryKind::Delivery);
    let driver_id = (kind == DeliveryKind::Delivery && !driver.is_empty()).then(|| driver.into());
    let command = Command::ScheduleDelivery {
        delivery_id: new_id("d").as_str().into(),
        request_id: request_id.into(),
        kind,
        lines,
        window_start_ms,
        window_end_ms: window_start_ms + 2 * 3_600_000,
        driver_id,
        replaces_delivery_id: None,
    };
    request_action(i, "action.schedule", request_id, &command)
}

/// Schedules a delivery or pickup of the reserved lines not yet on one.
#[component]
fn ScheduleForm(request_id: String, lines: Vec<RequestLine>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let kind = RwSignal::new("delivery".to_owned());
    let start = RwSignal::new(format::clock((ctx.now.get_untracked() / 3_600_000 + 1) * 3_600_000));
    let driver = RwSignal::new(String::new());
    let kinds = Signal::derive(move || {
        options(i, &[DeliveryKind::Delivery, DeliveryKind::Pickup], labels::delivery_kind)
    });
    let (id, lines) = (StoredValue::new(request_id), StoredValue::new(lines));
    let action = move || {
        let fields = (kind.get_untracked(), start.get_untracked(), driver.get_untracked());
        let now = ctx.now.get_untracked();
        schedule(i, now, &id.get_value(), lines.get_value(), (&fields.0, &fields.1, &fields.2))
    };
    view! {
        <ActionForm test_id="schedule-form" submit="schedule.submit" action=action class="inline-form">
            <h3>{move || i.t("schedule.title")}</h3>
            <Choice id="schedule-kind" label="schedule.kind" options=kinds value=kind />
            <Field id="schedule-start" label="schedule.start" value=start kind="time" required=true />
            <Choice id="schedule-driver" label="schedule.driver" options=choices::drivers() value=driver />
        </ActionForm>
    }
}

/// Confirm, and the driver's buttons, for one delivery of the request.
#[component]
fn DeliveryActions(delivery: DeliveryProgress) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let id = delivery.delivery_id.to_string();
    let driver = delivery
        .driver_id
        .as_ref()
        .map(|d| ctx.live.with_untracked(|l| l.member_name(d.as_str()).to_owned()));
    let heading = format!(
        "{} {} · {} · {}{}",
        i.t(labels::delivery_kind(delivery.kind)),
        id,
        format::window(delivery.window_start_ms, delivery.window_end_ms),
        i.t(labels::delivery_status(delivery.status)),
        driver.map(|d| format!(" · {d}")).unwrap_or_default(),
    );
    let confirm = (ctx.may("ConfirmWithHousehold") && !delivery.confirmed)
        .then(|| view! { <ConfirmForm delivery_id=id.clone() /> });
    view! {
        <div class="delivery" data-testid="delivery" data-delivery-id=delivery.delivery_id.to_string()
            data-status=labels::delivery_status(delivery.status).trim_start_matches("delivery.")>
            <h3>{heading} {delivery.confirmed.then(|| format!(" ✓ {}", i.t("delivery.confirmed")))}</h3>
            {confirm}
            <DeliveryButtons delivery_id=id kind=delivery.kind status=delivery.status
                driver_id=delivery.driver_id.map(|d| d.to_string()) />
        </div>
    }
}

/// What cancelling the request sends.
pub fn cancel(i: I18n, id: &str, reason: &str) -> Result<Action, String> {
    let command =
        Command::CancelRequest { request_id: id.into(), reason: reason.trim().to_owned() };
    request_action(i, "action.cancel", id, &command)
}

#[component]
fn CancelForm(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(request_id);
    let action = move || id.with_value(|id| cancel(i, id, &reason.get_untracked()));
    view! {
        <ActionForm test_id="cancel-form" submit="action.cancel_button" action=action class="inline-form" danger=true>
            <Field id="cancel-reason" label="cancel.reason" value=reason required=true />
        </ActionForm>
    }
}

/// What the feedback form sends.
pub fn feedback(
    i: I18n,
    id: &str,
    (from, rating, text): (&str, &str, &str),
) -> Result<Action, String> {
    let command = Command::RecordFeedback {
        request_id: id.into(),
        from: parse_slug(from).unwrap_or(FeedbackFrom::Household),
        rating: rating.parse().map_err(|_| i.t("feedback.choose_rating"))?,
        text: text.trim().to_owned(),
    };
    request_action(i, "action.feedback", id, &command)
}

#[component]
fn FeedbackForm(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.may("RecordFeedback") {
        return None;
    }
    let from = RwSignal::new("household".to_owned());
    let rating = RwSignal::new("5".to_owned());
    let text = RwSignal::new(String::new());
    let froms = Signal::derive(move || {
        options(i, &[FeedbackFrom::Household, FeedbackFrom::Volunteer], labels::feedback_from)
    });
    let ratings = Signal::derive(|| {
        (1..=5).rev().map(|r| (r.to_string(), "★".repeat(r) + &format!(" ({r})"))).collect()
    });
    let id = StoredValue::new(request_id);
    let action = move || {
        let fields = (from.get_untracked(), rating.get_untracked(), text.get_untracked());
        id.with_value(|id| feedback(i, id, (&fields.0, &fields.1, &fields.2)))
    };
    let on_done = Callback::new(move |()| text.set(String::new()));
    Some(view! {
        <ActionForm test_id="feedback-form" submit="feedback.submit" action=action on_done=on_done class="inline-form">
            <h3>{move || i.t("feedback.title")}</h3>
            <Choice id="feedback-from" label="feedback.from" options=froms value=from />
            <Choice id="feedback-rating" label="feedback.rating" options=ratings value=rating />
            <Field id="feedback-text" label="feedback.text" value=text />
        </ActionForm>
    })
}

/// For members whose work needs them: the household's contact details, on request; the
/// server records who opened them.
#[component]
fn ContactDetails(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.sees_personal_data() {
        return None;
    }
    let shown = RwSignal::new(None::<Result<Contact, Failure>>);
    let open = move |_| {
        let id = request_id.clone();
        spawn_local(async move {
            shown.try_set(Some(api::contact(&id).await));
        });
    };
    // Once the details are open, those who may erase a household can do it from here.
    let erasable = move || {
        shown.with(|s| match s {
            Some(Ok(Contact { household_id, personal_data: Some(_), .. })) => {
                Some(household_id.clone())
            }
            _ => None,
        })
    };
    Some(view! {
        <section class="contact" data-testid="contact">
            <button type="button" on:click=open>{move || i.t("contact.show")}</button>
            <p class="hint">{move || i.t("contact.recorded")}</p>
            {move || shown.get().map(|answer| contact::details(i, answer))}
            {move || erasable().filter(|_| ctx.may("EraseHousehold")).map(|household_id| view! { <EraseForm household_id shown /> })}
        </section>
    })
}

/// What erasing a household sends.
pub fn erase(i: I18n, household_id: &str, reason: &str) -> Result<Action, String> {
    let command = Command::EraseHousehold {
        household_id: household_id.into(),
        reason: reason.trim().to_owned(),
    };
    Action::new(i.t("erase.label"), &command)
}

/// Forgets a household for good: its key is destroyed, so its name, phone, address and
/// notes can never be read again; counts and history stay.
#[component]
fn EraseForm(
    household_id: String,
    shown: RwSignal<Option<Result<Contact, Failure>>>,
) -> impl IntoView {
    let i = use_i18n();
    let reason = RwSignal::new(i.t("erase.default_reason"));
    let household = StoredValue::new(household_id);
    let action = move || household.with_value(|id| erase(i, id, &reason.get_untracked()));
    let on_done = Callback::new(move |()| shown.set(None));
    view! {
        <details class="manage erase" data-testid="erase">
            <summary>{move || i.t("erase.title")}</summary>
            <ActionForm test_id="erase-form" submit="erase.submit" action=action on_done=on_done danger=true>
                <p class="hint">{move || i.t("erase.hint")}</p>
                <Field id="erase-reason" label="erase.reason" value=reason required=true />
            </ActionForm>
        </details>
    }
}

/// Every step of the request: when, what, who, and the stage it left.
#[component]
fn Timeline(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    move || {
        ctx.live.with(|live| {
            let timeline = live.timelines.get(&request_id)?;
            let rows = timeline
                .steps
                .iter()
                .map(|step| {
                    view! {
                        <li data-testid="timeline-step" data-event=step.event_type.to_string()>
                            <time>{format::clock(step.recorded_at_ms)}</time> " "
                            <strong>{i.t(labels::event_type(&step.event_type))}</strong>
                            " · " {live.member_name(step.actor.as_str()).to_owned()}
                            " → " {i.t(labels::stage(step.stage))}
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <section class="timeline">
                    <h3>{i.t("request.timeline")}</h3>
                    <ol>{rows}</ol>
                </section>
            })
        })
    }
}
