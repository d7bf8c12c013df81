//! Double-entry transactions. Every transaction's postings balance to zero in integer cents
//! of the group's currency; it carries a day, a description, who recorded it, an optional
//! receipt reference and an optional link to what it paid for. An expense waits for payment
//! (and, above the group's threshold, for a second member's approval) before it takes
//! effect. Corrections are reversals that name what they reverse and why: nothing is edited.

use serde::{Deserialize, Serialize};

use super::account::AccountClass;
use super::books::Ledger;
use super::event::Event;
use super::id::{AccountId, TransactionId};
use super::money::{self, Currency};
use crate::kernel::id::check_new_id;
use crate::kernel::{MemberId, Rejection, SealedPersonalData, field, id::AlertId, id::RequestId};
use crate::limits::GroupLimits;

/// The most postings one transaction may have.
pub const MAX_POSTINGS: usize = 24;

/// One line of a transaction. Debit-positive: money into cash, bank or an app is positive,
/// an expense is positive; income is negative, and so is money leaving cash or the bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub account_id: AccountId,
    pub amount_cents: i64,
}

/// What an expense paid for, on the distribution-day side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaidFor {
    ProcurementAlert { alert_id: AlertId },
    Request { request_id: RequestId },
}

/// Who gave. Only a donor who chose to be public is named in the clear; anything else
/// about them is sealed personal data, which the ledger does not keep and screens never get.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Donor {
    pub public_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_data: Option<SealedPersonalData>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TransactionStatus {
    /// In the books from its day: income, transfers, opening balances, reversals.
    Posted,
    /// An expense not yet paid: in no balance.
    AwaitingPayment,
    /// In the books from the day it was paid.
    Paid { paid_on_day: i64, paid_by: MemberId },
    /// Never paid, never in the books.
    Declined { declined_by: MemberId, reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub transaction_id: TransactionId,
    pub on_day: i64,
    pub description: String,
    pub currency: Currency,
    pub postings: Vec<Posting>,
    pub recorded_by: MemberId,
    pub receipt: Option<String>,
    pub paid_for: Option<PaidFor>,
    pub donor_public_name: Option<String>,
    /// Debits to expense accounts: what the approval threshold is compared with.
    pub expense_cents: i64,
    pub needs_approval: bool,
    pub approved_by: Option<MemberId>,
    pub status: TransactionStatus,
    /// For a reversal: the transaction it reverses, and why.
    pub reverses: Option<TransactionId>,
    pub reason: Option<String>,
    pub reversed_by: Option<TransactionId>,
    /// The position of the event that recorded it.
    pub recorded_position: u64,
}

impl Transaction {
    /// The day its postings took effect, if they have.
    pub fn effective_day(&self) -> Option<i64> {
        match self.status {
            TransactionStatus::Posted => Some(self.on_day),
            TransactionStatus::Paid { paid_on_day, .. } => Some(paid_on_day),
            TransactionStatus::AwaitingPayment | TransactionStatus::Declined { .. } => None,
        }
    }

    pub fn awaits_payment(&self) -> bool {
        self.status == TransactionStatus::AwaitingPayment
    }
}

/// A `RecordTransaction` command's fields.
pub(crate) struct NewTransaction<'a> {
    pub transaction_id: &'a TransactionId,
    pub on_day: i64,
    pub description: &'a str,
    pub currency: Currency,
    pub postings: &'a [Posting],
    pub receipt: Option<&'a String>,
    pub paid_for: Option<&'a PaidFor>,
    pub donor: Option<&'a Donor>,
}

pub(crate) fn record(
    ledger: &Ledger,
    limits: &GroupLimits,
    today: i64,
    recorded_by: &MemberId,
    new: NewTransaction<'_>,
) -> Result<Vec<Event>, Rejection> {
    new_transaction_id(ledger, "transaction_id", new.transaction_id)?;
    past_day("on_day", new.on_day, 0, today)?;
    field::name("description", new.description)?;
    if new.currency != limits.currency {
        let reason = format!("the group keeps its books in {}", limits.currency);
        return Err(Rejection::invalid("currency", reason));
    }
    let expense_cents = check_postings(ledger, new.postings)?;
    if let Some(receipt) = new.receipt {
        field::name("receipt", receipt)?;
    }
    if let Some(donor) = new.donor {
        check_donor(donor)?;
    }
    let awaits_payment = expense_cents > 0;
    if !awaits_payment {
        ledger.check_effect(new.postings)?;
    }
    Ok(vec![Event::TransactionRecorded {
        transaction_id: new.transaction_id.clone(),
        on_day: new.on_day,
        description: new.description.trim().to_owned(),
        currency: new.currency,
        postings: new.postings.to_vec(),
        recorded_by: recorded_by.clone(),
        receipt: new.receipt.cloned(),
        paid_for: new.paid_for.cloned(),
        donor: new.donor.cloned(),
        expense_cents,
        needs_approval: awaits_payment && limits.needs_approval(expense_cents),
        awaits_payment,
    }])
}

/// A `ReverseTransaction` command's fields.
pub(crate) struct Reversal<'a> {
    pub reversal_id: &'a TransactionId,
    pub transaction_id: &'a TransactionId,
    pub on_day: i64,
    pub reason: &'a str,
}

pub(crate) fn reverse(
    ledger: &Ledger,
    today: i64,
    recorded_by: &MemberId,
    reversal: Reversal<'_>,
) -> Result<Vec<Event>, Rejection> {
    new_transaction_id(ledger, "reversal_id", reversal.reversal_id)?;
    let original = ledger.known_transaction(reversal.transaction_id)?;
    if original.reverses.is_some() {
        let message = "a reversal cannot itself be reversed: record the original again";
        return Err(Rejection::wrong_stage(message));
    }
    if let Some(by) = &original.reversed_by {
        return Err(Rejection::wrong_stage(format!("already reversed by `{by}`")));
    }
    let Some(effective_day) = original.effective_day() else {
        let message = "it never took effect: an unpaid expense is declined, not reversed";
        return Err(Rejection::wrong_stage(message));
    };
    past_day("on_day", reversal.on_day, effective_day, today)?;
    field::reason("reason", reversal.reason)?;
    let postings: Vec<Posting> = original
        .postings
        .iter()
        .map(|p| Posting { account_id: p.account_id.clone(), amount_cents: -p.amount_cents })
        .collect();
    for posting in &postings {
        ledger.open_account(&posting.account_id)?;
    }
    ledger.check_effect(&postings)?;
    Ok(vec![Event::TransactionReversed {
        reversal_id: reversal.reversal_id.clone(),
        transaction_id: reversal.transaction_id.clone(),
        on_day: reversal.on_day,
        currency: original.currency,
        postings,
        reason: reversal.reason.to_owned(),
        recorded_by: recorded_by.clone(),
    }])
}

/// Checks the postings balance, and returns the debits to expense accounts.
pub(crate) fn check_postings(ledger: &Ledger, postings: &[Posting]) -> Result<i64, Rejection> {
    if postings.len() < 2 || postings.len() > MAX_POSTINGS {
        let reason = format!("a transaction has 2 to {MAX_POSTINGS} postings");
        return Err(Rejection::invalid("postings", reason));
    }
    let (mut sum, mut expense_cents) = (0i64, 0i64);
    for (i, posting) in postings.iter().enumerate() {
        let account = ledger.open_account(&posting.account_id)?;
        if postings[..i].iter().any(|p| p.account_id == posting.account_id) {
            let reason = format!("`{}` appears twice: combine its lines", posting.account_id);
            return Err(Rejection::invalid("postings", reason));
        }
        money::amount("postings.amount_cents", posting.amount_cents)?;
        sum = money::add("postings", sum, posting.amount_cents)?;
        if account.kind.class() == AccountClass::Expense && posting.amount_cents > 0 {
            expense_cents = money::add("postings", expense_cents, posting.amount_cents)?;
        }
    }
    if sum != 0 {
        let reason = format!("debits and credits must balance, but they sum to {sum} cents");
        return Err(Rejection::invalid("postings", reason));
    }
    Ok(expense_cents)
}

pub(crate) fn check_donor(donor: &Donor) -> Result<(), Rejection> {
    if donor.public_name.is_none() && donor.personal_data.is_none() {
        return Err(Rejection::invalid("donor", "name the donor publicly, or seal who they are"));
    }
    if let Some(name) = &donor.public_name {
        field::name("donor.public_name", name)?;
    }
    match &donor.personal_data {
        Some(sealed) if sealed.ciphertext().len() > SealedPersonalData::MAX_BYTES => {
            let reason = format!("must be at most {} bytes", SealedPersonalData::MAX_BYTES);
            Err(Rejection::invalid("donor.personal_data", reason))
        }
        _ => Ok(()),
    }
}

/// A day in `earliest..=today`: money is recorded after it moves, never ahead.
pub(crate) fn past_day(
    field_name: &str,
    day: i64,
    earliest: i64,
    today: i64,
) -> Result<(), Rejection> {
    field::day(field_name, day)?;
    if day > today {
        return Err(Rejection::invalid(field_name, "must not be in the future"));
    }
    if day < earliest {
        return Err(Rejection::invalid(field_name, "must not be before what it follows"));
    }
    Ok(())
}

pub(crate) fn new_transaction_id(
    ledger: &Ledger,
    field_name: &str,
    id: &TransactionId,
) -> Result<(), Rejection> {
    check_new_id(field_name, id.as_str())?;
    if ledger.transaction(id.as_str()).is_some() {
        return Err(Rejection::exists("transaction", id.as_str()));
    }
    Ok(())
}
