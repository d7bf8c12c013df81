//! The board's panels, drawn from a folded log: the columns of open requests by stage,
//! today's deliveries by driver, open procurement alerts, low and expiring stock. The live
//! board and the replay draw the same panels from their own `Live`.
//!
//! On a wall screen every panel shows what fits and says how many more ([`Fit`]): nothing
//! is cut through a line, nothing scrolls sideways. A card is marked late only when its
//! next step is overdue by the group's rules, and says which step.

use leptos::prelude::*;
use shared::distribution::{DeliveryKind, Late, Overdue, RequestCard, StockWarning};

use crate::i18n::I18n;
use crate::live::Live;
use crate::route::Route;
use crate::ui::{format, labels, words};

/// How many cards a column and how many rows a panel show on this screen. The board's style
/// sheet sizes everything in `rem` (18 px on a screen 1,800 px wide or more, 16 px below),
/// with the sizes named here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    pub cards: usize,
    pub rows: usize,
    /// Rows of today's deliveries, which flow into `lanes` side-by-side columns.
    pub delivery_rows: usize,
    pub lanes: usize,
}

/// The board's own padding and the gap between its columns and its panels, in rem.
const OVERHEAD_REM: f64 = 1.6;
/// Of the rest: the columns' share of the height (the panels have the rest).
const COLUMNS_SHARE: f64 = 0.6;
/// A panel's padding and heading, a column's (two lines), and the "+N more" line, in rem.
const HEADING_REM: f64 = 3.4;
const COLUMN_HEADING_REM: f64 = 4.9;
const MORE_REM: f64 = 1.6;
/// One card (three lines, padding, margin) and one panel row, in rem.
const CARD_REM: f64 = 4.8;
const ROW_REM: f64 = 1.9;
/// A column of today's deliveries is at least this wide, in rem, with this gap.
const LANE_REM: f64 = 15.0;
const LANE_GAP_REM: f64 = 0.8;
/// Today's deliveries' share of the board's width (2 of the panels' 5 fractions), less the
/// gaps between the four panels and the panel's own padding, in rem.
const DELIVERIES_SHARE: f64 = 0.4;
const PANEL_GAPS_REM: f64 = 1.8;
const PANEL_PADDING_REM: f64 = 1.2;

impl Fit {
    /// Everything: a phone scrolls, the replay's list is long on purpose.
    pub const ALL: Fit =
        Fit { cards: usize::MAX, rows: usize::MAX, delivery_rows: usize::MAX, lanes: 1 };

    /// What fits a board `height` CSS pixels high (the window's height less the header's)
    /// in a window `width` pixels wide; below 700 px wide the board is one column a phone
    /// scrolls through, and shows everything.
    pub fn of(width: f64, height: f64) -> Fit {
        if width < 700.0 {
            return Fit::ALL;
        }
        let rem = if width >= 1800.0 { 18.0 } else { 16.0 };
        let body = height / rem - OVERHEAD_REM;
        let fits = |space: f64, each: f64| (space / each).floor().max(1.0);
        let cards = fits(body * COLUMNS_SHARE - COLUMN_HEADING_REM - MORE_REM, CARD_REM);
        let rows = fits(body * (1.0 - COLUMNS_SHARE) - HEADING_REM - MORE_REM, ROW_REM);
        // Today's deliveries flow into as many columns as their panel's width holds.
        let panel =
            (width / rem - OVERHEAD_REM - PANEL_GAPS_REM) * DELIVERIES_SHARE - PANEL_PADDING_REM;
        let lanes = ((panel + LANE_GAP_REM) / (LANE_REM + LANE_GAP_REM)).floor().max(1.0);
        Fit {
            cards: cards as usize,
            rows: rows as usize,
            delivery_rows: (rows * lanes) as usize,
            lanes: lanes as usize,
        }
    }
}

/// A late card in words: "window ended 40 min ago", "not checked for 1 h 05".
pub fn late_words(i: I18n, card: &RequestCard, late: Late, now: i64) -> String {
    let waited = format::duration(card.time_in_stage_ms(now));
    let ago = format::duration(now - late.due_ms);
    match late.step {
        Overdue::Check => i.tf("late.check", &[("for", &waited)]),
        Overdue::Stock => i.tf("late.stock", &[("for", &waited)]),
        Overdue::Schedule => i.tf("late.schedule", &[("for", &waited)]),
        Overdue::Window => i.tf("late.window", &[("ago", &ago)]),
        Overdue::Return => i.tf("late.return", &[("for", &waited)]),
        Overdue::Reschedule => i.tf("late.reschedule", &[("ago", &ago)]),
    }
}

/// A card's one-line title: need · zone · household size.
pub fn title(i: I18n, card: &RequestCard) -> String {
    let (need, zone, size) = card.title();
    format!("{} · {zone} · {}", i.t(labels::need(need)), words::people(i, size))
}

/// "#142", as the group says it.
pub fn number(number: u64) -> String {
    format!("#{number}")
}

pub fn columns_view(i: I18n, live: &Live, now: i64, fit: Fit) -> impl IntoView + use<> {
    let rules = live.board.late_after;
    live.board
        .columns()
        .into_iter()
        .map(|column| {
            let count = column.cards.len();
            // Late cards first, then the most urgent, so what needs doing is what shows when
            // a column is full; otherwise in the column's own order.
            let mut cards: Vec<(&RequestCard, Option<Late>)> =
                column.cards.iter().map(|card| (*card, card.late(&rules, now))).collect();
            cards.sort_by_key(|(card, late)| (late.is_none(), std::cmp::Reverse(card.urgency)));
            let late_count = cards.iter().filter(|(_, late)| late.is_some()).count();
            let shown = shown(count, fit.cards);
            let cards = cards
                .into_iter()
                .take(shown)
                .map(|(card, late)| card_view(i, live, card, late, now))
                .collect_view();
            view! {
                <section class="column" class:empty=count == 0
                    data-testid=format!("column-{}", labels::stage_slug(column.stage))>
                    // The stage on one line, how many and how many late on the next: a
                    // narrow column never cuts the stage's name for its counts.
                    <h2>
                        <span class="name">{i.t(labels::stage(column.stage))}</span>
                        <span class="count">
                            <span data-testid="column-count">{count}</span>
                            {(late_count > 0).then(|| view! {
                                " "
                                <span class="late-count" data-testid="late-count" title=i.t("board.late_count")>
                                    {i.tf("board.late_n", &[("n", &late_count.to_string())])}
                                </span>
                            })}
                        </span>
                    </h2>
                    <ol>{cards} {words::more(i, count, shown)}</ol>
                </section>
            }
        })
        .collect_view()
}

/// How many of `total` to show when `room` fit with a "+N more" line below them.
fn shown(total: usize, room: usize) -> usize {
    total.min(room)
}

fn card_view(
    i: I18n,
    live: &Live,
    card: &RequestCard,
    late: Option<Late>,
    now: i64,
) -> impl IntoView + use<> {
    let items: Vec<String> = card
        .progress
        .lines
        .iter()
        .map(|line| format!("{} × {}", line.requested, live.item_name(line.item_id.as_str())))
        .collect();
    let href = Route::Request(card.number.to_string()).href();
    let urgency = labels::urgency(card.urgency).trim_start_matches("urgency.");
    let third_line = match late {
        Some(late) => {
            let words = late_words(i, card, late, now);
            let whole = format!("{}: {words}", i.t("board.late"));
            let label = whole.clone();
            view! {
                <div class="card-late" data-testid="late" title=whole aria-label=label>"⚠ " {words}</div>
            }
            .into_any()
        }
        None => view! { <div class="card-items">{items.join(", ")}</div> }.into_any(),
    };
    let heading = title(i, card);
    let hover = heading.clone();
    view! {
        <li class="card" class:late=late.is_some() data-testid="request-card"
            data-request-id=card.request_id.to_string() data-number=card.number.to_string()
            data-urgency=urgency data-late=late.map(|l| overdue_slug(l.step))>
            <div class="card-top">
                <a href=href><strong>{number(card.number)}</strong></a>
                // The border says how urgent; only "urgent" is also said in words.
                <span class=format!("urgency {urgency}") title=i.t(labels::urgency(card.urgency)) data-short="!">
                    {(urgency == "urgent").then(|| i.t(labels::urgency(card.urgency)))}
                </span>
                {card.standing.is_some().then(|| view! {
                    <span class="standing" data-testid="standing-mark" title=i.t("board.standing")>"↻"</span>
                })}
                <span class="age" title=i.t("board.time_in_stage")>{format::duration(card.time_in_stage_ms(now))}</span>
            </div>
            <div class="card-title" title=hover>{heading}</div>
            {third_line}
        </li>
    }
}

/// A stable, language-free name of an overdue step, for tests and styles.
pub fn overdue_slug(step: Overdue) -> &'static str {
    match step {
        Overdue::Check => "check",
        Overdue::Stock => "stock",
        Overdue::Schedule => "schedule",
        Overdue::Window => "window",
        Overdue::Return => "return",
        Overdue::Reschedule => "reschedule",
    }
}

pub fn deliveries_view(i: I18n, live: &Live, now: i64, fit: Fit) -> impl IntoView + use<> {
    let lanes = live.board.deliveries_today(now);
    if lanes.is_empty() {
        return view! { <p class="empty">{i.t("board.no_deliveries")}</p> }.into_any();
    }
    let total: usize = lanes.iter().map(|lane| lane.deliveries.len()).sum();
    // A lane's heading takes a row too; the "+N more" line has its own room.
    let mut room = fit.delivery_rows;
    let mut drawn = 0;
    let lanes = lanes
        .into_iter()
        .filter_map(|lane| {
            if room < 2 {
                return None;
            }
            room -= 1;
            let take = lane.deliveries.len().min(room);
            room -= take;
            drawn += take;
            let driver = match lane.driver_id {
                Some(id) => live.member_name(id.as_str()).to_owned(),
                None => i.t("board.unclaimed"),
            };
            let rows = lane
                .deliveries
                .iter()
                .take(take)
                .map(|d| {
                    let status = labels::delivery_status(d.status);
                    view! {
                        <li data-testid="delivery-row" data-delivery-id=d.delivery_id.to_string()
                            data-status=status.trim_start_matches("delivery.")>
                            <span class="time">{format::window(d.window_start_ms, d.window_end_ms)}</span>
                            " " <a href=Route::Request(d.request_number.to_string()).href()>{number(d.request_number)}</a>
                            " · " {d.zone.to_string()}
                            {(d.kind == DeliveryKind::Pickup).then(|| format!(" · {}", i.t(labels::delivery_kind(d.kind))))}
                            " · " <em>{i.t(status)}</em>
                            {d.confirmed.then(|| view! { " " <span title=i.t("delivery.confirmed") aria-label=i.t("delivery.confirmed")>"✓"</span> })}
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <div class="lane" data-testid="driver-lane">
                    <h3>{driver}</h3>
                    <ul>{rows}</ul>
                </div>
            })
        })
        .collect_view();
    view! { {lanes} <ul>{words::more(i, total, drawn)}</ul> }.into_any()
}

pub fn alerts_view(i: I18n, live: &Live, now: i64, fit: Fit) -> impl IntoView + use<> {
    let alerts = live.board.open_alerts();
    if alerts.is_empty() {
        return view! { <p class="empty">{i.t("board.no_alerts")}</p> }.into_any();
    }
    let total = alerts.len();
    let shown = shown(total, fit.rows);
    let rows = alerts
        .into_iter()
        .take(shown)
        .map(|alert| {
            let item = live.item_name(alert.item_id.as_str()).to_owned();
            let request = alert.request_id.as_ref().map(|r| {
                let number = live
                    .board
                    .requests
                    .get(r.as_str())
                    .map_or_else(|| r.to_string(), |c| number(c.number));
                i.tf("board.alert_for", &[("id", &number)])
            });
            view! {
                <li data-testid="alert">
                    <span class="age">{format::duration(now - alert.raised_at_ms)}</span>
                    <strong>{format!("{} × {item}", alert.quantity)}</strong>
                    " " {request}
                </li>
            }
        })
        .collect_view();
    view! { <ul>{rows} {words::more(i, total, shown)}</ul> }.into_any()
}

pub fn stock_view(i: I18n, live: &Live, now: i64, fit: Fit) -> impl IntoView + use<> {
    let warnings = live.board.stock_warnings(now);
    if warnings.is_empty() {
        return view! { <p class="empty">{i.t("board.stock_fine")}</p> }.into_any();
    }
    let total = warnings.len();
    let shown = shown(total, fit.rows);
    let rows = warnings
        .into_iter()
        .take(shown)
        .map(|warning| {
            // The row names the item, how many and the date; the tooltip adds where.
            let (kind, text, short) = match &warning {
                StockWarning::BelowThreshold { item_id, available, threshold } => {
                    let text = i.tf(
                        "stock.warning_low",
                        &[
                            ("item", live.item_name(item_id.as_str())),
                            ("available", &available.to_string()),
                            ("threshold", &threshold.to_string()),
                        ],
                    );
                    ("low", text.clone(), text)
                }
                StockWarning::ExpiringSoon { item_id, location_id, expires_on_day, on_hand }
                | StockWarning::Expired { item_id, location_id, expires_on_day, on_hand } => {
                    let kind = match warning {
                        StockWarning::Expired { .. } => "expired",
                        _ => "expiring",
                    };
                    let (item, n) = (live.item_name(item_id.as_str()), on_hand.to_string());
                    let date = words::date(i, *expires_on_day);
                    let location = live.location_name(location_id.as_str());
                    let text = i.tf(
                        &format!("stock.warning_{kind}"),
                        &[("item", item), ("n", &n), ("location", location), ("date", &date)],
                    );
                    let short = i.tf(
                        &format!("board.{kind}"),
                        &[("item", item), ("n", &n), ("date", &date)],
                    );
                    (kind, text, short)
                }
            };
            view! { <li data-testid="stock-warning" data-kind=kind title=text>{short}</li> }
        })
        .collect_view();
    view! { <ul>{rows} {words::more(i, total, shown)}</ul> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_screen_fits_whole_cards_and_rows_and_a_phone_shows_everything() {
        // The board's height: the window's less a one-line header (wall) or a two-line one.
        let wall = Fit::of(1920.0, 990.0);
        assert!((4..=8).contains(&wall.cards), "{wall:?}");
        assert!((6..=12).contains(&wall.rows), "{wall:?}");
        let laptop = Fit::of(1366.0, 636.0);
        assert!(laptop.cards >= 3 && laptop.cards < wall.cards, "{laptop:?}");
        assert!(laptop.rows >= 4, "{laptop:?}");
        assert_eq!(wall.lanes, 2, "today's deliveries: two columns on a wall screen");
        assert_eq!(laptop.lanes, 2);
        assert_eq!(Fit::of(390.0, 844.0), Fit::ALL);
        assert_eq!(shown(3, 5), 3);
        assert_eq!(shown(9, 5), 5, "the room counted leaves the +N more line its own");
    }
}
