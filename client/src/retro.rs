//! The monthly retrospective (`#/report`): the server's report of a month, computed from
//! the events alone, as charts and tables a group reads together or prints for its
//! meeting. The charts are plain SVG bars drawn here; the same figures download as CSV.
//!
//! The report is read as JSON values rather than the server's types, so the bundle carries no
//! copy of the report's serde code; its money part is the money screen's own statement
//! component, for the same month.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::distribution::day::{date_of_day, day_of};

use crate::api::{self, Failure};
use crate::app::{Route, use_ctx};
use crate::i18n::{I18n, use_i18n};
use crate::live::{Live, duration_label};
use crate::money::{Statement, month_toolbar, year_month};
use crate::people::hours;
use crate::screens::{clock, date_label, failure_words};

#[component]
pub fn ReportScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let (year, month, _) = date_of_day(day_of(ctx.now.get_untracked()));
    let period = RwSignal::new(format!("{year:04}-{month:02}"));
    let shown = RwSignal::new(None::<Result<Value, Failure>>);
    Effect::new(move || {
        let Some((year, month)) = year_month(&period.get()) else { return };
        shown.set(None);
        spawn_local(async move {
            let answer = api::get_json::<Value>(&format!("/api/reports/{year}/{month}")).await;
            shown.try_set(Some(answer));
        });
    });
    view! {
        <main class="report-screen" data-testid="report-screen">
            <h2>{move || i.t("report.title")}</h2>
            {month_toolbar(i, "report-month", period, "/api/reports", false)}
            {move || match shown.get() {
                None => view! { <p class="hint">{i.t("report.loading")}</p> }.into_any(),
                Some(Ok(report)) => ctx.live.with(|live| report_view(i, live, &report)).into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure_words(i, failure)}</p> }.into_any(),
            }}
            // The money: the month's statement, as the money screen shows it (same month).
            <Statement period=period />
        </main>
    }
}

fn number(value: &Value) -> i64 {
    value.as_i64().unwrap_or_default()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The words for a domain name (`nobody_home` under `failure`), or the name itself.
fn named(i: I18n, prefix: &str, name: &str) -> String {
    let words = i.t(&format!("{prefix}.{name}"));
    if words.is_empty() { name.replace('_', " ") } else { words }
}

/// `(key, figure)` pairs of a JSON object, in its order.
fn entries(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    value.as_object().into_iter().flatten()
}

fn report_view(i: I18n, live: &Live, report: &Value) -> impl IntoView + use<> {
    let people = &report["people"];
    let figure = |key: &'static str, value: i64| {
        view! { <div class="figure"><dt>{i.t(key)}</dt><dd data-testid=key>{value}</dd></div> }
    };
    let ratings: Vec<(i64, i64)> = entries(&report["feedback"]["ratings"])
        .map(|(r, n)| (r.parse().unwrap_or(0), number(n)))
        .collect();
    let rated: i64 = ratings.iter().map(|(_, n)| n).sum();
    // In tenths, rounded: integer arithmetic keeps float formatting out of the bundle.
    let average = (rated > 0).then(|| {
        let tenths = (ratings.iter().map(|(r, n)| r * n).sum::<i64>() * 20 + rated) / (2 * rated);
        format!("{}.{}", tenths / 10, tenths % 10)
    });
    let hours_bars = |value: &Value, by_member: bool| -> Vec<Bar> {
        entries(value)
            .map(|(key, h)| {
                let label = if by_member { live.member_name(key).to_owned() } else { key.clone() };
                (label, number(&h["minutes"]), hours(number(&h["minutes"])))
            })
            .collect()
    };
    let stage_bars: Vec<Bar> = entries(&report["time_in_stage"])
        .map(|(stage, d)| {
            let median = number(&d["median_ms"]);
            (named(i, "stage", stage), median, duration_label(median))
        })
        .collect();
    let delivery = &report["request_to_delivery"];
    let all = |value: &'_ Value| value.as_array().cloned().unwrap_or_default();
    let stockouts = all(&report["stockouts"])
        .iter()
        .map(|s| {
            let from = number(&s["from_ms"]);
            let until = if s["until_ms"].is_null() {
                i.t("report.still_out")
            } else {
                duration_label(number(&s["duration_ms"]))
            };
            let item = live.item_name(text(&s["item_id"]));
            format!("{item} · {} {} · {until}", date_label(day_of(from)), clock(from))
        })
        .collect();
    let written_off = entries(&report["written_off"])
        .map(|(item, w)| {
            let counts = [
                ("expired", number(&w["expired"]).to_string()),
                ("spoiled", number(&w["spoiled"]).to_string()),
            ];
            let counts = counts.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>();
            format!("{} · {}", live.item_name(item), i.tf("report.expired_spoiled", &counts))
        })
        .collect();
    let mut warnings: Vec<String> = all(&people["burnout"])
        .iter()
        .chain(&all(&people["roles_without_backup"]))
        .map(|s| {
            let who = s.get("member_id").or(s.get("role_card_id")).map(text).unwrap_or_default();
            format!("{}: {}", named(i, "report.signal", text(&s["kind"])), live.member_name(who))
        })
        .collect();
    warnings.extend(all(&people["terms_ending"]).iter().map(|t| {
        i.tf(
            "report.term_ends",
            &[
                ("role", text(&t["title"])),
                ("member", live.member_name(text(&t["member_id"]))),
                ("date", &date_label(number(&t["term_ends_on_day"]))),
            ],
        )
    }));
    warnings.extend(entries(&people["absences"]).map(|(member, n)| {
        i.tf(
            "report.absent",
            &[("member", live.member_name(member)), ("n", &number(n).to_string())],
        )
    }));
    let comments =
        all(&report["feedback"]["comments"]).iter().map(|c| text(c).to_owned()).collect();
    view! {
        <p class="period">{date_label(number(&report["first_day"]))} " – " {date_label(number(&report["last_day"]))}</p>
        <dl class="figures">
            {figure("report.households_served", number(&report["households_served"]))}
            {figure("report.requests_logged", number(&report["requests_logged"]))}
            {figure("report.deliveries_completed", number(&report["deliveries_completed"]))}
            {figure("report.feedback_count", number(&report["feedback"]["count"]))}
        </dl>
        <p data-testid="request-to-delivery">
            {i.tf("report.request_to_delivery", &[
                ("median", &duration_label(number(&delivery["median_ms"]))),
                ("p90", &duration_label(number(&delivery["p90_ms"]))),
                ("n", &number(&delivery["count"]).to_string()),
            ])}
        </p>
        <div class="charts">
            {bars(i.t("report.by_need"), "chart-needs", counts(i, "need", &report["requests_by_need"]))}
            {bars(i.t("report.failed"), "chart-failed", counts(i, "failure", &report["deliveries_failed"]))}
            {bars(i.t("report.time_in_stage"), "chart-stages", stage_bars)}
            {bars(i.t("report.hours_by_member"), "chart-hours", hours_bars(&people["hours_by_member"], true))}
            {bars(i.t("report.hours_by_task"), "chart-tasks", hours_bars(&people["hours_by_task"], false))}
            {bars(i.t("report.ratings"), "chart-ratings",
                ratings.iter().map(|(r, n)| (format!("{r} ★"), *n, n.to_string())).collect())}
        </div>
        {average.map(|a| view! { <p>{i.tf("report.average", &[("rating", &a)])}</p> })}
        <h3>{i.t("report.longest_waits")}</h3>
        <table data-testid="longest-waits">
            <tbody>
                {report["longest_waits"].as_array().into_iter().flatten().map(|w| {
                    let id = text(&w["request_id"]).to_owned();
                    let href = Route::Request(id.clone()).href();
                    view! {
                        <tr>
                            <th scope="row"><a href=href>{id}</a></th>
                            <td>{duration_label(number(&w["waited_ms"]))}</td>
                            <td>{named(i, "stage", text(&w["longest_stage"]))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {list(i.t("report.stockouts"), "stockouts", stockouts)}
        {list(i.t("report.written_off"), "written-off", written_off)}
        {list(i.t("report.people"), "report-warnings", warnings)}
        {list(i.t("report.comments"), "comments", comments)}
    }
}

/// A heading and its lines.
fn list(title: String, test_id: &'static str, lines: Vec<String>) -> impl IntoView + use<> {
    view! {
        <h3>{title}</h3>
        <ul class="plain" data-testid=test_id>
            {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
        </ul>
    }
}

/// A bar: its label, its length (any unit), and the figure written beside it.
type Bar = (String, i64, String);

/// Counts by name, as bars.
fn counts(i: I18n, prefix: &str, value: &Value) -> Vec<Bar> {
    entries(value)
        .map(|(name, n)| (named(i, prefix, name), number(n), number(n).to_string()))
        .collect()
}

/// Horizontal bars scaled to the longest, in SVG (it prints as drawn); nothing to draw
/// says so.
fn bars(title: String, test_id: &'static str, rows: Vec<Bar>) -> impl IntoView + use<> {
    const ROW: usize = 22;
    let longest = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = rows.len() * ROW + 4;
    let drawn = (!rows.is_empty()).then(|| {
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(n, (label, length, figure))| {
                let y = n * ROW + 2;
                let width = length.max(0) * 200 / longest;
                view! {
                    <g>
                        <text x="0" y=(y + 15).to_string() class="bar-label">{label}</text>
                        <rect x="130" y=y.to_string() width=width.to_string() height="18" class="bar" />
                        <text x=(136 + width).to_string() y=(y + 15).to_string()>{figure}</text>
                    </g>
                }
            })
            .collect_view();
        view! {
            <svg viewBox=format!("0 0 420 {height}") role="img" aria-label=title.clone()>{rows}</svg>
        }
    });
    let empty = drawn.is_none();
    view! {
        <figure class="chart" data-testid=test_id>
            <figcaption>{title.clone()}</figcaption>
            {drawn}
            {empty.then(|| view! { <p class="hint">"—"</p> })}
        </figure>
    }
}
