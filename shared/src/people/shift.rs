//! Shifts on distribution days: a task, a time and the number of people it needs. Members
//! sign up, withdraw, check in and check out; hours come only from those times, and a wrong
//! time is corrected by a new event with a reason. An absence is recorded as a fact, with no
//! field where blame could be written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::id::ShiftId;
use super::known_member;
use super::roster::Roster;
use crate::kernel::day::{MS_PER_DAY, start_of_day_ms};
use crate::kernel::field::{self, MAX_DAY};
use crate::kernel::id::check_new_id;
use crate::kernel::{MemberId, Rejection};
use crate::members::Members;

pub const HOUR_MS: i64 = 3_600_000;
/// The longest shift that can be planned.
pub const MAX_SHIFT_MS: i64 = 16 * HOUR_MS;
/// The most people one shift can ask for.
pub const MAX_PEOPLE_NEEDED: u32 = 200;
/// How early before its start a shift can be checked into.
pub const EARLY_CHECK_IN_MS: i64 = HOUR_MS;
/// How long after its end a shift can still be checked out of; later, the times are
/// corrected with a reason instead.
pub const LATE_CHECK_OUT_MS: i64 = 12 * HOUR_MS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub shift_id: ShiftId,
    pub task: String,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub people_needed: u32,
    pub cancelled: bool,
    /// Signed up and not withdrawn, in the order they signed up.
    pub signed_up: Vec<MemberId>,
    /// Everyone who came, signed up or not.
    pub attendance: BTreeMap<MemberId, Attendance>,
    /// Signed up, and recorded as not having come.
    pub absent: Vec<MemberId>,
    /// Who withdrew (and has not signed up again): a commitment does not sign them up.
    #[serde(default)]
    pub withdrawn: Vec<MemberId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub checked_in_at_ms: i64,
    pub checked_out_at_ms: Option<i64>,
    /// The times were corrected by hand.
    pub corrected: bool,
}

impl Attendance {
    /// Minutes worked, once checked out.
    pub fn minutes(&self) -> Option<i64> {
        let out = self.checked_out_at_ms?;
        Some((out - self.checked_in_at_ms).max(0) / 60_000)
    }
}

impl Shift {
    pub(crate) fn planned(event: &Event) -> Option<Shift> {
        let Event::ShiftPlanned { shift_id, task, starts_at_ms, ends_at_ms, people_needed } = event
        else {
            return None;
        };
        Some(Shift {
            shift_id: shift_id.clone(),
            task: task.clone(),
            starts_at_ms: *starts_at_ms,
            ends_at_ms: *ends_at_ms,
            people_needed: *people_needed,
            cancelled: false,
            signed_up: Vec::new(),
            attendance: BTreeMap::new(),
            absent: Vec::new(),
            withdrawn: Vec::new(),
        })
    }

    pub fn is_signed_up(&self, member_id: &MemberId) -> bool {
        self.signed_up.contains(member_id)
    }

    pub(crate) fn evolve(&mut self, event: &Event) {
        match event {
            Event::ShiftCancelled { .. } => self.cancelled = true,
            Event::SignedUpForShift { member_id, .. } => {
                self.signed_up.push(member_id.clone());
                self.withdrawn.retain(|m| m != member_id);
            }
            Event::WithdrewFromShift { member_id, .. } => {
                self.signed_up.retain(|m| m != member_id);
                self.withdrawn.push(member_id.clone());
            }
            Event::CheckedInToShift { member_id, at_ms, .. } => {
                let attendance = Attendance {
                    checked_in_at_ms: *at_ms,
                    checked_out_at_ms: None,
                    corrected: false,
                };
                self.attendance.insert(member_id.clone(), attendance);
            }
            Event::CheckedOutOfShift { member_id, at_ms, .. } => {
                if let Some(attendance) = self.attendance.get_mut(member_id) {
                    attendance.checked_out_at_ms = Some(*at_ms);
                }
            }
            Event::ShiftTimesCorrected {
                member_id, checked_in_at_ms, checked_out_at_ms, ..
            } => {
                let attendance = Attendance {
                    checked_in_at_ms: *checked_in_at_ms,
                    checked_out_at_ms: Some(*checked_out_at_ms),
                    corrected: true,
                };
                self.attendance.insert(member_id.clone(), attendance);
                self.absent.retain(|m| m != member_id);
            }
            Event::ShiftAbsenceRecorded { member_id, .. } => self.absent.push(member_id.clone()),
            _ => {}
        }
    }
}

/// A `PlanShift` command's fields.
pub(crate) struct NewShift<'a> {
    pub shift_id: &'a ShiftId,
    pub task: &'a str,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub people_needed: u32,
}

pub(crate) fn plan(
    roster: &Roster,
    now_ms: i64,
    new: NewShift<'_>,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("shift_id", new.shift_id.as_str())?;
    if roster.shift(new.shift_id.as_str()).is_some() {
        return Err(Rejection::exists("shift", new.shift_id.as_str()));
    }
    field::name("task", new.task)?;
    if !(0..start_of_day_ms(MAX_DAY)).contains(&new.starts_at_ms) {
        return Err(Rejection::invalid("starts_at_ms", "is not a plausible time"));
    }
    let length_ms = new.ends_at_ms.saturating_sub(new.starts_at_ms);
    if length_ms <= 0 || length_ms > MAX_SHIFT_MS {
        let reason =
            format!("must be after the start, by at most {} hours", MAX_SHIFT_MS / HOUR_MS);
        return Err(Rejection::invalid("ends_at_ms", reason));
    }
    if new.ends_at_ms <= now_ms {
        return Err(Rejection::invalid("ends_at_ms", "the shift would be over already"));
    }
    if new.people_needed == 0 || new.people_needed > MAX_PEOPLE_NEEDED {
        let reason = format!("must be 1 to {MAX_PEOPLE_NEEDED}");
        return Err(Rejection::invalid("people_needed", reason));
    }
    Ok(vec![Event::ShiftPlanned {
        shift_id: new.shift_id.clone(),
        task: new.task.trim().to_owned(),
        starts_at_ms: new.starts_at_ms,
        ends_at_ms: new.ends_at_ms,
        people_needed: new.people_needed,
    }])
}

pub(crate) fn cancel(shift: &Shift, now_ms: i64, reason: &str) -> Result<Vec<Event>, Rejection> {
    open(shift, now_ms)?;
    if !shift.attendance.is_empty() {
        return Err(Rejection::wrong_stage("people have checked in: the shift is happening"));
    }
    field::reason("reason", reason)?;
    Ok(vec![Event::ShiftCancelled { shift_id: shift.shift_id.clone(), reason: reason.to_owned() }])
}

pub(crate) fn sign_up(
    shift: &Shift,
    members: &Members,
    now_ms: i64,
    member_id: &MemberId,
) -> Result<Vec<Event>, Rejection> {
    open(shift, now_ms)?;
    known_member(members, member_id)?;
    if shift.is_signed_up(member_id) {
        return Err(Rejection::wrong_stage(format!("{member_id} is already signed up")));
    }
    if shift.signed_up.len() >= shift.people_needed as usize {
        let message = format!(
            "the shift is full: {} of {} signed up",
            shift.signed_up.len(),
            shift.people_needed
        );
        return Err(Rejection::Conflict { message });
    }
    Ok(vec![Event::SignedUpForShift {
        shift_id: shift.shift_id.clone(),
        member_id: member_id.clone(),
    }])
}

pub(crate) fn withdraw(
    shift: &Shift,
    now_ms: i64,
    member_id: &MemberId,
) -> Result<Vec<Event>, Rejection> {
    if !shift.is_signed_up(member_id) {
        return Err(Rejection::wrong_stage(format!("{member_id} is not signed up")));
    }
    if now_ms >= shift.starts_at_ms || shift.attendance.contains_key(member_id) {
        return Err(Rejection::wrong_stage("the shift has started: check out instead"));
    }
    Ok(vec![Event::WithdrewFromShift {
        shift_id: shift.shift_id.clone(),
        member_id: member_id.clone(),
    }])
}

/// A walk-in may check in without having signed up: help that turns up is welcome.
pub(crate) fn check_in(
    shift: &Shift,
    members: &Members,
    now_ms: i64,
    member_id: &MemberId,
) -> Result<Vec<Event>, Rejection> {
    open(shift, now_ms)?;
    known_member(members, member_id)?;
    if now_ms < shift.starts_at_ms - EARLY_CHECK_IN_MS {
        return Err(Rejection::wrong_stage("the shift has not started yet"));
    }
    if shift.attendance.contains_key(member_id) {
        return Err(Rejection::wrong_stage(format!("{member_id} has already checked in")));
    }
    Ok(vec![Event::CheckedInToShift {
        shift_id: shift.shift_id.clone(),
        member_id: member_id.clone(),
        at_ms: now_ms,
    }])
}

pub(crate) fn check_out(
    shift: &Shift,
    now_ms: i64,
    member_id: &MemberId,
) -> Result<Vec<Event>, Rejection> {
    let Some(attendance) = shift.attendance.get(member_id) else {
        return Err(Rejection::wrong_stage(format!("{member_id} has not checked in")));
    };
    if attendance.checked_out_at_ms.is_some() {
        return Err(Rejection::wrong_stage(format!("{member_id} has already checked out")));
    }
    if now_ms > shift.ends_at_ms + LATE_CHECK_OUT_MS {
        let message = "the shift ended long ago: correct the times, with a reason";
        return Err(Rejection::wrong_stage(message));
    }
    Ok(vec![Event::CheckedOutOfShift {
        shift_id: shift.shift_id.clone(),
        member_id: member_id.clone(),
        at_ms: now_ms.max(attendance.checked_in_at_ms),
    }])
}

/// A `CorrectShiftTimes` command's fields.
pub(crate) struct Correction<'a> {
    pub member_id: &'a MemberId,
    pub checked_in_at_ms: i64,
    pub checked_out_at_ms: i64,
    pub reason: &'a str,
}

pub(crate) fn correct(
    shift: &Shift,
    members: &Members,
    now_ms: i64,
    fix: Correction<'_>,
) -> Result<Vec<Event>, Rejection> {
    if shift.cancelled {
        return Err(Rejection::wrong_stage("the shift was cancelled"));
    }
    known_member(members, fix.member_id)?;
    let earliest = shift.starts_at_ms - LATE_CHECK_OUT_MS;
    let latest = (shift.ends_at_ms + LATE_CHECK_OUT_MS).min(now_ms);
    if fix.checked_in_at_ms < earliest || fix.checked_in_at_ms >= fix.checked_out_at_ms {
        let reason = "must be before the check-out, and at most 12 hours before the shift";
        return Err(Rejection::invalid("checked_in_at_ms", reason));
    }
    if fix.checked_out_at_ms > latest || fix.checked_out_at_ms - fix.checked_in_at_ms > MS_PER_DAY {
        let reason = "must not be in the future, nor more than 12 hours after the shift";
        return Err(Rejection::invalid("checked_out_at_ms", reason));
    }
    field::reason("reason", fix.reason)?;
    Ok(vec![Event::ShiftTimesCorrected {
        shift_id: shift.shift_id.clone(),
        member_id: fix.member_id.clone(),
        checked_in_at_ms: fix.checked_in_at_ms,
        checked_out_at_ms: fix.checked_out_at_ms,
        reason: fix.reason.to_owned(),
    }])
}

pub(crate) fn record_absence(
    shift: &Shift,
    now_ms: i64,
    member_id: &MemberId,
) -> Result<Vec<Event>, Rejection> {
    if shift.cancelled || now_ms < shift.ends_at_ms {
        return Err(Rejection::wrong_stage("an absence is recorded once the shift is over"));
    }
    if !shift.is_signed_up(member_id) || shift.attendance.contains_key(member_id) {
        let message = format!("{member_id} was not expected, or came");
        return Err(Rejection::wrong_stage(message));
    }
    if shift.absent.contains(member_id) {
        return Err(Rejection::wrong_stage("the absence is already recorded"));
    }
    Ok(vec![Event::ShiftAbsenceRecorded {
        shift_id: shift.shift_id.clone(),
        member_id: member_id.clone(),
    }])
}

/// A shift members can still join or leave: planned, not cancelled, not over.
fn open(shift: &Shift, now_ms: i64) -> Result<(), Rejection> {
    if shift.cancelled {
        return Err(Rejection::wrong_stage("the shift was cancelled"));
    }
    if now_ms >= shift.ends_at_ms {
        return Err(Rejection::wrong_stage("the shift is over"));
    }
    Ok(())
}
