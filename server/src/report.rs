//! A month's retrospective report from the log (`shared::view::MonthView`), as JSON or as
//! CSV:
//!
//! - the distribution figures of `shared::distribution::report`, read from every event up to
//!   the month's end;
//! - the people figures of `shared::people::PeopleMonth`: hours from the roster as it stands
//!   now (a paper sheet's times corrected next week still count for this month), warnings
//!   (burnout, roles without backup, terms ending) from the roster at the month's last moment;
//! - the money: the month's statement from the books as they stand now, like
//!   `GET /api/statements/{year}/{month}`.

use shared::distribution::day::{day_of_date, days_in_month, iso_date};
use shared::distribution::{self, Stage, report::Durations, report::MonthReport};
use shared::group;
use shared::ledger::MonthlyStatement;
use shared::people::PeopleMonth;
use shared::view::MonthView;

use crate::csv::{amount, name_of, row};
use crate::history::History;
use crate::log::{Log, ReadError};
use crate::projections::decode;

/// Records read per step.
const CHUNK: usize = 4096;

/// `Ok(None)` for a month that does not exist (`2026-13`).
/// Open requests' waits count to `now_ms` in a month still under way.
pub fn month_report(
    log: &Log,
    history: &History,
    (year, month): (i64, u32),
    now_ms: i64,
) -> Result<Option<MonthView>, ReadError> {
    let (Some(first_day), Some(days)) = (day_of_date(year, month, 1), days_in_month(year, month))
    else {
        return Ok(None);
    };
    let last_day = first_day + i64::from(days) - 1;
    // The group's clock as it stands: it keeps every zone the group has had, so a month is
    // bounded by the midnights it was lived with.
    let now = history.at(log, log.head().position)?;
    let clock = now.board.clock.clone();
    let end_ms = clock.start_of_day_ms(last_day + 1);
    let mut events = Vec::new();
    let mut next = 1;
    'reading: loop {
        let chunk = log.read_from(next, CHUNK)?;
        let Some(last) = chunk.last() else { break };
        next = last.position + 1;
        for envelope in &chunk {
            if envelope.recorded_at_ms >= end_ms {
                break 'reading;
            }
            if let Some(group::Recorded {
                position,
                recorded_at_ms,
                actor,
                event: group::Event::Distribution(event),
            }) = decode(envelope)?
            {
                events.push(distribution::Recorded { position, recorded_at_ms, actor, event });
            }
        }
    }
    let at_end = history.at_time(log, end_ms - 1)?;
    Ok(Some(MonthView {
        month: format!("{year:04}-{month:02}"),
        distribution: MonthReport::build(&events, first_day, last_day, now_ms, &clock),
        people: PeopleMonth::build(
            &now.people,
            &at_end.people,
            &at_end.limits,
            first_day,
            last_day,
            &clock,
        ),
        money: MonthlyStatement::for_month(&now.ledger, year, month),
    }))
}

/// The report as one table a spreadsheet can pivot: `section,key,measure,value`. Durations
/// are in minutes, money in the books' currency with two decimals, days as ISO dates.
pub fn to_csv(report: &MonthView) -> String {
    let mut out = row(&["section", "key", "measure", "value"]);
    let mut put = |section: &str, key: &str, measure: &str, value: String| {
        out.push_str(&row(&[section, key, measure, &value]));
    };
    let d = &report.distribution;
    put("month", &report.month, "first_day", iso_date(d.first_day));
    put("month", &report.month, "last_day", iso_date(d.last_day));
    put("requests", "all", "households_served", d.households_served.to_string());
    put("requests", "all", "logged", d.requests_logged.to_string());
    for (need, count) in &d.requests_by_need {
        put("requests_by_need", need, "logged", count.to_string());
    }
    put("deliveries", "all", "completed", d.deliveries_completed.to_string());
    for (reason, count) in &d.deliveries_failed {
        put("deliveries_failed", reason, "count", count.to_string());
    }
    let mut durations = |section: &str, key: &str, durations: &Durations| {
        put(section, key, "count", durations.count.to_string());
        put(section, key, "median_minutes", minutes(durations.median_ms));
        put(section, key, "p90_minutes", minutes(durations.p90_ms));
    };
    durations("request_to_delivery", "all", &d.request_to_delivery);
    // In the workflow's order, not the alphabet's.
    for stage in Stage::OPEN {
        let name = name_of(&stage);
        if let Some(stays) = d.time_in_stage.get(name) {
            durations("time_in_stage", name, stays);
        }
    }
    let mut put = |section: &str, key: &str, measure: &str, value: String| {
        out.push_str(&row(&[section, key, measure, &value]));
    };
    for wait in &d.longest_waits {
        put("longest_waits", wait.request_id.as_str(), "number", wait.number.to_string());
        put("longest_waits", wait.request_id.as_str(), "waited_minutes", minutes(wait.waited_ms));
        let stage = name_of(&wait.longest_stage).to_owned();
        put("longest_waits", wait.request_id.as_str(), "longest_stage", stage);
    }
    put("feedback", "all", "count", d.feedback.count.to_string());
    for (rating, count) in &d.feedback.ratings {
        put("feedback_ratings", &rating.to_string(), "count", count.to_string());
    }
    for comment in &d.feedback.comments {
        put("feedback_comments", "", "comment", comment.clone());
    }
    for stockout in &d.stockouts {
        let item = stockout.item_id.as_str();
        put("stockouts", item, "from", time(stockout.from_ms));
        put("stockouts", item, "minutes_out", minutes(stockout.duration_ms));
    }
    for (item, written_off) in &d.written_off {
        put("written_off", item, "expired", written_off.expired.to_string());
        put("written_off", item, "spoiled", written_off.spoiled.to_string());
    }
    let people = &report.people;
    for (member, hours) in &people.hours_by_member {
        put("hours_by_member", member.as_str(), "minutes", hours.minutes.to_string());
        put("hours_by_member", member.as_str(), "shifts", hours.shifts.to_string());
    }
    for (task, hours) in &people.hours_by_task {
        put("hours_by_task", task, "minutes", hours.minutes.to_string());
        put("hours_by_task", task, "shifts", hours.shifts.to_string());
    }
    for (member, count) in &people.absences {
        put("absences", member.as_str(), "count", count.to_string());
    }
    for signal in people.burnout.iter().chain(&people.roles_without_backup) {
        let value = serde_json::to_value(signal).unwrap_or_default();
        let kind = text(&value["kind"]);
        let key = text(value.get("member_id").or(value.get("role_card_id")).unwrap_or_default());
        put("warnings", &key, &kind, value.to_string());
    }
    for term in &people.terms_ending {
        let key = term.role_card_id.as_str();
        put("terms_ending", key, term.member_id.as_str(), iso_date(term.term_ends_on_day));
    }
    if let Some(money) = &report.money {
        put("money", "all", "opening", amount(money.opening.cents));
        for line in &money.income {
            put("money_income", name_of(&line.kind), "net", amount(line.line.cents));
        }
        for line in &money.expenses {
            put("money_expenses", name_of(&line.kind), "net", amount(line.line.cents));
        }
        put("money", "all", "other", amount(money.other.cents));
        put("money", "all", "closing", amount(money.closing.cents));
        put("money", "all", "goods_donated", amount(money.goods_donated.cents));
    }
    out
}

fn minutes(ms: i64) -> String {
    (ms / 60_000).to_string()
}

/// To the minute: `2025-01-20T14:05Z`.
fn time(ms: i64) -> String {
    let full = crate::bundle::derive::iso_time(ms, 0);
    format!("{}Z", &full[..16])
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_utc_to_the_minute() {
        assert_eq!(time(0), "1970-01-01T00:00Z");
        assert_eq!(
            time(20_108 * 86_400_000 + 14 * 3_600_000 + 5 * 60_000 + 59_000),
            "2025-01-20T14:05Z"
        );
    }
}
