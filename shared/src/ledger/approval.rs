//! From a recorded expense to a paid one. Above the group's threshold, a second member with
//! the finance or coordinator role approves it first, and never the member who recorded it.
//! An expense that should not be paid is declined, with a reason; it never enters a balance.

use super::books::Ledger;
use super::event::Event;
use super::id::TransactionId;
use super::transaction::{Transaction, past_day};
use crate::kernel::Role;
use crate::kernel::{MemberId, Rejection, field};

/// The roles that may approve or decline an expense.
pub const APPROVER_ROLES: [Role; 2] = [Role::Finance, Role::Coordinator];

pub(crate) fn approve(
    ledger: &Ledger,
    approver: &MemberId,
    approver_roles: &[Role],
    transaction_id: &TransactionId,
) -> Result<Vec<Event>, Rejection> {
    let expense = awaiting_payment(ledger, transaction_id)?;
    if let Some(by) = &expense.approved_by {
        return Err(Rejection::wrong_stage(format!("already approved by {by}")));
    }
    if expense.recorded_by == *approver {
        let message = format!("{approver} recorded this expense: a second member approves it");
        return Err(Rejection::not_permitted(message));
    }
    may_approve(approver_roles)?;
    Ok(vec![Event::ExpenseApproved {
        transaction_id: transaction_id.clone(),
        approved_by: approver.clone(),
    }])
}

pub(crate) fn decline(
    ledger: &Ledger,
    member: &MemberId,
    member_roles: &[Role],
    transaction_id: &TransactionId,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    awaiting_payment(ledger, transaction_id)?;
    may_approve(member_roles)?;
    field::reason("reason", reason)?;
    Ok(vec![Event::ExpenseDeclined {
        transaction_id: transaction_id.clone(),
        declined_by: member.clone(),
        reason: reason.to_owned(),
    }])
}

pub(crate) fn pay(
    ledger: &Ledger,
    today: i64,
    payer: &MemberId,
    transaction_id: &TransactionId,
    paid_on_day: i64,
) -> Result<Vec<Event>, Rejection> {
    let expense = awaiting_payment(ledger, transaction_id)?;
    if expense.needs_approval && expense.approved_by.is_none() {
        let message = "above the group's threshold: a second member approves it before it is paid";
        return Err(Rejection::wrong_stage(message));
    }
    past_day("paid_on_day", paid_on_day, expense.on_day, today)?;
    ledger.check_effect(&expense.postings)?;
    Ok(vec![Event::ExpensePaid {
        transaction_id: transaction_id.clone(),
        paid_on_day,
        paid_by: payer.clone(),
    }])
}

fn awaiting_payment<'a>(
    ledger: &'a Ledger,
    transaction_id: &TransactionId,
) -> Result<&'a Transaction, Rejection> {
    let transaction = ledger.known_transaction(transaction_id)?;
    if !transaction.awaits_payment() {
        let message = format!("`{transaction_id}` is not an expense awaiting payment");
        return Err(Rejection::wrong_stage(message));
    }
    Ok(transaction)
}

fn may_approve(roles: &[Role]) -> Result<(), Rejection> {
    if APPROVER_ROLES.iter().any(|r| roles.contains(r)) {
        Ok(())
    } else {
        Err(Rejection::not_permitted("only finance or a coordinator approves expenses"))
    }
}
