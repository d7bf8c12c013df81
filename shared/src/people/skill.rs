//! The skills registry: who speaks which language, who has CPR, a trade, a licence and a
//! vehicle, a food-hygiene certificate. A certificate may expire; recording the same skill
//! again (renewed) replaces the earlier record.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::known_member;
use crate::kernel::day::is_expired;
use crate::kernel::{MemberId, Rejection, field};
use crate::members::Members;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Skill {
    /// A spoken or signed language, such as "es" or "Arabic".
    Language {
        language: String,
    },
    Cpr,
    FirstAid,
    /// A trade: electrician, plumber, carpenter.
    Trade {
        trade: String,
    },
    /// A driving licence, and whether the member can bring a vehicle.
    Driving {
        has_vehicle: bool,
    },
    FoodHygiene,
    Other {
        name: String,
    },
}

impl Skill {
    /// Whether two records are of the same skill (and the later replaces the earlier):
    /// languages and trades by name, ignoring case; driving whatever the vehicle.
    pub fn same_skill(&self, other: &Skill) -> bool {
        match (self, other) {
            (Skill::Language { language: a }, Skill::Language { language: b })
            | (Skill::Trade { trade: a }, Skill::Trade { trade: b })
            | (Skill::Other { name: a }, Skill::Other { name: b }) => {
                a.trim().eq_ignore_ascii_case(b.trim())
            }
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }

    fn check(&self) -> Result<(), Rejection> {
        match self {
            Skill::Language { language } => field::name("skill.language", language),
            Skill::Trade { trade } => field::name("skill.trade", trade),
            Skill::Other { name } => field::name("skill.name", name),
            Skill::Cpr | Skill::FirstAid | Skill::Driving { .. } | Skill::FoodHygiene => Ok(()),
        }
    }
}

/// One skill of a member, with the last day it is valid, if it expires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillEntry {
    pub skill: Skill,
    pub expires_on_day: Option<i64>,
}

impl SkillEntry {
    pub fn is_current(&self, today: i64) -> bool {
        !is_expired(self.expires_on_day, today)
    }
}

/// Folds a skill event into a member's list.
pub(crate) fn evolve(skills: &mut Vec<SkillEntry>, event: &Event) {
    match event {
        Event::SkillRecorded { skill, expires_on_day, .. } => {
            skills.retain(|entry| !entry.skill.same_skill(skill));
            skills.push(SkillEntry { skill: skill.clone(), expires_on_day: *expires_on_day });
        }
        Event::SkillRemoved { skill, .. } => skills.retain(|entry| !entry.skill.same_skill(skill)),
        _ => {}
    }
}

pub(crate) fn record(
    members: &Members,
    today: i64,
    member_id: &MemberId,
    skill: &Skill,
    expires_on_day: Option<i64>,
) -> Result<Vec<Event>, Rejection> {
    known_member(members, member_id)?;
    skill.check()?;
    if let Some(day) = expires_on_day {
        field::day("expires_on_day", day)?;
        if day < today {
            return Err(Rejection::invalid("expires_on_day", "has already passed"));
        }
    }
    Ok(vec![Event::SkillRecorded {
        member_id: member_id.clone(),
        skill: trimmed(skill),
        expires_on_day,
    }])
}

pub(crate) fn remove(
    skills: &[SkillEntry],
    member_id: &MemberId,
    skill: &Skill,
) -> Result<Vec<Event>, Rejection> {
    let Some(entry) = skills.iter().find(|entry| entry.skill.same_skill(skill)) else {
        let message = format!("{member_id} has no such skill recorded");
        return Err(Rejection::wrong_stage(message));
    };
    Ok(vec![Event::SkillRemoved { member_id: member_id.clone(), skill: entry.skill.clone() }])
}

fn trimmed(skill: &Skill) -> Skill {
    match skill {
        Skill::Language { language } => Skill::Language { language: language.trim().to_owned() },
        Skill::Trade { trade } => Skill::Trade { trade: trade.trim().to_owned() },
        Skill::Other { name } => Skill::Other { name: name.trim().to_owned() },
        other => other.clone(),
    }
}
