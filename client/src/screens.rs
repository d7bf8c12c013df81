//! The screens of distribution day: the board on the big screen, one request's detail with
//! the next steps of the procedure, and a driver's deliveries on a phone.

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::access;
use shared::distribution::day::{day_of, start_of_day_ms};
use shared::distribution::{
    Command, ContactChannel, DeliveryKind, DeliveryProgress, DeliveryStatus, FailureReason,
    FeedbackFrom, RequestLine, RequestProgress, Stage, StockWarning,
};

use crate::api::{self, Contact, Failure};
use crate::app::{Route, use_ctx};
use crate::forms::{Choice, Field, options};
use crate::i18n::{I18n, use_i18n};
use crate::labels;
use crate::live::{Live, duration_label};
use crate::outbox::new_id;
use crate::people::{roster_resource, signals_view};

/// Cards a column shows on a 1080-pixel-high screen; the rest are counted under them.
const CARDS_SHOWN: usize = 8;
/// Rows an alert or stock panel shows.
const ROWS_SHOWN: usize = 10;
/// A card this long in one stage stands out as stalled.
const STALLED_MS: i64 = 45 * 60_000;

/// The live board: open requests in columns by stage, today's deliveries by driver, open
/// procurement alerts, low and expiring stock.
#[component]
pub fn BoardScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let (live, now) = (ctx.live, ctx.now);
    let roster = roster_resource();
    view! {
        <main class="board-screen" data-testid="board-screen">
            <section class="columns" aria-label=move || i.t("board.columns")>
                {move || live.with(|l| columns_view(i, l, now.get()))}
            </section>
            <section class="panels">
                <section class="panel" data-testid="deliveries-today" aria-labelledby="deliveries-title">
                    <h2 id="deliveries-title">{move || i.t("board.deliveries_today")}</h2>
                    <div class="lanes">{move || live.with(|l| deliveries_view(i, l, now.get()))}</div>
                </section>
                <section class="panel" data-testid="procurement-alerts" aria-labelledby="alerts-title">
                    <h2 id="alerts-title">{move || i.t("board.alerts")}</h2>
                    {move || live.with(|l| alerts_view(i, l, now.get()))}
                </section>
                <section class="panel" data-testid="stock-warnings" aria-labelledby="stock-title">
                    <h2 id="stock-title">{move || i.t("board.stock_warnings")}</h2>
                    {move || live.with(|l| stock_view(i, l, now.get()))}
                </section>
                <section class="panel" data-testid="people-signals" aria-labelledby="people-title">
                    <h2 id="people-title">{move || i.t("board.people")}</h2>
                    {move || roster.get().map(|answer| match answer {
                        Ok(view) => live.with(|l| signals_view(i, l, &view, ROWS_SHOWN)).into_any(),
                        Err(failure) => view! { <p class="error">{failure_words(i, failure)}</p> }.into_any(),
                    })}
                </section>
            </section>
        </main>
    }
}

pub(crate) fn columns_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
    live.board
        .columns()
        .into_iter()
        .map(|column| {
            let cards = column
                .cards
                .iter()
                .take(CARDS_SHOWN)
                .map(|card| {
                    let items: Vec<String> = card
                        .progress
                        .lines
                        .iter()
                        .map(|line| format!("{} × {}", line.requested, live.item_name(line.item_id.as_str())))
                        .collect();
                    let age = card.time_in_stage_ms(now);
                    let stalled = age >= STALLED_MS;
                    let href = Route::Request(card.request_id.to_string()).href();
                    view! {
                        <li class="card" class:stalled=stalled data-testid="request-card"
                            data-request-id=card.request_id.to_string()
                            data-urgency=labels::urgency(card.urgency).trim_start_matches("urgency.")>
                            <div class="card-top">
                                <a href=href><strong>{card.request_id.to_string()}</strong></a>
                                <span class="age" title=i.t("board.time_in_stage")>
                                    {stalled.then(|| view! { <span class="stalled-mark">{i.t("board.stalled")} " "</span> })}
                                    {duration_label(age)}
                                </span>
                            </div>
                            <div class="card-meta">
                                <span class=format!("urgency {}", labels::urgency(card.urgency).trim_start_matches("urgency."))>
                                    {i.t(labels::urgency(card.urgency))}
                                </span>
                                " · " {card.zone.to_string()} " · " {people(i, card.household_size)}
                            </div>
                            <div class="card-items">{items.join(", ")}</div>
                        </li>
                    }
                })
                .collect_view();
            let count = column.cards.len();
            view! {
                <section class="column" data-testid=format!("column-{}", labels::stage_slug(column.stage))>
                    <h2>{i.t(labels::stage(column.stage))} " " <span class="count">{count}</span></h2>
                    <ol>{cards} {more(i, count, CARDS_SHOWN)}</ol>
                </section>
            }
        })
        .collect_view()
}

pub(crate) fn deliveries_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
    let lanes = live.board.deliveries_today(now);
    if lanes.is_empty() {
        return view! { <p class="empty">{i.t("board.no_deliveries")}</p> }.into_any();
    }
    lanes
        .into_iter()
        .map(|lane| {
            let driver = match lane.driver_id {
                Some(id) => live.member_name(id.as_str()).to_owned(),
                None => i.t("board.unclaimed"),
            };
            let rows = lane
                .deliveries
                .iter()
                .map(|d| {
                    let status = labels::delivery_status(d.status);
                    view! {
                        <li data-testid="delivery-row" data-delivery-id=d.delivery_id.to_string()
                            data-status=status.trim_start_matches("delivery.")>
                            <span class="time">{window_label(d.window_start_ms, d.window_end_ms)}</span>
                            " " <a href=Route::Request(d.request_id.to_string()).href()>{d.request_id.to_string()}</a>
                            " · " {d.zone.to_string()} " · " {i.t(labels::delivery_kind(d.kind))}
                            " · " <em>{i.t(status)}</em>
                            {d.confirmed.then(|| format!(" ✓ {}", i.t("delivery.confirmed")))}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="lane" data-testid="driver-lane">
                    <h3>{driver}</h3>
                    <ul>{rows}</ul>
                </div>
            }
        })
        .collect_view()
        .into_any()
}

pub(crate) fn alerts_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
    let alerts = live.board.open_alerts();
    if alerts.is_empty() {
        return view! { <p class="empty">{i.t("board.no_alerts")}</p> }.into_any();
    }
    let total = alerts.len();
    let rows = alerts
        .into_iter()
        .take(ROWS_SHOWN)
        .map(|alert| {
            let item = live.item_name(alert.item_id.as_str()).to_owned();
            let request =
                alert.request_id.as_ref().map(|r| i.tf("board.alert_for", &[("id", r.as_str())]));
            view! {
                <li data-testid="alert">
                    <strong>{format!("{} × {item}", alert.quantity)}</strong>
                    " " {request}
                    <span class="age">{duration_label(now - alert.raised_at_ms)}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul>{rows} {more(i, total, ROWS_SHOWN)}</ul> }.into_any()
}

pub(crate) fn stock_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
    let warnings = live.board.stock_warnings(now);
    if warnings.is_empty() {
        return view! { <p class="empty">{i.t("board.stock_fine")}</p> }.into_any();
    }
    let total = warnings.len();
    let rows = warnings
        .into_iter()
        .take(ROWS_SHOWN)
        .map(|warning| {
            let (kind, text) = match &warning {
                StockWarning::BelowThreshold { item_id, available, threshold } => (
                    "low",
                    i.tf(
                        "stock.warning_low",
                        &[
                            ("item", live.item_name(item_id.as_str())),
                            ("available", &available.to_string()),
                            ("threshold", &threshold.to_string()),
                        ],
                    ),
                ),
                StockWarning::ExpiringSoon { item_id, location_id, expires_on_day, on_hand } => (
                    "expiring",
                    i.tf(
                        "stock.warning_expiring",
                        &[
                            ("item", live.item_name(item_id.as_str())),
                            ("n", &on_hand.to_string()),
                            ("location", live.location_name(location_id.as_str())),
                            ("date", &date_label(*expires_on_day)),
                        ],
                    ),
                ),
                StockWarning::Expired { item_id, location_id, expires_on_day, on_hand } => (
                    "expired",
                    i.tf(
                        "stock.warning_expired",
                        &[
                            ("item", live.item_name(item_id.as_str())),
                            ("n", &on_hand.to_string()),
                            ("location", live.location_name(location_id.as_str())),
                            ("date", &date_label(*expires_on_day)),
                        ],
                    ),
                ),
            };
            view! { <li data-testid="stock-warning" data-kind=kind>{text}</li> }
        })
        .collect_view();
    view! { <ul>{rows} {more(i, total, ROWS_SHOWN)}</ul> }.into_any()
}

/// "+3 more" under a list cut at `shown`, nothing when all of it fits.
fn more(i: I18n, total: usize, shown: usize) -> Option<impl IntoView + use<>> {
    (total > shown).then(|| {
        view! { <li class="more" data-testid="more">{i.tf("more", &[("n", &(total - shown).to_string())])}</li> }
    })
}

fn people(i: I18n, count: i64) -> String {
    if count == 1 { i.t("people.one") } else { i.tf("people.many", &[("n", &count.to_string())]) }
}

/// "14:30", UTC: the days the server counts in.
pub fn clock(ms: i64) -> String {
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn window_label(start_ms: i64, end_ms: i64) -> String {
    format!("{}–{}", clock(start_ms), clock(end_ms))
}

/// A day number (days since 1970, UTC) as an ISO date.
pub fn date_label(day: i64) -> String {
    let (year, month, day) = shared::distribution::day::date_of_day(day);
    format!("{year:04}-{month:02}-{day:02}")
}

/// One request: what it asks for, where it stands, its timeline, and the next steps the
/// member's roles allow.
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
                    let waiting = ctx.outbox.pending.with(|q| q.iter().any(|p| {
                        p.command.get("request_id").and_then(|r| r.as_str()) == Some(id.get_value().as_str())
                    }));
                    let key = if waiting { "request.waiting" } else { "request.not_found" };
                    view! { <p data-testid="request-missing">{i.t(key)}</p> }.into_any()
                }
                Some((stage, progress)) => view! {
                    <p class="stage" data-testid="request-stage" data-stage=labels::stage_slug(stage)>
                        {i.t(labels::stage(stage))}
                    </p>
                    <RequestFacts request_id=id.get_value() />
                    {progress.map(|p| view! { <RequestActions request_id=id.get_value() stage=stage progress=p /> })}
                    <FeedbackForm request_id=id.get_value() />
                    <ContactDetails request_id=id.get_value() />
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
                    people(i, c.household_size)
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

/// The next steps of the procedure the member's roles allow, for this stage.
#[component]
fn RequestActions(request_id: String, stage: Stage, progress: RequestProgress) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let id = request_id.clone();
    let check = (ctx.may("CheckStock") && matches!(stage, Stage::Logged | Stage::AwaitingStock))
        .then(|| {
            let id = id.clone();
            let on_click = move |_| {
                let label = i.tf("action.check_stock", &[("id", &id)]);
                ctx.send(label, &Command::CheckStock { request_id: id.as_str().into() });
            };
            view! { <button type="button" data-testid="check-stock" on:click=on_click>{i.t("action.check_stock_button")}</button> }
        });
    let outstanding: Vec<RequestLine> = progress
        .lines
        .iter()
        .filter(|l| l.outstanding() > 0)
        .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.outstanding() })
        .collect();
    let reserve = (ctx.may("ReserveStock") && !outstanding.is_empty() && stage != Stage::Logged)
        .then(|| {
            let id = id.clone();
            let on_click = move |_| {
                let label = i.tf("action.reserve", &[("id", &id)]);
                let command = Command::ReserveStock {
                    request_id: id.as_str().into(),
                    lines: outstanding.clone(),
                    from_location_id: None,
                };
                ctx.send(label, &command);
            };
            view! { <button type="button" data-testid="reserve" on:click=on_click>{i.t("action.reserve_button")}</button> }
        });
    let unscheduled: Vec<RequestLine> = progress
        .lines
        .iter()
        .filter(|l| l.unscheduled() > 0)
        .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.unscheduled() })
        .collect();
    let schedule = (ctx.may("ScheduleDelivery") && !unscheduled.is_empty())
        .then(|| view! { <ScheduleForm request_id=id.clone() lines=unscheduled /> });
    let deliveries = progress
        .deliveries
        .iter()
        .filter(|d| d.status.is_active())
        .map(|d| view! { <DeliveryActions delivery=d.clone() /> })
        .collect_view();
    let cancel = (ctx.may("CancelRequest") && stage.is_open())
        .then(|| view! { <CancelForm request_id=id.clone() /> });
    view! {
        <section class="actions" aria-label=i.t("request.actions")>
            {check} {reserve}
            {schedule}
            {deliveries}
            {cancel}
        </section>
    }
}

/// Schedules a delivery or pickup of the reserved lines not yet on one.
#[component]
fn ScheduleForm(request_id: String, lines: Vec<RequestLine>) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let kind = RwSignal::new("delivery".to_owned());
    let start = RwSignal::new(clock((ctx.now.get_untracked() / 3_600_000 + 1) * 3_600_000));
    let driver = RwSignal::new(String::new());
    let drivers = Signal::derive(move || {
        let mut choices = vec![(String::new(), i.t("schedule.no_driver"))];
        ctx.live.with(|live| {
            choices.extend(
                live.members
                    .iter()
                    .filter(|m| m.roles.contains(&access::Role::Driver))
                    .map(|m| (m.member_id.to_string(), m.name.clone())),
            )
        });
        choices
    });
    let kinds = Signal::derive(move || {
        vec![
            ("delivery".to_owned(), i.t("kind.delivery")),
            ("pickup".to_owned(), i.t("kind.pickup")),
        ]
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(minutes) = parse_clock(&start.get_untracked()) else {
            ctx.outbox.error(i.t("schedule.bad_time"));
            return;
        };
        let window_start_ms = start_of_day_ms(day_of(ctx.now.get_untracked())) + minutes * 60_000;
        let pickup = kind.get_untracked() == "pickup";
        let driver_id = driver.get_untracked();
        let command = Command::ScheduleDelivery {
            delivery_id: new_id("d").as_str().into(),
            request_id: request_id.as_str().into(),
            kind: if pickup { DeliveryKind::Pickup } else { DeliveryKind::Delivery },
            lines: lines.clone(),
            window_start_ms,
            window_end_ms: window_start_ms + 2 * 3_600_000,
            driver_id: (!pickup && !driver_id.is_empty()).then(|| driver_id.as_str().into()),
            replaces_delivery_id: None,
        };
        ctx.send(i.tf("action.schedule", &[("id", &request_id)]), &command);
    };
    view! {
        <form class="inline-form" data-testid="schedule-form" on:submit=submit>
            <h3>{move || i.t("schedule.title")}</h3>
            <Choice id="schedule-kind" label="schedule.kind" options=kinds value=kind />
            <Field id="schedule-start" label="schedule.start" value=start kind="time" required=true />
            <Choice id="schedule-driver" label="schedule.driver" options=drivers value=driver />
            <button type="submit">{move || i.t("schedule.submit")}</button>
        </form>
    }
}

/// "14:30" as minutes after midnight.
fn parse_clock(text: &str) -> Option<i64> {
    let (hours, minutes) = text.split_once(':')?;
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.get(..2)?.parse().ok()?);
    ((0..24).contains(&hours) && (0..60).contains(&minutes)).then_some(hours * 60 + minutes)
}

/// Claim, confirm, start, complete or fail one delivery, as the member's roles allow.
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
        window_label(delivery.window_start_ms, delivery.window_end_ms),
        i.t(labels::delivery_status(delivery.status)),
        driver.map(|d| format!(" · {d}")).unwrap_or_default(),
    );
    let confirm = (ctx.may("ConfirmWithHousehold") && !delivery.confirmed)
        .then(|| view! { <ConfirmForm delivery_id=id.clone() /> });
    let test_id = id.clone();
    view! {
        <div class="delivery" data-testid="delivery" data-delivery-id=test_id
            data-status=labels::delivery_status(delivery.status).trim_start_matches("delivery.")>
            <h3>{heading} {delivery.confirmed.then(|| format!(" ✓ {}", i.t("delivery.confirmed")))}</h3>
            {confirm}
            <DriverButtons delivery_id=id kind=delivery.kind status=delivery.status driver_id=delivery.driver_id.map(|d| d.to_string()) />
        </div>
    }
}

/// The one-tap buttons of a delivery: claim, start, complete, fail with a reason. A button
/// whose action is waiting to be sent says so and cannot be tapped twice.
#[component]
fn DriverButtons(
    delivery_id: String,
    kind: DeliveryKind,
    status: DeliveryStatus,
    driver_id: Option<String>,
) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let id = StoredValue::new(delivery_id);
    let waiting = move || {
        ctx.outbox.pending.with(|q| {
            q.iter().any(|p| {
                p.command.get("delivery_id").and_then(|d| d.as_str())
                    == Some(id.get_value().as_str())
            })
        })
    };
    let button = move |test_id: &'static str,
                       key: &'static str,
                       action: &'static str,
                       command: Command| {
        let command = StoredValue::new(command);
        view! {
            <button type="button" data-testid=test_id disabled=waiting
                on:click=move |_| {
                    let label = i.tf(action, &[("id", &id.get_value())]);
                    command.with_value(|c| ctx.send(label, c));
                }>
                {move || if waiting() { i.tf("action.waiting", &[("what", &i.t(key))]) } else { i.t(key) }}
            </button>
        }
    };
    let delivery_id = || id.get_value().as_str().into();
    // A delivery is handed over once out; a pickup whenever the household comes.
    let handing_over = status == DeliveryStatus::OutForDelivery
        || (kind == DeliveryKind::Pickup && status.is_active());
    let claim = (ctx.may("ClaimDelivery")
        && driver_id.is_none()
        && kind == DeliveryKind::Delivery
        && status == DeliveryStatus::Scheduled)
        .then(|| {
            button(
                "claim",
                "action.claim_button",
                "action.claim",
                Command::ClaimDelivery { delivery_id: delivery_id() },
            )
        });
    let start = (ctx.may("StartDelivery")
        && kind == DeliveryKind::Delivery
        && status == DeliveryStatus::Assigned)
        .then(|| {
            button(
                "start",
                "action.start_button",
                "action.start",
                Command::StartDelivery { delivery_id: delivery_id() },
            )
        });
    let complete = (ctx.may("CompleteDelivery") && handing_over).then(|| {
        button(
            "complete",
            "action.complete_button",
            "action.complete",
            Command::CompleteDelivery { delivery_id: delivery_id() },
        )
    });
    let fail = (ctx.may("FailDelivery") && handing_over)
        .then(|| view! { <FailForm delivery_id=id.get_value() /> });
    view! { <div class="buttons">{claim} {start} {complete}</div> {fail} }
}

#[component]
fn FailForm(delivery_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reason = RwSignal::new("nobody_home".to_owned());
    let note = RwSignal::new(String::new());
    let reasons = Signal::derive(move || options(i, &labels::FAILURES, labels::failure));
    let form_id = format!("fail-{delivery_id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reason = serde_json::from_value::<FailureReason>(serde_json::Value::String(
            reason.get_untracked(),
        ))
        .unwrap_or(FailureReason::Other);
        let command = Command::FailDelivery {
            delivery_id: delivery_id.as_str().into(),
            reason,
            note: note.get_untracked(),
        };
        ctx.send(i.tf("action.fail", &[("id", &delivery_id)]), &command);
    };
    let reason_id: &'static str = leak(format!("{form_id}-reason"));
    let note_id: &'static str = leak(format!("{form_id}-note"));
    view! {
        <form class="inline-form" data-testid="fail-form" on:submit=submit>
            <Choice id=reason_id label="fail.reason" options=reasons value=reason />
            <Field id=note_id label="fail.note" value=note />
            <button type="submit">{move || i.t("action.fail_button")}</button>
        </form>
    }
}

/// Element ids are `&'static str` in the form helpers; the few built from an id live as
/// long as the page, which shows a bounded number of deliveries.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[component]
fn ConfirmForm(delivery_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let channel = RwSignal::new("phone".to_owned());
    let language = RwSignal::new(i.lang.get_untracked().tag().to_owned());
    let channels = Signal::derive(move || options(i, &labels::CHANNELS, labels::channel));
    let submit = {
        let delivery_id = delivery_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let channel = serde_json::from_value::<ContactChannel>(serde_json::Value::String(
                channel.get_untracked(),
            ))
            .unwrap_or(ContactChannel::Phone);
            let command = Command::ConfirmWithHousehold {
                delivery_id: delivery_id.as_str().into(),
                channel,
                language: language.get_untracked(),
            };
            ctx.send(i.tf("action.confirm", &[("id", &delivery_id)]), &command);
        }
    };
    view! {
        <form class="inline-form" data-testid="confirm-form" on:submit=submit>
            <Choice id=leak(format!("confirm-{delivery_id}-channel")) label="confirm.channel" options=channels value=channel />
            <Field id=leak(format!("confirm-{delivery_id}-language")) label="confirm.language" value=language />
            <button type="submit">{move || i.t("action.confirm_button")}</button>
        </form>
    }
}

#[component]
fn CancelForm(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = Command::CancelRequest {
            request_id: request_id.as_str().into(),
            reason: reason.get_untracked(),
        };
        ctx.send(i.tf("action.cancel", &[("id", &request_id)]), &command);
    };
    view! {
        <form class="inline-form" data-testid="cancel-form" on:submit=submit>
            <Field id="cancel-reason" label="cancel.reason" value=reason required=true />
            <button type="submit" class="danger">{move || i.t("action.cancel_button")}</button>
        </form>
    }
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let from = if from.get_untracked() == "volunteer" {
            FeedbackFrom::Volunteer
        } else {
            FeedbackFrom::Household
        };
        let command = Command::RecordFeedback {
            request_id: request_id.as_str().into(),
            from,
            rating: rating.get_untracked().parse().unwrap_or(0),
            text: text.get_untracked(),
        };
        ctx.send(i.tf("action.feedback", &[("id", &request_id)]), &command);
        text.set(String::new());
    };
    Some(view! {
        <form class="inline-form" data-testid="feedback-form" on:submit=submit>
            <h3>{move || i.t("feedback.title")}</h3>
            <Choice id="feedback-from" label="feedback.from" options=froms value=from />
            <Choice id="feedback-rating" label="feedback.rating" options=ratings value=rating />
            <Field id="feedback-text" label="feedback.text" value=text />
            <button type="submit">{move || i.t("feedback.submit")}</button>
        </form>
    })
}

/// For members whose work needs them: the household's contact details, on request; the
/// server records who opened them.
#[component]
fn ContactDetails(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    if !ctx.me.with_value(|me| access::sees_all_personal_data(&me.roles)) {
        return None;
    }
    let shown = RwSignal::new(None::<Result<Contact, Failure>>);
    let open = move |_| {
        let id = request_id.clone();
        spawn_local(async move { shown.set(Some(api::contact(&id).await)) });
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
            {move || shown.get().map(|answer| contact_view(i, answer))}
            {move || erasable().filter(|_| ctx.may("EraseHousehold")).map(|household_id| view! { <EraseForm household_id shown /> })}
        </section>
    })
}

/// Forgets a household for good: its key is destroyed, so its name, phone, address and
/// notes can never be read again; counts and history stay.
#[component]
fn EraseForm(
    household_id: String,
    shown: RwSignal<Option<Result<Contact, Failure>>>,
) -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let reason = RwSignal::new(i.t("erase.default_reason"));
    let household = StoredValue::new(household_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = Command::EraseHousehold {
            household_id: household.get_value().as_str().into(),
            reason: reason.get_untracked().trim().to_owned(),
        };
        ctx.send(i.t("erase.label"), &command);
        shown.set(None);
    };
    view! {
        <details class="manage erase" data-testid="erase">
            <summary>{move || i.t("erase.title")}</summary>
            <form class="stacked" data-testid="erase-form" on:submit=submit>
                <p class="hint">{move || i.t("erase.hint")}</p>
                <Field id="erase-reason" label="erase.reason" value=reason required=true />
                <button type="submit" class="danger">{move || i.t("erase.submit")}</button>
            </form>
        </details>
    }
}

pub fn contact_view(i: I18n, answer: Result<Contact, Failure>) -> impl IntoView {
    match answer {
        Ok(Contact { personal_data: Some(data), .. }) => {
            // A driver is sent only the address and phone: the rest arrives empty.
            let fields = [
                ("contact.name", data.name),
                ("contact.phone", data.phone),
                ("contact.address", data.address),
                ("contact.notes", data.notes),
            ];
            let rows = fields
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| view! { <dt>{i.t(key)}</dt><dd>{value}</dd> })
                .collect_view();
            view! { <dl class="contact-details" data-testid="contact-details">{rows}</dl> }
                .into_any()
        }
        Ok(_) => view! { <p>{i.t("contact.erased")}</p> }.into_any(),
        Err(failure) => {
            view! { <p class="error" role="alert">{failure_words(i, failure)}</p> }.into_any()
        }
    }
}

pub fn failure_words(i: I18n, failure: Failure) -> String {
    match failure {
        Failure::Unreachable => i.t("error.unreachable"),
        Failure::NotSignedIn => i.t("session.ended"),
        Failure::Throttled => i.t("error.throttled"),
        Failure::Server(words) => words,
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
                            <time>{clock(step.recorded_at_ms)}</time> " "
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

/// A driver's phone: today's deliveries assigned to them, each with the household's address
/// and phone, and the ones nobody has claimed yet.
#[component]
pub fn DriverScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let me = ctx.my_id();
    let mine = Memo::new({
        let me = me.clone();
        move |_| {
            let today = day_of(ctx.now.get());
            ctx.live.with(|live| {
                let mut mine: Vec<_> = live
                    .board
                    .deliveries
                    .values()
                    .filter(|d| d.driver_id.as_ref().is_some_and(|id| id.as_str() == me))
                    .filter(|d| day_of(d.window_start_ms) == today)
                    .cloned()
                    .collect();
                mine.sort_by(|a, b| {
                    (a.window_start_ms, &a.delivery_id).cmp(&(b.window_start_ms, &b.delivery_id))
                });
                mine
            })
        }
    });
    let open = Memo::new(move |_| {
        let today = day_of(ctx.now.get());
        ctx.live.with(|live| {
            let mut open: Vec<_> = live
                .board
                .deliveries
                .values()
                .filter(|d| d.driver_id.is_none() && d.kind == DeliveryKind::Delivery)
                .filter(|d| {
                    d.status == DeliveryStatus::Scheduled && day_of(d.window_start_ms) == today
                })
                .cloned()
                .collect();
            open.sort_by(|a, b| {
                (a.window_start_ms, &a.delivery_id).cmp(&(b.window_start_ms, &b.delivery_id))
            });
            open
        })
    });
    view! {
        <main class="driver-screen" data-testid="driver-screen">
            <h2>{move || i.t("driver.title")}</h2>
            {move || {
                let mine = mine.get();
                if mine.is_empty() {
                    return view! { <p class="empty">{i.t("driver.none")}</p> }.into_any();
                }
                mine.into_iter().map(|d| view! {
                    <article class="delivery" data-testid="my-delivery" data-delivery-id=d.delivery_id.to_string()
                        data-status=labels::delivery_status(d.status).trim_start_matches("delivery.")>
                        <h3>
                            {window_label(d.window_start_ms, d.window_end_ms)} " · "
                            <a href=Route::Request(d.request_id.to_string()).href()>{d.request_id.to_string()}</a>
                            " · " {d.zone.to_string()}
                        </h3>
                        <p><em>{i.t(labels::delivery_status(d.status))}</em>
                            {d.confirmed.then(|| format!(" ✓ {}", i.t("delivery.confirmed")))}</p>
                        {d.status.is_active().then(|| view! { <DriverContact request_id=d.request_id.to_string() /> })}
                        <DriverButtons delivery_id=d.delivery_id.to_string() kind=d.kind status=d.status
                            driver_id=d.driver_id.as_ref().map(|id| id.to_string()) />
                    </article>
                }).collect_view().into_any()
            }}
            <h2>{move || i.t("driver.open")}</h2>
            {move || {
                let open = open.get();
                if open.is_empty() {
                    return view! { <p class="empty">{i.t("driver.none_open")}</p> }.into_any();
                }
                open.into_iter().map(|d| view! {
                    <article class="delivery" data-testid="open-delivery" data-delivery-id=d.delivery_id.to_string()>
                        <h3>{window_label(d.window_start_ms, d.window_end_ms)} " · " {d.request_id.to_string()} " · " {d.zone.to_string()}</h3>
                        <DriverButtons delivery_id=d.delivery_id.to_string() kind=d.kind status=d.status driver_id=None />
                    </article>
                }).collect_view().into_any()
            }}
        </main>
    }
}

/// The address and phone of a household this driver delivers to today, fetched once.
#[component]
fn DriverContact(request_id: String) -> impl IntoView {
    let i = use_i18n();
    let shown = RwSignal::new(None::<Result<Contact, Failure>>);
    spawn_local(async move {
        let answer = api::contact(&request_id).await;
        shown.try_set(Some(answer));
    });
    move || shown.get().map(|answer| contact_view(i, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_utc_hours_and_minutes() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(86_400_000 + 14 * 3_600_000 + 30 * 60_000), "14:30");
        assert_eq!(parse_clock("14:30"), Some(870));
        assert_eq!(parse_clock("25:00"), None);
        assert_eq!(parse_clock("noon"), None);
    }

    #[test]
    fn days_read_as_iso_dates() {
        assert_eq!(date_label(0), "1970-01-01");
        assert_eq!(date_label(20_000), "2024-10-04");
    }
}
