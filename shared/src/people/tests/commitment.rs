//! Commitments are recurring and specific: "every second Tuesday, two hours".

use super::*;
use crate::kernel::day::{Weekday, day_of_date};

fn every_second_tuesday(minutes: u32) -> Command {
    Command::MakeCommitment {
        commitment_id: CommitmentId::from("c1"),
        member_id: id("bo"),
        task: "Cook meals".to_owned(),
        recurrence: Recurrence::Week { weekday: Weekday::Tuesday, interval_weeks: 2 },
        minutes,
        starts_on_day: TODAY,
    }
}

fn made() -> Event {
    Event::CommitmentMade {
        commitment_id: CommitmentId::from("c1"),
        member_id: id("bo"),
        task: "Cook meals".to_owned(),
        recurrence: Recurrence::Week { weekday: Weekday::Tuesday, interval_weeks: 2 },
        minutes: 120,
        starts_on_day: TODAY,
    }
}

#[test]
fn a_commitment_names_a_task_a_rhythm_and_a_length() {
    check(&[], "bo", every_second_tuesday(120), Ok(vec![made()]));
    assert_eq!(rejected(&[], "bo", every_second_tuesday(0)), "invalid_field");
    let whenever = Command::MakeCommitment {
        commitment_id: CommitmentId::from("c2"),
        member_id: id("bo"),
        task: "Help".to_owned(),
        recurrence: Recurrence::Week { weekday: Weekday::Friday, interval_weeks: 9 },
        minutes: 60,
        starts_on_day: TODAY,
    };
    assert_eq!(rejected(&[], "bo", whenever), "invalid_field");
}

#[test]
fn every_second_tuesday_falls_every_fourteen_days_from_the_first_tuesday() {
    let roster = roster_after(&[made()]);
    let commitment = roster.commitment("c1").unwrap();
    // TODAY is Monday 2025-01-20: the first Tuesday is tomorrow.
    assert_eq!(commitment.occurrences(TODAY, TODAY + 42), vec![TODAY + 1, TODAY + 15, TODAY + 29]);
    assert_eq!(commitment.minutes_between(TODAY + 2, TODAY + 30), 240);
}

#[test]
fn the_first_saturday_of_every_month() {
    let roster = roster_after(&[Event::CommitmentMade {
        commitment_id: CommitmentId::from("c2"),
        member_id: id("eve"),
        task: "Stock take".to_owned(),
        recurrence: Recurrence::Month { weekday: Weekday::Saturday, nth: 1 },
        minutes: 180,
        starts_on_day: TODAY,
    }]);
    let days = roster.commitment("c2").unwrap().occurrences(TODAY, TODAY + 90);
    let expected =
        [(2025, 2, 1), (2025, 3, 1), (2025, 4, 5)].map(|(y, m, d)| day_of_date(y, m, d).unwrap());
    assert_eq!(days, expected);
}

#[test]
fn ending_a_commitment_stops_its_occurrences_and_needs_its_member_or_a_coordinator() {
    let end = Command::EndCommitment {
        commitment_id: CommitmentId::from("c1"),
        reason: "new job".to_owned(),
    };
    assert_eq!(rejected(&[made()], "eve", end.clone()), "not_permitted");
    let ended = Event::CommitmentEnded {
        commitment_id: CommitmentId::from("c1"),
        member_id: id("bo"),
        on_day: TODAY,
        reason: "new job".to_owned(),
    };
    check(&[made()], "bo", end, Ok(vec![ended.clone()]));
    let roster = roster_after(&[made(), ended]);
    assert!(roster.commitment("c1").unwrap().occurrences(TODAY, TODAY + 60).is_empty());
}
