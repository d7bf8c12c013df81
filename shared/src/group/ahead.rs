//! What the server does ahead of time, as a pure function of the group and the moment:
//! each standing order's dates a few days ahead (logged, checked against stock, reserved
//! and scheduled in its window, as a volunteer would), a date skipped or paused after its
//! request was logged (cancelled), each shift template's shifts a fortnight ahead, and the
//! members whose commitments fall on them (signed up).
//!
//! Every step carries a command id derived from what it is for (the order and the date, the
//! shift and the member), so sending the same list twice, from a restarted server or from
//! two servers at once, changes nothing the second time: the log keeps each command id's
//! first answer, and the domain refuses a date or a shift that already exists. The server
//! sends [`due`] again after every step it takes, until nothing is due.

use crate::clock::Clock;
use crate::distribution::{self, Board, RequestLine, Stage};
use crate::group::Command;
use crate::people::template::{PLAN_DAYS_AHEAD, shift_id_of};
use crate::people::{self, Roster};
use crate::standing::{self, StandingOrder, StandingOrders, occurrence_delivery_id};

/// Whether an event may make steps due at once: an order or a template started or
/// changed, a commitment made, stock received (a date short of it can be reserved now), the
/// zone set, a household erased.
pub fn changes_plans(event: &crate::group::Event) -> bool {
    use crate::group::Event as E;
    match event {
        E::Standing(_) => true,
        E::People(event) => matches!(
            event,
            people::Event::ShiftTemplateDefined { .. }
                | people::Event::ShiftTemplateEnded { .. }
                | people::Event::CommitmentMade { .. }
        ),
        E::Distribution(event) => matches!(
            event,
            distribution::Event::StockReceived { .. }
                | distribution::Event::TimeZoneSet { .. }
                | distribution::Event::HouseholdErased { .. }
        ),
        E::Members(_) | E::Ledger(_) | E::Limits(_) => false,
    }
}

/// One step to take now, under its own command id.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    pub command_id: String,
    pub command: Command,
}

/// What the group has that planning ahead reads.
#[derive(Clone, Copy, Debug)]
pub struct Plans<'a> {
    pub standing: &'a StandingOrders,
    pub board: &'a Board,
    pub roster: &'a Roster,
    pub clock: &'a Clock,
}

/// Every step due at `now_ms`, looking `days_ahead` days ahead for standing orders, in a
/// fixed order.
pub fn due(plans: Plans<'_>, now_ms: i64, days_ahead: i64) -> Vec<Due> {
    let today = plans.clock.day_of(now_ms);
    let mut due = Vec::new();
    for order in plans.standing.orders.values() {
        for day in order.dates(today, today + days_ahead + 1) {
            due.extend(date_step(plans, order, day, now_ms));
        }
        due.extend(cancellations(plans, order, today));
    }
    for template in plans.roster.templates.values() {
        for day in template.days(today, today + PLAN_DAYS_AHEAD) {
            let shift_id = shift_id_of(&template.template_id, day);
            let Some(shift) = plans.roster.shift(shift_id.as_str()) else {
                let starts_at_ms = plans.clock.instant_of(day, i64::from(template.starts_minute));
                let ends_at_ms = plans.clock.instant_of(day, i64::from(template.ends_minute));
                if ends_at_ms > now_ms {
                    let plan = people::Command::PlanShift {
                        shift_id: shift_id.clone(),
                        task: template.task.clone(),
                        starts_at_ms,
                        ends_at_ms,
                        people_needed: template.people_needed,
                    };
                    let command_id = format!("plan-{shift_id}");
                    due.push(Due { command_id, command: Command::People(plan) });
                }
                continue;
            };
            if shift.cancelled || shift.ends_at_ms <= now_ms {
                continue;
            }
            let mut places = (shift.people_needed as usize).saturating_sub(shift.signed_up.len());
            for commitment in plans.roster.commitments.values() {
                let member_id = &commitment.member_id;
                if places == 0 {
                    break;
                }
                if !template.matches_task(&commitment.task)
                    || commitment.occurrences(day, day + 1).is_empty()
                    || shift.is_signed_up(member_id)
                    || shift.withdrawn.contains(member_id)
                {
                    continue;
                }
                places -= 1;
                let sign_up = people::Command::SignUpForShift {
                    shift_id: shift_id.clone(),
                    member_id: member_id.clone(),
                };
                let command_id = format!("commitment-{}-{shift_id}", commitment.commitment_id);
                due.push(Due { command_id, command: Command::People(sign_up) });
            }
        }
    }
    due
}

/// The next step of one date of an order: log it, check it, reserve it, schedule it; or
/// nothing once it is scheduled or people have taken it elsewhere.
fn date_step(plans: Plans<'_>, order: &StandingOrder, day: i64, now_ms: i64) -> Option<Due> {
    let Some(request_id) = order.logged.get(&day) else {
        let command_id =
            format!("standing-{}", standing::occurrence_request_id(&order.order_id, day));
        let log =
            standing::Command::LogStandingOccurrence { order_id: order.order_id.clone(), day };
        return Some(Due { command_id, command: Command::Standing(log) });
    };
    let card = plans.board.requests.get(request_id)?;
    let step = |name: &str, command: distribution::Command| Due {
        command_id: format!("{request_id}-{name}"),
        command: Command::Distribution(command),
    };
    let outstanding: Vec<RequestLine> = card
        .progress
        .lines
        .iter()
        .filter(|l| l.outstanding() > 0)
        .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.outstanding() })
        .collect();
    match card.stage {
        Stage::Logged => Some(step(
            "check",
            distribution::Command::CheckStock { request_id: request_id.clone() },
        )),
        Stage::Checked | Stage::AwaitingStock if !outstanding.is_empty() => {
            let reserve = distribution::Command::ReserveStock {
                request_id: request_id.clone(),
                lines: outstanding,
                from_location_id: None,
            };
            Some(step("reserve", reserve))
        }
        Stage::Reserved if card.progress.deliveries.iter().all(|d| !d.status.is_active()) => {
            let lines: Vec<RequestLine> = card
                .progress
                .lines
                .iter()
                .filter(|l| l.unscheduled() > 0)
                .map(|l| RequestLine { item_id: l.item_id.clone(), quantity: l.unscheduled() })
                .collect();
            let (start, end) = order.window();
            let window_start_ms = plans.clock.instant_of(day, i64::from(start));
            let window_end_ms = plans.clock.instant_of(day, i64::from(end));
            // A date whose window has passed is for people to see to, not the scheduler.
            if lines.is_empty() || window_end_ms <= now_ms {
                return None;
            }
            let schedule = distribution::Command::ScheduleDelivery {
                delivery_id: occurrence_delivery_id(&order.order_id, day),
                request_id: request_id.clone(),
                kind: order.kind,
                lines,
                window_start_ms,
                window_end_ms,
                driver_id: None,
                replaces_delivery_id: None,
            };
            Some(step("schedule", schedule))
        }
        _ => None,
    }
}

/// Dates logged that the order no longer falls on (skipped, paused, ended since), still
/// open and not yet on the road: cancelled, with the reason said.
fn cancellations(plans: Plans<'_>, order: &StandingOrder, today: i64) -> Vec<Due> {
    let mut due = Vec::new();
    for (day, request_id) in order.logged.range(today..) {
        if order.falls_on(*day) {
            continue;
        }
        let Some(card) = plans.board.requests.get(request_id) else {
            continue;
        };
        if matches!(card.stage, Stage::OutForDelivery | Stage::Delivered | Stage::Cancelled) {
            continue;
        }
        let cancel = distribution::Command::CancelRequest {
            request_id: request_id.clone(),
            reason: "standing order: no delivery on this date any more".to_owned(),
        };
        let command_id = format!("{request_id}-cancel");
        due.push(Due { command_id, command: Command::Distribution(cancel) });
    }
    due
}
