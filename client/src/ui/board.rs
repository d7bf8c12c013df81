//! The board's panels, drawn from a folded log: the columns of open requests by stage,
//! today's deliveries by driver, open procurement alerts, low and expiring stock. The live
//! board and the replay draw the same panels from their own `Live`.

use leptos::prelude::*;
use shared::distribution::StockWarning;

use crate::i18n::I18n;
use crate::live::Live;
use crate::route::Route;
use crate::ui::{format, labels, words};

/// Cards a column shows on a 1080-pixel-high screen; the rest are counted under them.
pub const CARDS_SHOWN: usize = 8;
/// Rows an alert or stock panel shows.
pub const ROWS_SHOWN: usize = 10;
/// A card this long in one stage stands out as stalled.
const STALLED_MS: i64 = 45 * 60_000;

pub fn columns_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
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
                                    {format::duration(age)}
                                </span>
                            </div>
                            <div class="card-meta">
                                <span class=format!("urgency {}", labels::urgency(card.urgency).trim_start_matches("urgency."))>
                                    {i.t(labels::urgency(card.urgency))}
                                </span>
                                " · " {card.zone.to_string()} " · " {words::people(i, card.household_size)}
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
                    <ol>{cards} {words::more(i, count, CARDS_SHOWN)}</ol>
                </section>
            }
        })
        .collect_view()
}

pub fn deliveries_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
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
                            <span class="time">{format::window(d.window_start_ms, d.window_end_ms)}</span>
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

pub fn alerts_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
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
                    <span class="age">{format::duration(now - alert.raised_at_ms)}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul>{rows} {words::more(i, total, ROWS_SHOWN)}</ul> }.into_any()
}

pub fn stock_view(i: I18n, live: &Live, now: i64) -> impl IntoView + use<> {
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
                            ("date", &format::date(*expires_on_day)),
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
                            ("date", &format::date(*expires_on_day)),
                        ],
                    ),
                ),
            };
            view! { <li data-testid="stock-warning" data-kind=kind>{text}</li> }
        })
        .collect_view();
    view! { <ul>{rows} {words::more(i, total, ROWS_SHOWN)}</ul> }.into_any()
}
