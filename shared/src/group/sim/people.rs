//! What the simulated group does about people: plans shifts and fills them, keeps role cards
//! rotating, records skills and commitments, reviews its agreement.

use super::setup::{CARDS, COORDINATOR, LOGISTICS, WORKERS};
use super::{Command, MINUTE_MS, Sim};
use crate::distribution::day::{MS_PER_DAY, Weekday, start_of_day_ms};
use crate::distribution::sim::Simulated;
use crate::people::{self, CommitmentId, Recurrence, RoleCardId, Shift, ShiftId, Skill};

const HOUR_MS: i64 = 60 * MINUTE_MS;
/// How many upcoming shifts the group keeps planned.
const PLANNED_AHEAD: usize = 4;

type Chosen = Option<(&'static str, Command)>;

/// One people command, or `None` when the chosen kind has nothing to do now.
pub(super) fn next(sim: &mut Sim) -> Chosen {
    match sim.rng.below(100) {
        0..40 => sign_up(sim).or_else(|| plan_shift(sim)),
        40..55 => plan_shift(sim),
        55..62 => withdraw(sim),
        62..72 => skill(sim),
        72..82 => commitment(sim),
        82..95 => rotate_roles(sim),
        _ => review_agreement(sim),
    }
}

fn people(command: people::Command) -> Command {
    Command::People(command)
}

fn upcoming(sim: &Sim) -> Vec<&Shift> {
    let now_ms = sim.now_ms;
    sim.state.people.shifts.values().filter(|s| !s.cancelled && s.starts_at_ms > now_ms).collect()
}

fn plan_shift(sim: &mut Sim) -> Chosen {
    if upcoming(sim).len() >= PLANNED_AHEAD {
        return None;
    }
    let day = sim.today() + sim.rng.between(1, 6);
    let start_hour = sim.pick(&[9, 14, 17]);
    let starts_at_ms = start_of_day_ms(day) + start_hour * HOUR_MS;
    let shift_id = ShiftId::new(sim.fresh_id("shift"));
    let task = sim.pick(&["Packing", "Distribution", "Sorting donations", "Driving"]).to_owned();
    let ends_at_ms = starts_at_ms + sim.rng.between(2, 4) * HOUR_MS;
    let people_needed = sim.rng.between(2, 5) as u32;
    let plan =
        people::Command::PlanShift { shift_id, task, starts_at_ms, ends_at_ms, people_needed };
    Some((sim.pick(&[LOGISTICS, COORDINATOR]), people(plan)))
}

fn sign_up(sim: &mut Sim) -> Chosen {
    let open: Vec<ShiftId> = upcoming(sim)
        .into_iter()
        .filter(|s| s.signed_up.len() < s.people_needed as usize)
        .map(|s| s.shift_id.clone())
        .collect();
    if open.is_empty() {
        return None;
    }
    let shift_id = open[sim.rng.index(open.len())].clone();
    let member = sim.pick(&WORKERS);
    let shift = sim.state.people.shift(shift_id.as_str())?;
    if shift.signed_up.iter().any(|m| m.as_str() == member) {
        return None;
    }
    Some((member, people(people::Command::SignUpForShift { shift_id, member_id: member.into() })))
}

fn withdraw(sim: &mut Sim) -> Chosen {
    let signed: Vec<(ShiftId, String)> = upcoming(sim)
        .into_iter()
        .flat_map(|s| s.signed_up.iter().map(|m| (s.shift_id.clone(), m.to_string())))
        .collect();
    if signed.is_empty() {
        return None;
    }
    let (shift_id, member) = signed[sim.rng.index(signed.len())].clone();
    let member = WORKERS.into_iter().find(|w| *w == member)?;
    Some((
        member,
        people(people::Command::WithdrawFromShift { shift_id, member_id: member.into() }),
    ))
}

/// Check-ins when a shift starts (nine in ten come; a walk-in now and then); check-outs
/// when it ends, with a forgotten one corrected by logistics and absences recorded.
pub(super) fn at_shift_boundaries(sim: &mut Sim) {
    let now_ms = sim.now_ms;
    let shifts: Vec<Shift> = sim
        .state
        .people
        .shifts
        .values()
        .filter(|s| !s.cancelled && s.ends_at_ms > now_ms - MS_PER_DAY)
        .cloned()
        .collect();
    for shift in shifts {
        if shift.starts_at_ms <= now_ms
            && now_ms < shift.ends_at_ms
            && !sim.started.contains(&shift.shift_id)
        {
            sim.started.push(shift.shift_id.clone());
            arrive(sim, &shift);
        }
        if now_ms >= shift.ends_at_ms && !sim.ended.contains(&shift.shift_id) {
            sim.ended.push(shift.shift_id.clone());
            leave(sim, &shift);
        }
    }
}

fn arrive(sim: &mut Sim, shift: &Shift) {
    let mut comers: Vec<&'static str> = Vec::new();
    for member in &shift.signed_up {
        let worker = WORKERS.into_iter().find(|w| *w == member.as_str());
        if let Some(worker) = worker.filter(|_| sim.rng.chance(90)) {
            comers.push(worker);
        }
    }
    let walk_in = sim.pick(&WORKERS);
    if sim.rng.chance(15) && !comers.contains(&walk_in) {
        comers.push(walk_in);
    }
    for member in comers {
        let check_in = people::Command::CheckInToShift {
            shift_id: shift.shift_id.clone(),
            member_id: member.into(),
        };
        sim.queue.push((member, people(check_in)));
    }
}

fn leave(sim: &mut Sim, shift: &Shift) {
    let shift_id = &shift.shift_id;
    for member in &shift.signed_up {
        if !shift.attendance.contains_key(member) {
            let absence = people::Command::RecordShiftAbsence {
                shift_id: shift_id.clone(),
                member_id: member.clone(),
            };
            sim.queue.push((LOGISTICS, people(absence)));
        }
    }
    for (member, attendance) in &shift.attendance {
        let Some(worker) = WORKERS.into_iter().find(|w| *w == member.as_str()) else {
            continue;
        };
        if sim.rng.chance(90) {
            let out = people::Command::CheckOutOfShift {
                shift_id: shift_id.clone(),
                member_id: member.clone(),
            };
            sim.queue.push((worker, people(out)));
        } else {
            let correct = people::Command::CorrectShiftTimes {
                shift_id: shift_id.clone(),
                member_id: member.clone(),
                checked_in_at_ms: attendance.checked_in_at_ms,
                checked_out_at_ms: shift.ends_at_ms,
                reason: "forgot to check out".to_owned(),
            };
            sim.queue.push((LOGISTICS, people(correct)));
        }
    }
}

fn skill(sim: &mut Sim) -> Chosen {
    let member = sim.pick(&WORKERS);
    let today = sim.today();
    let (skill, expires_on_day) = match sim.rng.below(6) {
        0 => (Skill::Cpr, Some(today + sim.rng.between(30, 700))),
        1 => (Skill::FoodHygiene, Some(today + sim.rng.between(30, 1_000))),
        2 => (Skill::Language { language: sim.pick(&["es", "ar", "pl", "so"]).to_owned() }, None),
        3 => (Skill::Driving { has_vehicle: sim.rng.chance(50) }, None),
        4 => (Skill::Trade { trade: sim.pick(&["electrician", "plumber"]).to_owned() }, None),
        _ => (Skill::FirstAid, Some(today + 365)),
    };
    let record = people::Command::RecordSkill { member_id: member.into(), skill, expires_on_day };
    Some((member, people(record)))
}

fn commitment(sim: &mut Sim) -> Chosen {
    let open: Vec<(CommitmentId, String)> = sim
        .state
        .people
        .commitments
        .values()
        .filter(|c| c.ended_on_day.is_none())
        .map(|c| (c.commitment_id.clone(), c.member_id.to_string()))
        .collect();
    if open.len() > 6 && sim.rng.chance(50) {
        let (commitment_id, member) = open[sim.rng.index(open.len())].clone();
        let member = WORKERS.into_iter().find(|w| *w == member)?;
        let end = people::Command::EndCommitment { commitment_id, reason: "new job".to_owned() };
        return Some((member, people(end)));
    }
    let member = sim.pick(&WORKERS);
    let weekday = sim.pick(&Weekday::ALL);
    let recurrence = if sim.rng.chance(70) {
        Recurrence::Week { weekday, interval_weeks: sim.rng.between(1, 2) as u32 }
    } else {
        Recurrence::Month { weekday, nth: sim.rng.between(1, 4) as u32 }
    };
    let make = people::Command::MakeCommitment {
        commitment_id: CommitmentId::new(sim.fresh_id("commitment")),
        member_id: member.into(),
        task: sim
            .pick(&["Cook meals", "Pantry shift", "Phone round", "Drive to the food bank"])
            .to_owned(),
        recurrence,
        minutes: sim.pick(&[60, 120, 180, 240]),
        starts_on_day: sim.today(),
    };
    Some((member, people(make)))
}

/// Hands over or renews a role whose term ended; otherwise names a missing backup.
fn rotate_roles(sim: &mut Sim) -> Chosen {
    let today = sim.today();
    let card_id = RoleCardId::from(sim.pick(&CARDS).0);
    let card = sim.state.people.role_card(card_id.as_str())?.clone();
    let holder = card.holder.as_ref()?;
    let term_ends_on_day = today + sim.rng.between(90, 180);
    if holder.term_ends_on_day < today + 3 {
        let next = sim.pick(&WORKERS);
        let command = if next == holder.member_id.as_str() || sim.rng.chance(30) {
            people::Command::RenewRoleTerm { role_card_id: card_id, term_ends_on_day }
        } else {
            let backup = Some(holder.member_id.clone()).filter(|_| sim.rng.chance(60));
            people::Command::HandOverRole {
                role_card_id: card_id,
                to_member_id: next.into(),
                backup_id: backup,
                term_ends_on_day,
                note: "rotation".to_owned(),
                contact: None,
            }
        };
        return Some((COORDINATOR, people(command)));
    }
    let backup = sim.pick(&WORKERS);
    if card.backup_id.is_some() || backup == holder.member_id.as_str() {
        return None;
    }
    let set =
        people::Command::SetRoleBackup { role_card_id: card_id, backup_id: Some(backup.into()) };
    Some((COORDINATOR, people(set)))
}

fn review_agreement(sim: &mut Sim) -> Chosen {
    let agreement = sim.state.people.agreement.as_ref()?;
    let today = sim.today();
    if agreement.review_on_day > today {
        return None;
    }
    let review = people::Command::ReviewAgreement {
        next_review_on_day: today + 180,
        note: "kept as it is".to_owned(),
    };
    Some((COORDINATOR, people(review)))
}
