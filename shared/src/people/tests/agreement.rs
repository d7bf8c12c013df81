//! The group's one-page agreement, its review date and its reminder.

use super::*;

fn text(boundaries: &str) -> AgreementText {
    AgreementText {
        membership: "Anyone who lives in the neighbourhood and shows up.".to_owned(),
        commitments: "Specific, recurring tasks; say so a week ahead if you stop.".to_owned(),
        communication: "The group chat; a call for anything urgent.".to_owned(),
        boundaries: boundaries.to_owned(),
    }
}

fn adopted() -> Event {
    Event::AgreementAdopted {
        text: text("No cash loans."),
        on_day: TODAY,
        review_on_day: TODAY + FIRST_REVIEW_AFTER_DAYS,
    }
}

#[test]
fn adopting_the_agreement_sets_the_first_review_ninety_days_later() {
    let when = Command::AdoptAgreement { text: text("No cash loans.") };
    check(&[], "ana", when.clone(), Ok(vec![adopted()]));
    assert_eq!(rejected(&[adopted()], "ana", when), "already_exists");
}

#[test]
fn every_section_of_the_agreement_says_something_and_it_fits_on_a_page() {
    assert_eq!(rejected(&[], "ana", Command::AdoptAgreement { text: text("  ") }), "invalid_field");
    let long = "x".repeat(MAX_AGREEMENT_CHARS);
    assert_eq!(
        rejected(&[], "ana", Command::AdoptAgreement { text: text(&long) }),
        "invalid_field"
    );
}

#[test]
fn a_change_is_a_new_version_with_a_reason_and_keeps_the_review_date() {
    let when = Command::ChangeAgreement {
        text: text("No cash loans; no medical advice."),
        reason: "asked at the March meeting".to_owned(),
    };
    let changed = Event::AgreementChanged {
        version: 2,
        text: text("No cash loans; no medical advice."),
        on_day: TODAY,
        reason: "asked at the March meeting".to_owned(),
    };
    check(&[adopted()], "ana", when, Ok(vec![changed.clone()]));
    let agreement = roster_after(&[adopted(), changed]).agreement.unwrap();
    assert_eq!((agreement.version, agreement.review_on_day), (2, TODAY + 90));
    let unchanged = Command::ChangeAgreement { text: text("No cash loans."), reason: "x".into() };
    assert_eq!(rejected(&[adopted()], "ana", unchanged), "wrong_stage");
}

#[test]
fn a_review_is_reminded_from_two_weeks_before_it_is_due_until_it_is_done() {
    let agreement = roster_after(&[adopted()]).agreement.unwrap();
    assert!(!agreement.review_due(TODAY + 90 - REVIEW_REMINDER_DAYS - 1));
    assert!(agreement.review_due(TODAY + 90 - REVIEW_REMINDER_DAYS));
    assert!(agreement.review_due(TODAY + 200));
    let reviewed = Event::AgreementReviewed {
        on_day: TODAY + 91,
        next_review_on_day: TODAY + 91 + 365,
        note: String::new(),
    };
    let agreement = roster_after(&[adopted(), reviewed]).agreement.unwrap();
    assert!(!agreement.review_due(TODAY + 200));
}

#[test]
fn the_next_review_must_be_after_today() {
    let when = Command::ReviewAgreement { next_review_on_day: TODAY, note: String::new() };
    assert_eq!(rejected(&[adopted()], "ana", when), "invalid_field");
    let before = Command::ReviewAgreement { next_review_on_day: TODAY + 30, note: String::new() };
    assert_eq!(rejected(&[], "ana", before), "wrong_stage");
}
