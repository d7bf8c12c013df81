//! Given/when/then specifications of the ledger rules, one test per rule, and properties
//! over simulated months. Every rule test goes through [`check`].

mod approval;
mod goods;
mod grant;
mod properties;
mod statement;
mod transaction;

use super::*;
use crate::kernel::MemberId;
use crate::kernel::day::{MS_PER_DAY, day_of_date};
use crate::kernel::{At, Evolve};

/// 2025-01-20, a Monday.
pub(crate) const TODAY: i64 = 20_108;
pub(crate) const NOW_MS: i64 = TODAY * MS_PER_DAY + 10 * 3_600_000;

/// Dee and Fay do the money; Ana coordinates; Bo volunteers; Aud audits.
pub(crate) fn roles_of(member: &str) -> &'static [Role] {
    match member {
        "dee" | "fay" => &[Role::Finance],
        "ana" => &[Role::Coordinator],
        "aud" => &[Role::Auditor],
        _ => &[Role::Volunteer],
    }
}

/// The default chart, opened.
pub(crate) fn chart() -> Vec<Event> {
    let ledger = Ledger::new();
    let limits = GroupLimits::default();
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from("dee") };
    let outside = Outside { limits: &limits, actor_roles: roles_of("dee"), today: TODAY };
    default_chart()
        .iter()
        .flat_map(|c| decide(&ledger, c, &ctx, &outside).expect("the default chart opens"))
        .collect()
}

/// The chart followed by `more`.
pub(crate) fn with_chart(more: Vec<Event>) -> Vec<Event> {
    let mut events = chart();
    events.extend(more);
    events
}

/// The ledger after these events, at positions 1, 2, 3...
pub(crate) fn ledger_after(given: &[Event]) -> Ledger {
    let mut ledger = Ledger::new();
    for (i, event) in given.iter().enumerate() {
        ledger.evolve(At::position(i as u64 + 1), event);
    }
    ledger
}

/// Given these events, when `actor` sends this command at [`NOW_MS`] with the default
/// limits, then `decide` answers this.
pub(crate) fn check(
    given: &[Event],
    actor: &str,
    when: Command,
    then: Result<Vec<Event>, Rejection>,
) {
    assert_eq!(decided(given, actor, &when), then, "when {when:?}");
}

pub(crate) fn decided(
    given: &[Event],
    actor: &str,
    when: &Command,
) -> Result<Vec<Event>, Rejection> {
    let limits = GroupLimits::default();
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(actor) };
    let outside = Outside { limits: &limits, actor_roles: roles_of(actor), today: TODAY };
    decide(&ledger_after(given), when, &ctx, &outside)
}

pub(crate) fn rejected(given: &[Event], actor: &str, when: Command) -> &'static str {
    match decided(given, actor, &when) {
        Ok(events) => panic!("{when:?} was accepted: {events:?}"),
        Err(rejection) => rejection.code(),
    }
}

pub(crate) fn tx(id: &str) -> TransactionId {
    TransactionId::from(id)
}

pub(crate) fn posting(account: &str, amount_cents: i64) -> Posting {
    Posting { account_id: AccountId::from(account), amount_cents }
}

pub(crate) fn record(id: &str, on_day: i64, postings: Vec<Posting>) -> Command {
    Command::RecordTransaction {
        transaction_id: tx(id),
        on_day,
        description: format!("transaction {id}"),
        currency: Currency::USD,
        postings,
        receipt: None,
        paid_for: None,
        donor: None,
    }
}

/// What `decide` records for [`record`], by `recorded_by`.
pub(crate) fn recorded(id: &str, on_day: i64, postings: Vec<Posting>, recorded_by: &str) -> Event {
    let given: Vec<Event> = chart();
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(recorded_by) };
    let limits = GroupLimits::default();
    let outside = Outside { limits: &limits, actor_roles: roles_of(recorded_by), today: TODAY };
    let mut events = decide(&ledger_after(&given), &record(id, on_day, postings), &ctx, &outside)
        .expect("the transaction is valid");
    events.remove(0)
}

/// A cash donation of `cents` on `on_day`.
pub(crate) fn donation(id: &str, on_day: i64, cents: i64) -> Event {
    recorded(id, on_day, vec![posting("cash", cents), posting("donations", -cents)], "dee")
}

/// A food purchase of `cents` from the bank on `on_day`, recorded by Dee, awaiting payment.
pub(crate) fn food_bought(id: &str, on_day: i64, cents: i64) -> Event {
    recorded(id, on_day, vec![posting("food", cents), posting("bank", -cents)], "dee")
}

pub(crate) fn day(year: i64, month: u32, day: u32) -> i64 {
    day_of_date(year, month, day).expect("a real date")
}
