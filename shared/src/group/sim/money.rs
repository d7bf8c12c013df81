//! What the simulated group does about money: donations in, expenses recorded, approved and
//! paid, cash banked, mistakes reversed, grants applied for and received, goods valued.

use super::setup::{COORDINATOR, FINANCE};
use super::{Command, Sim};
use crate::distribution::SealedPersonalData;
use crate::distribution::sim::Simulated;
use crate::ledger::{
    self, AccountId, Currency, DonationId, Donor, GrantId, GrantStage, Posting, TransactionId,
    TransactionStatus,
};

type Chosen = Option<(&'static str, Command)>;

const EXPENSES: [&str; 6] =
    ["food", "transport", "reimbursements", "emergency-fund", "fees", "other-expenses"];

/// One money command, or `None` when the chosen kind has nothing to do now.
pub(super) fn next(sim: &mut Sim) -> Chosen {
    match sim.rng.below(100) {
        0..25 => Some(donation(sim)),
        25..45 => expense(sim),
        45..70 => settle(sim).or_else(|| expense(sim)),
        70..77 => bank_the_cash(sim),
        77..81 => reverse(sim),
        81..93 => grant(sim),
        _ => goods(sim),
    }
}

fn ledger(command: ledger::Command) -> Command {
    Command::Ledger(command)
}

fn posting(account: &str, amount_cents: i64) -> Posting {
    Posting { account_id: AccountId::from(account), amount_cents }
}

fn donor(sim: &mut Sim) -> Option<Donor> {
    match sim.rng.below(3) {
        0 => None,
        1 => Some(Donor { public_name: Some("Corner bakery".to_owned()), personal_data: None }),
        _ => {
            let sealed = SealedPersonalData::new(format!("v1.donor-{}", sim.rng.below(1_000)));
            Some(Donor { public_name: None, personal_data: Some(sealed) })
        }
    }
}

pub(super) fn donation(sim: &mut Sim) -> (&'static str, Command) {
    let channel = sim.pick(&["cash", "cash", "payment-app", "bank"]);
    let cents = sim.rng.between(5, 200) * 100 + sim.pick(&[0, 50]);
    let record = ledger::Command::RecordTransaction {
        transaction_id: TransactionId::new(sim.fresh_id("gift")),
        on_day: sim.today(),
        description: "Donation".to_owned(),
        currency: Currency::USD,
        postings: vec![posting(channel, cents), posting("donations", -cents)],
        receipt: None,
        paid_for: None,
        donor: donor(sim),
    };
    (sim.pick(&FINANCE), ledger(record))
}

fn expense(sim: &mut Sim) -> Chosen {
    let category = sim.pick(&EXPENSES);
    let cents =
        if category == "fees" { sim.rng.between(50, 900) } else { sim.rng.between(5, 350) * 100 };
    let from = if sim.rng.chance(40) { "cash" } else { "bank" };
    let record = ledger::Command::RecordTransaction {
        transaction_id: TransactionId::new(sim.fresh_id("spend")),
        on_day: sim.today() - sim.rng.between(0, 3),
        description: format!("{category} purchase"),
        currency: Currency::USD,
        postings: vec![posting(category, cents), posting(from, -cents)],
        receipt: Some(sim.fresh_id("receipt")),
        paid_for: None,
        donor: None,
    };
    Some((sim.pick(&FINANCE), ledger(record)))
}

/// Moves the oldest expense awaiting payment along: approval by someone other than its
/// recorder when it needs one, then payment; now and then it is declined instead.
fn settle(sim: &mut Sim) -> Chosen {
    let waiting = sim.state.ledger.awaiting_payment();
    let expense = waiting.first()?;
    let transaction_id = expense.transaction_id.clone();
    let recorder = expense.recorded_by.to_string();
    let needs_approval = expense.needs_approval && expense.approved_by.is_none();
    let other = FINANCE.into_iter().chain([COORDINATOR]).find(|m| *m != recorder)?;
    if sim.rng.chance(5) {
        let decline = ledger::Command::DeclineExpense {
            transaction_id,
            reason: "not ours to pay".to_owned(),
        };
        return Some((other, ledger(decline)));
    }
    if needs_approval {
        return Some((other, ledger(ledger::Command::ApproveExpense { transaction_id })));
    }
    let payer = FINANCE.into_iter().find(|m| *m == recorder).unwrap_or(FINANCE[0]);
    let pay = ledger::Command::PayExpense { transaction_id, paid_on_day: sim.today() };
    Some((payer, ledger(pay)))
}

fn bank_the_cash(sim: &mut Sim) -> Chosen {
    let cash = sim.state.ledger.account("cash")?.balance_cents;
    if cash < 10_000 {
        return None;
    }
    let cents = cash / 200 * 100;
    let record = ledger::Command::RecordTransaction {
        transaction_id: TransactionId::new(sim.fresh_id("banked")),
        on_day: sim.today(),
        description: "Cash banked".to_owned(),
        currency: Currency::USD,
        postings: vec![posting("bank", cents), posting("cash", -cents)],
        receipt: None,
        paid_for: None,
        donor: None,
    };
    Some((sim.pick(&FINANCE), ledger(record)))
}

/// Reverses a transaction that took effect (never a reversal, never twice).
fn reverse(sim: &mut Sim) -> Chosen {
    let candidates: Vec<TransactionId> = sim
        .state
        .ledger
        .transactions
        .values()
        .filter(|t| t.reverses.is_none() && t.reversed_by.is_none())
        .filter(|t| matches!(t.status, TransactionStatus::Posted | TransactionStatus::Paid { .. }))
        .filter(|t| t.transaction_id.as_str() != "opening")
        .map(|t| t.transaction_id.clone())
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let transaction_id = candidates[sim.rng.index(candidates.len())].clone();
    let reverse = ledger::Command::ReverseTransaction {
        reversal_id: TransactionId::new(sim.fresh_id("reversal")),
        transaction_id,
        on_day: sim.today(),
        reason: "recorded in error".to_owned(),
    };
    Some((sim.pick(&FINANCE), ledger(reverse)))
}

/// Applies for a grant now and then; a funder answers after a fortnight or so; awarded money
/// comes in in one or two payments.
fn grant(sim: &mut Sim) -> Chosen {
    let today = sim.today();
    let grants: Vec<(GrantId, GrantStage, i64, i64)> = sim
        .state
        .ledger
        .grants
        .values()
        .map(|g| (g.grant_id.clone(), g.stage.clone(), g.applied_on_day, g.received_cents))
        .collect();
    for (grant_id, stage, applied_on_day, received_cents) in grants {
        match stage {
            GrantStage::Applied if today >= applied_on_day + 14 => {
                let command = if sim.rng.chance(60) {
                    let awarded_cents = sim.rng.between(10, 50) * 10_000;
                    ledger::Command::RecordGrantAward {
                        grant_id,
                        awarded_cents,
                        awarded_on_day: today,
                    }
                } else {
                    ledger::Command::RecordGrantDecline {
                        grant_id,
                        on_day: today,
                        note: "not this round".to_owned(),
                    }
                };
                return Some((FINANCE[0], ledger(command)));
            }
            GrantStage::Awarded { awarded_cents, .. } if received_cents < awarded_cents => {
                let left = awarded_cents - received_cents;
                let amount_cents =
                    if left > 100_000 && sim.rng.chance(50) { left / 2 } else { left };
                let receive = ledger::Command::ReceiveGrant {
                    grant_id,
                    transaction_id: TransactionId::new(sim.fresh_id("grant-in")),
                    amount_cents,
                    received_on_day: today,
                    into_account_id: AccountId::from("bank"),
                    income_account_id: AccountId::from("grants"),
                };
                return Some((FINANCE[0], ledger(receive)));
            }
            _ => {}
        }
    }
    let pending = sim.state.ledger.grants.values().any(|g| g.stage == GrantStage::Applied);
    if pending {
        return None;
    }
    let apply = ledger::Command::ApplyForGrant {
        grant_id: GrantId::new(sim.fresh_id("grant")),
        funder: sim.pick(&["City food fund", "Community foundation"]).to_owned(),
        purpose: "Groceries for the winter".to_owned(),
        requested_cents: sim.rng.between(20, 60) * 10_000,
        applied_on_day: today,
    };
    Some((FINANCE[1], ledger(apply)))
}

fn goods(sim: &mut Sim) -> Chosen {
    let reversible: Vec<DonationId> = sim
        .state
        .ledger
        .goods
        .values()
        .filter(|d| d.reversed.is_none())
        .map(|d| d.donation_id.clone())
        .collect();
    if !reversible.is_empty() && sim.rng.chance(10) {
        let donation_id = reversible[sim.rng.index(reversible.len())].clone();
        let reverse = ledger::Command::ReverseGoodsDonation {
            donation_id,
            on_day: sim.today(),
            reason: "the estimate was too high".to_owned(),
        };
        return Some((FINANCE[0], ledger(reverse)));
    }
    let record = ledger::Command::RecordGoodsDonation {
        donation_id: DonationId::new(sim.fresh_id("goods")),
        on_day: sim.today(),
        description: sim.pick(&["Rice and pasta", "Winter coats", "Nappies"]).to_owned(),
        estimated_value_cents: sim.rng.between(10, 300) * 100,
        partner_id: None,
        donor: donor(sim),
    };
    Some((FINANCE[1], ledger(record)))
}
