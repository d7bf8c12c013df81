//! Values as a person reads and types them: money, dates, clock times, hours, durations.
//! The same on every screen; the i18n layer puts them into sentences. Clock times and the
//! days of instants are the group's own (its zone, as `live` last folded it).

use shared::distribution::day::{date_of_day, day_of_date};

use crate::live;

/// Cents as money: `1234` is `12.34`, `-1234` is `−12.34`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "−" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// "150", "150.5", "150,50" as cents; `None` for anything else (negative, three decimals).
pub fn parse_cents(text: &str) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || fraction.len() > 2 || !digits(fraction) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// "14:30" on the group's clock.
pub fn clock(ms: i64) -> String {
    let minutes = live::with_clock(|clock| clock.minute_of_day(ms));
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "14:30–16:30".
pub fn window(start_ms: i64, end_ms: i64) -> String {
    format!("{}–{}", clock(start_ms), clock(end_ms))
}

/// "14:30" as minutes after midnight.
pub fn parse_clock(text: &str) -> Option<i64> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.get(..2)?.parse().ok()?);
    ((0..24).contains(&hours) && (0..60).contains(&minutes)).then_some(hours * 60 + minutes)
}

/// "14:30" as minutes after midnight, for the fields of a window or a recurring shift.
pub fn minute(text: &str) -> Option<u32> {
    parse_clock(text).and_then(|m| u32::try_from(m).ok())
}

/// Minutes after midnight as "14:30".
pub fn hh_mm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "HH:MM" on day `day` as milliseconds since 1970.
pub fn at_clock(day: i64, time: &str) -> Option<i64> {
    let minutes = parse_clock(time)?;
    Some(live::with_clock(|clock| clock.instant_of(day, minutes)))
}

/// The group's day (where it lives) that contains the instant `ms`.
pub fn day_of(ms: i64) -> i64 {
    live::with_clock(|clock| clock.day_of(ms))
}

/// The first instant of the group's day `day`.
pub fn start_of_day_ms(day: i64) -> i64 {
    live::with_clock(|clock| clock.start_of_day_ms(day))
}

/// A day number (days since 1970) as an ISO date, as date inputs take it.
pub fn date(day: i64) -> String {
    let (year, month, day) = date_of_day(day);
    format!("{year:04}-{month:02}-{day:02}")
}

/// "2026-11-29" (a date input's value) as a day number.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    day_of_date(year, month, day)
}

/// "2026-11" (a month input's value) as year and month.
pub fn parse_month(text: &str) -> Option<(i64, u32)> {
    let (year, month) = text.split_once('-')?;
    let month: u32 = month.parse().ok()?;
    (1..=12).contains(&month).then_some((year.parse().ok()?, month))
}

/// The month input's value for a day: "2026-11".
pub fn month_of(day: i64) -> String {
    let (year, month, _) = date_of_day(day);
    format!("{year:04}-{month:02}")
}

/// "7 h 05" from minutes.
pub fn hours(minutes: i64) -> String {
    let sign = if minutes < 0 { "−" } else { "" };
    let minutes = minutes.unsigned_abs();
    format!("{sign}{} h {:02}", minutes / 60, minutes % 60)
}

/// "45 s", "12 min", "3 h 05", "2 d 4 h": how long, for a card.
pub fn duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {:02}", s / 3600, (s % 3600) / 60),
        s => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A whole number typed into a field.
pub fn parse_whole(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_typed_with_a_point_or_a_comma_become_cents() {
        assert_eq!(parse_cents("150"), Some(15_000));
        assert_eq!(parse_cents("150.5"), Some(15_050));
        assert_eq!(parse_cents("150,05"), Some(15_005));
        assert_eq!(parse_cents(" 0.99 "), Some(99));
        for bad in ["", "abc", "1.234", "-5", "1.2.3", ".5"] {
            assert_eq!(parse_cents(bad), None, "{bad}");
        }
        assert_eq!(money(-1234), "−12.34");
        assert_eq!(money(5), "0.05");
    }

    #[test]
    fn clock_times_are_hours_and_minutes_of_the_day() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(86_400_000 + 14 * 3_600_000 + 30 * 60_000), "14:30");
        assert_eq!(parse_clock("14:30"), Some(870));
        assert_eq!(parse_clock("25:00"), None);
        assert_eq!(parse_clock("noon"), None);
        assert_eq!(at_clock(1, "09:30"), Some(86_400_000 + 570 * 60_000));
        assert_eq!(at_clock(0, "24:00"), None);
        assert_eq!(at_clock(0, "9"), None);
    }

    #[test]
    fn days_read_and_write_as_iso_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(20_000), "2024-10-04");
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2024-10-04"), Some(20_000));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(month_of(20_000), "2024-10");
    }

    #[test]
    fn durations_and_hours_read_in_plain_units() {
        assert_eq!(duration(-5), "0 s");
        assert_eq!(duration(45_000), "45 s");
        assert_eq!(duration(12 * 60_000 + 5_000), "12 min");
        assert_eq!(duration(3 * 3_600_000 + 5 * 60_000), "3 h 05");
        assert_eq!(duration(2 * 86_400_000 + 4 * 3_600_000), "2 d 4 h");
        assert_eq!(hours(0), "0 h 00");
        assert_eq!(hours(425), "7 h 05");
        assert_eq!(hours(2_520), "42 h 00");
    }
}
