//! Above the group's threshold (100.00 by default), an expense needs a second member with
//! the finance or coordinator role to approve it before it is paid; never its recorder.

use super::*;

fn approve(id: &str) -> Command {
    Command::ApproveExpense { transaction_id: tx(id) }
}

fn pay(id: &str, paid_on_day: i64) -> Command {
    Command::PayExpense { transaction_id: tx(id), paid_on_day }
}

fn approved(id: &str, by: &str) -> Event {
    Event::ExpenseApproved { transaction_id: tx(id), approved_by: MemberId::from(by) }
}

/// A 250.00 food purchase recorded by Dee: above the threshold.
fn big_purchase() -> Vec<Event> {
    with_chart(vec![food_bought("t1", TODAY - 1, 25_000)])
}

#[test]
fn an_expense_above_the_threshold_needs_approval() {
    let Event::TransactionRecorded { needs_approval, .. } = food_bought("t1", TODAY, 10_001) else {
        unreachable!("food_bought records a transaction");
    };
    assert!(needs_approval);
    let Event::TransactionRecorded { needs_approval, .. } = food_bought("t1", TODAY, 10_000) else {
        unreachable!("food_bought records a transaction");
    };
    assert!(!needs_approval, "at the threshold is not above it");
}

#[test]
fn an_over_threshold_expense_cannot_be_paid_unapproved() {
    let then = Rejection::WrongStage {
        message: "above the group's threshold: a second member approves it before it is paid"
            .to_owned(),
    };
    check(&big_purchase(), "dee", pay("t1", TODAY), Err(then));
}

#[test]
fn self_approval_is_rejected() {
    let then = Rejection::NotPermitted {
        message: "dee recorded this expense: a second member approves it".to_owned(),
    };
    check(&big_purchase(), "dee", approve("t1"), Err(then));
}

#[test]
fn a_second_finance_member_or_a_coordinator_approves_and_nobody_else() {
    check(&big_purchase(), "fay", approve("t1"), Ok(vec![approved("t1", "fay")]));
    check(&big_purchase(), "ana", approve("t1"), Ok(vec![approved("t1", "ana")]));
    assert_eq!(rejected(&big_purchase(), "bo", approve("t1")), "not_permitted");
    let mut given = big_purchase();
    given.push(approved("t1", "fay"));
    assert_eq!(rejected(&given, "ana", approve("t1")), "wrong_stage", "approved once");
}

#[test]
fn an_approved_expense_is_paid_and_takes_effect_on_the_day_it_was_paid() {
    let mut given = big_purchase();
    given.push(approved("t1", "ana"));
    let paid = Event::ExpensePaid {
        transaction_id: tx("t1"),
        paid_on_day: TODAY,
        paid_by: MemberId::from("dee"),
    };
    check(&given, "dee", pay("t1", TODAY), Ok(vec![paid.clone()]));
    assert_eq!(
        rejected(&given, "dee", pay("t1", TODAY - 2)),
        "invalid_field",
        "before it was recorded"
    );
    given.push(paid);
    let ledger = ledger_after(&given);
    assert_eq!(ledger.account("bank").unwrap().balance_cents, -25_000);
    assert_eq!(ledger.account("food").unwrap().balance_cents, 25_000);
    assert_eq!(ledger.transaction("t1").unwrap().effective_day(), Some(TODAY));
    assert_eq!(ledger.entries.len(), 2);
    assert!(ledger.entries.iter().all(|e| e.on_day == TODAY && e.position == given.len() as u64));
    assert_eq!(rejected(&given, "dee", pay("t1", TODAY)), "wrong_stage", "paid once");
}

#[test]
fn an_expense_under_the_threshold_is_paid_without_approval() {
    let given = with_chart(vec![food_bought("t1", TODAY, 3_000)]);
    assert!(decided(&given, "dee", &pay("t1", TODAY)).is_ok());
}

#[test]
fn a_declined_expense_is_never_paid() {
    let decline = Command::DeclineExpense { transaction_id: tx("t1"), reason: "not ours".into() };
    let declined = decided(&big_purchase(), "ana", &decline).unwrap();
    let mut given = big_purchase();
    given.extend(declined);
    assert_eq!(rejected(&given, "dee", pay("t1", TODAY)), "wrong_stage");
    let ledger = ledger_after(&given);
    assert!(ledger.entries.is_empty() && ledger.awaiting_payment().is_empty());
}
