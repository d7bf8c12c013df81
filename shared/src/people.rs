//! People: role cards, the skills registry, recurring commitments, shifts on distribution
//! days and the group agreement, as commands, events, `decide` and the [`Roster`] they fold
//! into, with the [`Signal`]s that warn of burnout early.
//!
//! - [`decide`] turns a [`Command`] into [`Event`]s or a [`Rejection`] against the roster.
//!   Who is a member, and with which roles, comes in as an argument from
//!   [`crate::group::decide`]: this part keeps no copy of the members.
//! - [`Roster::evolve`] folds an event in; it never fails and holds no rules.
//! - Queries that depend on "now" take it: [`Roster::signals`], [`Roster::workloads`].
//!
//! Streams: `role-<role_card_id>`, `skills-<member_id>`, `commitment-<commitment_id>`,
//! `shift-<shift_id>`, `shift-template-<template_id>` and `agreement`. One file per noun.

mod agreement;
mod command;
mod commitment;
mod event;
mod id;
mod month;
mod role_card;
mod roster;
mod shift;
mod signals;
mod skill;
pub mod template;

#[cfg(test)]
mod tests;

pub use agreement::{
    Agreement, AgreementText, FIRST_REVIEW_AFTER_DAYS, MAX_AGREEMENT_CHARS, REVIEW_REMINDER_DAYS,
};
pub use command::{Command, CommandKind};
pub use commitment::{Commitment, MAX_COMMITMENT_MINUTES, Recurrence};
pub use event::Event;
pub use id::{CommitmentId, RoleCardId, ShiftId, ShiftTemplateId};
pub use month::{Hours, PeopleMonth, TERMS_ENDING_WITHIN_DAYS, TermEnding};
pub use role_card::{Holder, MAX_KEY_TASKS, RoleCard};
pub use roster::{Roster, WINDOW_DAYS, Workload};
pub use shift::{Attendance, Shift};
pub use signals::{SHIFT_LOOKAHEAD_DAYS, Signal};
pub use skill::{Skill, SkillEntry};
pub use template::ShiftTemplate;

use self::commitment::NewCommitment;
use self::role_card::{CardText, Term};
use self::shift::{Correction, NewShift};
use crate::kernel::Role;
use crate::kernel::field;
use crate::kernel::{Context, MemberId, Rejection};
use crate::members::Members;

/// The longest term a role can be given or renewed for: about three years. Roles rotate.
pub const MAX_TERM_DAYS: i64 = 1_096;

/// Decides a people command against the roster. `members` is the group's member list, for
/// checking who is named and what the acting member may do for others.
/// `today` is the group's day at `ctx.now_ms`, on its own clock.
pub fn decide(
    roster: &Roster,
    command: &Command,
    ctx: &Context,
    members: &Members,
    today: i64,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::DefineRoleCard { .. }
        | Command::ReviseRoleCard { .. }
        | Command::AssignRole { .. }
        | Command::HandOverRole { .. }
        | Command::RenewRoleTerm { .. }
        | Command::SetRoleBackup { .. }
        | Command::SetRoleContact { .. }
        | Command::EndRole { .. }
        | Command::EraseRoleContact { .. } => decide_role(roster, command, members, today),
        Command::RecordSkill { .. }
        | Command::RemoveSkill { .. }
        | Command::MakeCommitment { .. }
        | Command::EndCommitment { .. } => decide_own(roster, command, ctx, members, today),
        Command::PlanShift { .. }
        | Command::CancelShift { .. }
        | Command::SignUpForShift { .. }
        | Command::WithdrawFromShift { .. }
        | Command::CheckInToShift { .. }
        | Command::CheckOutOfShift { .. }
        | Command::CorrectShiftTimes { .. }
        | Command::RecordShiftAbsence { .. } => decide_shift(roster, command, ctx, members),
        Command::DefineShiftTemplate {
            template_id,
            task,
            recurrence,
            starts_minute,
            ends_minute,
            people_needed,
            starts_on_day,
        } => {
            let new = template::NewTemplate {
                template_id,
                task,
                recurrence,
                starts_minute: *starts_minute,
                ends_minute: *ends_minute,
                people_needed: *people_needed,
                starts_on_day: *starts_on_day,
            };
            template::define(roster, new, today)
        }
        Command::EndShiftTemplate { template_id, reason } => {
            let template = roster
                .templates
                .get(template_id.as_str())
                .ok_or_else(|| Rejection::unknown("shift template", template_id.as_str()))?;
            template::end(template, today, reason)
        }
        Command::AdoptAgreement { text } => {
            agreement::adopt(roster.agreement.as_ref(), today, text)
        }
        Command::ChangeAgreement { text, reason } => {
            agreement::change(roster.agreement.as_ref(), today, text, reason)
        }
        Command::ReviewAgreement { next_review_on_day, note } => {
            agreement::review(roster.agreement.as_ref(), today, *next_review_on_day, note)
        }
    }
}

fn decide_role(
    roster: &Roster,
    command: &Command,
    members: &Members,
    today: i64,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::DefineRoleCard { .. } | Command::ReviseRoleCard { .. } => {
            decide_card_text(roster, command)
        }
        Command::AssignRole { role_card_id, member_id, backup_id, term_ends_on_day, contact } => {
            let term = Term {
                role_card_id,
                member_id,
                backup_id: backup_id.as_ref(),
                term_ends_on_day: *term_ends_on_day,
                contact: contact.as_ref(),
            };
            role_card::assign(roster, members, today, term)
        }
        Command::HandOverRole {
            role_card_id,
            to_member_id,
            backup_id,
            term_ends_on_day,
            note,
            contact,
        } => {
            let term = Term {
                role_card_id,
                member_id: to_member_id,
                backup_id: backup_id.as_ref(),
                term_ends_on_day: *term_ends_on_day,
                contact: contact.as_ref(),
            };
            role_card::hand_over(roster, members, today, term, note)
        }
        Command::RenewRoleTerm { role_card_id, term_ends_on_day } => {
            role_card::renew(roster, today, role_card_id, *term_ends_on_day)
        }
        Command::SetRoleBackup { role_card_id, backup_id } => {
            role_card::set_backup(roster, members, role_card_id, backup_id.as_ref())
        }
        Command::SetRoleContact { role_card_id, contact } => {
            role_card::set_contact(roster, role_card_id, contact.as_ref())
        }
        Command::EndRole { role_card_id, reason } => {
            role_card::end(roster, today, role_card_id, reason)
        }
        Command::EraseRoleContact { role_card_id, member_id, reason } => {
            role_card::erase_contact(roster, role_card_id, member_id, reason)
        }
        _ => unreachable!("`decide` routes only role card commands here"),
    }
}

fn decide_card_text(roster: &Roster, command: &Command) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::DefineRoleCard { role_card_id, title, key_tasks, critical } => role_card::define(
            roster,
            CardText { role_card_id, title, key_tasks, critical: *critical },
        ),
        Command::ReviseRoleCard { role_card_id, title, key_tasks, critical } => role_card::revise(
            roster,
            CardText { role_card_id, title, key_tasks, critical: *critical },
        ),
        _ => unreachable!("`decide_role` routes only card texts here"),
    }
}

/// Skills and commitments: a member's own, or anyone's when a coordinator acts.
fn decide_own(
    roster: &Roster,
    command: &Command,
    ctx: &Context,
    members: &Members,
    today: i64,
) -> Result<Vec<Event>, Rejection> {
    let own = |member_id: &MemberId| acts_for(members, ctx, member_id, &[Role::Coordinator]);
    match command {
        Command::RecordSkill { member_id, skill, expires_on_day } => {
            own(member_id)?;
            skill::record(members, today, member_id, skill, *expires_on_day)
        }
        Command::RemoveSkill { member_id, skill } => {
            own(member_id)?;
            skill::remove(roster.skills_of(member_id.as_str()), member_id, skill)
        }
        Command::MakeCommitment {
            commitment_id,
            member_id,
            task,
            recurrence,
            minutes,
            starts_on_day,
        } => {
            own(member_id)?;
            let new = NewCommitment {
                commitment_id,
                member_id,
                task,
                recurrence,
                minutes: *minutes,
                starts_on_day: *starts_on_day,
            };
            commitment::make(roster, members, new)
        }
        Command::EndCommitment { commitment_id, reason } => {
            let commitment = roster
                .commitment(commitment_id.as_str())
                .ok_or_else(|| Rejection::unknown("commitment", commitment_id.as_str()))?;
            own(&commitment.member_id)?;
            commitment::end(commitment, today, reason)
        }
        _ => unreachable!("`decide` routes only skills and commitments here"),
    }
}

fn decide_shift(
    roster: &Roster,
    command: &Command,
    ctx: &Context,
    members: &Members,
) -> Result<Vec<Event>, Rejection> {
    let now_ms = ctx.now_ms;
    if let Command::PlanShift { shift_id, task, starts_at_ms, ends_at_ms, people_needed } = command
    {
        let new = NewShift {
            shift_id,
            task,
            starts_at_ms: *starts_at_ms,
            ends_at_ms: *ends_at_ms,
            people_needed: *people_needed,
        };
        return shift::plan(roster, now_ms, new);
    }
    let shift_id = shift_id_of(command);
    let shift = roster.shift(shift_id).ok_or_else(|| Rejection::unknown("shift", shift_id))?;
    let own = |member_id: &MemberId| {
        acts_for(members, ctx, member_id, &[Role::Coordinator, Role::Logistics])
    };
    match command {
        Command::CancelShift { reason, .. } => shift::cancel(shift, now_ms, reason),
        Command::SignUpForShift { member_id, .. } => {
            own(member_id)?;
            shift::sign_up(shift, members, now_ms, member_id)
        }
        Command::WithdrawFromShift { member_id, .. } => {
            own(member_id)?;
            shift::withdraw(shift, now_ms, member_id)
        }
        Command::CheckInToShift { member_id, .. } => {
            own(member_id)?;
            shift::check_in(shift, members, now_ms, member_id)
        }
        Command::CheckOutOfShift { member_id, .. } => {
            own(member_id)?;
            shift::check_out(shift, now_ms, member_id)
        }
        Command::CorrectShiftTimes {
            member_id,
            checked_in_at_ms,
            checked_out_at_ms,
            reason,
            ..
        } => {
            let fix = Correction {
                member_id,
                checked_in_at_ms: *checked_in_at_ms,
                checked_out_at_ms: *checked_out_at_ms,
                reason,
            };
            shift::correct(shift, members, now_ms, fix)
        }
        Command::RecordShiftAbsence { member_id, .. } => {
            shift::record_absence(shift, now_ms, member_id)
        }
        _ => unreachable!("`decide` routes only shift commands here"),
    }
}

fn shift_id_of(command: &Command) -> &str {
    match command {
        Command::PlanShift { shift_id, .. }
        | Command::CancelShift { shift_id, .. }
        | Command::SignUpForShift { shift_id, .. }
        | Command::WithdrawFromShift { shift_id, .. }
        | Command::CheckInToShift { shift_id, .. }
        | Command::CheckOutOfShift { shift_id, .. }
        | Command::CorrectShiftTimes { shift_id, .. }
        | Command::RecordShiftAbsence { shift_id, .. } => shift_id.as_str(),
        _ => "",
    }
}

/// The member named must be a current member.
pub(crate) fn known_member(members: &Members, member_id: &MemberId) -> Result<(), Rejection> {
    match members.get(member_id.as_str()) {
        Some(_) => Ok(()),
        None => Err(Rejection::unknown("member", member_id.as_str())),
    }
}

/// A member acts for themselves; holders of `managers` roles may act for anyone.
fn acts_for(
    members: &Members,
    ctx: &Context,
    member_id: &MemberId,
    managers: &[Role],
) -> Result<(), Rejection> {
    let roles = members.roles_of(ctx.actor.as_str());
    // The scheduler signs members up to the shifts their commitments promise.
    let server = ctx.actor.as_str() == crate::members::SCHEDULER_ACTOR;
    if server || ctx.actor == *member_id || managers.iter().any(|r| roles.contains(r)) {
        return Ok(());
    }
    let who: Vec<&str> = managers.iter().map(|r| r.as_str()).collect();
    let message = format!("only {member_id} or a {} may do this", who.join(" or "));
    Err(Rejection::not_permitted(message))
}

/// A term must end after today, within [`MAX_TERM_DAYS`].
pub(crate) fn term_end(today: i64, term_ends_on_day: i64) -> Result<(), Rejection> {
    field::day("term_ends_on_day", term_ends_on_day)?;
    if term_ends_on_day <= today || term_ends_on_day > today + MAX_TERM_DAYS {
        let reason = format!("must be after today, within {MAX_TERM_DAYS} days");
        return Err(Rejection::invalid("term_ends_on_day", reason));
    }
    Ok(())
}
