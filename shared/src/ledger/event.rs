//! The ledger's facts, past tense. Nothing is edited or deleted: an expense is declined or
//! paid, a transaction is reversed by another that points at it, with a reason.

use serde::{Deserialize, Serialize};

use super::account::AccountKind;
use super::id::{AccountId, DonationId, GrantId, TransactionId};
use super::money::Currency;
use super::transaction::{Donor, PaidFor, Posting};
use crate::kernel::{MemberId, id::PartnerId};

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    AccountOpened {
        account_id: AccountId,
        name: String,
        kind: AccountKind,
    },
    AccountClosed {
        account_id: AccountId,
        reason: String,
    },
    /// `expense_cents` are the debits to expense accounts. When `awaits_payment`, the
    /// postings take effect only once paid; otherwise on `on_day`. `needs_approval` was
    /// decided against the threshold in force when it was recorded.
    TransactionRecorded {
        transaction_id: TransactionId,
        on_day: i64,
        description: String,
        currency: Currency,
        postings: Vec<Posting>,
        recorded_by: MemberId,
        receipt: Option<String>,
        paid_for: Option<PaidFor>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        donor: Option<Donor>,
        expense_cents: i64,
        needs_approval: bool,
        awaits_payment: bool,
    },
    ExpenseApproved {
        transaction_id: TransactionId,
        approved_by: MemberId,
    },
    ExpenseDeclined {
        transaction_id: TransactionId,
        declined_by: MemberId,
        reason: String,
    },
    ExpensePaid {
        transaction_id: TransactionId,
        paid_on_day: i64,
        paid_by: MemberId,
    },
    /// Transaction `reversal_id` undoes `transaction_id`: its `postings` are the original's,
    /// negated, and take effect on `on_day`.
    TransactionReversed {
        reversal_id: TransactionId,
        transaction_id: TransactionId,
        on_day: i64,
        currency: Currency,
        postings: Vec<Posting>,
        reason: String,
        recorded_by: MemberId,
    },
    GoodsDonationRecorded {
        donation_id: DonationId,
        on_day: i64,
        description: String,
        estimated_value_cents: i64,
        currency: Currency,
        partner_id: Option<PartnerId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        donor: Option<Donor>,
        recorded_by: MemberId,
    },
    GoodsDonationReversed {
        donation_id: DonationId,
        on_day: i64,
        estimated_value_cents: i64,
        reason: String,
    },
    GrantApplied {
        grant_id: GrantId,
        funder: String,
        purpose: String,
        requested_cents: i64,
        applied_on_day: i64,
    },
    GrantAwarded {
        grant_id: GrantId,
        awarded_cents: i64,
        awarded_on_day: i64,
    },
    GrantDeclined {
        grant_id: GrantId,
        on_day: i64,
        note: String,
    },
    /// Follows the `TransactionRecorded` that brought the money in.
    GrantReceived {
        grant_id: GrantId,
        transaction_id: TransactionId,
        amount_cents: i64,
        received_on_day: i64,
    },
    /// The donor's sealed identity recorded with `donor_of` is forgotten: its key is
    /// destroyed once this is durable.
    DonorErased {
        donor_of: String,
        reason: String,
    },
}
fn event_type;
}

impl Event {
    /// The sealed identity of a donor who gave, if the event carries one: for whoever keeps
    /// donors' data (finance's own route), never for screens.
    pub fn donor_personal_data(&self) -> Option<&crate::kernel::SealedPersonalData> {
        match self {
            Event::TransactionRecorded { donor, .. }
            | Event::GoodsDonationRecorded { donor, .. } => donor.as_ref()?.personal_data.as_ref(),
            _ => None,
        }
    }

    /// Removes donors' sealed identities. A donor who chose to be public keeps their name.
    pub fn strip_personal_data(&mut self) {
        if let Event::TransactionRecorded { donor: Some(donor), .. }
        | Event::GoodsDonationRecorded { donor: Some(donor), .. } = self
        {
            donor.personal_data = None;
        }
    }
}
