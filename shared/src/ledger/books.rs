//! The books: the chart with balances, every transaction with its status, grants, valued
//! goods, and every posting that took effect with the position of the event behind it. It is
//! what `decide` reasons about and what the ledger screen and statements are computed from.
//! It holds no donor's personal data, only the names of donors who chose to be public.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::account::{Account, AccountClass};
use super::event::Event;
use super::goods::{GoodsDonation, GoodsReversal};
use super::grant::{Grant, GrantStage};
use super::id::{AccountId, DonationId, GrantId, TransactionId};
use super::money::Currency;
use super::transaction::{Posting, Transaction, TransactionStatus};
use crate::kernel::{At, Evolve, Rejection};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub accounts: BTreeMap<AccountId, Account>,
    /// Transactions and reversals, by id.
    pub transactions: BTreeMap<TransactionId, Transaction>,
    pub grants: BTreeMap<GrantId, Grant>,
    pub goods: BTreeMap<DonationId, GoodsDonation>,
    /// Postings that took effect, in log order.
    pub entries: Vec<Entry>,
    /// The currency of the first transaction: the books' currency from then on.
    pub currency: Option<Currency>,
    /// Transactions and goods donations whose donor's identity was recorded sealed, and
    /// those of them whose donor has been forgotten since (`EraseDonor`).
    #[serde(default)]
    pub sealed_donors: BTreeSet<String>,
    #[serde(default)]
    pub erased_donors: BTreeSet<String>,
}

/// One posting that took effect, with what statements need to trace it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub account_id: AccountId,
    pub transaction_id: TransactionId,
    /// The day it took effect: the transaction's day, or the day an expense was paid.
    pub on_day: i64,
    /// Debit-positive, like the posting.
    pub amount_cents: i64,
    /// The event that recorded the transaction, and the one that made it take effect
    /// (the same one, except for a paid expense).
    pub recorded_position: u64,
    pub position: u64,
    /// Money moved between the group's own channels, not in or out of the group.
    pub transfer: bool,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    pub fn account(&self, account_id: &str) -> Option<&Account> {
        self.accounts.get(account_id)
    }

    pub fn transaction(&self, transaction_id: &str) -> Option<&Transaction> {
        self.transactions.get(transaction_id)
    }

    pub fn grant(&self, grant_id: &str) -> Option<&Grant> {
        self.grants.get(grant_id)
    }

    pub fn goods_donation(&self, donation_id: &str) -> Option<&GoodsDonation> {
        self.goods.get(donation_id)
    }

    /// Whether any transaction was ever recorded.
    pub fn has_transactions(&self) -> bool {
        !self.transactions.is_empty()
    }

    /// Expenses recorded and not yet paid or declined, oldest first.
    pub fn awaiting_payment(&self) -> Vec<&Transaction> {
        let mut waiting: Vec<&Transaction> =
            self.transactions.values().filter(|t| t.awaits_payment()).collect();
        waiting.sort_by_key(|t| t.recorded_position);
        waiting
    }

    pub(crate) fn open_account(&self, account_id: &AccountId) -> Result<&Account, Rejection> {
        let account = self
            .account(account_id.as_str())
            .ok_or_else(|| Rejection::unknown("account", account_id.as_str()))?;
        if account.closed {
            let message = format!("account `{account_id}` is closed");
            return Err(Rejection::wrong_stage(message));
        }
        Ok(account)
    }

    pub(crate) fn known_transaction(&self, id: &TransactionId) -> Result<&Transaction, Rejection> {
        self.transaction(id.as_str()).ok_or_else(|| Rejection::unknown("transaction", id.as_str()))
    }

    pub(crate) fn known_grant(&self, grant_id: &GrantId) -> Result<&Grant, Rejection> {
        self.grant(grant_id.as_str()).ok_or_else(|| Rejection::unknown("grant", grant_id.as_str()))
    }

    /// Checks that these postings can take effect without any balance overflowing.
    pub(crate) fn check_effect(&self, postings: &[Posting]) -> Result<(), Rejection> {
        for posting in postings {
            let account = self.open_account(&posting.account_id)?;
            let change = posting.amount_cents.saturating_mul(account.kind.class().sign());
            if account.balance_cents.checked_add(change).is_none() {
                let reason = format!("the balance of `{}` would overflow", posting.account_id);
                return Err(Rejection::invalid("postings", reason));
            }
        }
        Ok(())
    }

    fn evolve_recorded(&mut self, position: u64, event: &Event) {
        let Event::TransactionRecorded {
            transaction_id,
            on_day,
            description,
            currency,
            postings,
            recorded_by,
            receipt,
            paid_for,
            donor,
            expense_cents,
            needs_approval,
            awaits_payment,
        } = event
        else {
            return;
        };
        if self.transactions.contains_key(transaction_id) {
            return;
        }
        let status = if *awaits_payment {
            TransactionStatus::AwaitingPayment
        } else {
            TransactionStatus::Posted
        };
        let transaction = Transaction {
            transaction_id: transaction_id.clone(),
            on_day: *on_day,
            description: description.clone(),
            currency: *currency,
            postings: postings.clone(),
            recorded_by: recorded_by.clone(),
            receipt: receipt.clone(),
            paid_for: paid_for.clone(),
            donor_public_name: donor.as_ref().and_then(|d| d.public_name.clone()),
            expense_cents: *expense_cents,
            needs_approval: *needs_approval,
            approved_by: None,
            status,
            reverses: None,
            reason: None,
            reversed_by: None,
            recorded_position: position,
        };
        self.currency.get_or_insert(*currency);
        self.transactions.insert(transaction_id.clone(), transaction);
        if !*awaits_payment {
            self.post(transaction_id, *on_day, position, position);
        }
    }

    fn evolve_expense(&mut self, position: u64, event: &Event) {
        let (Event::ExpenseApproved { transaction_id, .. }
        | Event::ExpenseDeclined { transaction_id, .. }
        | Event::ExpensePaid { transaction_id, .. }) = event
        else {
            return;
        };
        let Some(transaction) = self.transactions.get_mut(transaction_id) else {
            return;
        };
        match event {
            Event::ExpenseApproved { approved_by, .. } => {
                transaction.approved_by = Some(approved_by.clone());
            }
            Event::ExpenseDeclined { declined_by, reason, .. } => {
                transaction.status = TransactionStatus::Declined {
                    declined_by: declined_by.clone(),
                    reason: reason.clone(),
                };
            }
            Event::ExpensePaid { paid_on_day, paid_by, .. } => {
                transaction.status =
                    TransactionStatus::Paid { paid_on_day: *paid_on_day, paid_by: paid_by.clone() };
                let recorded_position = transaction.recorded_position;
                self.post(transaction_id, *paid_on_day, recorded_position, position);
            }
            _ => {}
        }
    }

    fn evolve_reversal(&mut self, position: u64, event: &Event) {
        let Event::TransactionReversed {
            reversal_id,
            transaction_id,
            on_day,
            currency,
            postings,
            reason,
            recorded_by,
        } = event
        else {
            return;
        };
        let Some(original) = self.transactions.get_mut(transaction_id) else {
            return;
        };
        original.reversed_by = Some(reversal_id.clone());
        let reversal = Transaction {
            transaction_id: reversal_id.clone(),
            on_day: *on_day,
            description: format!("Reversal of {}", original.description),
            currency: *currency,
            postings: postings.clone(),
            recorded_by: recorded_by.clone(),
            receipt: None,
            paid_for: None,
            donor_public_name: None,
            expense_cents: 0,
            needs_approval: false,
            approved_by: None,
            status: TransactionStatus::Posted,
            reverses: Some(transaction_id.clone()),
            reason: Some(reason.clone()),
            reversed_by: None,
            recorded_position: position,
        };
        self.transactions.insert(reversal_id.clone(), reversal);
        self.post(reversal_id, *on_day, position, position);
    }

    fn evolve_other(&mut self, position: u64, event: &Event) {
        match event {
            Event::GoodsDonationRecorded { .. } | Event::GoodsDonationReversed { .. } => {
                self.evolve_goods(position, event)
            }
            Event::GrantApplied { grant_id, funder, purpose, requested_cents, applied_on_day } => {
                let grant = Grant {
                    grant_id: grant_id.clone(),
                    funder: funder.clone(),
                    purpose: purpose.clone(),
                    requested_cents: *requested_cents,
                    applied_on_day: *applied_on_day,
                    stage: GrantStage::Applied,
                    received_cents: 0,
                    receipts: Vec::new(),
                };
                self.grants.entry(grant_id.clone()).or_insert(grant);
            }
            Event::GrantAwarded { grant_id, .. }
            | Event::GrantDeclined { grant_id, .. }
            | Event::GrantReceived { grant_id, .. } => {
                if let Some(grant) = self.grants.get_mut(grant_id) {
                    evolve_grant(grant, event);
                }
            }
            _ => {}
        }
    }

    fn evolve_goods(&mut self, position: u64, event: &Event) {
        match event {
            Event::GoodsDonationRecorded {
                donation_id,
                on_day,
                description,
                estimated_value_cents,
                partner_id,
                donor,
                recorded_by,
                ..
            } => {
                let donation = GoodsDonation {
                    donation_id: donation_id.clone(),
                    on_day: *on_day,
                    description: description.clone(),
                    estimated_value_cents: *estimated_value_cents,
                    partner_id: partner_id.clone(),
                    donor_public_name: donor.as_ref().and_then(|d| d.public_name.clone()),
                    recorded_by: recorded_by.clone(),
                    recorded_position: position,
                    reversed: None,
                };
                self.goods.entry(donation_id.clone()).or_insert(donation);
            }
            Event::GoodsDonationReversed { donation_id, on_day, reason, .. } => {
                if let Some(donation) = self.goods.get_mut(donation_id) {
                    let reversal =
                        GoodsReversal { on_day: *on_day, reason: reason.clone(), position };
                    donation.reversed = Some(reversal);
                }
            }
            _ => {}
        }
    }

    /// Makes a transaction's postings take effect on `on_day`.
    fn post(&mut self, transaction_id: &TransactionId, on_day: i64, recorded: u64, position: u64) {
        let Some(transaction) = self.transactions.get(transaction_id) else {
            return;
        };
        let accounts = &self.accounts;
        let class_of = |id: &AccountId| accounts.get(id).map(|a| a.kind.class());
        let transfer = transaction
            .postings
            .iter()
            .all(|p| class_of(&p.account_id) == Some(AccountClass::Asset));
        for posting in &transaction.postings {
            self.entries.push(Entry {
                account_id: posting.account_id.clone(),
                transaction_id: transaction_id.clone(),
                on_day,
                amount_cents: posting.amount_cents,
                recorded_position: recorded,
                position,
                transfer,
            });
            if let Some(account) = self.accounts.get_mut(&posting.account_id) {
                let change = posting.amount_cents.saturating_mul(account.kind.class().sign());
                account.balance_cents = account.balance_cents.saturating_add(change);
            }
        }
    }
}

fn evolve_grant(grant: &mut Grant, event: &Event) {
    match event {
        Event::GrantAwarded { awarded_cents, awarded_on_day, .. } => {
            grant.stage = GrantStage::Awarded {
                awarded_cents: *awarded_cents,
                awarded_on_day: *awarded_on_day,
            };
        }
        Event::GrantDeclined { on_day, .. } => {
            grant.stage = GrantStage::Declined { on_day: *on_day };
        }
        Event::GrantReceived { transaction_id, amount_cents, .. } => {
            grant.received_cents = grant.received_cents.saturating_add(*amount_cents);
            grant.receipts.push(transaction_id.clone());
        }
        _ => {}
    }
}

impl Evolve<Event> for Ledger {
    /// Folds one event in, at its position in the log. Never fails and holds no rules.
    fn evolve(&mut self, at: At<'_>, event: &Event) {
        let position = at.position;
        match event {
            Event::TransactionRecorded { transaction_id: id, donor: Some(donor), .. }
                if donor.personal_data.is_some() =>
            {
                self.sealed_donors.insert(id.to_string());
            }
            Event::GoodsDonationRecorded { donation_id: id, donor: Some(donor), .. }
                if donor.personal_data.is_some() =>
            {
                self.sealed_donors.insert(id.to_string());
            }
            Event::DonorErased { donor_of, .. } => {
                self.erased_donors.insert(donor_of.clone());
            }
            _ => {}
        }
        match event {
            Event::AccountOpened { account_id, name, kind } => {
                let account = Account {
                    account_id: account_id.clone(),
                    name: name.clone(),
                    kind: *kind,
                    balance_cents: 0,
                    closed: false,
                };
                self.accounts.entry(account_id.clone()).or_insert(account);
            }
            Event::AccountClosed { account_id, .. } => {
                if let Some(account) = self.accounts.get_mut(account_id) {
                    account.closed = true;
                }
            }
            Event::TransactionRecorded { .. } => self.evolve_recorded(position, event),
            Event::ExpenseApproved { .. }
            | Event::ExpenseDeclined { .. }
            | Event::ExpensePaid { .. } => self.evolve_expense(position, event),
            Event::TransactionReversed { .. } => self.evolve_reversal(position, event),
            _ => self.evolve_other(position, event),
        }
    }
}
