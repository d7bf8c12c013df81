//! The chart of accounts. The group starts from [`default_chart`](super::default_chart) and
//! opens more as it needs them (a second bank, each payment app, a microgrants fund); an
//! account is closed only at a zero balance, and is never renamed or removed.

use serde::{Deserialize, Serialize};

use super::books::Ledger;
use super::event::Event;
use super::id::AccountId;
use crate::kernel::id::check_new_id;
use crate::kernel::{Rejection, field};

/// What an account is. The kind says where it shows on a statement: the money the group
/// holds (cash, bank, payment apps), income by category, expenses by category, or other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Cash,
    Bank,
    /// A payment app (PayPal, Venmo, a mobile wallet): yearly totals matter for tax.
    PaymentApp,
    Donations,
    Grants,
    OtherIncome,
    FoodPurchases,
    Transport,
    /// Paying volunteers back for what they bought for the group.
    Reimbursements,
    /// Emergency-fund disbursements and microgrants to households.
    EmergencyFund,
    /// Bank and payment-app fees.
    Fees,
    OtherExpenses,
    /// What the group owes (a volunteer's receipt not yet paid back).
    Payable,
    /// Balances brought in when the group started keeping its books here.
    OpeningBalances,
}

/// The five classes of double-entry bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountClass {
    Asset,
    Income,
    Expense,
    Liability,
    Equity,
}

impl AccountKind {
    pub const ALL: [AccountKind; 14] = [
        AccountKind::Cash,
        AccountKind::Bank,
        AccountKind::PaymentApp,
        AccountKind::Donations,
        AccountKind::Grants,
        AccountKind::OtherIncome,
        AccountKind::FoodPurchases,
        AccountKind::Transport,
        AccountKind::Reimbursements,
        AccountKind::EmergencyFund,
        AccountKind::Fees,
        AccountKind::OtherExpenses,
        AccountKind::Payable,
        AccountKind::OpeningBalances,
    ];

    pub fn class(self) -> AccountClass {
        use AccountKind::*;
        match self {
            Cash | Bank | PaymentApp => AccountClass::Asset,
            Donations | Grants | OtherIncome => AccountClass::Income,
            FoodPurchases | Transport | Reimbursements | EmergencyFund | Fees | OtherExpenses => {
                AccountClass::Expense
            }
            Payable => AccountClass::Liability,
            OpeningBalances => AccountClass::Equity,
        }
    }

    /// Cash, bank and payment apps: where the group's money is, and how it moves.
    pub fn is_channel(self) -> bool {
        self.class() == AccountClass::Asset
    }
}

impl AccountClass {
    /// Postings are debit-positive. An account's balance reads naturally (cash on hand,
    /// donations received) in its class's sign: debits for assets and expenses, credits
    /// for the rest.
    pub fn sign(self) -> i64 {
        match self {
            AccountClass::Asset | AccountClass::Expense => 1,
            AccountClass::Income | AccountClass::Liability | AccountClass::Equity => -1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub account_id: AccountId,
    pub name: String,
    pub kind: AccountKind,
    /// In the class's natural sign; only postings that took effect count.
    pub balance_cents: i64,
    pub closed: bool,
}

pub(crate) fn open(
    ledger: &Ledger,
    account_id: &AccountId,
    name: &str,
    kind: AccountKind,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("account_id", account_id.as_str())?;
    if ledger.account(account_id.as_str()).is_some() {
        return Err(Rejection::exists("account", account_id.as_str()));
    }
    field::name("name", name)?;
    Ok(vec![Event::AccountOpened {
        account_id: account_id.clone(),
        name: name.trim().to_owned(),
        kind,
    }])
}

pub(crate) fn close(
    ledger: &Ledger,
    account_id: &AccountId,
    reason: &str,
) -> Result<Vec<Event>, Rejection> {
    let account = ledger.open_account(account_id)?;
    if account.balance_cents != 0 {
        let message =
            format!("`{account_id}` holds {} cents: move them first", account.balance_cents);
        return Err(Rejection::wrong_stage(message));
    }
    let awaiting = ledger
        .transactions
        .values()
        .any(|t| t.awaits_payment() && t.postings.iter().any(|p| p.account_id == *account_id));
    if awaiting {
        let message =
            format!("an expense on `{account_id}` awaits payment: pay or decline it first");
        return Err(Rejection::wrong_stage(message));
    }
    field::reason("reason", reason)?;
    Ok(vec![Event::AccountClosed { account_id: account_id.clone(), reason: reason.to_owned() }])
}
