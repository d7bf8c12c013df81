//! What the roster and the board flag, computed from the roster at a moment and against the
//! group's limits: burnout is how these groups die, so the signs are shown early and plainly.

use serde::{Deserialize, Serialize};

use super::id::{RoleCardId, ShiftId};
use super::roster::Roster;
use super::skill::Skill;
use crate::clock::Clock;
use crate::kernel::MemberId;
use crate::kernel::day::MS_PER_DAY;
use crate::limits::GroupLimits;

/// How far ahead the roster looks for shifts short of people.
pub const SHIFT_LOOKAHEAD_DAYS: i64 = 7;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// A critical role has a holder but nobody to step in.
    NoBackup { role_card_id: RoleCardId },
    /// A critical role has nobody holding it.
    Vacant { role_card_id: RoleCardId },
    /// The holder's term ended: hand the role over, or renew the term.
    TermEnded { role_card_id: RoleCardId, member_id: MemberId, term_ended_on_day: i64 },
    /// A member holds more role cards than the group's limit.
    TooManyRoles { member_id: MemberId, roles_held: u32, limit: u32 },
    /// A member worked more than the group's limit over the last four weeks.
    TooManyHours { member_id: MemberId, minutes_last_4_weeks: i64, limit_minutes: i64 },
    /// A shift in the coming week has fewer people signed up than it needs.
    ShiftShortOfPeople { shift_id: ShiftId, starts_at_ms: i64, signed_up: u32, people_needed: u32 },
    /// A certificate (CPR, food hygiene) is past its expiry day.
    SkillExpired { member_id: MemberId, skill: Skill, expired_on_day: i64 },
    /// The group agreement's review is due within two weeks, or overdue.
    AgreementReviewDue { review_on_day: i64 },
}

impl Roster {
    /// Every signal at `now_ms`: roles first (by card), then members (by id), shifts (by
    /// start), skills, and the agreement. The same events and moment give the same list.
    /// Days (terms, certificates, reviews) are the group's, on `clock`.
    pub fn signals(&self, now_ms: i64, clock: &Clock, limits: &GroupLimits) -> Vec<Signal> {
        let today = clock.day_of(now_ms);
        let mut signals = self.role_signals(today);
        for load in self.workloads(now_ms, clock) {
            let held = load.roles_held.len() as u32;
            if held > limits.max_roles_per_member {
                signals.push(Signal::TooManyRoles {
                    member_id: load.member_id.clone(),
                    roles_held: held,
                    limit: limits.max_roles_per_member,
                });
            }
            if load.minutes_last_4_weeks > limits.max_minutes_per_4_weeks() {
                signals.push(Signal::TooManyHours {
                    member_id: load.member_id,
                    minutes_last_4_weeks: load.minutes_last_4_weeks,
                    limit_minutes: limits.max_minutes_per_4_weeks(),
                });
            }
        }
        signals.extend(self.shift_signals(now_ms));
        signals.extend(self.skill_signals(today));
        if let Some(agreement) = self.agreement.as_ref().filter(|a| a.review_due(today)) {
            signals.push(Signal::AgreementReviewDue { review_on_day: agreement.review_on_day });
        }
        signals
    }

    fn role_signals(&self, today: i64) -> Vec<Signal> {
        let mut signals = Vec::new();
        for card in self.role_cards.values() {
            let role_card_id = card.role_card_id.clone();
            match &card.holder {
                None if card.critical => signals.push(Signal::Vacant { role_card_id }),
                None => {}
                Some(holder) => {
                    if card.critical && card.backup_id.is_none() {
                        let role_card_id = role_card_id.clone();
                        signals.push(Signal::NoBackup { role_card_id });
                    }
                    if holder.term_ends_on_day < today {
                        signals.push(Signal::TermEnded {
                            role_card_id,
                            member_id: holder.member_id.clone(),
                            term_ended_on_day: holder.term_ends_on_day,
                        });
                    }
                }
            }
        }
        signals
    }

    fn shift_signals(&self, now_ms: i64) -> Vec<Signal> {
        let horizon_ms = now_ms + SHIFT_LOOKAHEAD_DAYS * MS_PER_DAY;
        let mut short: Vec<Signal> = Vec::new();
        let upcoming = self
            .shifts
            .values()
            .filter(|s| !s.cancelled && s.ends_at_ms > now_ms && s.starts_at_ms <= horizon_ms);
        let mut upcoming: Vec<_> = upcoming.collect();
        upcoming.sort_by_key(|s| (s.starts_at_ms, s.shift_id.clone()));
        for shift in upcoming {
            let signed_up = shift.signed_up.len() as u32;
            if signed_up < shift.people_needed {
                short.push(Signal::ShiftShortOfPeople {
                    shift_id: shift.shift_id.clone(),
                    starts_at_ms: shift.starts_at_ms,
                    signed_up,
                    people_needed: shift.people_needed,
                });
            }
        }
        short
    }

    fn skill_signals(&self, today: i64) -> Vec<Signal> {
        let mut signals = Vec::new();
        for (member_id, skills) in &self.skills {
            for entry in skills.iter().filter(|e| !e.is_current(today)) {
                signals.push(Signal::SkillExpired {
                    member_id: member_id.clone(),
                    skill: entry.skill.clone(),
                    expired_on_day: entry.expires_on_day.unwrap_or(today),
                });
            }
        }
        signals
    }
}
