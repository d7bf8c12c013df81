//! The people half of a month's retrospective: who worked how long and on what, who signed
//! up and did not come, and what the roster warned of as the month closed: members carrying
//! too much, critical roles with nobody to step in, terms that end soon.
//!
//! Built from the roster folded to the month's last moment, so the same events always give
//! the same figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::id::RoleCardId;
use super::roster::Roster;
use super::signals::Signal;
use crate::clock::Clock;
use crate::kernel::MemberId;
use crate::limits::GroupLimits;

/// How far past the month's end a term counts as "ending soon".
pub const TERMS_ENDING_WITHIN_DAYS: i64 = 30;

/// Time worked: minutes on shifts, and how many shifts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub minutes: i64,
    pub shifts: u32,
}

/// A role whose holder's term has ended or ends within [`TERMS_ENDING_WITHIN_DAYS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermEnding {
    pub role_card_id: RoleCardId,
    pub title: String,
    pub member_id: MemberId,
    pub term_ends_on_day: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleMonth {
    /// Time on shifts checked into during the month (once checked out), per member.
    pub hours_by_member: BTreeMap<MemberId, Hours>,
    /// The same time per shift task ("Packing", "Driving"): the role each shift needed.
    pub hours_by_task: BTreeMap<String, Hours>,
    /// Sign-ups for the month's shifts recorded as "did not come", per member.
    pub absences: BTreeMap<MemberId, u32>,
    /// As the month closed: members over the group's limit of hours or of roles.
    pub burnout: Vec<Signal>,
    /// As the month closed: critical roles with no backup, or with nobody at all.
    pub roles_without_backup: Vec<Signal>,
    /// Terms ended or ending within 30 days of the month's end, soonest first.
    pub terms_ending: Vec<TermEnding>,
}

impl PeopleMonth {
    /// The figures for the days `first_day..=last_day`: hours and absences from `worked`
    /// (the roster as it stands now, with any times corrected since), warnings from
    /// `at_end` and `limits` (the roster and limits at the end of `last_day`).
    pub fn build(
        worked: &Roster,
        at_end: &Roster,
        limits: &GroupLimits,
        first_day: i64,
        last_day: i64,
        clock: &Clock,
    ) -> PeopleMonth {
        let (start_ms, end_ms) =
            (clock.start_of_day_ms(first_day), clock.start_of_day_ms(last_day + 1));
        let mut month = PeopleMonth::default();
        for shift in worked.shifts.values() {
            for (member_id, attendance) in &shift.attendance {
                let at = attendance.checked_in_at_ms;
                let Some(minutes) = attendance.minutes().filter(|_| at >= start_ms && at < end_ms)
                else {
                    continue;
                };
                for hours in [
                    month.hours_by_member.entry(member_id.clone()).or_default(),
                    month.hours_by_task.entry(shift.task.clone()).or_default(),
                ] {
                    hours.minutes += minutes;
                    hours.shifts += 1;
                }
            }
            if !shift.cancelled && shift.starts_at_ms >= start_ms && shift.starts_at_ms < end_ms {
                for member_id in &shift.absent {
                    *month.absences.entry(member_id.clone()).or_default() += 1;
                }
            }
        }
        for signal in at_end.signals(end_ms - 1, clock, limits) {
            match signal {
                Signal::TooManyHours { .. } | Signal::TooManyRoles { .. } => {
                    month.burnout.push(signal)
                }
                Signal::NoBackup { .. } | Signal::Vacant { .. } => {
                    month.roles_without_backup.push(signal)
                }
                _ => {}
            }
        }
        let horizon = clock.day_of(end_ms - 1) + TERMS_ENDING_WITHIN_DAYS;
        for card in at_end.role_cards.values() {
            let Some(holder) = card.holder.as_ref().filter(|h| h.term_ends_on_day <= horizon)
            else {
                continue;
            };
            month.terms_ending.push(TermEnding {
                role_card_id: card.role_card_id.clone(),
                title: card.title.clone(),
                member_id: holder.member_id.clone(),
                term_ends_on_day: holder.term_ends_on_day,
            });
        }
        month.terms_ending.sort_by(|a, b| {
            (a.term_ends_on_day, &a.role_card_id).cmp(&(b.term_ends_on_day, &b.role_card_id))
        });
        month
    }
}
