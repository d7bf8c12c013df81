//! Properties over simulated months of the group's money (seeded, so a failure names the
//! seed to replay): every transaction balances and all postings sum to zero; every account's
//! and the group's closing balance is its opening plus income less expenses, month after
//! month, and agrees with a plain reference; the ledger built live (across a snapshot
//! restart) equals the ledger rebuilt from scratch at every step.

use crate::kernel::{At, Evolve};
use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::group::{self, sim};

/// The ledger's events of a simulated group, with their log positions. Rejected commands
/// (chaos) are part of the run; they just add nothing.
fn simulate(seed: u64, chaos_percent: u64, count: usize) -> Vec<(u64, Event)> {
    let mut sim = sim::Sim::with_chaos(seed, chaos_percent);
    let mut events = Vec::new();
    for _ in 0..count * 10 {
        if events.len() >= count {
            break;
        }
        if let Ok(recorded) = sim.step() {
            events.extend(recorded.into_iter().filter_map(|r| match r.event {
                group::Event::Ledger(event) => Some((r.position, event)),
                _ => None,
            }));
        }
    }
    events
}

fn fold(events: &[(u64, Event)]) -> Ledger {
    let mut ledger = Ledger::new();
    events.iter().for_each(|(position, event)| ledger.evolve(At::position(*position), event));
    ledger
}

/// The reference: every posting that took effect, as (account, day, debit-positive cents),
/// found by reading the events plainly.
fn effective_postings(events: &[(u64, Event)]) -> Vec<(AccountId, i64, i64)> {
    let mut recorded: BTreeMap<&TransactionId, &Vec<Posting>> = BTreeMap::new();
    let mut effective = Vec::new();
    let mut take = |postings: &Vec<Posting>, day: i64| {
        for p in postings {
            effective.push((p.account_id.clone(), day, p.amount_cents));
        }
    };
    for (_, event) in events {
        match event {
            Event::TransactionRecorded {
                transaction_id, on_day, postings, awaits_payment, ..
            } => {
                recorded.insert(transaction_id, postings);
                if !awaits_payment {
                    take(postings, *on_day);
                }
            }
            Event::ExpensePaid { transaction_id, paid_on_day, .. } => {
                take(recorded[transaction_id], *paid_on_day);
            }
            Event::TransactionReversed { on_day, postings, .. } => take(postings, *on_day),
            _ => {}
        }
    }
    effective
}

/// Each account's natural balance at the end of `last_day`, by plain addition.
fn reference_balances(
    ledger: &Ledger,
    events: &[(u64, Event)],
    last_day: i64,
) -> BTreeMap<AccountId, i64> {
    let mut balances = BTreeMap::new();
    for (account_id, day, cents) in effective_postings(events) {
        if day <= last_day {
            let sign = ledger.account(account_id.as_str()).unwrap().kind.class().sign();
            *balances.entry(account_id).or_default() += cents * sign;
        }
    }
    balances
}

fn months_between(first_day: i64, last_day: i64) -> Vec<(i64, u32)> {
    let (mut year, mut month, _) = crate::kernel::day::date_of_day(first_day);
    let mut months = Vec::new();
    while day(year, month, 1) <= last_day {
        months.push((year, month));
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    months
}

fn check_month(statement: &MonthlyStatement, reference: &BTreeMap<AccountId, i64>) {
    let mut money_held = 0;
    for account in &statement.accounts {
        let expected = account.opening.cents + account.increases.cents - account.decreases.cents;
        assert_eq!(
            account.closing.cents, expected,
            "{} in {}-{}",
            account.account_id, statement.year, statement.month
        );
        assert_eq!(Some(&account.closing.cents), reference.get(&account.account_id).or(Some(&0)));
        if account.kind.is_channel() {
            money_held += account.closing.cents;
        }
    }
    let expected = statement.opening.cents + statement.total_income_cents()
        - statement.total_expenses_cents()
        + statement.other.cents;
    assert_eq!(statement.closing.cents, expected, "{}-{}", statement.year, statement.month);
    assert_eq!(statement.closing.cents, money_held);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_transaction_balances_and_all_postings_sum_to_zero(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 20usize..1_500,
    ) {
        let events = simulate(seed, chaos_percent, len);
        for (_, event) in &events {
            if let Event::TransactionRecorded { postings, .. } | Event::TransactionReversed { postings, .. } = event {
                prop_assert_eq!(postings.iter().map(|p| p.amount_cents).sum::<i64>(), 0);
            }
        }
        let ledger = fold(&events);
        prop_assert_eq!(ledger.entries.iter().map(|e| e.amount_cents).sum::<i64>(), 0);
        let signed: i64 = ledger.accounts.values().map(|a| a.balance_cents * a.kind.class().sign()).sum();
        prop_assert_eq!(signed, 0);
    }

    #[test]
    fn closing_is_opening_plus_income_less_expenses_for_every_account_and_month(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 20usize..1_500,
    ) {
        let events = simulate(seed, chaos_percent, len);
        let ledger = fold(&events);
        let Some(first) = ledger.entries.iter().map(|e| e.on_day).min() else { return Ok(()) };
        let last = ledger.entries.iter().map(|e| e.on_day).max().unwrap_or(first);
        let mut previous: Option<MonthlyStatement> = None;
        for (year, month) in months_between(first, last) {
            let statement = MonthlyStatement::for_month(&ledger, year, month).unwrap();
            check_month(&statement, &reference_balances(&ledger, &events, statement.last_day));
            if let Some(previous) = previous {
                prop_assert_eq!(previous.closing.cents, statement.opening.cents);
            }
            previous = Some(statement);
        }
        let at_the_end = reference_balances(&ledger, &events, i64::MAX);
        for account in ledger.accounts.values() {
            prop_assert_eq!(account.balance_cents, at_the_end.get(&account.account_id).copied().unwrap_or(0));
        }
    }

    #[test]
    fn the_ledger_built_live_equals_the_ledger_rebuilt_from_scratch(
        seed in any::<u64>(),
        chaos_percent in 0u64..30,
        len in 1usize..300,
        restart_at in 0usize..300,
    ) {
        let events = simulate(seed, chaos_percent, len);
        let mut live = Ledger::new();
        for (i, (position, event)) in events.iter().enumerate() {
            if i == restart_at {
                // A client that reconnects gets a snapshot and goes on from there.
                let json = serde_json::to_string(&live).expect("the ledger serialises");
                live = serde_json::from_str(&json).expect("the ledger deserialises");
            }
            live.evolve(At::position(*position), event);
            prop_assert_eq!(&live, &fold(&events[..=i]));
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_books() {
    assert_eq!(simulate(42, 10, 800), simulate(42, 10, 800));
    assert_ne!(simulate(42, 0, 300), simulate(43, 0, 300));
}
