//! Money: a chart of accounts, double-entry transactions in integer cents, expense
//! approvals, reversals, grants and valued goods donations, and the statements computed from
//! them. Nothing is edited or deleted; a correction is a reversal that names what it
//! reverses and why.
//!
//! - [`decide`] turns a [`Command`] into [`Event`]s or a [`Rejection`] against the
//!   [`Ledger`]. The group's limits (currency, approval threshold) and the acting member's
//!   roles come in as [`Outside`] from [`crate::group::decide`].
//! - [`Ledger::evolve`] folds an event in at its log position; it never fails.
//! - [`MonthlyStatement::for_month`] and [`YearlyChannelTotals::for_year`] are computed from
//!   the ledger, every line traceable to log positions.
//!
//! Streams: `accounts`, `transaction-<transaction_id>` (a reversal goes to the stream of
//! the transaction it reverses), `donation-<donation_id>` and `grant-<grant_id>`.

mod account;
mod approval;
mod books;
mod command;
mod event;
mod goods;
mod grant;
mod id;
mod money;
mod statement;
mod transaction;

#[cfg(test)]
mod tests;

pub use account::{Account, AccountClass, AccountKind};
pub use approval::APPROVER_ROLES;
pub use books::{Entry, Ledger};
pub use command::{Command, CommandKind};
pub use event::Event;
pub use goods::{GoodsDonation, GoodsReversal};
pub use grant::{Grant, GrantStage};
pub use id::{AccountId, DonationId, GrantId, TransactionId};
pub use money::{Currency, MAX_AMOUNT_CENTS};
pub use statement::{
    AccountMonth, CategoryLine, ChannelYear, Line, MonthlyStatement, YearlyChannelTotals,
};
pub use transaction::{Donor, MAX_POSTINGS, PaidFor, Posting, Transaction, TransactionStatus};

use self::goods::NewDonation;
use self::grant::{Application, Receipt};
use self::transaction::{NewTransaction, Reversal};
use crate::kernel::Role;
use crate::kernel::{Context, Rejection};
use crate::limits::GroupLimits;

/// What a ledger decision needs from the rest of the group.
#[derive(Clone, Copy, Debug)]
pub struct Outside<'a> {
    pub limits: &'a GroupLimits,
    /// The group's day at `ctx.now_ms`, on its own clock: what "not in the future" means.
    pub today: i64,
    /// The roles of the member acting (`ctx.actor`).
    pub actor_roles: &'a [Role],
}

/// Decides a ledger command against the books.
pub fn decide(
    ledger: &Ledger,
    command: &Command,
    ctx: &Context,
    outside: &Outside<'_>,
) -> Result<Vec<Event>, Rejection> {
    let today = outside.today;
    let actor = &ctx.actor;
    match command {
        Command::OpenAccount { account_id, name, kind } => {
            account::open(ledger, account_id, name, *kind)
        }
        Command::CloseAccount { account_id, reason } => account::close(ledger, account_id, reason),
        Command::RecordTransaction { .. } | Command::ReverseTransaction { .. } => {
            decide_transaction(ledger, command, ctx, outside)
        }
        Command::ApproveExpense { transaction_id } => {
            approval::approve(ledger, actor, outside.actor_roles, transaction_id)
        }
        Command::DeclineExpense { transaction_id, reason } => {
            approval::decline(ledger, actor, outside.actor_roles, transaction_id, reason)
        }
        Command::PayExpense { transaction_id, paid_on_day } => {
            approval::pay(ledger, today, actor, transaction_id, *paid_on_day)
        }
        Command::RecordGoodsDonation { .. } | Command::ReverseGoodsDonation { .. } => {
            decide_goods(ledger, command, ctx, outside)
        }
        Command::EraseDonor { donor_of, reason } => erase_donor(ledger, donor_of, reason),
        Command::ApplyForGrant { .. }
        | Command::RecordGrantAward { .. }
        | Command::RecordGrantDecline { .. }
        | Command::ReceiveGrant { .. } => decide_grant(ledger, command, ctx, outside),
    }
}

fn decide_transaction(
    ledger: &Ledger,
    command: &Command,
    ctx: &Context,
    outside: &Outside<'_>,
) -> Result<Vec<Event>, Rejection> {
    let (today, limits) = (outside.today, outside.limits);
    match command {
        Command::RecordTransaction {
            transaction_id,
            on_day,
            description,
            currency,
            postings,
            receipt,
            paid_for,
            donor,
        } => {
            let new = NewTransaction {
                transaction_id,
                on_day: *on_day,
                description,
                currency: *currency,
                postings,
                receipt: receipt.as_ref(),
                paid_for: paid_for.as_ref(),
                donor: donor.as_ref(),
            };
            transaction::record(ledger, limits, today, &ctx.actor, new)
        }
        Command::ReverseTransaction { reversal_id, transaction_id, on_day, reason } => {
            let reversal = Reversal { reversal_id, transaction_id, on_day: *on_day, reason };
            transaction::reverse(ledger, today, &ctx.actor, reversal)
        }
        _ => unreachable!("`decide` routes only transactions here"),
    }
}

/// Forgets a donor recorded with their identity sealed; once only.
fn erase_donor(ledger: &Ledger, donor_of: &str, reason: &str) -> Result<Vec<Event>, Rejection> {
    if !ledger.sealed_donors.contains(donor_of) {
        return Err(Rejection::unknown("donor of", donor_of));
    }
    if ledger.erased_donors.contains(donor_of) {
        return Err(Rejection::wrong_stage(format!("the donor of `{donor_of}` is erased already")));
    }
    crate::kernel::field::reason("reason", reason)?;
    Ok(vec![Event::DonorErased { donor_of: donor_of.to_owned(), reason: reason.to_owned() }])
}

fn decide_goods(
    ledger: &Ledger,
    command: &Command,
    ctx: &Context,
    outside: &Outside<'_>,
) -> Result<Vec<Event>, Rejection> {
    let (today, limits) = (outside.today, outside.limits);
    match command {
        Command::RecordGoodsDonation {
            donation_id,
            on_day,
            description,
            estimated_value_cents,
            partner_id,
            donor,
        } => {
            let new = NewDonation {
                donation_id,
                on_day: *on_day,
                description,
                estimated_value_cents: *estimated_value_cents,
                partner_id: partner_id.as_ref(),
                donor: donor.as_ref(),
            };
            goods::record(ledger, limits, today, &ctx.actor, new)
        }
        Command::ReverseGoodsDonation { donation_id, on_day, reason } => {
            goods::reverse(ledger, today, donation_id, *on_day, reason)
        }
        _ => unreachable!("`decide` routes only goods donations here"),
    }
}

fn decide_grant(
    ledger: &Ledger,
    command: &Command,
    ctx: &Context,
    outside: &Outside<'_>,
) -> Result<Vec<Event>, Rejection> {
    let (today, limits) = (outside.today, outside.limits);
    match command {
        Command::ApplyForGrant { grant_id, funder, purpose, requested_cents, applied_on_day } => {
            let application = Application {
                grant_id,
                funder,
                purpose,
                requested_cents: *requested_cents,
                applied_on_day: *applied_on_day,
            };
            grant::apply(ledger, today, application)
        }
        Command::RecordGrantAward { grant_id, awarded_cents, awarded_on_day } => {
            grant::award(ledger, today, grant_id, *awarded_cents, *awarded_on_day)
        }
        Command::RecordGrantDecline { grant_id, on_day, note } => {
            grant::decline(ledger, today, grant_id, *on_day, note)
        }
        Command::ReceiveGrant {
            grant_id,
            transaction_id,
            amount_cents,
            received_on_day,
            into_account_id,
            income_account_id,
        } => {
            let receipt = Receipt {
                grant_id,
                transaction_id,
                amount_cents: *amount_cents,
                received_on_day: *received_on_day,
                into_account_id,
                income_account_id,
            };
            grant::receive(ledger, limits, today, &ctx.actor, receipt)
        }
        _ => unreachable!("`decide` routes only grants here"),
    }
}

/// A chart to start from: cash, a bank account, one payment app, income from donations,
/// grants and other, the expense categories, money owed and opening balances. The group
/// sends these as ordinary commands and opens more accounts as it needs.
pub fn default_chart() -> Vec<Command> {
    let open = |id: &str, name: &str, kind| Command::OpenAccount {
        account_id: AccountId::from(id),
        name: name.to_owned(),
        kind,
    };
    vec![
        open("cash", "Cash box", AccountKind::Cash),
        open("bank", "Bank account", AccountKind::Bank),
        open("payment-app", "Payment app", AccountKind::PaymentApp),
        open("donations", "Donations", AccountKind::Donations),
        open("grants", "Grants", AccountKind::Grants),
        open("other-income", "Other income", AccountKind::OtherIncome),
        open("food", "Food purchases", AccountKind::FoodPurchases),
        open("transport", "Transport", AccountKind::Transport),
        open("reimbursements", "Reimbursements", AccountKind::Reimbursements),
        open("emergency-fund", "Emergency fund", AccountKind::EmergencyFund),
        open("fees", "Fees", AccountKind::Fees),
        open("other-expenses", "Other expenses", AccountKind::OtherExpenses),
        open("owed", "Owed to volunteers", AccountKind::Payable),
        open("opening-balances", "Opening balances", AccountKind::OpeningBalances),
    ]
}
