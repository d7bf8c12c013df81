//! Role cards: a role, its key tasks, its holder for a term and a backup person. Assigning,
//! handing over, renewing and ending are events; a rotation is a handover, never an edit.
//! The holder's contact travels sealed in the events and is not kept here.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::id::RoleCardId;
use super::roster::Roster;
use super::{known_member, term_end};
use crate::kernel::field;
use crate::kernel::id::check_new_id;
use crate::kernel::{MemberId, Rejection, SealedPersonalData};
use crate::members::Members;

/// The most key tasks one card lists: a card with more is two roles.
pub const MAX_KEY_TASKS: usize = 12;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCard {
    pub role_card_id: RoleCardId,
    pub title: String,
    pub key_tasks: Vec<String>,
    pub critical: bool,
    pub holder: Option<Holder>,
    pub backup_id: Option<MemberId>,
    /// How many times the role has been handed over: rotation made visible.
    pub handovers: u32,
}

/// Who holds a role, since when and until when (the term's last day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub member_id: MemberId,
    pub since_day: i64,
    pub term_ends_on_day: i64,
}

impl RoleCard {
    pub fn holder_id(&self) -> Option<&MemberId> {
        self.holder.as_ref().map(|h| &h.member_id)
    }

    /// Folds one of the card's events in (the card exists already).
    pub(crate) fn evolve(&mut self, event: &Event) {
        match event {
            Event::RoleCardRevised { title, key_tasks, critical, .. } => {
                self.title.clone_from(title);
                self.key_tasks.clone_from(key_tasks);
                self.critical = *critical;
            }
            Event::RoleAssigned { member_id, backup_id, on_day, term_ends_on_day, .. } => {
                self.take(member_id, backup_id, *on_day, *term_ends_on_day)
            }
            Event::RoleHandedOver { to_member_id, backup_id, on_day, term_ends_on_day, .. } => {
                self.take(to_member_id, backup_id, *on_day, *term_ends_on_day);
                self.handovers += 1;
            }
            Event::RoleTermRenewed { term_ends_on_day, .. } => {
                if let Some(holder) = &mut self.holder {
                    holder.term_ends_on_day = *term_ends_on_day;
                }
            }
            Event::RoleBackupSet { backup_id, .. } => self.backup_id.clone_from(backup_id),
            Event::RoleEnded { .. } => self.holder = None,
            _ => {}
        }
    }

    fn take(&mut self, member: &MemberId, backup: &Option<MemberId>, on_day: i64, ends: i64) {
        self.holder =
            Some(Holder { member_id: member.clone(), since_day: on_day, term_ends_on_day: ends });
        self.backup_id.clone_from(backup);
    }
}

/// A card's title, tasks and criticality, as a command gives them.
pub(crate) struct CardText<'a> {
    pub role_card_id: &'a RoleCardId,
    pub title: &'a str,
    pub key_tasks: &'a [String],
    pub critical: bool,
}

pub(crate) fn define(roster: &Roster, card: CardText<'_>) -> Result<Vec<Event>, Rejection> {
    check_new_id("role_card_id", card.role_card_id.as_str())?;
    if roster.role_card(card.role_card_id.as_str()).is_some() {
        return Err(Rejection::exists("role card", card.role_card_id.as_str()));
    }
    let (title, key_tasks) = checked_text(&card)?;
    Ok(vec![Event::RoleCardDefined {
        role_card_id: card.role_card_id.clone(),
        title,
        key_tasks,
        critical: card.critical,
    }])
}

pub(crate) fn revise(roster: &Roster, card: CardText<'_>) -> Result<Vec<Event>, Rejection> {
    let current = known_card(roster, card.role_card_id)?;
    let (title, key_tasks) = checked_text(&card)?;
    if title == current.title && key_tasks == current.key_tasks && card.critical == current.critical
    {
        return Err(Rejection::wrong_stage("the card already says exactly this"));
    }
    Ok(vec![Event::RoleCardRevised {
        role_card_id: card.role_card_id.clone(),
        title,
        key_tasks,
        critical: card.critical,
    }])
}

/// A new holder's term, as `AssignRole` and `HandOverRole` give it.
pub(crate) struct Term<'a> {
    pub role_card_id: &'a RoleCardId,
    pub member_id: &'a MemberId,
    pub backup_id: Option<&'a MemberId>,
    pub term_ends_on_day: i64,
    pub contact: Option<&'a SealedPersonalData>,
}

pub(crate) fn assign(
    roster: &Roster,
    members: &Members,
    today: i64,
    term: Term<'_>,
) -> Result<Vec<Event>, Rejection> {
    let card = known_card(roster, term.role_card_id)?;
    if let Some(holder) = card.holder_id() {
        let message = format!("the role is held by {holder}: hand it over instead");
        return Err(Rejection::wrong_stage(message));
    }
    check_term(members, today, &term)?;
    Ok(vec![Event::RoleAssigned {
        role_card_id: term.role_card_id.clone(),
        member_id: term.member_id.clone(),
        backup_id: term.backup_id.cloned(),
        on_day: today,
        term_ends_on_day: term.term_ends_on_day,
        contact: term.contact.cloned(),
    }])
}

pub(crate) fn hand_over(
    roster: &Roster,
    members: &Members,
    today: i64,
    term: Term<'_>,
    note: &str,
) -> Result<Vec<Event>, Rejection> {
    let from = held_by(known_card(roster, term.role_card_id)?)?;
    if from == term.member_id {
        let message = format!("{from} already holds the role: renew the term instead");
        return Err(Rejection::wrong_stage(message));
    }
    check_term(members, today, &term)?;
    field::note("note", note)?;
    Ok(vec![Event::RoleHandedOver {
        role_card_id: term.role_card_id.clone(),
        from_member_id: from.clone(),
        to_member_id: term.member_id.clone(),
        backup_id: term.backup_id.cloned(),
        on_day: today,
        term_ends_on_day: term.term_ends_on_day,
        note: note.to_owned(),
        contact: term.contact.cloned(),
    }])
}

pub(crate) fn renew(
    roster: &Roster,
    today: i64,
    role_card_id: &RoleCardId,
    term_ends_on_day: i64,
) -> Result<Vec<Event>, Rejection> {
    let holder = held_by(known_card(roster, role_card_id)?)?;
    term_end(today, term_ends_on_day)?;
    Ok(vec![Event::RoleTermRenewed {
        role_card_id: role_card_id.clone(),
        member_id: holder.clone(),
        term_ends_on_day,
    }])
}

pub(crate) fn set_backup(
    roster: &Roster,
    members: &Members,
    role_card_id: &RoleCardId,
    backup_id: Option<&MemberId>,
) -> Result<Vec<Event>, Rejection> {
    let card = known_card(roster, role_card_id)?;
    if card.backup_id.as_ref() == backup_id {
        return Err(Rejection::wrong_stage("nothing to change: that is the backup already"));
    }
    check_backup(members, card.holder_id(), backup_id)?;
    Ok(vec![Event::RoleBackupSet {
        role_card_id: role_card_id.clone(),
        backup_id: backup_id.cloned(),
    }])
}

pub(crate) fn set_contact(
    roster: &Roster,
    role_card_id: &RoleCardId,
    contact: Option<&SealedPersonalData>,
) -> Result<Vec<Event>, Rejection> {
    let holder = held_by(known_card(roster, role_card_id)?)?;
    check_contact(contact)?;
    Ok(vec![Event::RoleContactSet {
        role_card_id: role_card_id.clone(),
        member_id: holder.clone(),
        contact: contact.cloned(),
    }])
}

pub(crate) fn end(
    roster: &Roster,
    today: i64,
    role_card_id: &RoleCardId,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let holder = held_by(known_card(roster, role_card_id)?)?;
    field::reason("reason", reason)?;
    Ok(vec![Event::RoleEnded {
        role_card_id: role_card_id.clone(),
        member_id: holder.clone(),
        on_day: today,
        reason: reason.to_owned(),
    }])
}

fn known_card<'a>(roster: &'a Roster, id: &RoleCardId) -> Result<&'a RoleCard, Rejection> {
    roster.role_card(id.as_str()).ok_or_else(|| Rejection::unknown("role card", id.as_str()))
}

fn held_by(card: &RoleCard) -> Result<&MemberId, Rejection> {
    card.holder_id().ok_or_else(|| {
        let message = format!("nobody holds `{}`: assign it first", card.role_card_id);
        Rejection::wrong_stage(message)
    })
}

fn checked_text(card: &CardText<'_>) -> Result<(String, Vec<String>), Rejection> {
    field::name("title", card.title)?;
    if card.key_tasks.is_empty() || card.key_tasks.len() > MAX_KEY_TASKS {
        let reason = format!("a card lists 1 to {MAX_KEY_TASKS} key tasks");
        return Err(Rejection::invalid("key_tasks", reason));
    }
    for task in card.key_tasks {
        field::name("key_tasks", task)?;
    }
    let tasks = card.key_tasks.iter().map(|t| t.trim().to_owned()).collect();
    Ok((card.title.trim().to_owned(), tasks))
}

fn check_term(members: &Members, today: i64, term: &Term<'_>) -> Result<(), Rejection> {
    known_member(members, term.member_id)?;
    check_backup(members, Some(term.member_id), term.backup_id)?;
    term_end(today, term.term_ends_on_day)?;
    check_contact(term.contact)
}

fn check_backup(
    members: &Members,
    holder: Option<&MemberId>,
    backup: Option<&MemberId>,
) -> Result<(), Rejection> {
    let Some(backup) = backup else {
        return Ok(());
    };
    if Some(backup) == holder {
        return Err(Rejection::invalid("backup_id", "the holder cannot be their own backup"));
    }
    known_member(members, backup)
}

fn check_contact(contact: Option<&SealedPersonalData>) -> Result<(), Rejection> {
    match contact {
        Some(sealed) if sealed.ciphertext().len() > SealedPersonalData::MAX_BYTES => {
            let reason = format!("must be at most {} bytes", SealedPersonalData::MAX_BYTES);
            Err(Rejection::invalid("contact", reason))
        }
        _ => Ok(()),
    }
}

/// Forgets a holder's (or former holder's) contact for the role: one that was recorded,
/// once.
pub(crate) fn erase_contact(
    roster: &Roster,
    role_card_id: &RoleCardId,
    member_id: &MemberId,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let pair = (role_card_id.clone(), member_id.clone());
    if roster.erased_contacts.contains(&pair) {
        let message = format!("{member_id}'s contact for `{role_card_id}` is erased already");
        return Err(Rejection::wrong_stage(message));
    }
    if !roster.sealed_contacts.contains(&pair) {
        return Err(Rejection::unknown("role contact", format!("{role_card_id}/{member_id}")));
    }
    field::reason("reason", reason)?;
    Ok(vec![Event::RoleContactErased {
        role_card_id: role_card_id.clone(),
        member_id: member_id.clone(),
        reason: reason.to_owned(),
    }])
}
