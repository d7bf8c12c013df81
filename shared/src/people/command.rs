//! What members ask of the people part, imperative. Each names the stream its events go to.

use serde::{Deserialize, Serialize};

use super::agreement::AgreementText;
use super::commitment::Recurrence;
use super::id::{CommitmentId, RoleCardId, ShiftId, ShiftTemplateId};
use super::skill::Skill;
use crate::kernel::{MemberId, SealedPersonalData, Sealing};

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    // --- Role cards. Stream `role-<role_card_id>`. ---
    /// Writes a new, vacant role card. A critical role is one the group cannot run without
    /// for a week: the roster flags it when it has no holder or no backup.
    DefineRoleCard {
        role_card_id: RoleCardId,
        title: String,
        key_tasks: Vec<String>,
        critical: bool,
    },
    /// A new version of the card's title, tasks or criticality; the holder stays.
    ReviseRoleCard {
        role_card_id: RoleCardId,
        title: String,
        key_tasks: Vec<String>,
        critical: bool,
    },
    /// Gives a vacant role to a member for a term ending on `term_ends_on_day` (its last
    /// day). `contact` is how the group reaches the holder in this role, sealed.
    AssignRole {
        role_card_id: RoleCardId,
        member_id: MemberId,
        backup_id: Option<MemberId>,
        term_ends_on_day: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<SealedPersonalData>,
    },
    /// Rotation: the role passes from its holder to another member, for a new term.
    HandOverRole {
        role_card_id: RoleCardId,
        to_member_id: MemberId,
        backup_id: Option<MemberId>,
        term_ends_on_day: i64,
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<SealedPersonalData>,
    },
    /// The group asks the holder to stay on for a new term.
    RenewRoleTerm {
        role_card_id: RoleCardId,
        term_ends_on_day: i64,
    },
    /// Names the role's backup, or (`None`) says it has none.
    SetRoleBackup {
        role_card_id: RoleCardId,
        backup_id: Option<MemberId>,
    },
    /// Replaces the holder's contact for the role, or (`None`) forgets it.
    SetRoleContact {
        role_card_id: RoleCardId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<SealedPersonalData>,
    },
    /// The holder steps down and the role is vacant.
    EndRole {
        role_card_id: RoleCardId,
        reason: String,
    },
    /// Forgets `member_id`'s contact for this role for good (their key is destroyed), on
    /// their request or when they leave: the card and its history stay.
    EraseRoleContact {
        role_card_id: RoleCardId,
        member_id: MemberId,
        reason: String,
    },

    // --- Skills. Stream `skills-<member_id>`. ---
    /// Records a skill, replacing an earlier record of the same skill (a renewed
    /// certificate). A member records their own; a coordinator anyone's.
    RecordSkill {
        member_id: MemberId,
        skill: Skill,
        expires_on_day: Option<i64>,
    },
    RemoveSkill {
        member_id: MemberId,
        skill: Skill,
    },

    // --- Commitments. Stream `commitment-<commitment_id>`. ---
    /// A recurring, specific commitment: a task, on a schedule, for so many minutes.
    /// Changing one is ending it and making a new one.
    MakeCommitment {
        commitment_id: CommitmentId,
        member_id: MemberId,
        task: String,
        recurrence: Recurrence,
        minutes: u32,
        starts_on_day: i64,
    },
    EndCommitment {
        commitment_id: CommitmentId,
        reason: String,
    },

    // --- Shifts on distribution days. Stream `shift-<shift_id>`. ---
    PlanShift {
        shift_id: ShiftId,
        task: String,
        starts_at_ms: i64,
        ends_at_ms: i64,
        people_needed: u32,
    },
    CancelShift {
        shift_id: ShiftId,
        reason: String,
    },
    /// A member signs up (themselves, or anyone when sent by a coordinator or logistics).
    SignUpForShift {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    WithdrawFromShift {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    /// Arrival, at the moment the command is decided.
    CheckInToShift {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    /// Departure, at the moment the command is decided.
    CheckOutOfShift {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    /// Replaces the member's check-in and check-out times on the shift (a forgotten
    /// check-out, a phone that died), with a reason.
    CorrectShiftTimes {
        shift_id: ShiftId,
        member_id: MemberId,
        checked_in_at_ms: i64,
        checked_out_at_ms: i64,
        reason: String,
    },
    /// A member who signed up did not come. A fact, with no room for blame: no note.
    RecordShiftAbsence {
        shift_id: ShiftId,
        member_id: MemberId,
    },

    // --- Shift templates. Stream `shift-template-<template_id>`. ---
    /// A shift that comes back: the server plans each date's shift ahead, from
    /// `starts_minute` to `ends_minute` (local minutes after midnight).
    DefineShiftTemplate {
        template_id: ShiftTemplateId,
        task: String,
        recurrence: Recurrence,
        starts_minute: u32,
        ends_minute: u32,
        people_needed: u32,
        starts_on_day: i64,
    },
    /// No more shifts from tomorrow on; those planned stay.
    EndShiftTemplate {
        template_id: ShiftTemplateId,
        reason: String,
    },

    // --- The group agreement. Stream `agreement`. ---
    /// Adopts the group's one-page agreement; its first review is 90 days later.
    AdoptAgreement {
        text: AgreementText,
    },
    /// A new version of the agreement. The review date stays.
    ChangeAgreement {
        text: AgreementText,
        reason: String,
    },
    /// The group reviewed the agreement and set the next review.
    ReviewAgreement {
        next_review_on_day: i64,
        note: String,
    },
}
fn command_type;
kind CommandKind;
}

impl Command {
    /// The stream the command's events are appended to.
    pub fn stream(&self) -> String {
        match self {
            Command::DefineRoleCard { role_card_id, .. }
            | Command::ReviseRoleCard { role_card_id, .. }
            | Command::AssignRole { role_card_id, .. }
            | Command::HandOverRole { role_card_id, .. }
            | Command::RenewRoleTerm { role_card_id, .. }
            | Command::SetRoleBackup { role_card_id, .. }
            | Command::SetRoleContact { role_card_id, .. }
            | Command::EndRole { role_card_id, .. }
            | Command::EraseRoleContact { role_card_id, .. } => format!("role-{role_card_id}"),
            Command::RecordSkill { member_id, .. } | Command::RemoveSkill { member_id, .. } => {
                format!("skills-{member_id}")
            }
            Command::MakeCommitment { commitment_id, .. }
            | Command::EndCommitment { commitment_id, .. } => {
                format!("commitment-{commitment_id}")
            }
            Command::PlanShift { shift_id, .. }
            | Command::CancelShift { shift_id, .. }
            | Command::SignUpForShift { shift_id, .. }
            | Command::WithdrawFromShift { shift_id, .. }
            | Command::CheckInToShift { shift_id, .. }
            | Command::CheckOutOfShift { shift_id, .. }
            | Command::CorrectShiftTimes { shift_id, .. }
            | Command::RecordShiftAbsence { shift_id, .. } => format!("shift-{shift_id}"),
            Command::DefineShiftTemplate { template_id, .. }
            | Command::EndShiftTemplate { template_id, .. } => {
                format!("shift-template-{template_id}")
            }
            Command::AdoptAgreement { .. }
            | Command::ChangeAgreement { .. }
            | Command::ReviewAgreement { .. } => "agreement".to_owned(),
        }
    }
}

impl CommandKind {
    /// Where a command of this kind carries personal data, and whose key seals it: the
    /// declaration beside the command (an exhaustive match, so a new command declares it or
    /// `None`). A role holder's contact, sealed under the holder's own key for that card.
    pub const fn sealing(self) -> Option<Sealing> {
        match self {
            CommandKind::AssignRole => Some(Sealing {
                path: &["contact"],
                owner_field: "role_card_id",
                key_prefix: "role:",
            }),
            CommandKind::HandOverRole => Some(Sealing {
                path: &["contact"],
                owner_field: "role_card_id",
                key_prefix: "role:",
            }),
            CommandKind::SetRoleContact => Some(Sealing {
                path: &["contact"],
                owner_field: "role_card_id",
                key_prefix: "role:",
            }),
            CommandKind::DefineRoleCard
            | CommandKind::ReviseRoleCard
            | CommandKind::RenewRoleTerm
            | CommandKind::SetRoleBackup
            | CommandKind::EndRole
            | CommandKind::EraseRoleContact
            | CommandKind::RecordSkill
            | CommandKind::RemoveSkill
            | CommandKind::MakeCommitment
            | CommandKind::EndCommitment
            | CommandKind::PlanShift
            | CommandKind::CancelShift
            | CommandKind::SignUpForShift
            | CommandKind::WithdrawFromShift
            | CommandKind::CheckInToShift
            | CommandKind::CheckOutOfShift
            | CommandKind::CorrectShiftTimes
            | CommandKind::RecordShiftAbsence
            | CommandKind::DefineShiftTemplate
            | CommandKind::EndShiftTemplate
            | CommandKind::AdoptAgreement
            | CommandKind::ChangeAgreement
            | CommandKind::ReviewAgreement => None,
        }
    }
}
