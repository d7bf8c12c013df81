//! Commitments are recurring and specific ("meals every second Tuesday, two hours"), never
//! "whenever needed": a task, a schedule and a length. Changing one is ending it and making
//! a new one, so the history of who promised what stays.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::id::CommitmentId;
use super::known_member;
use super::roster::Roster;
use crate::kernel::day::{Weekday, date_of_day, day_of_date};
use crate::kernel::id::check_new_id;
use crate::kernel::{MemberId, Rejection, field};
use crate::members::Members;

/// The longest single occurrence: a long day.
pub const MAX_COMMITMENT_MINUTES: u32 = 12 * 60;
/// "Every fourth week" is the sparsest weekly rhythm; rarer is monthly.
pub const MAX_INTERVAL_WEEKS: u32 = 4;

/// When a commitment recurs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Recurrence {
    /// On `weekday` every `interval_weeks` weeks, from the first such weekday on or after
    /// the start: "every second Tuesday" is Tuesday with an interval of 2.
    Week { weekday: Weekday, interval_weeks: u32 },
    /// On the `nth` (1 to 4) `weekday` of every month: "the first Saturday".
    Month { weekday: Weekday, nth: u32 },
}

impl Recurrence {
    pub(crate) fn check(&self) -> Result<(), Rejection> {
        match self {
            Recurrence::Week { interval_weeks, .. }
                if !(1..=MAX_INTERVAL_WEEKS).contains(interval_weeks) =>
            {
                let reason = format!("interval_weeks must be 1 to {MAX_INTERVAL_WEEKS}");
                Err(Rejection::invalid("recurrence", reason))
            }
            Recurrence::Month { nth, .. } if !(1..=4).contains(nth) => {
                Err(Rejection::invalid("recurrence", "nth must be 1 to 4"))
            }
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub commitment_id: CommitmentId,
    pub member_id: MemberId,
    pub task: String,
    pub recurrence: Recurrence,
    pub minutes: u32,
    pub starts_on_day: i64,
    /// No occurrence falls on or after this day.
    pub ended_on_day: Option<i64>,
}

impl Commitment {
    pub(crate) fn made(event: &Event) -> Option<Commitment> {
        let Event::CommitmentMade {
            commitment_id,
            member_id,
            task,
            recurrence,
            minutes,
            starts_on_day,
        } = event
        else {
            return None;
        };
        Some(Commitment {
            commitment_id: commitment_id.clone(),
            member_id: member_id.clone(),
            task: task.clone(),
            recurrence: recurrence.clone(),
            minutes: *minutes,
            starts_on_day: *starts_on_day,
            ended_on_day: None,
        })
    }

    /// The days in `from_day..to_day` the commitment falls on, in order.
    pub fn occurrences(&self, from_day: i64, to_day: i64) -> Vec<i64> {
        self.recurrence.days(self.starts_on_day, self.ended_on_day, from_day, to_day)
    }

    /// Minutes promised in `from_day..to_day`.
    pub fn minutes_between(&self, from_day: i64, to_day: i64) -> i64 {
        self.occurrences(from_day, to_day).len() as i64 * i64::from(self.minutes)
    }
}

impl Recurrence {
    /// The days in `from_day..to_day` it falls on, for a rhythm that starts on
    /// `starts_on_day` and has none on or after `ended_on_day`, in order.
    pub fn days(
        &self,
        starts_on_day: i64,
        ended_on_day: Option<i64>,
        from_day: i64,
        to_day: i64,
    ) -> Vec<i64> {
        let from = from_day.max(starts_on_day);
        let to = ended_on_day.map_or(to_day, |end| end.min(to_day));
        if from >= to {
            return Vec::new();
        }
        match *self {
            Recurrence::Week { weekday, interval_weeks } => {
                let first = next_weekday(starts_on_day, weekday);
                let step = 7 * i64::from(interval_weeks.max(1));
                let skipped = (from - first).max(0).div_euclid(step);
                let mut day = first + skipped * step;
                let mut days = Vec::new();
                while day < to {
                    if day >= from {
                        days.push(day);
                    }
                    day += step;
                }
                days
            }
            Recurrence::Month { weekday, nth } => monthly(from, to, weekday, nth),
        }
    }
}

/// The first day on or after `day` that falls on `weekday`.
fn next_weekday(day: i64, weekday: Weekday) -> i64 {
    day + (weekday.index() - Weekday::of_day(day).index()).rem_euclid(7)
}

fn monthly(from: i64, to: i64, weekday: Weekday, nth: u32) -> Vec<i64> {
    let (mut year, mut month, _) = date_of_day(from);
    let mut days = Vec::new();
    while let Some(first) = day_of_date(year, month, 1) {
        if first >= to {
            break;
        }
        let day = next_weekday(first, weekday) + 7 * (i64::from(nth) - 1);
        if (from..to).contains(&day) {
            days.push(day);
        }
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    days
}

/// A `MakeCommitment` command's fields.
pub(crate) struct NewCommitment<'a> {
    pub commitment_id: &'a CommitmentId,
    pub member_id: &'a MemberId,
    pub task: &'a str,
    pub recurrence: &'a Recurrence,
    pub minutes: u32,
    pub starts_on_day: i64,
}

pub(crate) fn make(
    roster: &Roster,
    members: &Members,
    new: NewCommitment<'_>,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("commitment_id", new.commitment_id.as_str())?;
    if roster.commitment(new.commitment_id.as_str()).is_some() {
        return Err(Rejection::exists("commitment", new.commitment_id.as_str()));
    }
    known_member(members, new.member_id)?;
    field::name("task", new.task)?;
    new.recurrence.check()?;
    if new.minutes == 0 || new.minutes > MAX_COMMITMENT_MINUTES {
        let reason = format!("must be 1 to {MAX_COMMITMENT_MINUTES}");
        return Err(Rejection::invalid("minutes", reason));
    }
    field::day("starts_on_day", new.starts_on_day)?;
    Ok(vec![Event::CommitmentMade {
        commitment_id: new.commitment_id.clone(),
        member_id: new.member_id.clone(),
        task: new.task.trim().to_owned(),
        recurrence: new.recurrence.clone(),
        minutes: new.minutes,
        starts_on_day: new.starts_on_day,
    }])
}

pub(crate) fn end(
    commitment: &Commitment,
    today: i64,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    if commitment.ended_on_day.is_some() {
        return Err(Rejection::wrong_stage("the commitment has already ended"));
    }
    field::reason("reason", reason)?;
    Ok(vec![Event::CommitmentEnded {
        commitment_id: commitment.commitment_id.clone(),
        member_id: commitment.member_id.clone(),
        on_day: today,
        reason: reason.to_owned(),
    }])
}
