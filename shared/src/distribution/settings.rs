//! The group's own settings for distribution day: the zones it delivers to (a list the
//! coordinator keeps, so "North" and "north" are one zone), and when a request counts as
//! late at each stage. Stream `settings`.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::id::Zone;
use super::rejection::Rejection;
use super::state::State;
use crate::clock::{Clock, Offset};

/// When a request is late, stage by stage: its next step is overdue. A card whose next
/// step is not yet due is never late, however long it waits (a delivery whose window has
/// not begun is on time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateAfter {
    /// Logged and not yet checked against stock.
    pub unchecked_minutes: u32,
    /// Waiting for stock to arrive.
    pub awaiting_stock_minutes: u32,
    /// Checked or reserved, and not yet scheduled.
    pub unscheduled_minutes: u32,
    /// Out for delivery.
    pub out_minutes: u32,
    /// Failed, and not yet rescheduled or cancelled.
    pub failed_minutes: u32,
}

impl Default for LateAfter {
    /// 45 minutes to check, three days for stock, a day to schedule, three hours on the
    /// road, a day to reschedule a failed delivery.
    fn default() -> Self {
        LateAfter {
            unchecked_minutes: 45,
            awaiting_stock_minutes: 3 * 24 * 60,
            unscheduled_minutes: 24 * 60,
            out_minutes: 3 * 60,
            failed_minutes: 24 * 60,
        }
    }
}

/// The longest any rule may be: four weeks.
pub const MAX_LATE_AFTER_MINUTES: u32 = 28 * 24 * 60;

impl LateAfter {
    fn check(&self) -> Result<(), Rejection> {
        let rules = [
            ("rules.unchecked_minutes", self.unchecked_minutes),
            ("rules.awaiting_stock_minutes", self.awaiting_stock_minutes),
            ("rules.unscheduled_minutes", self.unscheduled_minutes),
            ("rules.out_minutes", self.out_minutes),
            ("rules.failed_minutes", self.failed_minutes),
        ];
        for (name, minutes) in rules {
            if !(1..=MAX_LATE_AFTER_MINUTES).contains(&minutes) {
                let reason = format!("must be 1 to {MAX_LATE_AFTER_MINUTES} minutes");
                return Err(Rejection::invalid(name, reason));
            }
        }
        Ok(())
    }
}

/// The zone of the group's list that `zone` names, ignoring case and spaces at either end;
/// with no list yet, any zone. The log keeps the list's own spelling.
pub(crate) fn listed_zone(state: &State, field_name: &str, zone: &Zone) -> Result<Zone, Rejection> {
    field::name(field_name, zone.as_str())?;
    if state.zones.is_empty() {
        return Ok(Zone::from(zone.as_str().trim()));
    }
    state
        .zones
        .iter()
        .find(|listed| listed.as_str().eq_ignore_ascii_case(zone.as_str().trim()))
        .cloned()
        .ok_or_else(|| Rejection::unknown("zone", zone.as_str()))
}

pub(crate) fn add_zone(state: &State, zone: &Zone) -> Result<Vec<Event>, Rejection> {
    field::name("zone", zone.as_str())?;
    let zone = Zone::from(zone.as_str().trim());
    if state.zones.iter().any(|z| z.as_str().eq_ignore_ascii_case(zone.as_str())) {
        return Err(Rejection::exists("zone", zone.as_str()));
    }
    Ok(vec![Event::ZoneAdded { zone }])
}

pub(crate) fn remove_zone(state: &State, zone: &Zone) -> Result<Vec<Event>, Rejection> {
    let listed = state
        .zones
        .iter()
        .find(|z| z.as_str().eq_ignore_ascii_case(zone.as_str().trim()))
        .ok_or_else(|| Rejection::unknown("zone", zone.as_str()))?;
    Ok(vec![Event::ZoneRemoved { zone: listed.clone() }])
}

/// A zone named and its table of offsets (the server's, from its tz database).
pub(crate) fn set_time_zone(zone: &str, offsets: &[Offset]) -> Result<Vec<Event>, Rejection> {
    field::name("zone", zone)?;
    Clock::check(offsets).map_err(|reason| Rejection::invalid("offsets", reason))?;
    Ok(vec![Event::TimeZoneSet { zone: zone.trim().to_owned(), offsets: offsets.to_vec() }])
}

pub(crate) fn set_late_after(rules: &LateAfter) -> Result<Vec<Event>, Rejection> {
    rules.check()?;
    Ok(vec![Event::LateAfterSet { rules: *rules }])
}
