//! Commands that break a rule on purpose, so that property tests see rejections among the
//! accepted commands and can check that a rejection changes nothing.

use super::setup::{FINANCE, WORKERS};
use super::{Command, Sim};
use crate::distribution::sim::Simulated;
use crate::ledger::{self, AccountId, Currency, Posting, TransactionId};
use crate::people::{self, ShiftId};

pub(super) fn command(sim: &mut Sim) -> Option<(&'static str, Command)> {
    match sim.rng.below(6) {
        0 => Some(unbalanced(sim)),
        1 => self_approval(sim),
        2 => pay_unapproved(sim),
        3 => reverse_a_reversal(sim),
        4 => check_out_a_stranger(sim),
        _ => sign_up_someone_else(sim),
    }
}

fn unbalanced(sim: &mut Sim) -> (&'static str, Command) {
    let cents = sim.rng.between(1, 10_000);
    let record = ledger::Command::RecordTransaction {
        transaction_id: TransactionId::new(sim.fresh_id("bad")),
        on_day: sim.today(),
        description: "Unbalanced".to_owned(),
        currency: Currency::USD,
        postings: vec![
            Posting { account_id: AccountId::from("cash"), amount_cents: cents },
            Posting { account_id: AccountId::from("donations"), amount_cents: -cents + 1 },
        ],
        receipt: None,
        paid_for: None,
        donor: None,
    };
    (FINANCE[0], Command::Ledger(record))
}

fn needing_approval(sim: &Sim) -> Option<(TransactionId, String)> {
    let waiting = sim.state.ledger.awaiting_payment();
    let expense = waiting.into_iter().find(|t| t.needs_approval && t.approved_by.is_none())?;
    Some((expense.transaction_id.clone(), expense.recorded_by.to_string()))
}

fn self_approval(sim: &mut Sim) -> Option<(&'static str, Command)> {
    let (transaction_id, recorder) = needing_approval(sim)?;
    let recorder = FINANCE.into_iter().find(|m| *m == recorder)?;
    Some((recorder, Command::Ledger(ledger::Command::ApproveExpense { transaction_id })))
}

fn pay_unapproved(sim: &mut Sim) -> Option<(&'static str, Command)> {
    let (transaction_id, _) = needing_approval(sim)?;
    let pay = ledger::Command::PayExpense { transaction_id, paid_on_day: sim.today() };
    Some((FINANCE[0], Command::Ledger(pay)))
}

fn reverse_a_reversal(sim: &mut Sim) -> Option<(&'static str, Command)> {
    let reversal = sim.state.ledger.transactions.values().find(|t| t.reverses.is_some())?;
    let reverse = ledger::Command::ReverseTransaction {
        reversal_id: TransactionId::new(format!("undo-{}", reversal.transaction_id)),
        transaction_id: reversal.transaction_id.clone(),
        on_day: sim.today(),
        reason: "undo the undo".to_owned(),
    };
    Some((FINANCE[1], Command::Ledger(reverse)))
}

fn check_out_a_stranger(sim: &mut Sim) -> Option<(&'static str, Command)> {
    let shift = sim.state.people.shifts.values().next_back()?;
    let stranger = WORKERS.into_iter().find(|w| !shift.attendance.contains_key(*w))?;
    let out = people::Command::CheckOutOfShift {
        shift_id: shift.shift_id.clone(),
        member_id: stranger.into(),
    };
    Some((stranger, Command::People(out)))
}

fn sign_up_someone_else(sim: &mut Sim) -> Option<(&'static str, Command)> {
    let shift_id: ShiftId = sim.state.people.shifts.keys().next_back()?.clone();
    let sign_up = people::Command::SignUpForShift { shift_id, member_id: "ana".into() };
    Some(("gus", Command::People(sign_up)))
}
