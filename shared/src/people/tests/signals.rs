//! What the roster flags: a critical role without a backup, a vacant critical role, an
//! ended term, too many roles, too many hours (burnout), short shifts, expired certificates,
//! a review due.

use super::*;
use crate::clock::Clock;
use crate::limits::GroupLimits;

fn signals(given: &[Event], now_ms: i64) -> Vec<Signal> {
    roster_after(given).signals(now_ms, &Clock::utc(), &GroupLimits::default())
}

fn card_held(role: &str, holder: &str, backup: Option<&str>, critical: bool) -> Vec<Event> {
    vec![
        Event::RoleCardDefined {
            role_card_id: card(role),
            title: role.to_owned(),
            key_tasks: vec!["the work".to_owned()],
            critical,
        },
        Event::RoleAssigned {
            role_card_id: card(role),
            member_id: id(holder),
            backup_id: backup.map(id),
            on_day: TODAY,
            term_ends_on_day: TODAY + 90,
            contact: None,
        },
    ]
}

/// A completed stretch of `hours` on a shift of its own, checked into at `at_ms`.
fn worked(shift: &str, member: &str, at_ms: i64, hours: i64) -> Vec<Event> {
    vec![
        Event::ShiftPlanned {
            shift_id: shift_id(shift),
            task: "Distribution".to_owned(),
            starts_at_ms: at_ms,
            ends_at_ms: at_ms + hours * HOUR_MS,
            people_needed: 1,
        },
        Event::CheckedInToShift { shift_id: shift_id(shift), member_id: id(member), at_ms },
        Event::CheckedOutOfShift {
            shift_id: shift_id(shift),
            member_id: id(member),
            at_ms: at_ms + hours * HOUR_MS,
        },
    ]
}

#[test]
fn a_critical_role_without_a_backup_is_flagged() {
    let given = facilitator_held_by("bo", None);
    assert_eq!(
        signals(&given, NOW_MS),
        vec![Signal::NoBackup { role_card_id: card("facilitator") }]
    );
    assert_eq!(signals(&facilitator_held_by("bo", Some("cy")), NOW_MS), vec![]);
}

#[test]
fn a_role_that_is_not_critical_needs_no_backup() {
    assert_eq!(signals(&card_held("tea", "bo", None, false), NOW_MS), vec![]);
}

#[test]
fn a_vacant_critical_role_is_flagged() {
    let flagged = signals(&[facilitator_defined()], NOW_MS);
    assert_eq!(flagged, vec![Signal::Vacant { role_card_id: card("facilitator") }]);
}

#[test]
fn a_term_that_has_ended_is_flagged_from_the_day_after_its_last() {
    let given = facilitator_held_by("bo", Some("cy"));
    assert_eq!(signals(&given, NOW_MS + 90 * MS_PER_DAY), vec![]);
    let flagged = signals(&given, NOW_MS + 91 * MS_PER_DAY);
    let ended = Signal::TermEnded {
        role_card_id: card("facilitator"),
        member_id: id("bo"),
        term_ended_on_day: TODAY + 90,
    };
    assert_eq!(flagged, vec![ended]);
}

#[test]
fn a_member_holding_more_roles_than_the_limit_is_flagged() {
    let mut given = Vec::new();
    for role in ["a", "b", "c"] {
        given.extend(card_held(role, "bo", None, false));
    }
    let flagged = signals(&given, NOW_MS);
    let too_many = Signal::TooManyRoles { member_id: id("bo"), roles_held: 3, limit: 2 };
    assert_eq!(flagged, vec![too_many]);
}

#[test]
fn a_member_over_the_hours_limit_in_the_last_four_weeks_is_flagged() {
    let mut given = Vec::new();
    // 5 weeks ago: outside the window. Then 36 hours over the last four weeks.
    given.extend(worked("old", "bo", NOW_MS - 35 * MS_PER_DAY, 12));
    for (i, days_ago) in [20, 13, 6].into_iter().enumerate() {
        given.extend(worked(&format!("s{i}"), "bo", NOW_MS - days_ago * MS_PER_DAY, 12));
    }
    assert_eq!(signals(&given, NOW_MS), vec![], "36 hours is within 40");
    given.extend(worked("s9", "bo", NOW_MS - 2 * MS_PER_DAY, 5));
    let burnout = Signal::TooManyHours {
        member_id: id("bo"),
        minutes_last_4_weeks: 41 * 60,
        limit_minutes: 40 * 60,
    };
    assert_eq!(signals(&given, NOW_MS), vec![burnout]);
    let load = roster_after(&given).workloads(NOW_MS, &Clock::utc());
    assert_eq!((load[0].minutes_last_4_weeks, load[0].shifts_last_4_weeks), (41 * 60, 4));
}

#[test]
fn a_shift_in_the_coming_week_short_of_people_is_flagged() {
    let given = [
        packing_planned(3),
        Event::SignedUpForShift { shift_id: shift_id("s1"), member_id: id("bo") },
    ];
    let short = Signal::ShiftShortOfPeople {
        shift_id: shift_id("s1"),
        starts_at_ms: NOW_MS + HOUR_MS,
        signed_up: 1,
        people_needed: 3,
    };
    assert_eq!(signals(&given, NOW_MS), vec![short]);
    assert_eq!(signals(&given, NOW_MS - 8 * MS_PER_DAY), vec![], "too far ahead to flag");
}

#[test]
fn an_expired_certificate_is_flagged() {
    let given = [Event::SkillRecorded {
        member_id: id("dee"),
        skill: Skill::FoodHygiene,
        expires_on_day: Some(TODAY - 1),
    }];
    let expired = Signal::SkillExpired {
        member_id: id("dee"),
        skill: Skill::FoodHygiene,
        expired_on_day: TODAY - 1,
    };
    assert_eq!(signals(&given, NOW_MS), vec![expired]);
}

#[test]
fn a_review_of_the_agreement_due_is_flagged() {
    let given = [Event::AgreementAdopted {
        text: AgreementText {
            membership: "m".into(),
            commitments: "c".into(),
            communication: "c".into(),
            boundaries: "b".into(),
        },
        on_day: TODAY - 80,
        review_on_day: TODAY + 10,
    }];
    assert_eq!(
        signals(&given, NOW_MS),
        vec![Signal::AgreementReviewDue { review_on_day: TODAY + 10 }]
    );
}
