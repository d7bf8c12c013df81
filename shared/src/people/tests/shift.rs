//! Shifts: sign up, withdraw, check in, check out. Hours come from check-in and check-out;
//! a correction is a new event with a reason; an absence is a fact without blame.

use super::*;

fn sign_up(member: &str) -> Command {
    Command::SignUpForShift { shift_id: shift_id("s1"), member_id: id(member) }
}

fn signed_up(member: &str) -> Event {
    Event::SignedUpForShift { shift_id: shift_id("s1"), member_id: id(member) }
}

fn checked_in(member: &str, at_ms: i64) -> Event {
    Event::CheckedInToShift { shift_id: shift_id("s1"), member_id: id(member), at_ms }
}

fn checked_out(member: &str, at_ms: i64) -> Event {
    Event::CheckedOutOfShift { shift_id: shift_id("s1"), member_id: id(member), at_ms }
}

#[test]
fn planning_a_shift_that_would_be_over_already_is_rejected() {
    let when = Command::PlanShift {
        shift_id: shift_id("s0"),
        task: "Sorting".to_owned(),
        starts_at_ms: NOW_MS - 3 * HOUR_MS,
        ends_at_ms: NOW_MS - HOUR_MS,
        people_needed: 2,
    };
    assert_eq!(rejected(&[], "cy", when), "invalid_field");
}

#[test]
fn a_member_signs_themselves_up() {
    check(&[packing_planned(2)], "bo", sign_up("bo"), Ok(vec![signed_up("bo")]));
}

#[test]
fn a_volunteer_cannot_sign_up_someone_else_but_logistics_can() {
    let then = Rejection::NotPermitted {
        message: "only eve or a coordinator or logistics may do this".to_owned(),
    };
    check(&[packing_planned(2)], "bo", sign_up("eve"), Err(then));
    check(&[packing_planned(2)], "cy", sign_up("eve"), Ok(vec![signed_up("eve")]));
}

#[test]
fn signing_up_for_a_full_shift_conflicts() {
    let given = [packing_planned(1), signed_up("bo")];
    let then = Rejection::Conflict { message: "the shift is full: 1 of 1 signed up".to_owned() };
    check(&given, "eve", sign_up("eve"), Err(then));
}

#[test]
fn signing_up_twice_is_rejected() {
    assert_eq!(
        rejected(&[packing_planned(3), signed_up("bo")], "bo", sign_up("bo")),
        "wrong_stage"
    );
}

#[test]
fn a_cancelled_shift_takes_no_sign_ups() {
    let cancelled =
        Event::ShiftCancelled { shift_id: shift_id("s1"), reason: "hall closed".into() };
    assert_eq!(rejected(&[packing_planned(3), cancelled], "bo", sign_up("bo")), "wrong_stage");
}

#[test]
fn withdrawing_before_the_start_is_fine_and_after_it_is_rejected() {
    let given = [packing_planned(2), signed_up("bo")];
    let withdraw = Command::WithdrawFromShift { shift_id: shift_id("s1"), member_id: id("bo") };
    let withdrew = Event::WithdrewFromShift { shift_id: shift_id("s1"), member_id: id("bo") };
    check(&given, "bo", withdraw.clone(), Ok(vec![withdrew]));
    let late = NOW_MS + 2 * HOUR_MS;
    let then = Rejection::WrongStage { message: "the shift has started: check out instead".into() };
    check_at(late, &given, "bo", withdraw, Err(then));
}

#[test]
fn hours_come_from_check_in_and_check_out() {
    let check_in = Command::CheckInToShift { shift_id: shift_id("s1"), member_id: id("bo") };
    let arrived_ms = NOW_MS + HOUR_MS - 10 * 60_000;
    let mut given = vec![packing_planned(2), signed_up("bo")];
    check_at(arrived_ms, &given, "bo", check_in, Ok(vec![checked_in("bo", arrived_ms)]));
    given.push(checked_in("bo", arrived_ms));
    let check_out = Command::CheckOutOfShift { shift_id: shift_id("s1"), member_id: id("bo") };
    let left_ms = arrived_ms + 3 * HOUR_MS + 25 * 60_000;
    check_at(left_ms, &given, "bo", check_out, Ok(vec![checked_out("bo", left_ms)]));
    given.push(checked_out("bo", left_ms));
    let roster = roster_after(&given);
    let minutes = roster.minutes_last_4_weeks(left_ms);
    assert_eq!(minutes.get("bo"), Some(&(3 * 60 + 25, 1)));
}

#[test]
fn a_walk_in_may_check_in_without_having_signed_up() {
    let check_in = Command::CheckInToShift { shift_id: shift_id("s1"), member_id: id("eve") };
    let at = NOW_MS + HOUR_MS;
    check_at(
        at,
        &[packing_planned(1), signed_up("bo")],
        "eve",
        check_in,
        Ok(vec![checked_in("eve", at)]),
    );
}

#[test]
fn checking_in_twice_or_out_without_checking_in_is_rejected() {
    let at = NOW_MS + HOUR_MS;
    let given = [packing_planned(2), checked_in("bo", at)];
    let again = Command::CheckInToShift { shift_id: shift_id("s1"), member_id: id("bo") };
    assert_eq!(rejected(&given, "bo", again), "wrong_stage");
    let out = Command::CheckOutOfShift { shift_id: shift_id("s1"), member_id: id("eve") };
    assert_eq!(rejected(&given, "eve", out), "wrong_stage");
}

#[test]
fn a_forgotten_check_out_is_corrected_with_a_reason_not_checked_out_days_later() {
    let at = NOW_MS + HOUR_MS;
    let given = vec![packing_planned(2), signed_up("bo"), checked_in("bo", at)];
    let two_days_later = NOW_MS + 2 * MS_PER_DAY;
    let out = Command::CheckOutOfShift { shift_id: shift_id("s1"), member_id: id("bo") };
    let then = Rejection::WrongStage {
        message: "the shift ended long ago: correct the times, with a reason".into(),
    };
    check_at(two_days_later, &given, "bo", out, Err(then));
    let correct = |reason: &str| Command::CorrectShiftTimes {
        shift_id: shift_id("s1"),
        member_id: id("bo"),
        checked_in_at_ms: at,
        checked_out_at_ms: at + 3 * HOUR_MS,
        reason: reason.to_owned(),
    };
    let ctx = Context { now_ms: two_days_later, actor: id("cy") };
    let roster = roster_after(&given);
    let blank = decide(&roster, &correct(""), &ctx, &members(), day_of(ctx.now_ms)).unwrap_err();
    assert_eq!(blank.code(), "invalid_field");
    let events =
        decide(&roster, &correct("forgot to check out"), &ctx, &members(), day_of(ctx.now_ms))
            .unwrap();
    let mut after = given.clone();
    after.extend(events);
    let minutes = roster_after(&after).minutes_last_4_weeks(two_days_later);
    assert_eq!(minutes.get("bo"), Some(&(180, 1)));
}

#[test]
fn an_absence_is_recorded_after_the_shift_as_a_bare_fact() {
    let given = [
        packing_planned(2),
        signed_up("bo"),
        signed_up("eve"),
        checked_in("eve", NOW_MS + HOUR_MS),
    ];
    let record = |member: &str| Command::RecordShiftAbsence {
        shift_id: shift_id("s1"),
        member_id: id(member),
    };
    assert_eq!(rejected(&given, "cy", record("bo")), "wrong_stage", "not before the shift is over");
    let after_ms = NOW_MS + 5 * HOUR_MS;
    let absent = Event::ShiftAbsenceRecorded { shift_id: shift_id("s1"), member_id: id("bo") };
    check_at(after_ms, &given, "cy", record("bo"), Ok(vec![absent.clone()]));
    // The fact has no field where blame could be written.
    let json = serde_json::to_value(&absent).unwrap();
    let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["member_id", "shift_id", "type"]);
    let ctx = Context { now_ms: after_ms, actor: id("cy") };
    let came = decide(&roster_after(&given), &record("eve"), &ctx, &members(), day_of(ctx.now_ms));
    assert_eq!(came.unwrap_err().code(), "wrong_stage", "eve came");
}

#[test]
fn a_shift_people_have_checked_into_cannot_be_cancelled() {
    let given = [packing_planned(2), checked_in("bo", NOW_MS)];
    let cancel = Command::CancelShift { shift_id: shift_id("s1"), reason: "rain".to_owned() };
    assert_eq!(rejected(&given, "cy", cancel), "wrong_stage");
}
