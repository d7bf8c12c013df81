//! The group's one-page agreement: membership, commitments, communication and boundaries,
//! with a review date. The first review is 90 days after adoption; every change is a new
//! version, and a review sets the next one.

use serde::{Deserialize, Serialize};

use super::event::Event;
use crate::kernel::{Rejection, field};

/// The first review falls this many days after adoption.
pub const FIRST_REVIEW_AFTER_DAYS: i64 = 90;
/// The roster reminds the group this many days before a review is due.
pub const REVIEW_REMINDER_DAYS: i64 = 14;
/// One page: the four sections together, in characters.
pub const MAX_AGREEMENT_CHARS: usize = 6_000;
/// The furthest a next review can be set: two years.
pub const MAX_REVIEW_AFTER_DAYS: i64 = 731;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementText {
    /// Who is part of the group, and how new members join.
    pub membership: String,
    /// What members agree to contribute, and on what schedule.
    pub commitments: String,
    /// Channels, and what happens when someone cannot keep a commitment.
    pub communication: String,
    /// What the group does not do.
    pub boundaries: String,
}

impl AgreementText {
    fn check(&self) -> Result<(), Rejection> {
        let sections = [
            ("text.membership", &self.membership),
            ("text.commitments", &self.commitments),
            ("text.communication", &self.communication),
            ("text.boundaries", &self.boundaries),
        ];
        for (field, text) in sections {
            if text.trim().is_empty() {
                return Err(Rejection::invalid(field, "every section says something"));
            }
        }
        let chars: usize = sections.iter().map(|(_, t)| t.chars().count()).sum();
        if chars > MAX_AGREEMENT_CHARS {
            let reason = format!("one page: at most {MAX_AGREEMENT_CHARS} characters in all");
            return Err(Rejection::invalid("text", reason));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// 1 when adopted, one more with every change.
    pub version: u32,
    pub text: AgreementText,
    pub adopted_on_day: i64,
    pub changed_on_day: i64,
    pub review_on_day: i64,
    /// The days it was reviewed, in order.
    pub reviewed_on_days: Vec<i64>,
}

impl Agreement {
    /// Whether the group should be reminded of the review on day `today`: from two weeks
    /// before it is due, and every day after until it is done.
    pub fn review_due(&self, today: i64) -> bool {
        today >= self.review_on_day - REVIEW_REMINDER_DAYS
    }

    pub(crate) fn evolve(agreement: &mut Option<Agreement>, event: &Event) {
        match (agreement, event) {
            (slot @ None, Event::AgreementAdopted { text, on_day, review_on_day }) => {
                *slot = Some(Agreement {
                    version: 1,
                    text: text.clone(),
                    adopted_on_day: *on_day,
                    changed_on_day: *on_day,
                    review_on_day: *review_on_day,
                    reviewed_on_days: Vec::new(),
                });
            }
            (Some(agreement), Event::AgreementChanged { version, text, on_day, .. }) => {
                agreement.version = *version;
                agreement.text = text.clone();
                agreement.changed_on_day = *on_day;
            }
            (Some(agreement), Event::AgreementReviewed { on_day, next_review_on_day, .. }) => {
                agreement.reviewed_on_days.push(*on_day);
                agreement.review_on_day = *next_review_on_day;
            }
            _ => {}
        }
    }
}

pub(crate) fn adopt(
    agreement: Option<&Agreement>,
    today: i64,
    text: &AgreementText,
) -> Result<Vec<Event>, Rejection> {
    if agreement.is_some() {
        return Err(Rejection::exists("agreement", "agreement"));
    }
    text.check()?;
    Ok(vec![Event::AgreementAdopted {
        text: text.clone(),
        on_day: today,
        review_on_day: today + FIRST_REVIEW_AFTER_DAYS,
    }])
}

pub(crate) fn change(
    agreement: Option<&Agreement>,
    today: i64,
    text: &AgreementText,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let agreement = adopted(agreement)?;
    text.check()?;
    if *text == agreement.text {
        return Err(Rejection::wrong_stage("the agreement already says exactly this"));
    }
    field::reason("reason", reason)?;
    Ok(vec![Event::AgreementChanged {
        version: agreement.version + 1,
        text: text.clone(),
        on_day: today,
        reason: reason.to_owned(),
    }])
}

pub(crate) fn review(
    agreement: Option<&Agreement>,
    today: i64,
    next_review_on_day: i64,
    note: &str,
) -> Result<Vec<Event>, Rejection> {
    adopted(agreement)?;
    if next_review_on_day <= today || next_review_on_day > today + MAX_REVIEW_AFTER_DAYS {
        let reason = format!("must be after today, within {MAX_REVIEW_AFTER_DAYS} days");
        return Err(Rejection::invalid("next_review_on_day", reason));
    }
    field::note("note", note)?;
    Ok(vec![Event::AgreementReviewed { on_day: today, next_review_on_day, note: note.to_owned() }])
}

fn adopted(agreement: Option<&Agreement>) -> Result<&Agreement, Rejection> {
    agreement.ok_or_else(|| Rejection::wrong_stage("the group has not adopted an agreement yet"))
}
