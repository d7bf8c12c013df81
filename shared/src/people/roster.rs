//! The roster: every role card, skill, commitment, shift and the agreement, folded from the
//! people events. It is what `decide` reasons about and what screens show; it holds nothing
//! private (role contacts stay sealed in the events), so the browser folds the same events
//! into the same roster. Queries that depend on "now" take it as an argument.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::agreement::Agreement;
use super::commitment::Commitment;
use super::event::Event;
use super::id::{CommitmentId, RoleCardId, ShiftId, ShiftTemplateId};
use super::role_card::RoleCard;
use super::shift::Shift;
use super::skill::{self, SkillEntry};
use super::template::ShiftTemplate;
use crate::clock::Clock;
use crate::kernel::day::MS_PER_DAY;
use crate::kernel::{At, Evolve, MemberId};

/// The burnout window: hours are counted over the last four weeks.
pub const WINDOW_DAYS: i64 = 28;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub role_cards: BTreeMap<RoleCardId, RoleCard>,
    /// Each member's skills, in the order recorded.
    pub skills: BTreeMap<MemberId, Vec<SkillEntry>>,
    pub commitments: BTreeMap<CommitmentId, Commitment>,
    pub shifts: BTreeMap<ShiftId, Shift>,
    pub agreement: Option<Agreement>,
    /// Shifts that come back, which the server plans ahead.
    #[serde(default)]
    pub templates: BTreeMap<ShiftTemplateId, ShiftTemplate>,
    /// Role and holder pairs whose contact was recorded (sealed) and not erased since, and
    /// those erased and not recorded again since: what `EraseRoleContact` and the server's
    /// key destruction check.
    #[serde(default)]
    pub sealed_contacts: BTreeSet<(RoleCardId, MemberId)>,
    #[serde(default)]
    pub erased_contacts: BTreeSet<(RoleCardId, MemberId)>,
}

/// One member's load, for the roster screen and the retrospective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub member_id: MemberId,
    pub roles_held: Vec<RoleCardId>,
    pub backup_for: Vec<RoleCardId>,
    /// From check-in to check-out, over shifts checked into in the last four weeks.
    pub minutes_last_4_weeks: i64,
    pub shifts_last_4_weeks: u32,
    /// What their open commitments promise over the next four weeks.
    pub committed_minutes_next_4_weeks: i64,
}

impl Roster {
    pub fn new() -> Roster {
        Roster::default()
    }

    pub fn role_card(&self, role_card_id: &str) -> Option<&RoleCard> {
        self.role_cards.get(role_card_id)
    }

    pub fn shift(&self, shift_id: &str) -> Option<&Shift> {
        self.shifts.get(shift_id)
    }

    pub fn commitment(&self, commitment_id: &str) -> Option<&Commitment> {
        self.commitments.get(commitment_id)
    }

    pub fn skills_of(&self, member_id: &str) -> &[SkillEntry] {
        self.skills.get(member_id).map_or(&[], Vec::as_slice)
    }

    /// The cards a member holds.
    pub fn roles_held_by(&self, member_id: &str) -> Vec<&RoleCardId> {
        let cards = self.role_cards.values();
        cards
            .filter(|c| c.holder_id().is_some_and(|h| h.as_str() == member_id))
            .map(|c| &c.role_card_id)
            .collect()
    }

    /// The cards a member holds or backs up: what must be handed over before they leave.
    pub fn cards_depending_on(&self, member_id: &str) -> Vec<&RoleCardId> {
        let named = |m: Option<&MemberId>| m.is_some_and(|m| m.as_str() == member_id);
        let cards = self.role_cards.values();
        cards
            .filter(|c| named(c.holder_id()) || named(c.backup_id.as_ref()))
            .map(|c| &c.role_card_id)
            .collect()
    }

    /// Minutes worked, and shifts worked, per member on shifts checked into during the four
    /// weeks up to `now_ms`. Only finished stretches count: a forgotten check-out is
    /// corrected, not guessed.
    pub fn minutes_last_4_weeks(&self, now_ms: i64) -> BTreeMap<MemberId, (i64, u32)> {
        let since_ms = now_ms - WINDOW_DAYS * MS_PER_DAY;
        let mut minutes: BTreeMap<MemberId, (i64, u32)> = BTreeMap::new();
        for shift in self.shifts.values() {
            for (member_id, attendance) in &shift.attendance {
                let at = attendance.checked_in_at_ms;
                if let (true, Some(worked)) = (at > since_ms && at <= now_ms, attendance.minutes())
                {
                    let entry = minutes.entry(member_id.clone()).or_default();
                    entry.0 += worked;
                    entry.1 += 1;
                }
            }
        }
        minutes
    }

    /// Everyone the roster names, with their roles, hours and commitments, by member id;
    /// commitments counted from the group's day at `now_ms` on `clock`.
    pub fn workloads(&self, now_ms: i64, clock: &Clock) -> Vec<Workload> {
        let mut loads: BTreeMap<MemberId, Workload> = BTreeMap::new();
        fn load<'a>(
            loads: &'a mut BTreeMap<MemberId, Workload>,
            id: &MemberId,
        ) -> &'a mut Workload {
            loads.entry(id.clone()).or_insert_with(|| Workload {
                member_id: id.clone(),
                roles_held: Vec::new(),
                backup_for: Vec::new(),
                minutes_last_4_weeks: 0,
                shifts_last_4_weeks: 0,
                committed_minutes_next_4_weeks: 0,
            })
        }
        for card in self.role_cards.values() {
            if let Some(holder) = card.holder_id() {
                load(&mut loads, holder).roles_held.push(card.role_card_id.clone());
            }
            if let Some(backup) = &card.backup_id {
                load(&mut loads, backup).backup_for.push(card.role_card_id.clone());
            }
        }
        for (member_id, (minutes, shifts)) in self.minutes_last_4_weeks(now_ms) {
            let entry = load(&mut loads, &member_id);
            entry.minutes_last_4_weeks = minutes;
            entry.shifts_last_4_weeks = shifts;
        }
        let today = clock.day_of(now_ms);
        for commitment in self.commitments.values() {
            let minutes = commitment.minutes_between(today, today + WINDOW_DAYS);
            load(&mut loads, &commitment.member_id).committed_minutes_next_4_weeks += minutes;
        }
        loads.into_values().collect()
    }

    fn evolve_more(&mut self, event: &Event) {
        match event {
            Event::CommitmentMade { .. } => {
                if let Some(commitment) = Commitment::made(event) {
                    let id = commitment.commitment_id.clone();
                    self.commitments.entry(id).or_insert(commitment);
                }
            }
            Event::CommitmentEnded { commitment_id, on_day, .. } => {
                if let Some(commitment) = self.commitments.get_mut(commitment_id) {
                    commitment.ended_on_day = Some(*on_day);
                }
            }
            Event::ShiftPlanned { .. } => {
                if let Some(shift) = Shift::planned(event) {
                    self.shifts.entry(shift.shift_id.clone()).or_insert(shift);
                }
            }
            Event::ShiftCancelled { shift_id, .. }
            | Event::SignedUpForShift { shift_id, .. }
            | Event::WithdrewFromShift { shift_id, .. }
            | Event::CheckedInToShift { shift_id, .. }
            | Event::CheckedOutOfShift { shift_id, .. }
            | Event::ShiftTimesCorrected { shift_id, .. }
            | Event::ShiftAbsenceRecorded { shift_id, .. } => {
                if let Some(shift) = self.shifts.get_mut(shift_id) {
                    shift.evolve(event);
                }
            }
            Event::ShiftTemplateDefined { .. } => {
                if let Some(template) = ShiftTemplate::defined(event) {
                    self.templates.entry(template.template_id.clone()).or_insert(template);
                }
            }
            Event::ShiftTemplateEnded { template_id, on_day, .. } => {
                if let Some(template) = self.templates.get_mut(template_id) {
                    template.ended_on_day = Some(*on_day);
                }
            }
            Event::AgreementAdopted { .. }
            | Event::AgreementChanged { .. }
            | Event::AgreementReviewed { .. } => Agreement::evolve(&mut self.agreement, event),
            _ => {}
        }
    }
}

impl Evolve<Event> for Roster {
    /// Folds one event in. Never fails and holds no rules: `decide` already made them.
    fn evolve(&mut self, _at: At<'_>, event: &Event) {
        match event {
            Event::RoleAssigned { role_card_id, member_id, contact: Some(_), .. }
            | Event::RoleHandedOver {
                role_card_id,
                to_member_id: member_id,
                contact: Some(_),
                ..
            }
            | Event::RoleContactSet { role_card_id, member_id, contact: Some(_) } => {
                let pair = (role_card_id.clone(), member_id.clone());
                self.erased_contacts.remove(&pair);
                self.sealed_contacts.insert(pair);
            }
            Event::RoleContactErased { role_card_id, member_id, .. } => {
                let pair = (role_card_id.clone(), member_id.clone());
                self.sealed_contacts.remove(&pair);
                self.erased_contacts.insert(pair);
            }
            _ => {}
        }
        match event {
            Event::RoleCardDefined { role_card_id, title, key_tasks, critical } => {
                let card = RoleCard {
                    role_card_id: role_card_id.clone(),
                    title: title.clone(),
                    key_tasks: key_tasks.clone(),
                    critical: *critical,
                    holder: None,
                    backup_id: None,
                    handovers: 0,
                };
                self.role_cards.entry(role_card_id.clone()).or_insert(card);
            }
            Event::RoleCardRevised { role_card_id, .. }
            | Event::RoleAssigned { role_card_id, .. }
            | Event::RoleHandedOver { role_card_id, .. }
            | Event::RoleTermRenewed { role_card_id, .. }
            | Event::RoleBackupSet { role_card_id, .. }
            | Event::RoleContactSet { role_card_id, .. }
            | Event::RoleEnded { role_card_id, .. } => {
                if let Some(card) = self.role_cards.get_mut(role_card_id) {
                    card.evolve(event);
                }
            }
            Event::SkillRecorded { member_id, .. } | Event::SkillRemoved { member_id, .. } => {
                skill::evolve(self.skills.entry(member_id.clone()).or_default(), event);
            }
            _ => self.evolve_more(event),
        }
    }
}
