//! The group's time zone from the tz database: the table of offsets the log keeps.
//!
//! When a coordinator sets the zone (`SetTimeZone`), the server looks the name up in the
//! machine's tz database (`/usr/share/zoneinfo`, through `jiff`) and fills in the command's
//! offsets: from 2000 to 2100, every change of the zone's offset from UTC. `shared` then
//! counts local days from the table alone, in the server and in the browser alike, and a
//! replay of the log gives the same days whatever tz data a later machine has.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use shared::clock::Offset;

/// 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z, in seconds.
const FROM_SECONDS: i64 = 946_684_800;
const UNTIL_SECONDS: i64 = 4_102_444_800;

/// The offsets of the IANA zone `zone` (`America/New_York`), or why there are none.
pub fn offsets(zone: &str) -> Result<Vec<Offset>, String> {
    let unknown = || {
        format!(
            "unknown time zone `{zone}`: use a name from the tz database, like America/New_York"
        )
    };
    let name = zone.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(unknown());
    }
    let tz = TimeZone::get(name).map_err(|_| unknown())?;
    let (from, until) = (timestamp(FROM_SECONDS)?, timestamp(UNTIL_SECONDS)?);
    let mut table =
        vec![Offset { from_ms: from.as_millisecond(), seconds: tz.to_offset(from).seconds() }];
    for transition in tz.following(from) {
        let at = transition.timestamp();
        if at >= until {
            break;
        }
        let seconds = transition.offset().seconds();
        // Some transitions change only the zone's abbreviation, not its offset.
        if table.last().is_some_and(|last| last.seconds == seconds) {
            continue;
        }
        table.push(Offset { from_ms: at.as_millisecond(), seconds });
    }
    Ok(table)
}

fn timestamp(seconds: i64) -> Result<Timestamp, String> {
    Timestamp::from_second(seconds).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;
    use proptest::prelude::*;
    use shared::clock::Clock;
    use shared::distribution::day::MS_PER_DAY;

    use super::*;

    fn clock(zone: &str) -> Clock {
        Clock { zone: zone.into(), offsets: offsets(zone).unwrap() }
    }

    /// The day number of a civil date (days since 1970-01-01).
    fn day_number(date: Date) -> i64 {
        let epoch = Date::constant(1970, 1, 1);
        i64::from((date - epoch).get_days())
    }

    /// Instants in 2027, the year of the transitions the tests cross.
    fn in_2027() -> impl Strategy<Value = i64> {
        1_798_761_600_000i64..1_830_297_600_000i64
    }

    const ZONES: [&str; 4] = ["America/New_York", "Europe/Madrid", "Asia/Manila", "UTC"];

    proptest! {
        #[test]
        fn a_local_day_and_clock_agree_with_the_tz_database(at in in_2027(), zone in 0..ZONES.len()) {
            let name = ZONES[zone];
            let ours = clock(name);
            let theirs = Timestamp::from_millisecond(at).unwrap().in_tz(name).unwrap();
            prop_assert_eq!(ours.day_of(at), day_number(theirs.date()));
            let minute = i64::from(theirs.hour()) * 60 + i64::from(theirs.minute());
            prop_assert_eq!(ours.minute_of_day(at), minute);
        }

        #[test]
        fn a_local_day_starts_where_the_tz_database_says(day in 20_819i64..21_184, zone in 0..ZONES.len()) {
            let name = ZONES[zone];
            let ours = clock(name);
            let date = Date::constant(1970, 1, 1) + jiff::Span::new().days(day);
            let start = date.in_tz(name).unwrap().timestamp().as_millisecond();
            prop_assert_eq!(ours.start_of_day_ms(day), start);
            prop_assert_eq!(ours.day_of(start), day);
            prop_assert_eq!(ours.day_of(start - 1), day - 1);
        }
    }

    #[test]
    fn the_2027_changes_of_new_york_and_madrid_are_in_the_table() {
        let ny = clock("America/New_York");
        // 14 March 2027, 07:00 UTC: 02:00 EST becomes 03:00 EDT; 7 November, 06:00 UTC back.
        let spring = 20_891 * MS_PER_DAY + 7 * 3_600_000;
        assert_eq!(ny.offset_seconds(spring - 1), -5 * 3_600);
        assert_eq!(ny.offset_seconds(spring), -4 * 3_600);
        let fall = 21_129 * MS_PER_DAY + 6 * 3_600_000;
        assert_eq!(ny.offset_seconds(fall - 1), -4 * 3_600);
        assert_eq!(ny.offset_seconds(fall), -5 * 3_600);
        // Madrid: 28 March and 31 October 2027, at 01:00 UTC.
        let madrid = clock("Europe/Madrid");
        let spring = 20_905 * MS_PER_DAY + 3_600_000;
        assert_eq!(madrid.offset_seconds(spring - 1), 3_600);
        assert_eq!(madrid.offset_seconds(spring), 7_200);
        let fall = 21_122 * MS_PER_DAY + 3_600_000;
        assert_eq!(madrid.offset_seconds(fall), 3_600);
        // Manila keeps +8 all year.
        assert!(clock("Asia/Manila").offsets.iter().all(|o| o.seconds == 8 * 3_600));
        assert!(Clock::check(&ny.offsets).is_ok());
    }

    #[test]
    fn an_unknown_zone_is_refused_with_words_that_say_what_to_use() {
        let error = offsets("Mars/Olympus_Mons").unwrap_err();
        assert!(error.contains("America/New_York"), "{error}");
        assert!(offsets("").is_err());
    }
}
