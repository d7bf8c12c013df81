//! Calendar days without a calendar library.
//!
//! Expiry dates are day numbers: whole days since 1970-01-01 in UTC (day 0 is that date,
//! day 20_000 is 2024-10-04). Food "best before 12 March" is the day number of 12 March;
//! it may still be reserved on that day and is expired from the next. Times of events and
//! delivery windows are milliseconds since the Unix epoch. The group's own time zone is not
//! modelled yet: "today" is the UTC day of the `now_ms` the caller passes in.

pub use crate::clock::MS_PER_DAY;

/// How far ahead the board and the stock view look for stock about to expire, in days.
pub const EXPIRING_SOON_DAYS: i64 = 7;

/// The day number that contains the instant `at_ms`.
pub fn day_of(at_ms: i64) -> i64 {
    at_ms.div_euclid(MS_PER_DAY)
}

/// The first millisecond of day `day`.
pub fn start_of_day_ms(day: i64) -> i64 {
    day.saturating_mul(MS_PER_DAY)
}

/// True when stock with this expiry day may no longer be reserved on day `today`.
pub fn is_expired(expires_on_day: Option<i64>, today: i64) -> bool {
    expires_on_day.is_some_and(|day| day < today)
}

/// True when stock expires today or within [`EXPIRING_SOON_DAYS`] and has not yet expired.
pub fn is_expiring_soon(expires_on_day: Option<i64>, today: i64) -> bool {
    expires_on_day
        .is_some_and(|day| day >= today && day <= today.saturating_add(EXPIRING_SOON_DAYS))
}

/// A day of the week, for recurring commitments.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The weekday of day number `day` (day 0, 1970-01-01, was a Thursday).
    pub fn of_day(day: i64) -> Weekday {
        Weekday::ALL[(day + 3).rem_euclid(7) as usize]
    }

    /// Monday is 0, Sunday 6.
    pub fn index(self) -> i64 {
        self as i64
    }
}

/// The calendar date `(year, month 1..=12, day 1..=31)` of a day number, in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`).
pub fn date_of_day(day: i64) -> (i64, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, d as u32)
}

/// A day number as an ISO date: `2026-11-29`.
pub fn iso_date(day: i64) -> String {
    let (year, month, day) = date_of_day(day);
    format!("{year:04}-{month:02}-{day:02}")
}

/// An ISO date (`2026-11-29`, spaces around it ignored) as a day number; `None` for anything
/// else or a date that does not exist.
pub fn day_of_iso(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    day_of_date(year, month, day)
}

/// The day number of a calendar date, or `None` for a date that does not exist (month 13,
/// 30 February) or a year outside 1..=9999.
pub fn day_of_date(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=9_999).contains(&year) || day == 0 || day > days_in_month(year, month)? {
        return None;
    }
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// How many days a month has, or `None` for a month outside 1..=12.
pub fn days_in_month(year: i64, month: u32) -> Option<u32> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_and_calendar_dates_agree() {
        assert_eq!(date_of_day(0), (1970, 1, 1));
        assert_eq!(date_of_day(20_108), (2025, 1, 20));
        assert_eq!(date_of_day(20_000), (2024, 10, 4));
        assert_eq!(day_of_date(2024, 2, 29), Some(19_782));
        assert_eq!(day_of_date(2025, 2, 29), None);
        assert_eq!(day_of_date(2025, 13, 1), None);
        for day in -800_000..800_000 {
            let (y, m, d) = date_of_day(day);
            if (1..=9_999).contains(&y) {
                assert_eq!(day_of_date(y, m, d), Some(day), "{y}-{m}-{d}");
            }
        }
    }

    #[test]
    fn the_first_day_was_a_thursday() {
        assert_eq!(Weekday::of_day(0), Weekday::Thursday);
        assert_eq!(Weekday::of_day(20_108), Weekday::Monday);
        assert_eq!(Weekday::of_day(-1), Weekday::Wednesday);
    }
}
