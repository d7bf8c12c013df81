//! One request, named by its number (`#/request/142`): what it asks for, where it stands and
//! whether it is late, the next step of the procedure the member's roles allow (check stock,
//! reserve, schedule, confirm, deliver; feedback once delivered), then what is done less
//! often, folded away (cancel; the household's contact for the roles that see it), and its
//! timeline. A module of its own, loaded on demand (and in the background once the board is
//! drawn).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::distribution::{
    Command, DeliveryKind, DeliveryProgress, FeedbackFrom, RequestLine, RequestProgress, Stage,
};
use shared::view::Contact;

use crate::api::{self, Failure};
use crate::ctx::kinds;
use crate::ctx::{Ctx, use_ctx};
use crate::i18n::{I18n, use_i18n};
use crate::live;
use crate::outbox::{Action, new_id};
use crate::ui::delivery::{ConfirmForm, DeliveryButtons};
use crate::ui::form::{ActionButton, ActionForm, Choice, Field, options, parse_slug};
use crate::ui::standing::{HouseholdOrders, Prefill, StartOrderForm};
use crate::ui::{board, choices, contact, format, labels, words};

#[component]
pub fn RequestScreen(key: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let key = StoredValue::new(key);
    // The page's address names the request by its number ("#/request/142") or its id.
    let id =
        Memo::new(move |_| ctx.live.with(|live| key.with_value(|key| live.request_id_for(key))));
    // The request as the board or the timeline knows it; a closed request is only in the
    // timeline.
    let progress = Memo::new(move |_| {
        ctx.live.with(|live| {
            id.with(|id| {
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
    let number = Memo::new(move |_| ctx.live.with(|live| id.with(|id| live.request_number(id))));

    view! {
        <main class="request-screen" data-testid="request-screen" data-request-id=move || id.get()>
            <h2 data-testid="request-number">
                {move || number.get().map_or_else(|| key.get_value(), board::number)}
            </h2>
            {move || match progress.get() {
                None => {
                    let waiting = id.with(|id| ctx.outbox.waiting_about(id));
                    let key = if waiting { "request.waiting" } else { "request.not_found" };
                    view! { <p data-testid="request-missing">{i.t(key)}</p> }.into_any()
                }
                Some((stage, progress)) => {
                    let id = id.get();
                    view! {
                        <RequestFacts request_id=id.clone() stage=stage />
                        <section class="next-step" data-testid="next-step" aria-labelledby="next-title">
                            <h3 id="next-title">{i.t("request.next")}</h3>
                            <p class="hint">{i.t(next_hint(stage))}</p>
                            {progress.clone().map(|p| view! { <RequestActions request_id=id.clone() stage=stage progress=p /> })}
                            {(stage == Stage::Delivered).then(|| view! { <FeedbackForm request_id=id.clone() /> })}
                        </section>
                        <RequestLines request_id=id.clone() />
                        <MoreActions request_id=id.clone() stage=stage />
                        <StandingOrders request_id=id />
                    }
                    .into_any()
                }
            }}
            {move || view! { <Timeline request_id=id.get() /> }}
        </main>
    }
}

/// What the procedure asks next at `stage`, in a sentence.
fn next_hint(stage: Stage) -> &'static str {
    match stage {
        Stage::Logged => "next.logged",
        Stage::AwaitingStock => "next.awaiting_stock",
        Stage::Checked => "next.checked",
        Stage::Reserved => "next.reserved",
        Stage::Scheduled => "next.scheduled",
        Stage::Confirmed => "next.confirmed",
        Stage::OutForDelivery => "next.out_for_delivery",
        Stage::Failed => "next.failed",
        Stage::Delivered => "next.delivered",
        Stage::Cancelled => "next.cancelled",
    }
}

/// The stage, the request's title (need · zone · household), its urgency, and whether it is
/// late and why.
#[component]
fn RequestFacts(request_id: String, stage: Stage) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    move || {
        let now = ctx.now.get();
        ctx.live.with(|live| {
            let card = live.board.requests.get(request_id.as_str());
            let late = card.and_then(|c| {
                let late = c.late(&live.board.late_after, now)?;
                Some(format!("{}: {}", i.t("board.late"), board::late_words(i, c, late, now)))
            });
            let title = card.map(|c| {
                let urgency = labels::urgency(c.urgency);
                view! {
                    <p class="facts">
                        <strong>{board::title(i, c)}</strong> " · "
                        <span class=format!("urgency {}", urgency.trim_start_matches("urgency."))>{i.t(urgency)}</span>
                        " · " {i.tf("request.in_stage_for", &[("for", &format::duration(c.time_in_stage_ms(now)))])}
                    </p>
                }
            });
            view! {
                <p class="stage" data-testid="request-stage" data-stage=labels::stage_slug(stage)>
                    {i.t(labels::stage(stage))}
                </p>
                {title}
                {late.map(|words| view! { <p class="late-badge" data-testid="late">"⚠ " {words}</p> })}
            }
        })
    }
}

/// The lines with what has happened to each.
#[component]
fn RequestLines(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    move || {
        ctx.live.with(|live| {
            let card = live.board.requests.get(request_id.as_str());
            let lines = card.map(|c| c.progress.lines.clone()).unwrap_or_default();
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
            (!lines.is_empty()).then(|| {
                view! {
                    <div class="table-wrap">
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
                    </div>
                }
            })
        })
    }
}

/// An action on request `id`: its label (naming the request by its number where the page
/// knows it) and command.
fn request_action(
    i: I18n,
    key: &'static str,
    id: &str,
    command: &Command,
) -> Result<Action, String> {
    let number = use_context::<Ctx>()
        .and_then(|ctx| ctx.live.try_with_untracked(|live| live.request_number(id)).flatten());
    let named = number.map_or_else(|| id.to_owned(), board::number);
    Ok(Action::new(i.tf(key, &[("id", &named)]), command)?.about(id))
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
    let check = (ctx.may(kinds::Distribution::CheckStock)
        && matches!(stage, Stage::Logged | Stage::AwaitingStock))
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
    let reserve_button = (ctx.may(kinds::Distribution::ReserveStock)
        && !outstanding.is_empty()
        && stage != Stage::Logged)
        .then(|| {
            let lines = StoredValue::new(outstanding);
            view! {
                <ActionButton test_id="reserve" label="action.reserve_button"
                    action=move || id.with_value(|id| reserve(i, id, lines.get_value())) />
            }
        });
    let named = ctx.live.with_untracked(|live| {
        live.request_number(&request_id).map_or_else(|| request_id.clone(), board::number)
    });
    let unscheduled: Vec<RequestLine> = progress
        .lines
        .iter()
        .filter(|l| l.unscheduled() > 0)
        .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.unscheduled() })
        .collect();
    let schedule = (ctx.may(kinds::Distribution::ScheduleDelivery) && !unscheduled.is_empty())
        .then(|| view! { <ScheduleForm request_id=request_id.clone() lines=unscheduled /> });
    let deliveries = progress
        .deliveries
        .iter()
        .filter(|d| d.status.is_active())
        .map(|d| view! { <DeliveryActions delivery=d.clone() named=named.clone() /> })
        .collect_view();
    view! {
        <div class="actions">
            <div class="buttons">{check} {reserve_button}</div>
            {schedule}
            {deliveries}
        </div>
    }
}

/// What is done less often, folded away: cancelling, and the household's contact for the
/// roles that see it.
/// The household's standing orders, and a form to make this request one, for those who
/// keep in touch with households; the order a date's request was logged for.
#[component]
fn StandingOrders(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let card =
        ctx.live.with_untracked(|live| live.board.requests.get(request_id.as_str()).cloned())?;
    let of_order = card.standing.as_ref().map(|o| {
        let date = words::date(i, o.day);
        view! {
            <p data-testid="standing-of" data-order-id=o.order_id.to_string()>
                "↻ " {i.tf("standing.date_of", &[("order", o.order_id.as_str()), ("date", &date)])}
            </p>
        }
    });
    if !ctx.may(kinds::Standing::StartStandingOrder) {
        return of_order.map(|p| p.into_any());
    }
    let prefill = Prefill {
        household: card.household_id.to_string(),
        zone: card.zone.to_string(),
        size: card.household_size,
        need: Some(card.need_category),
        lines: card
            .progress
            .lines
            .iter()
            .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.requested })
            .collect(),
    };
    Some(
        view! {
            {of_order}
            <HouseholdOrders household_id=card.household_id.to_string() />
            <details class="make-standing" data-testid="make-standing">
                <summary>{i.t("standing.from_request")}</summary>
                <StartOrderForm prefill=prefill />
            </details>
        }
        .into_any(),
    )
}

#[component]
fn MoreActions(request_id: String, stage: Stage) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let cancel = (ctx.may(kinds::Distribution::CancelRequest) && stage.is_open())
        .then(|| view! { <CancelForm request_id=request_id.clone() /> });
    let contact =
        ctx.sees_personal_data().then(|| view! { <ContactDetails request_id=request_id /> });
    (cancel.is_some() || contact.is_some()).then(|| {
        view! {
            <details class="more-actions" data-testid="more-actions">
                <summary>{i.t("request.more_actions")}</summary>
                {contact}
                {cancel}
            </details>
        }
    })
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
    // The time typed is on the group's clock, today where it lives.
    let window_start_ms = live::with_clock(|clock| clock.instant_of(clock.day_of(now_ms), minutes));
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
fn DeliveryActions(delivery: DeliveryProgress, named: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let id = delivery.delivery_id.to_string();
    let driver = delivery
        .driver_id
        .as_ref()
        .map(|d| ctx.live.with_untracked(|l| l.member_name(d.as_str()).to_owned()));
    let heading = format!(
        "{} · {} · {}{}",
        i.t(labels::delivery_kind(delivery.kind)),
        format::window(delivery.window_start_ms, delivery.window_end_ms),
        i.t(labels::delivery_status(delivery.status)),
        driver.map(|d| format!(" · {d}")).unwrap_or_default(),
    );
    let confirm = (ctx.may(kinds::Distribution::ConfirmWithHousehold) && !delivery.confirmed)
        .then(|| view! { <ConfirmForm delivery_id=id.clone() named=named.clone() /> });
    view! {
        <div class="delivery" data-testid="delivery" data-delivery-id=delivery.delivery_id.to_string()
            data-status=labels::delivery_status(delivery.status).trim_start_matches("delivery.")>
            <h3>{heading} {delivery.confirmed.then(|| format!(" ✓ {}", i.t("delivery.confirmed")))}</h3>
            {confirm}
            <DeliveryButtons delivery_id=id named=named kind=delivery.kind status=delivery.status completed=None
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
    if !ctx.may(kinds::Distribution::RecordFeedback) {
        return None;
    }
    let from = RwSignal::new("household".to_owned());
    let rating = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let froms = Signal::derive(move || {
        options(i, &[FeedbackFrom::Household, FeedbackFrom::Volunteer], labels::feedback_from)
    });
    // No rating is chosen for the member: "choose…" first, and the form needs one.
    let ratings = Signal::derive(move || {
        let stars = (1..=5).rev().map(|r| (r.to_string(), "★".repeat(r) + &format!(" ({r})")));
        std::iter::once((String::new(), i.t("choose"))).chain(stars).collect()
    });
    let id = StoredValue::new(request_id);
    let action = move || {
        let fields = (from.get_untracked(), rating.get_untracked(), text.get_untracked());
        id.with_value(|id| feedback(i, id, (&fields.0, &fields.1, &fields.2)))
    };
    let on_done = Callback::new(move |()| {
        text.set(String::new());
        rating.set(String::new());
    });
    Some(view! {
        <ActionForm test_id="feedback-form" submit="feedback.submit" action=action on_done=on_done class="inline-form">
            <h3>{move || i.t("feedback.title")}</h3>
            <Choice id="feedback-from" label="feedback.from" options=froms value=from />
            <Choice id="feedback-rating" label="feedback.rating" options=ratings value=rating required=true />
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
            {move || erasable().filter(|_| ctx.may(kinds::Distribution::EraseHousehold)).map(|household_id| view! { <EraseForm household_id shown /> })}
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
                            <strong>{words::event(i, &step.event_type)}</strong>
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
