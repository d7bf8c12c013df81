//! The monthly statement shared with the whole group, and the yearly totals per payment
//! channel that tax reporting asks about. Both are computed from the [`Ledger`] on demand.
//! Every line keeps the log positions of the events behind it, so an auditor can go from
//! any number to the transactions that make it up.
//!
//! Per account: opening balance, increases, decreases, closing balance, in the account's
//! natural sign. For the group: the money it holds (cash, bank, payment apps) at the start,
//! income and expenses by category, other movements (opening balances brought in, money
//! owed), and the money it holds at the end; plus donated goods at their estimated value.
//! Always: `closing = opening + income - expenses + other`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::account::{AccountClass, AccountKind};
use super::books::{Entry, Ledger};
use super::id::AccountId;
use super::money::Currency;
use crate::kernel::day::{day_of_date, days_in_month};

/// An amount and the positions of the events it comes from, ascending.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub cents: i64,
    pub positions: Vec<u64>,
}

impl Line {
    fn add(&mut self, cents: i64, positions: &[u64]) {
        self.cents = self.cents.saturating_add(cents);
        self.positions.extend_from_slice(positions);
    }

    fn merge(&mut self, other: &Line, sign: i64) {
        self.add(other.cents.saturating_mul(sign), &other.positions);
    }

    fn finish(&mut self) {
        self.positions.sort_unstable();
        self.positions.dedup();
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMonth {
    pub account_id: AccountId,
    pub name: String,
    pub kind: AccountKind,
    pub opening: Line,
    pub increases: Line,
    pub decreases: Line,
    pub closing: Line,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLine {
    pub kind: AccountKind,
    pub line: Line,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyStatement {
    pub year: i64,
    pub month: u32,
    pub first_day: i64,
    pub last_day: i64,
    pub currency: Option<Currency>,
    /// Every account that had moved by the month's end, by id.
    pub accounts: Vec<AccountMonth>,
    /// Money held in cash, bank and payment apps when the month began.
    pub opening: Line,
    /// Net income per income kind (a refunded donation counts against it).
    pub income: Vec<CategoryLine>,
    /// Net expenses per expense kind.
    pub expenses: Vec<CategoryLine>,
    /// Movements of payables and opening balances, in the money held.
    pub other: Line,
    pub closing: Line,
    /// Goods donated in the month at their estimated value, less reversed estimates.
    pub goods_donated: Line,
}

impl MonthlyStatement {
    /// The statement of `month` (1 to 12) of `year`, or `None` for a month that does not
    /// exist.
    pub fn for_month(ledger: &Ledger, year: i64, month: u32) -> Option<MonthlyStatement> {
        let first_day = day_of_date(year, month, 1)?;
        let last_day = first_day + i64::from(days_in_month(year, month)?) - 1;
        let mut statement = MonthlyStatement {
            year,
            month,
            first_day,
            last_day,
            currency: ledger.currency,
            accounts: Vec::new(),
            opening: Line::default(),
            income: Vec::new(),
            expenses: Vec::new(),
            other: Line::default(),
            closing: Line::default(),
            goods_donated: Line::default(),
        };
        let mut accounts: BTreeMap<&AccountId, AccountMonth> = BTreeMap::new();
        let mut income: BTreeMap<AccountKind, Line> = BTreeMap::new();
        let mut expenses: BTreeMap<AccountKind, Line> = BTreeMap::new();
        for entry in ledger.entries.iter().filter(|e| e.on_day <= last_day) {
            let Some(account) = ledger.account(entry.account_id.as_str()) else {
                continue;
            };
            let class = account.kind.class();
            let cents = entry.amount_cents.saturating_mul(class.sign());
            let positions = positions_of(entry);
            let month = accounts.entry(&entry.account_id).or_insert_with(|| AccountMonth {
                account_id: account.account_id.clone(),
                name: account.name.clone(),
                kind: account.kind,
                opening: Line::default(),
                increases: Line::default(),
                decreases: Line::default(),
                closing: Line::default(),
            });
            if entry.on_day < first_day {
                month.opening.add(cents, &positions);
                if class == AccountClass::Asset {
                    statement.opening.add(cents, &positions);
                }
                continue;
            }
            if cents >= 0 {
                month.increases.add(cents, &positions);
            } else {
                month.decreases.add(-cents, &positions);
            }
            let line = match class {
                AccountClass::Asset => continue,
                AccountClass::Income => income.entry(account.kind).or_default(),
                AccountClass::Expense => expenses.entry(account.kind).or_default(),
                AccountClass::Liability | AccountClass::Equity => &mut statement.other,
            };
            line.add(cents, &positions);
        }
        statement.accounts = accounts.into_values().map(closed_month).collect();
        statement.income = category_lines(income);
        statement.expenses = category_lines(expenses);
        statement.close(ledger);
        Some(statement)
    }

    /// Sums income, expenses and other movements into the closing line, and values the
    /// month's donated goods.
    fn close(&mut self, ledger: &Ledger) {
        let mut closing = self.opening.clone();
        self.income.iter().for_each(|c| closing.merge(&c.line, 1));
        self.expenses.iter().for_each(|c| closing.merge(&c.line, -1));
        closing.merge(&self.other, 1);
        closing.finish();
        self.closing = closing;
        self.opening.finish();
        self.other.finish();
        let month = self.first_day..=self.last_day;
        for donation in ledger.goods.values() {
            if month.contains(&donation.on_day) {
                let value = donation.estimated_value_cents;
                self.goods_donated.add(value, &[donation.recorded_position]);
            }
            if let Some(reversal) = donation.reversed.as_ref().filter(|r| month.contains(&r.on_day))
            {
                let value = donation.estimated_value_cents;
                self.goods_donated.add(-value, &[reversal.position]);
            }
        }
        self.goods_donated.finish();
    }

    /// Income summed over every category.
    pub fn total_income_cents(&self) -> i64 {
        self.income.iter().map(|c| c.line.cents).sum()
    }

    /// Expenses summed over every category.
    pub fn total_expenses_cents(&self) -> i64 {
        self.expenses.iter().map(|c| c.line.cents).sum()
    }
}

fn positions_of(entry: &Entry) -> [u64; 2] {
    [entry.recorded_position, entry.position]
}

fn closed_month(mut month: AccountMonth) -> AccountMonth {
    let mut closing = month.opening.clone();
    closing.merge(&month.increases, 1);
    closing.merge(&month.decreases, -1);
    closing.finish();
    month.closing = closing;
    month.opening.finish();
    month.increases.finish();
    month.decreases.finish();
    month
}

fn category_lines(lines: BTreeMap<AccountKind, Line>) -> Vec<CategoryLine> {
    lines
        .into_iter()
        .map(|(kind, mut line)| {
            line.finish();
            CategoryLine { kind, line }
        })
        .collect()
}

/// One payment channel's money over a year. Transfers between the group's own channels
/// are apart from money received and paid out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelYear {
    pub account_id: AccountId,
    pub name: String,
    pub kind: AccountKind,
    pub received: Line,
    pub paid_out: Line,
    pub transferred_in: Line,
    pub transferred_out: Line,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearlyChannelTotals {
    pub year: i64,
    pub currency: Option<Currency>,
    /// Cash, bank and payment-app accounts that moved money in the year, by id.
    pub channels: Vec<ChannelYear>,
}

impl YearlyChannelTotals {
    pub fn for_year(ledger: &Ledger, year: i64) -> YearlyChannelTotals {
        let first = day_of_date(year, 1, 1).unwrap_or(i64::MAX);
        let last = day_of_date(year, 12, 31).unwrap_or(i64::MIN);
        let mut channels: BTreeMap<&AccountId, ChannelYear> = BTreeMap::new();
        for entry in ledger.entries.iter().filter(|e| (first..=last).contains(&e.on_day)) {
            let Some(account) = ledger.account(entry.account_id.as_str()) else {
                continue;
            };
            if !account.kind.is_channel() {
                continue;
            }
            let channel = channels.entry(&entry.account_id).or_insert_with(|| ChannelYear {
                account_id: account.account_id.clone(),
                name: account.name.clone(),
                kind: account.kind,
                received: Line::default(),
                paid_out: Line::default(),
                transferred_in: Line::default(),
                transferred_out: Line::default(),
            });
            let line = match (entry.transfer, entry.amount_cents >= 0) {
                (false, true) => &mut channel.received,
                (false, false) => &mut channel.paid_out,
                (true, true) => &mut channel.transferred_in,
                (true, false) => &mut channel.transferred_out,
            };
            line.add(entry.amount_cents.saturating_abs(), &positions_of(entry));
        }
        let channels = channels
            .into_values()
            .map(|mut c| {
                for line in [
                    &mut c.received,
                    &mut c.paid_out,
                    &mut c.transferred_in,
                    &mut c.transferred_out,
                ] {
                    line.finish();
                }
                c
            })
            .collect();
        YearlyChannelTotals { year, currency: ledger.currency, channels }
    }
}
