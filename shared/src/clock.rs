//! The group's clock: its time zone as a table of offsets from UTC, so that the server and
//! the browser compute the same local days and clock times without a time-zone database.
//!
//! The server builds the table from the tz database when a coordinator sets the zone (see
//! `distribution::Command::SetTimeZone`); the log keeps it in the event, so replaying the log
//! gives the same days forever, whatever later tz data says. Setting a new zone changes the
//! offsets from that moment on only: days before it keep the zone they were lived in.
//!
//! Instants stay UTC milliseconds everywhere; a *local day* is a day number (days since
//! 1970-01-01, as in [`crate::distribution::day`]) counted on the group's wall clock.

use serde::{Deserialize, Serialize};

/// Milliseconds in a day (of UTC; a local day is 23 or 25 hours long where the clocks change).
pub const MS_PER_DAY: i64 = 86_400_000;

/// From `from_ms` on (until the next entry), local time is UTC plus `seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offset {
    pub from_ms: i64,
    pub seconds: i32,
}

/// The most offsets a table may hold: two changes a year for two centuries, with room.
pub const MAX_OFFSETS: usize = 1_000;
/// No zone on Earth is further than 14 hours from UTC (Kiribati); a table that says more is
/// wrong.
pub const MAX_OFFSET_SECONDS: i32 = 14 * 3_600;

/// A group's time zone: its IANA name and the offsets in force over time, sorted by
/// `from_ms`. Before the first entry its offset applies; with no entry, UTC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clock {
    /// `America/New_York`; empty for a group that never set one (UTC).
    pub zone: String,
    pub offsets: Vec<Offset>,
}

impl Clock {
    /// UTC, the clock of a group that has not set its zone.
    pub fn utc() -> Clock {
        Clock::default()
    }

    /// The zone's name, "UTC" for a group that never set one.
    pub fn zone_name(&self) -> &str {
        if self.zone.is_empty() { "UTC" } else { &self.zone }
    }

    /// Whether `offsets` is a table this type can use: sorted, within range, not too long.
    pub fn check(offsets: &[Offset]) -> Result<(), &'static str> {
        if offsets.is_empty() {
            return Err("a zone needs at least one offset");
        }
        if offsets.len() > MAX_OFFSETS {
            return Err("too many offsets");
        }
        if offsets.iter().any(|o| o.seconds.abs() > MAX_OFFSET_SECONDS) {
            return Err("an offset is more than 14 hours from UTC");
        }
        if offsets.windows(2).any(|pair| pair[0].from_ms >= pair[1].from_ms) {
            return Err("offsets must be in order, each from a later instant");
        }
        Ok(())
    }

    /// The zone `zone`, with `offsets`, in force from `at_ms` on; before it, the offsets
    /// this clock had (UTC for a group that had none).
    pub fn set(&mut self, at_ms: i64, zone: &str, offsets: &[Offset]) {
        let before = self.offset_seconds(at_ms.saturating_sub(1));
        self.offsets.retain(|o| o.from_ms < at_ms);
        if self.offsets.is_empty() {
            self.offsets.push(Offset { from_ms: i64::MIN, seconds: before });
        }
        self.offsets.push(Offset { from_ms: at_ms, seconds: offset_in(offsets, at_ms) });
        for offset in offsets {
            if offset.from_ms > at_ms {
                self.offsets.push(*offset);
            }
        }
        // An entry that changes nothing is dropped (the first of a run stays).
        self.offsets.dedup_by_key(|o| o.seconds);
        self.zone = zone.to_owned();
    }

    /// Seconds east of UTC at the instant `at_ms`.
    pub fn offset_seconds(&self, at_ms: i64) -> i32 {
        offset_in(&self.offsets, at_ms)
    }

    /// The instant `at_ms` on the group's wall clock, as milliseconds since a local 1970.
    pub fn local_ms(&self, at_ms: i64) -> i64 {
        at_ms.saturating_add(i64::from(self.offset_seconds(at_ms)) * 1_000)
    }

    /// The local day that contains the instant `at_ms`.
    pub fn day_of(&self, at_ms: i64) -> i64 {
        self.local_ms(at_ms).div_euclid(MS_PER_DAY)
    }

    /// Minutes since local midnight at the instant `at_ms` (0..1440).
    pub fn minute_of_day(&self, at_ms: i64) -> i64 {
        self.local_ms(at_ms).rem_euclid(MS_PER_DAY) / 60_000
    }

    /// The first instant of local day `day`: its midnight, or, where the clocks jump over
    /// midnight, the first instant after the jump.
    pub fn start_of_day_ms(&self, day: i64) -> i64 {
        self.instant_of(day, 0)
    }

    /// The instant the wall clock reads `minute` minutes into local day `day`; a reading
    /// the clocks skip (spring forward) is taken as the first instant after the jump, one
    /// they show twice (fall back) as the first time.
    pub fn instant_of(&self, day: i64, minute: i64) -> i64 {
        let wall = day.saturating_mul(MS_PER_DAY).saturating_add(minute.saturating_mul(60_000));
        // The offsets in force on either side of the reading: the earliest instant that
        // reads `wall` under one of them.
        let mut found: Option<i64> = None;
        for probe in [wall.saturating_sub(MS_PER_DAY), wall, wall.saturating_add(MS_PER_DAY)] {
            let at = wall.saturating_sub(i64::from(self.offset_seconds(probe)) * 1_000);
            if self.local_ms(at) == wall && found.is_none_or(|earlier| at < earlier) {
                found = Some(at);
            }
        }
        // Skipped: the first instant whose wall clock is past the reading, which is where
        // an offset starts.
        found.unwrap_or_else(|| {
            let after = self.offsets.partition_point(|o| self.local_ms(o.from_ms) <= wall);
            self.offsets.get(after).map_or(wall, |o| o.from_ms)
        })
    }
}

/// The offset of `table` at the instant `at_ms`: the last entry from before it, or the
/// first entry's before the table begins; UTC for an empty table.
fn offset_in(table: &[Offset], at_ms: i64) -> i32 {
    let after = table.partition_point(|o| o.from_ms <= at_ms);
    match after.checked_sub(1) {
        Some(index) => table[index].seconds,
        None => table.first().map_or(0, |o| o.seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    /// New York around its 2027 changes: EST (−5) until 14 March 07:00 UTC, EDT (−4) until
    /// 7 November 06:00 UTC, EST again.
    fn new_york() -> Clock {
        // 2027-03-14T07:00Z and 2027-11-07T06:00Z.
        let spring = 20_891 * MS_PER_DAY + 7 * HOUR;
        let fall = 21_129 * MS_PER_DAY + 6 * HOUR;
        Clock {
            zone: "America/New_York".into(),
            offsets: vec![
                Offset { from_ms: 0, seconds: -5 * 3_600 },
                Offset { from_ms: spring, seconds: -4 * 3_600 },
                Offset { from_ms: fall, seconds: -5 * 3_600 },
            ],
        }
    }

    #[test]
    fn a_group_without_a_zone_counts_days_in_utc() {
        let utc = Clock::utc();
        assert_eq!(utc.zone_name(), "UTC");
        assert_eq!(utc.day_of(20_000 * MS_PER_DAY), 20_000);
        assert_eq!(utc.day_of(20_000 * MS_PER_DAY - 1), 19_999);
        assert_eq!(utc.start_of_day_ms(20_000), 20_000 * MS_PER_DAY);
    }

    #[test]
    fn new_yorks_day_turns_at_its_own_midnight_on_either_side_of_a_change() {
        let ny = new_york();
        // 2027-03-13 (day 20890) starts at 05:00 UTC, 2027-03-15 at 04:00 UTC.
        assert_eq!(ny.start_of_day_ms(20_890), 20_890 * MS_PER_DAY + 5 * HOUR);
        assert_eq!(ny.start_of_day_ms(20_892), 20_892 * MS_PER_DAY + 4 * HOUR);
        // 19:30 UTC on the 13th is still the 13th in New York; 23:00 EST too.
        assert_eq!(ny.day_of(20_890 * MS_PER_DAY + 19 * HOUR), 20_890);
        assert_eq!(ny.day_of(20_891 * MS_PER_DAY + 4 * HOUR), 20_890);
        assert_eq!(ny.minute_of_day(20_891 * MS_PER_DAY + 4 * HOUR), 23 * 60);
        // 02:30 on the 14th never happens: it reads as 03:00 EDT, 07:00 UTC.
        assert_eq!(ny.instant_of(20_891, 150), 20_891 * MS_PER_DAY + 7 * HOUR);
        // 01:30 on 7 November happens twice: the first (EDT) is taken.
        assert_eq!(ny.instant_of(21_129, 90), 21_129 * MS_PER_DAY + 5 * HOUR + HOUR / 2);
    }

    #[test]
    fn a_new_zone_leaves_the_days_before_it_as_they_were() {
        let mut clock = Clock::utc();
        let set_at = 20_000 * MS_PER_DAY + 12 * HOUR;
        let madrid = [Offset { from_ms: 0, seconds: 3_600 }];
        clock.set(set_at, "Europe/Madrid", &madrid);
        assert_eq!(clock.zone_name(), "Europe/Madrid");
        assert_eq!(clock.offset_seconds(set_at - 1), 0, "before: UTC");
        assert_eq!(clock.offset_seconds(set_at), 3_600);
        let later = set_at + 30 * MS_PER_DAY;
        clock.set(later, "America/New_York", &new_york().offsets);
        assert_eq!(clock.offset_seconds(set_at + MS_PER_DAY), 3_600, "Madrid's month stays");
        assert_eq!(clock.offset_seconds(later), -5 * 3_600);
        assert!(Clock::check(&clock.offsets).is_ok());
    }

    #[test]
    fn a_table_out_of_order_or_out_of_range_is_refused() {
        assert!(Clock::check(&[]).is_err());
        let bad = [Offset { from_ms: 10, seconds: 0 }, Offset { from_ms: 5, seconds: 3_600 }];
        assert!(Clock::check(&bad).is_err());
        assert!(Clock::check(&[Offset { from_ms: 0, seconds: 15 * 3_600 }]).is_err());
        assert!(Clock::check(&new_york().offsets).is_ok());
    }
}
