//! The monthly statement: opening balance, income and expenses by category, closing
//! balance, goods beside cash; every line traced to log positions. And yearly totals per
//! payment channel.

use super::*;

/// Sends each command in turn, as `actor`, and returns every event from the chart on.
fn run(commands: Vec<(&str, Command)>) -> Vec<Event> {
    let mut events = chart();
    for (actor, command) in commands {
        let decided =
            decided(&events, actor, &command).unwrap_or_else(|r| panic!("{command:?}: {r}"));
        events.extend(decided);
    }
    events
}

fn pay(id: &str, paid_on_day: i64) -> Command {
    Command::PayExpense { transaction_id: tx(id), paid_on_day }
}

/// December 2024: 1,000.00 brought into the bank, a 10.00 food purchase recorded on the
/// 30th and paid on 2 January. January 2025: a 25.00 cash donation, a 40.00 food purchase
/// paid on the 12th, 20.00 moved from cash to the bank, a 1.50 fee, 60.00 of donated rice.
fn two_months() -> Vec<Event> {
    run(vec![
        (
            "dee",
            record(
                "t0",
                day(2024, 12, 31),
                vec![posting("bank", 100_000), posting("opening-balances", -100_000)],
            ),
        ),
        (
            "dee",
            record("t5", day(2024, 12, 30), vec![posting("food", 1_000), posting("bank", -1_000)]),
        ),
        ("dee", pay("t5", day(2025, 1, 2))),
        (
            "dee",
            record(
                "t1",
                day(2025, 1, 5),
                vec![posting("cash", 2_500), posting("donations", -2_500)],
            ),
        ),
        (
            "dee",
            record("t2", day(2025, 1, 10), vec![posting("food", 4_000), posting("bank", -4_000)]),
        ),
        ("fay", pay("t2", day(2025, 1, 12))),
        (
            "dee",
            record("t3", day(2025, 1, 15), vec![posting("bank", 2_000), posting("cash", -2_000)]),
        ),
        ("dee", record("t4", day(2025, 1, 18), vec![posting("fees", 150), posting("bank", -150)])),
        ("dee", pay("t4", day(2025, 1, 18))),
        (
            "dee",
            Command::RecordGoodsDonation {
                donation_id: DonationId::from("rice"),
                on_day: day(2025, 1, 19),
                description: "40 kg of rice".to_owned(),
                estimated_value_cents: 6_000,
                partner_id: None,
                donor: None,
            },
        ),
    ])
}

/// The log position of the event recording or paying `id`.
fn position_of(events: &[Event], wanted: impl Fn(&Event) -> bool) -> u64 {
    events.iter().position(wanted).expect("the event is in the log") as u64 + 1
}

#[test]
fn the_monthly_statement_shows_opening_income_expenses_and_closing() {
    let events = two_months();
    let january = MonthlyStatement::for_month(&ledger_after(&events), 2025, 1).unwrap();
    assert_eq!((january.first_day, january.last_day), (day(2025, 1, 1), day(2025, 1, 31)));
    assert_eq!(january.currency, Some(Currency::USD));
    assert_eq!(january.opening.cents, 100_000);
    let income: Vec<(AccountKind, i64)> =
        january.income.iter().map(|c| (c.kind, c.line.cents)).collect();
    assert_eq!(income, [(AccountKind::Donations, 2_500)]);
    let expenses: Vec<(AccountKind, i64)> =
        january.expenses.iter().map(|c| (c.kind, c.line.cents)).collect();
    assert_eq!(expenses, [(AccountKind::FoodPurchases, 5_000), (AccountKind::Fees, 150)]);
    assert_eq!(january.other.cents, 0);
    assert_eq!(january.closing.cents, 100_000 + 2_500 - 5_150);
    assert_eq!(january.goods_donated.cents, 6_000);
    let december = MonthlyStatement::for_month(&ledger_after(&events), 2024, 12).unwrap();
    assert_eq!(
        (december.opening.cents, december.other.cents, december.closing.cents),
        (0, 100_000, 100_000)
    );
    assert!(december.expenses.is_empty(), "the food bought on the 30th was paid in January");
}

#[test]
fn each_account_closes_at_its_opening_plus_increases_less_decreases() {
    let january = MonthlyStatement::for_month(&ledger_after(&two_months()), 2025, 1).unwrap();
    let line = |id: &str| january.accounts.iter().find(|a| a.account_id.as_str() == id).unwrap();
    let cash = line("cash");
    assert_eq!(
        (cash.opening.cents, cash.increases.cents, cash.decreases.cents, cash.closing.cents),
        (0, 2_500, 2_000, 500)
    );
    let bank = line("bank");
    assert_eq!(
        (bank.opening.cents, bank.increases.cents, bank.decreases.cents),
        (100_000, 2_000, 5_150)
    );
    assert_eq!(bank.closing.cents, 96_850);
    assert_eq!(cash.closing.cents + bank.closing.cents, january.closing.cents);
}

#[test]
fn every_line_is_traced_to_the_events_behind_it() {
    let events = two_months();
    let january = MonthlyStatement::for_month(&ledger_after(&events), 2025, 1).unwrap();
    let recorded = |id: &str| {
        position_of(
            &events,
            |e| matches!(e, Event::TransactionRecorded { transaction_id, .. } if transaction_id.as_str() == id),
        )
    };
    let paid = |id: &str| {
        position_of(
            &events,
            |e| matches!(e, Event::ExpensePaid { transaction_id, .. } if transaction_id.as_str() == id),
        )
    };
    let food = &january.expenses[0].line;
    assert_eq!(food.positions, vec![recorded("t5"), paid("t5"), recorded("t2"), paid("t2")]);
    assert_eq!(january.opening.positions, vec![recorded("t0")]);
    assert_eq!(january.income[0].line.positions, vec![recorded("t1")]);
    assert_eq!(january.goods_donated.positions, vec![events.len() as u64]);
    for position in &january.closing.positions {
        assert!(*position as usize <= events.len());
    }
}

#[test]
fn a_month_that_does_not_exist_has_no_statement() {
    assert_eq!(MonthlyStatement::for_month(&Ledger::new(), 2025, 13), None);
    assert_eq!(MonthlyStatement::for_month(&Ledger::new(), 2025, 0), None);
}

#[test]
fn yearly_totals_per_payment_channel_keep_transfers_apart() {
    let totals = YearlyChannelTotals::for_year(&ledger_after(&two_months()), 2025);
    let channel = |id: &str| totals.channels.iter().find(|c| c.account_id.as_str() == id).unwrap();
    let cash = channel("cash");
    assert_eq!(
        (cash.received.cents, cash.paid_out.cents, cash.transferred_out.cents),
        (2_500, 0, 2_000)
    );
    let bank = channel("bank");
    assert_eq!(
        (bank.received.cents, bank.paid_out.cents, bank.transferred_in.cents),
        (0, 5_150, 2_000)
    );
    assert_eq!(totals.channels.len(), 2, "only channels that moved money");
}
