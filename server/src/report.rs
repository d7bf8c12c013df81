//! A month's retrospective report from the log: the distribution figures of
//! `shared::distribution::report`, read from every event up to the month's end.

use shared::distribution::day::{day_of_date, days_in_month};
use shared::distribution::{self, report::MonthReport};
use shared::group;

use crate::log::{Log, ReadError};
use crate::projections::decode;

/// Records read per step.
const CHUNK: usize = 4096;

/// `Ok(None)` for a month that does not exist (`2026-13`).
pub fn month_report(log: &Log, year: i64, month: u32) -> Result<Option<MonthReport>, ReadError> {
    let (Some(first_day), Some(days)) = (day_of_date(year, month, 1), days_in_month(year, month))
    else {
        return Ok(None);
    };
    let last_day = first_day + i64::from(days) - 1;
    let end_ms = distribution::day::start_of_day_ms(last_day + 1);
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
    Ok(Some(MonthReport::build(&events, first_day, last_day)))
}
