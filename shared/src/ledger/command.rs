//! What finance (and, for approvals, coordinators) ask of the ledger.

use serde::{Deserialize, Serialize};

use super::account::AccountKind;
use super::id::{AccountId, DonationId, GrantId, TransactionId};
use super::money::Currency;
use super::transaction::{Donor, PaidFor, Posting};
use crate::kernel::Sealing;
use crate::kernel::id::PartnerId;

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    // --- The chart of accounts. Stream `accounts`. ---
    OpenAccount {
        account_id: AccountId,
        name: String,
        kind: AccountKind,
    },
    /// Closes an account at a zero balance; it takes no more postings.
    CloseAccount {
        account_id: AccountId,
        reason: String,
    },

    // --- Transactions. Stream `transaction-<transaction_id>`. ---
    /// Records a balanced transaction dated `on_day`. One that debits an expense account
    /// waits for payment; anything else takes effect at once.
    RecordTransaction {
        transaction_id: TransactionId,
        on_day: i64,
        description: String,
        currency: Currency,
        postings: Vec<Posting>,
        receipt: Option<String>,
        paid_for: Option<PaidFor>,
        donor: Option<Donor>,
    },
    /// A second member's approval of an expense above the group's threshold.
    ApproveExpense {
        transaction_id: TransactionId,
    },
    /// The expense will not be paid.
    DeclineExpense {
        transaction_id: TransactionId,
        reason: String,
    },
    /// The expense was paid on `paid_on_day`: its postings take effect that day.
    PayExpense {
        transaction_id: TransactionId,
        paid_on_day: i64,
    },
    /// A correction: a new transaction `reversal_id` with every posting of
    /// `transaction_id` negated, dated `on_day`. Appended to the original's stream.
    ReverseTransaction {
        reversal_id: TransactionId,
        transaction_id: TransactionId,
        on_day: i64,
        reason: String,
    },

    // --- Donated goods, valued. Stream `donation-<donation_id>`. ---
    RecordGoodsDonation {
        donation_id: DonationId,
        on_day: i64,
        description: String,
        estimated_value_cents: i64,
        partner_id: Option<PartnerId>,
        donor: Option<Donor>,
    },
    ReverseGoodsDonation {
        donation_id: DonationId,
        on_day: i64,
        reason: String,
    },

    // --- Grants. Stream `grant-<grant_id>`. ---
    ApplyForGrant {
        grant_id: GrantId,
        funder: String,
        purpose: String,
        requested_cents: i64,
        applied_on_day: i64,
    },
    RecordGrantAward {
        grant_id: GrantId,
        awarded_cents: i64,
        awarded_on_day: i64,
    },
    RecordGrantDecline {
        grant_id: GrantId,
        on_day: i64,
        note: String,
    },
    /// Money of an awarded grant came in: records the transaction (into a channel, out of
    /// grant income) and the receipt against the grant.
    ReceiveGrant {
        grant_id: GrantId,
        transaction_id: TransactionId,
        amount_cents: i64,
        received_on_day: i64,
        into_account_id: AccountId,
        income_account_id: AccountId,
    },

    // --- Donors. Stream `donor-<donor_of>`. ---
    /// Forgets a donor's sealed identity for good (their key is destroyed), on their
    /// request: `donor_of` is the transaction or goods donation that recorded it. Amounts,
    /// dates and the public name, if any, stay.
    EraseDonor {
        donor_of: String,
        reason: String,
    },
}
fn command_type;
kind CommandKind;
}

impl Command {
    /// The stream the command's events are appended to.
    pub fn stream(&self) -> String {
        match self {
            Command::OpenAccount { .. } | Command::CloseAccount { .. } => "accounts".to_owned(),
            Command::RecordTransaction { transaction_id, .. }
            | Command::ApproveExpense { transaction_id }
            | Command::DeclineExpense { transaction_id, .. }
            | Command::PayExpense { transaction_id, .. }
            | Command::ReverseTransaction { transaction_id, .. } => {
                format!("transaction-{transaction_id}")
            }
            Command::RecordGoodsDonation { donation_id, .. }
            | Command::ReverseGoodsDonation { donation_id, .. } => {
                format!("donation-{donation_id}")
            }
            Command::ApplyForGrant { grant_id, .. }
            | Command::RecordGrantAward { grant_id, .. }
            | Command::RecordGrantDecline { grant_id, .. }
            | Command::ReceiveGrant { grant_id, .. } => format!("grant-{grant_id}"),
            Command::EraseDonor { donor_of, .. } => format!("donor-{donor_of}"),
        }
    }
}

impl CommandKind {
    /// Where a command of this kind carries personal data, and whose key seals it: the
    /// declaration beside the command (an exhaustive match, so a new command declares it or
    /// `None`). A donor's identity, sealed under its transaction's or donation's key.
    pub const fn sealing(self) -> Option<Sealing> {
        match self {
            CommandKind::RecordTransaction => Some(Sealing {
                path: &["donor", "personal_data"],
                owner_field: "transaction_id",
                key_prefix: "donor:",
            }),
            CommandKind::RecordGoodsDonation => Some(Sealing {
                path: &["donor", "personal_data"],
                owner_field: "donation_id",
                key_prefix: "donor:",
            }),
            CommandKind::OpenAccount
            | CommandKind::CloseAccount
            | CommandKind::ApproveExpense
            | CommandKind::DeclineExpense
            | CommandKind::PayExpense
            | CommandKind::ReverseTransaction
            | CommandKind::ReverseGoodsDonation
            | CommandKind::ApplyForGrant
            | CommandKind::RecordGrantAward
            | CommandKind::RecordGrantDecline
            | CommandKind::ReceiveGrant
            | CommandKind::EraseDonor => None,
        }
    }
}
