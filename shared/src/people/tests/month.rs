//! The people half of the monthly report, on hand-built months: hours per member and per
//! task count only the month's completed check-ins, absences only the month's shifts, and
//! the warnings are those of the month's last moment.

use super::*;
use crate::clock::Clock;
use crate::kernel::day::start_of_day_ms;
use crate::limits::GroupLimits;

/// January 2025 as day numbers; [`TODAY`] (the 20th) is inside it.
const JANUARY: (i64, i64) = (20_089, 20_119);

fn shift(name: &str, task: &str, at_ms: i64) -> Event {
    Event::ShiftPlanned {
        shift_id: shift_id(name),
        task: task.to_owned(),
        starts_at_ms: at_ms,
        ends_at_ms: at_ms + 4 * HOUR_MS,
        people_needed: 2,
    }
}

fn worked(name: &str, member: &str, at_ms: i64, minutes: i64) -> Vec<Event> {
    vec![
        Event::CheckedInToShift { shift_id: shift_id(name), member_id: id(member), at_ms },
        Event::CheckedOutOfShift {
            shift_id: shift_id(name),
            member_id: id(member),
            at_ms: at_ms + minutes * 60_000,
        },
    ]
}

fn january(given: &[Event]) -> PeopleMonth {
    let roster = roster_after(given);
    PeopleMonth::build(
        &roster,
        &roster,
        &GroupLimits::default(),
        JANUARY.0,
        JANUARY.1,
        &Clock::utc(),
    )
}

#[test]
fn hours_count_the_months_completed_check_ins_per_member_and_per_task() {
    let (jan_5, feb_1) = (start_of_day_ms(JANUARY.0 + 4), start_of_day_ms(JANUARY.1 + 1));
    let dec_31 = start_of_day_ms(JANUARY.0 - 1) + 20 * HOUR_MS;
    let mut given = vec![
        shift("pack", "Packing", jan_5),
        shift("drive", "Driving", jan_5),
        shift("old", "Packing", dec_31),
        shift("next", "Packing", feb_1),
    ];
    given.extend(worked("pack", "bo", jan_5, 120));
    given.extend(worked("pack", "eve", jan_5, 90));
    given.extend(worked("drive", "bo", jan_5 + 3 * HOUR_MS, 45));
    given.extend(worked("old", "bo", dec_31, 300)); // checked in during December
    given.extend(worked("next", "eve", feb_1, 60)); // and in February
    // Checked in, never out: no time yet.
    given.push(Event::CheckedInToShift {
        shift_id: shift_id("drive"),
        member_id: id("cy"),
        at_ms: jan_5,
    });
    let month = january(&given);
    let hours = |minutes, shifts| Hours { minutes, shifts };
    assert_eq!(month.hours_by_member.get(&id("bo")), Some(&hours(165, 2)));
    assert_eq!(month.hours_by_member.get(&id("eve")), Some(&hours(90, 1)));
    assert_eq!(month.hours_by_member.get(&id("cy")), None);
    assert_eq!(month.hours_by_task.get("Packing"), Some(&hours(210, 2)));
    assert_eq!(month.hours_by_task.get("Driving"), Some(&hours(45, 1)));
}

#[test]
fn corrected_times_count_as_corrected_and_absences_count_the_months_shifts() {
    let jan_5 = start_of_day_ms(JANUARY.0 + 4);
    let mut given =
        vec![shift("pack", "Packing", jan_5), shift("feb", "Packing", jan_5 + 31 * MS_PER_DAY)];
    for (s, member) in [("pack", "bo"), ("pack", "eve"), ("feb", "eve")] {
        given.push(Event::SignedUpForShift { shift_id: shift_id(s), member_id: id(member) });
    }
    given.extend(worked("pack", "bo", jan_5, 30));
    given.push(Event::ShiftTimesCorrected {
        shift_id: shift_id("pack"),
        member_id: id("bo"),
        checked_in_at_ms: jan_5,
        checked_out_at_ms: jan_5 + 3 * HOUR_MS,
        reason: "paper sheet".to_owned(),
    });
    given.push(Event::ShiftAbsenceRecorded { shift_id: shift_id("pack"), member_id: id("eve") });
    given.push(Event::ShiftAbsenceRecorded { shift_id: shift_id("feb"), member_id: id("eve") });
    let month = january(&given);
    assert_eq!(month.hours_by_member[&id("bo")], Hours { minutes: 180, shifts: 1 });
    assert_eq!(month.absences, [(id("eve"), 1)].into_iter().collect());
}

#[test]
fn the_months_end_shows_roles_without_backup_burnout_and_terms_ending_soon() {
    let role = |name: &str, holder: &str, backup: Option<&str>, ends: i64| {
        vec![
            Event::RoleCardDefined {
                role_card_id: card(name),
                title: name.to_uppercase(),
                key_tasks: vec!["the work".to_owned()],
                critical: true,
            },
            Event::RoleAssigned {
                role_card_id: card(name),
                member_id: id(holder),
                backup_id: backup.map(id),
                on_day: JANUARY.0,
                term_ends_on_day: ends,
                contact: None,
            },
        ]
    };
    let mut given = Vec::new();
    given.extend(role("treasurer", "dee", None, JANUARY.1 + 10));
    given.extend(role("stock", "cy", Some("bo"), JANUARY.1 + 31)); // beyond 30 days
    given.extend(role("intake", "ana", Some("eve"), JANUARY.1 - 3)); // already ended
    // Dee works 45 hours over the month's last four weeks: over the limit of 40.
    for week in 0..3 {
        let at = start_of_day_ms(JANUARY.1 - 7 * week) + 8 * HOUR_MS;
        given.push(shift(&format!("w{week}"), "Driving", at));
        given.extend(worked(&format!("w{week}"), "dee", at, 15 * 60));
    }
    let month = january(&given);
    assert_eq!(
        month.roles_without_backup,
        vec![Signal::NoBackup { role_card_id: card("treasurer") }]
    );
    assert_eq!(
        month.burnout,
        vec![Signal::TooManyHours {
            member_id: id("dee"),
            minutes_last_4_weeks: 45 * 60,
            limit_minutes: 40 * 60
        }]
    );
    let ending: Vec<(&str, i64)> =
        month.terms_ending.iter().map(|t| (t.role_card_id.as_str(), t.term_ends_on_day)).collect();
    assert_eq!(ending, vec![("intake", JANUARY.1 - 3), ("treasurer", JANUARY.1 + 10)]);
}
