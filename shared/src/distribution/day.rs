//! Calendar days without a calendar library.
//!
//! Expiry dates are day numbers: whole days since 1970-01-01 in UTC (day 0 is that date,
//! day 20_000 is 2024-10-04). Food "best before 12 March" is the day number of 12 March;
//! it may still be reserved on that day and is expired from the next. Times of events and
//! delivery windows are milliseconds since the Unix epoch. The group's own time zone is not
//! modelled yet: "today" is the UTC day of the `now_ms` the caller passes in.

/// Milliseconds in a day.
pub const MS_PER_DAY: i64 = 86_400_000;

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
