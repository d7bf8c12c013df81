//! The monthly retrospective (`#/report`): the server's report of a month, computed from
//! the events alone, as charts and tables a group reads together or prints for its
//! meeting. The charts are plain SVG bars drawn here; the same figures download as CSV.
//! Its money part is the money screen's statement, for the same month.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::distribution::Stage;
use shared::people::{Hours, Signal};
use shared::view::MonthView;

use crate::api::{self, Failure};
use crate::ctx::use_ctx;
use crate::i18n::{I18n, use_i18n};
use crate::live::Live;
use crate::route::Route;
use crate::ui::statement::{Statement, month_toolbar};
use crate::ui::{format, labels, signals, words};

#[component]
pub fn ReportScreen() -> impl IntoView {
    let i = use_i18n();
    let ctx = use_ctx();
    let period = RwSignal::new(format::month_of(format::day_of(ctx.now.get_untracked())));
    let shown = RwSignal::new(None::<Result<MonthView, Failure>>);
    Effect::new(move || {
        let Some((year, month)) = format::parse_month(&period.get()) else { return };
        shown.set(None);
        spawn_local(async move {
            let answer = api::get_json::<MonthView>(&format!("/api/reports/{year}/{month}")).await;
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
                Some(Err(failure)) => view! { <p class="error" role="alert">{words::failure(i, failure)}</p> }.into_any(),
            }}
            // The money: the month's statement, as the money screen shows it (same month).
            <Statement period=period />
        </main>
    }
}

/// The words for a domain name (`nobody_home` under `failure`), or the name itself.
fn named(i: I18n, prefix: &str, name: &str) -> String {
    let key = format!("{prefix}.{name}");
    let words = i.lang.get().text(&key);
    if words.is_empty() { name.replace('_', " ") } else { words.to_owned() }
}

/// Hours by member or task, as bars.
fn hours_bars(hours: &BTreeMap<String, Hours>, label: impl Fn(&str) -> String) -> Vec<Bar> {
    hours.iter().map(|(key, h)| (label(key), h.minutes, format::hours(h.minutes))).collect()
}

/// A warning of the month's end in words: "Too many hours: Sam".
fn warning(i: I18n, live: &Live, signal: &Signal) -> String {
    let who = match signal {
        Signal::TooManyHours { member_id, .. }
        | Signal::TooManyRoles { member_id, .. }
        | Signal::TermEnded { member_id, .. }
        | Signal::SkillExpired { member_id, .. } => live.member_name(member_id.as_str()).to_owned(),
        Signal::NoBackup { role_card_id } | Signal::Vacant { role_card_id } => {
            role_card_id.to_string()
        }
        Signal::ShiftShortOfPeople { shift_id, .. } => shift_id.to_string(),
        Signal::AgreementReviewDue { .. } => String::new(),
    };
    format!("{}: {who}", named(i, "report.signal", signals::kind(signal)))
}

fn report_view(i: I18n, live: &Live, report: &MonthView) -> impl IntoView + use<> {
    let (d, people) = (&report.distribution, &report.people);
    let figure = |key: &'static str, value: u64| {
        view! { <div class="figure"><dt>{i.t(key)}</dt><dd data-testid=key>{value}</dd></div> }
    };
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let ratings: Vec<(i64, i64)> =
        d.feedback.ratings.iter().map(|(r, n)| (*r, count(*n))).collect();
    let rated: i64 = ratings.iter().map(|(_, n)| n).sum();
    // In tenths, rounded: integer arithmetic keeps float formatting out of the bundle.
    let average = (rated > 0).then(|| {
        let tenths = (ratings.iter().map(|(r, n)| r * n).sum::<i64>() * 20 + rated) / (2 * rated);
        format!("{}.{}", tenths / 10, tenths % 10)
    });
    let by_member: BTreeMap<String, Hours> =
        people.hours_by_member.iter().map(|(m, h)| (m.to_string(), h.clone())).collect();
    // In the order a request moves through them, not the alphabet's.
    let mut stays: Vec<_> = d.time_in_stage.iter().collect();
    stays.sort_by_key(|(name, _)| workflow_order(name));
    let stage_bars: Vec<Bar> = stays
        .into_iter()
        .map(|(stage, stays)| {
            (named(i, "stage", stage), stays.median_ms, format::duration(stays.median_ms))
        })
        .collect();
    let delivery = &d.request_to_delivery;
    let stockouts = d
        .stockouts
        .iter()
        .map(|s| {
            let until = match s.until_ms {
                None => i.t("report.still_out"),
                Some(_) => format::duration(s.duration_ms),
            };
            let item = live.item_name(s.item_id.as_str());
            format!(
                "{item} · {} {} · {until}",
                words::date(i, format::day_of(s.from_ms)),
                format::clock(s.from_ms)
            )
        })
        .collect();
    let written_off = d
        .written_off
        .iter()
        .map(|(item, w)| {
            let (expired, spoiled) = (w.expired.to_string(), w.spoiled.to_string());
            let counts =
                i.tf("report.expired_spoiled", &[("expired", &expired), ("spoiled", &spoiled)]);
            format!("{} · {counts}", live.item_name(item))
        })
        .collect();
    let mut warnings: Vec<String> = people
        .burnout
        .iter()
        .chain(&people.roles_without_backup)
        .map(|s| warning(i, live, s))
        .collect();
    warnings.extend(people.terms_ending.iter().map(|t| {
        i.tf(
            "report.term_ends",
            &[
                ("role", &t.title),
                ("member", live.member_name(t.member_id.as_str())),
                ("date", &words::date(i, t.term_ends_on_day)),
            ],
        )
    }));
    warnings.extend(people.absences.iter().map(|(member, n)| {
        i.tf(
            "report.absent",
            &[("member", live.member_name(member.as_str())), ("n", &n.to_string())],
        )
    }));
    let waits = d
        .longest_waits
        .iter()
        .map(|w| {
            // By its number, as the board says it; by its id for one logged before numbers.
            let key = if w.number > 0 { w.number.to_string() } else { w.request_id.to_string() };
            let shown = if w.number > 0 { format!("#{}", w.number) } else { key.clone() };
            let href = Route::Request(key).href();
            let stage = i.t(labels::stage(w.longest_stage));
            view! {
                <tr data-testid="wait" data-waited-ms=w.waited_ms.to_string()>
                    <th scope="row"><a href=href>{shown}</a></th>
                    <td>{format::duration(w.waited_ms)}</td>
                    <td>{stage}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        // The days are the group's, on its clock: its zone is named.
        <p class="period" data-testid="report-period">
            {words::date(i, d.first_day)} " – " {words::date(i, d.last_day)}
            " (" {live.board.clock.zone_name().to_owned()} ")"
        </p>
        <dl class="figures">
            {figure("report.households_served", d.households_served)}
            {figure("report.requests_logged", d.requests_logged)}
            {figure("report.deliveries_completed", d.deliveries_completed)}
            {figure("report.feedback_count", d.feedback.count)}
        </dl>
        {(d.standing.due > 0).then(|| view! {
            <p data-testid="standing-dates">{i.tf("report.standing", &[
                ("delivered", &d.standing.delivered.to_string()),
                ("due", &d.standing.due.to_string()),
            ])}</p>
        })}
        <p data-testid="request-to-delivery">
            {i.tf("report.request_to_delivery", &[
                ("median", &format::duration(delivery.median_ms)),
                ("p90", &format::duration(delivery.p90_ms)),
                ("n", &delivery.count.to_string()),
            ])}
        </p>
        <div class="charts">
            {bars(i, i.t("report.by_need"), "chart-needs", Unit::Count, counts(i, "need", &d.requests_by_need))}
            {bars(i, i.t("report.failed"), "chart-failed", Unit::Count, counts(i, "failure", &d.deliveries_failed))}
            {bars(i, i.t("report.time_in_stage"), "chart-stages", Unit::Duration, stage_bars)}
            {bars(i, i.t("report.hours_by_member"), "chart-hours", Unit::Minutes, hours_bars(&by_member, |m| live.member_name(m).to_owned()))}
            {bars(i, i.t("report.hours_by_task"), "chart-tasks", Unit::Minutes, hours_bars(&people.hours_by_task, str::to_owned))}
            {bars(i, i.t("report.ratings"), "chart-ratings", Unit::Count,
                ratings.iter().map(|(r, n)| (format!("{r} ★"), *n, n.to_string())).collect())}
        </div>
        {average.map(|a| view! { <p>{i.tf("report.average", &[("rating", &a)])}</p> })}
        <h3>{i.t("report.longest_waits")}</h3>
        {if d.longest_waits.is_empty() {
            view! { <p class="hint" data-testid="longest-waits">{i.t("report.none")}</p> }.into_any()
        } else {
            view! { <table data-testid="longest-waits"><tbody>{waits}</tbody></table> }.into_any()
        }}
        {list(i, i.t("report.stockouts"), "stockouts", stockouts)}
        {list(i, i.t("report.written_off"), "written-off", written_off)}
        {list(i, i.t("report.people"), "report-warnings", warnings)}
        {list(i, i.t("report.comments"), "comments", d.feedback.comments.clone())}
    }
}

/// A heading and its lines, or "None this month."
fn list(
    i: I18n,
    title: String,
    test_id: &'static str,
    lines: Vec<String>,
) -> impl IntoView + use<> {
    let none = lines.is_empty().then(|| view! { <li class="hint">{i.t("report.none")}</li> });
    view! {
        <h3>{title}</h3>
        <ul class="plain" data-testid=test_id>
            {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            {none}
        </ul>
    }
}

/// A stage's name in the report ("awaiting_stock") in the order requests move through the
/// stages; a name this page does not know goes last.
fn workflow_order(name: &str) -> (bool, Option<Stage>) {
    let stage = serde_json::from_value::<Stage>(serde_json::Value::String(name.to_owned())).ok();
    (stage.is_none(), stage)
}

/// What a chart's bars measure, for its scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Count,
    /// Milliseconds.
    Duration,
    /// Minutes, written as hours.
    Minutes,
}

/// The end of a chart's scale: the longest bar rounded up to 1, 2 or 5 times a power of ten
/// of its unit (a count; minutes, hours or days), so one bar alone does not fill the width.
fn scale_end(longest: i64, unit: Unit) -> i64 {
    const MINUTE: i64 = 60_000;
    let step = match unit {
        Unit::Count => 1,
        Unit::Minutes => 60,
        Unit::Duration if longest >= 24 * 60 * MINUTE => 24 * 60 * MINUTE,
        Unit::Duration if longest >= 60 * MINUTE => 60 * MINUTE,
        Unit::Duration => MINUTE,
    };
    let units = (longest.max(1) + step - 1) / step;
    let mut power = 1;
    loop {
        for m in [1, 2, 5] {
            if m * power >= units {
                return m * power * step;
            }
        }
        power *= 10;
    }
}

/// A bar: its label, its length (any unit), and the figure written beside it.
type Bar = (String, i64, String);

/// Counts by name, as bars.
fn counts(i: I18n, prefix: &str, counts: &BTreeMap<String, u64>) -> Vec<Bar> {
    counts
        .iter()
        .map(|(name, n)| {
            let n = i64::try_from(*n).unwrap_or(i64::MAX);
            (named(i, prefix, name), n, n.to_string())
        })
        .collect()
}

/// Horizontal bars in SVG (it prints as drawn) on a scale from 0 to a round figure, written
/// under them; nothing to draw says so.
fn bars(
    i: I18n,
    title: String,
    test_id: &'static str,
    unit: Unit,
    rows: Vec<Bar>,
) -> impl IntoView + use<> {
    const ROW: usize = 22;
    const WIDTH: i64 = 200;
    let end = scale_end(rows.iter().map(|r| r.1).max().unwrap_or(0), unit);
    let height = rows.len() * ROW + 4;
    let written = |value: i64| match unit {
        Unit::Count => value.to_string(),
        Unit::Duration => format::duration(value),
        Unit::Minutes => format::hours(value),
    };
    let drawn = (!rows.is_empty()).then(|| {
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(n, (label, length, figure))| {
                let y = n * ROW + 2;
                let width = length.max(0) * WIDTH / end;
                view! {
                    <g>
                        <text x="0" y=(y + 15).to_string() class="bar-label">{label}</text>
                        <rect x="130" y=y.to_string() width=width.to_string() height="18" class="bar" />
                        <text x=(136 + width).to_string() y=(y + 15).to_string()>{figure}</text>
                    </g>
                }
            })
            .collect_view();
        let axis = height + 2;
        view! {
            <svg viewBox=format!("0 0 420 {}", height + 22) role="img" aria-label=title.clone()>
                {rows}
                <g class="scale" data-testid="scale" data-end=end.to_string()>
                    <line x1="130" x2=(130 + WIDTH).to_string() y1=axis.to_string() y2=axis.to_string() />
                    <line x1="130" x2="130" y1=(axis - 3).to_string() y2=(axis + 3).to_string() />
                    <line x1=(130 + WIDTH).to_string() x2=(130 + WIDTH).to_string() y1=(axis - 3).to_string() y2=(axis + 3).to_string() />
                    <text x="130" y=(axis + 16).to_string()>"0"</text>
                    <text x=(130 + WIDTH).to_string() y=(axis + 16).to_string() text-anchor="end">{written(end)}</text>
                </g>
            </svg>
        }
    });
    let empty = drawn.is_none();
    view! {
        <figure class="chart" data-testid=test_id>
            <figcaption>{title.clone()}</figcaption>
            {drawn}
            {empty.then(|| view! { <p class="hint">{i.t("report.none")}</p> })}
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_ends_at_a_round_figure_above_the_longest_bar() {
        assert_eq!(scale_end(0, Unit::Count), 1);
        assert_eq!(scale_end(1, Unit::Count), 1);
        assert_eq!(scale_end(3, Unit::Count), 5);
        assert_eq!(scale_end(17, Unit::Count), 20);
        assert_eq!(scale_end(51, Unit::Count), 100);
        // 90 minutes of shifts: a 2-hour scale; 2 h 10 of waiting: a 5-hour one.
        assert_eq!(scale_end(90, Unit::Minutes), 120);
        assert_eq!(scale_end(130 * 60_000, Unit::Duration), 5 * 3_600_000);
        assert_eq!(scale_end(3 * 86_400_000 + 1, Unit::Duration), 5 * 86_400_000);
        assert_eq!(scale_end(40 * 60_000, Unit::Duration), 50 * 60_000);
    }

    #[test]
    fn stages_come_in_the_order_a_request_moves_through_them() {
        let mut names =
            vec!["scheduled", "awaiting_stock", "logged", "someday", "out_for_delivery"];
        names.sort_by_key(|name| workflow_order(name));
        assert_eq!(names, ["logged", "awaiting_stock", "scheduled", "out_for_delivery", "someday"]);
    }
}
