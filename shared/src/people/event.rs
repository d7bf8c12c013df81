//! The facts of the people part, past tense. Nothing is edited: a rotation is a handover, a
//! changed commitment is one ended and one made, wrong hours are corrected with a reason.

use serde::{Deserialize, Serialize};

use super::agreement::AgreementText;
use super::commitment::Recurrence;
use super::id::{CommitmentId, RoleCardId, ShiftId, ShiftTemplateId};
use super::skill::Skill;
use crate::kernel::{MemberId, SealedPersonalData};

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    RoleCardDefined {
        role_card_id: RoleCardId,
        title: String,
        key_tasks: Vec<String>,
        critical: bool,
    },
    RoleCardRevised {
        role_card_id: RoleCardId,
        title: String,
        key_tasks: Vec<String>,
        critical: bool,
    },
    /// `on_day` is the first day of the term, `term_ends_on_day` its last.
    RoleAssigned {
        role_card_id: RoleCardId,
        member_id: MemberId,
        backup_id: Option<MemberId>,
        on_day: i64,
        term_ends_on_day: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<SealedPersonalData>,
    },
    RoleHandedOver {
        role_card_id: RoleCardId,
        from_member_id: MemberId,
        to_member_id: MemberId,
        backup_id: Option<MemberId>,
        on_day: i64,
        term_ends_on_day: i64,
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<SealedPersonalData>,
    },
    RoleTermRenewed {
        role_card_id: RoleCardId,
        member_id: MemberId,
        term_ends_on_day: i64,
    },
    RoleBackupSet {
        role_card_id: RoleCardId,
        backup_id: Option<MemberId>,
    },
    RoleContactSet {
        role_card_id: RoleCardId,
        member_id: MemberId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<SealedPersonalData>,
    },
    RoleEnded {
        role_card_id: RoleCardId,
        member_id: MemberId,
        on_day: i64,
        reason: String,
    },
    /// `member_id`'s contact for the role is forgotten: its key is destroyed once this is
    /// durable.
    RoleContactErased {
        role_card_id: RoleCardId,
        member_id: MemberId,
        reason: String,
    },
    SkillRecorded {
        member_id: MemberId,
        skill: Skill,
        expires_on_day: Option<i64>,
    },
    SkillRemoved {
        member_id: MemberId,
        skill: Skill,
    },
    CommitmentMade {
        commitment_id: CommitmentId,
        member_id: MemberId,
        task: String,
        recurrence: Recurrence,
        minutes: u32,
        starts_on_day: i64,
    },
    /// No occurrence falls on or after `on_day`.
    CommitmentEnded {
        commitment_id: CommitmentId,
        member_id: MemberId,
        on_day: i64,
        reason: String,
    },
    ShiftPlanned {
        shift_id: ShiftId,
        task: String,
        starts_at_ms: i64,
        ends_at_ms: i64,
        people_needed: u32,
    },
    ShiftCancelled {
        shift_id: ShiftId,
        reason: String,
    },
    SignedUpForShift {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    WithdrewFromShift {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    CheckedInToShift {
        shift_id: ShiftId,
        member_id: MemberId,
        at_ms: i64,
    },
    CheckedOutOfShift {
        shift_id: ShiftId,
        member_id: MemberId,
        at_ms: i64,
    },
    /// Replaces the member's times on the shift; it also settles a recorded absence.
    ShiftTimesCorrected {
        shift_id: ShiftId,
        member_id: MemberId,
        checked_in_at_ms: i64,
        checked_out_at_ms: i64,
        reason: String,
    },
    ShiftAbsenceRecorded {
        shift_id: ShiftId,
        member_id: MemberId,
    },
    AgreementAdopted {
        text: AgreementText,
        on_day: i64,
        review_on_day: i64,
    },
    /// `version` is the agreement's version after the change; the adopted one is 1.
    AgreementChanged {
        version: u32,
        text: AgreementText,
        on_day: i64,
        reason: String,
    },
    AgreementReviewed {
        on_day: i64,
        next_review_on_day: i64,
        note: String,
    },
    ShiftTemplateDefined {
        template_id: ShiftTemplateId,
        task: String,
        recurrence: Recurrence,
        starts_minute: u32,
        ends_minute: u32,
        people_needed: u32,
        starts_on_day: i64,
    },
    /// No shift on or after `on_day`.
    ShiftTemplateEnded {
        template_id: ShiftTemplateId,
        on_day: i64,
        reason: String,
    },
}
fn event_type;
}

impl Event {
    /// How the event changes a role card's private contact, for whoever keeps contacts
    /// (the server, outside the log's readers): `Some((card, contact))` when the card's
    /// contact becomes `contact` (`None`: the card has none any more).
    pub fn role_contact(&self) -> Option<(&RoleCardId, Option<&SealedPersonalData>)> {
        match self {
            Event::RoleAssigned { role_card_id, contact, .. }
            | Event::RoleHandedOver { role_card_id, contact, .. }
            | Event::RoleContactSet { role_card_id, contact, .. } => {
                Some((role_card_id, contact.as_ref()))
            }
            Event::RoleEnded { role_card_id, .. } => Some((role_card_id, None)),
            _ => None,
        }
    }

    /// Removes role holders' contacts: only the routes of those who may see them show them.
    /// Nothing the roster folds depends on them.
    pub fn strip_personal_data(&mut self) {
        match self {
            Event::RoleAssigned { contact, .. }
            | Event::RoleHandedOver { contact, .. }
            | Event::RoleContactSet { contact, .. } => *contact = None,
            _ => {}
        }
    }
}
