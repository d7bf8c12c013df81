//! Shift templates: a shift that comes back ("every Saturday 08:00 to 12:00, packing, four
//! people"). The server plans each date's shift a fortnight ahead, under a shift id derived
//! from the template and the date ([`shift_id_of`]), so a restart or a second server never
//! plans one twice; members whose commitment has the template's task and falls on that
//! date are signed up to it, once (a member who withdraws stays withdrawn).

use serde::{Deserialize, Serialize};

use super::commitment::Recurrence;
use super::event::Event;
use super::id::{ShiftId, ShiftTemplateId};
use super::roster::Roster;
use crate::kernel::day::date_of_day;
use crate::kernel::id::check_new_id;
use crate::kernel::{Rejection, field};

/// A template id leaves room for the date in its shifts' ids.
pub const MAX_TEMPLATE_ID_CHARS: usize = 48;
/// How many days ahead the server plans a template's shifts.
pub const PLAN_DAYS_AHEAD: i64 = 14;
/// Minutes in a day: a template's shift ends at midnight at the latest.
const MINUTES_PER_DAY: u32 = 1_440;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftTemplate {
    pub template_id: ShiftTemplateId,
    pub task: String,
    pub recurrence: Recurrence,
    /// Local minutes after midnight.
    pub starts_minute: u32,
    pub ends_minute: u32,
    pub people_needed: u32,
    pub starts_on_day: i64,
    /// No shift on or after this day.
    pub ended_on_day: Option<i64>,
}

impl ShiftTemplate {
    pub(crate) fn defined(event: &Event) -> Option<ShiftTemplate> {
        let Event::ShiftTemplateDefined {
            template_id,
            task,
            recurrence,
            starts_minute,
            ends_minute,
            people_needed,
            starts_on_day,
        } = event
        else {
            return None;
        };
        Some(ShiftTemplate {
            template_id: template_id.clone(),
            task: task.clone(),
            recurrence: recurrence.clone(),
            starts_minute: *starts_minute,
            ends_minute: *ends_minute,
            people_needed: *people_needed,
            starts_on_day: *starts_on_day,
            ended_on_day: None,
        })
    }

    /// The days in `from_day..to_day` it has a shift on.
    pub fn days(&self, from_day: i64, to_day: i64) -> Vec<i64> {
        self.recurrence.days(self.starts_on_day, self.ended_on_day, from_day, to_day)
    }

    /// Whether a commitment of this task is one to sign up with ([`same_task`]).
    pub fn matches_task(&self, task: &str) -> bool {
        same_task(&self.task, task)
    }
}

/// Whether two tasks are the same work: the same words, whatever the case and spaces
/// around them ("Packing" and "packing ").
pub fn same_task(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The shift a template plans on `day`: `<template>-YYYYMMDD`.
pub fn shift_id_of(template_id: &ShiftTemplateId, day: i64) -> ShiftId {
    let (year, month, date) = date_of_day(day);
    ShiftId::new(format!("{template_id}-{year:04}{month:02}{date:02}"))
}

/// A `DefineShiftTemplate` command's fields.
pub(crate) struct NewTemplate<'a> {
    pub template_id: &'a ShiftTemplateId,
    pub task: &'a str,
    pub recurrence: &'a Recurrence,
    pub starts_minute: u32,
    pub ends_minute: u32,
    pub people_needed: u32,
    pub starts_on_day: i64,
}

pub(crate) fn define(
    roster: &Roster,
    new: NewTemplate<'_>,
    today: i64,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("template_id", new.template_id.as_str())?;
    if new.template_id.as_str().chars().count() > MAX_TEMPLATE_ID_CHARS {
        let reason = format!("must be at most {MAX_TEMPLATE_ID_CHARS} characters");
        return Err(Rejection::invalid("template_id", reason));
    }
    if roster.templates.contains_key(new.template_id.as_str()) {
        return Err(Rejection::exists("shift template", new.template_id.as_str()));
    }
    field::name("task", new.task)?;
    new.recurrence.check()?;
    if new.ends_minute > MINUTES_PER_DAY || new.starts_minute >= new.ends_minute {
        let reason = "the shift must start before it ends, within one day";
        return Err(Rejection::invalid("ends_minute", reason));
    }
    if new.people_needed == 0 || new.people_needed > super::shift::MAX_PEOPLE_NEEDED {
        let reason = format!("must be 1 to {}", super::shift::MAX_PEOPLE_NEEDED);
        return Err(Rejection::invalid("people_needed", reason));
    }
    field::day("starts_on_day", new.starts_on_day)?;
    if new.starts_on_day < today {
        return Err(Rejection::invalid("starts_on_day", "must be today or later"));
    }
    Ok(vec![Event::ShiftTemplateDefined {
        template_id: new.template_id.clone(),
        task: new.task.trim().to_owned(),
        recurrence: new.recurrence.clone(),
        starts_minute: new.starts_minute,
        ends_minute: new.ends_minute,
        people_needed: new.people_needed,
        starts_on_day: new.starts_on_day,
    }])
}

/// No more shifts from tomorrow on; shifts already planned stay (cancel them one by one).
pub(crate) fn end(
    template: &ShiftTemplate,
    today: i64,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    if template.ended_on_day.is_some() {
        return Err(Rejection::wrong_stage("the shift template has already ended"));
    }
    field::reason("reason", reason)?;
    Ok(vec![Event::ShiftTemplateEnded {
        template_id: template.template_id.clone(),
        on_day: today + 1,
        reason: reason.trim().to_owned(),
    }])
}
