//! Grants: applied for, then awarded or declined, then received (in one payment or several).
//! Receiving is a transaction too: the money goes into a channel and grant income, so the
//! grant and the books cannot disagree.

use serde::{Deserialize, Serialize};

use super::account::AccountClass;
use super::books::Ledger;
use super::event::Event;
use super::id::{AccountId, GrantId, TransactionId};
use super::money;
use super::transaction::{Posting, new_transaction_id, past_day};
use crate::kernel::id::check_new_id;
use crate::kernel::{MemberId, Rejection, field};
use crate::limits::GroupLimits;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum GrantStage {
    Applied,
    Awarded { awarded_cents: i64, awarded_on_day: i64 },
    Declined { on_day: i64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub grant_id: GrantId,
    pub funder: String,
    pub purpose: String,
    pub requested_cents: i64,
    pub applied_on_day: i64,
    pub stage: GrantStage,
    pub received_cents: i64,
    /// The transactions that brought its money in.
    pub receipts: Vec<TransactionId>,
}

impl Grant {
    /// Whether everything awarded has come in.
    pub fn is_fully_received(&self) -> bool {
        matches!(self.stage, GrantStage::Awarded { awarded_cents, .. } if self.received_cents >= awarded_cents)
    }
}

/// An `ApplyForGrant` command's fields.
pub(crate) struct Application<'a> {
    pub grant_id: &'a GrantId,
    pub funder: &'a str,
    pub purpose: &'a str,
    pub requested_cents: i64,
    pub applied_on_day: i64,
}

pub(crate) fn apply(
    ledger: &Ledger,
    today: i64,
    application: Application<'_>,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("grant_id", application.grant_id.as_str())?;
    if ledger.grant(application.grant_id.as_str()).is_some() {
        return Err(Rejection::exists("grant", application.grant_id.as_str()));
    }
    field::name("funder", application.funder)?;
    field::name("purpose", application.purpose)?;
    money::positive("requested_cents", application.requested_cents)?;
    past_day("applied_on_day", application.applied_on_day, 0, today)?;
    Ok(vec![Event::GrantApplied {
        grant_id: application.grant_id.clone(),
        funder: application.funder.trim().to_owned(),
        purpose: application.purpose.trim().to_owned(),
        requested_cents: application.requested_cents,
        applied_on_day: application.applied_on_day,
    }])
}

pub(crate) fn award(
    ledger: &Ledger,
    today: i64,
    grant_id: &GrantId,
    awarded_cents: i64,
    awarded_on_day: i64,
) -> Result<Vec<Event>, Rejection> {
    let grant = applied(ledger, grant_id)?;
    money::positive("awarded_cents", awarded_cents)?;
    past_day("awarded_on_day", awarded_on_day, grant.applied_on_day, today)?;
    Ok(vec![Event::GrantAwarded { grant_id: grant_id.clone(), awarded_cents, awarded_on_day }])
}

pub(crate) fn decline(
    ledger: &Ledger,
    today: i64,
    grant_id: &GrantId,
    on_day: i64,
    note: &str,
) -> Result<Vec<Event>, Rejection> {
    let grant = applied(ledger, grant_id)?;
    past_day("on_day", on_day, grant.applied_on_day, today)?;
    field::note("note", note)?;
    Ok(vec![Event::GrantDeclined { grant_id: grant_id.clone(), on_day, note: note.to_owned() }])
}

/// A `ReceiveGrant` command's fields.
pub(crate) struct Receipt<'a> {
    pub grant_id: &'a GrantId,
    pub transaction_id: &'a TransactionId,
    pub amount_cents: i64,
    pub received_on_day: i64,
    pub into_account_id: &'a AccountId,
    pub income_account_id: &'a AccountId,
}

pub(crate) fn receive(
    ledger: &Ledger,
    limits: &GroupLimits,
    today: i64,
    recorded_by: &MemberId,
    receipt: Receipt<'_>,
) -> Result<Vec<Event>, Rejection> {
    let grant = ledger.known_grant(receipt.grant_id)?;
    let GrantStage::Awarded { awarded_cents, awarded_on_day } = grant.stage else {
        return Err(Rejection::wrong_stage("only an awarded grant is received"));
    };
    money::positive("amount_cents", receipt.amount_cents)?;
    let total = money::add("amount_cents", grant.received_cents, receipt.amount_cents)?;
    if total > awarded_cents {
        let reason = format!("{} of {awarded_cents} cents already received", grant.received_cents);
        return Err(Rejection::invalid("amount_cents", reason));
    }
    past_day("received_on_day", receipt.received_on_day, awarded_on_day, today)?;
    new_transaction_id(ledger, "transaction_id", receipt.transaction_id)?;
    let into = ledger.open_account(receipt.into_account_id)?;
    if !into.kind.is_channel() {
        return Err(Rejection::invalid("into_account_id", "must be cash, a bank or a payment app"));
    }
    let income = ledger.open_account(receipt.income_account_id)?;
    if income.kind.class() != AccountClass::Income {
        return Err(Rejection::invalid("income_account_id", "must be an income account"));
    }
    let postings = vec![
        Posting { account_id: receipt.into_account_id.clone(), amount_cents: receipt.amount_cents },
        Posting {
            account_id: receipt.income_account_id.clone(),
            amount_cents: -receipt.amount_cents,
        },
    ];
    ledger.check_effect(&postings)?;
    let recorded = Event::TransactionRecorded {
        transaction_id: receipt.transaction_id.clone(),
        on_day: receipt.received_on_day,
        description: format!("Grant from {}: {}", grant.funder, grant.purpose),
        currency: limits.currency,
        postings,
        recorded_by: recorded_by.clone(),
        receipt: None,
        paid_for: None,
        donor: None,
        expense_cents: 0,
        needs_approval: false,
        awaits_payment: false,
    };
    let received = Event::GrantReceived {
        grant_id: receipt.grant_id.clone(),
        transaction_id: receipt.transaction_id.clone(),
        amount_cents: receipt.amount_cents,
        received_on_day: receipt.received_on_day,
    };
    Ok(vec![recorded, received])
}

fn applied<'a>(ledger: &'a Ledger, grant_id: &GrantId) -> Result<&'a Grant, Rejection> {
    let grant = ledger.known_grant(grant_id)?;
    if grant.stage != GrantStage::Applied {
        return Err(Rejection::wrong_stage("the funder has already answered"));
    }
    Ok(grant)
}
