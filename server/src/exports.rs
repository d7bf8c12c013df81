//! Exports for accountants and coordinators: CSV files an accounting tool or a spreadsheet
//! imports, computed from the projections (and, for stock, from the log) by pure functions.
//! `GET /api/exports/...` serves them by role; `potluck export-csv` writes them from a
//! stopped server's data folder ([`offline`]).
//!
//! The money files share one layout, `date,account,description,debit,credit,reference`,
//! which accounting tools import as journal lines:
//!
//! - `date`: ISO, `2026-11-29`; `account`: the account's id in the group's chart (`cash`,
//!   `donations`): the chart has no numeric codes, and an id is never renamed;
//! - `debit` or `credit`: a decimal amount in the books' currency (`12.50`), the other cell
//!   empty. Postings are debit-positive (`shared::ledger::Posting`): a positive posting is a
//!   debit, a negative one a credit;
//! - `reference`: what groups the lines of one journal entry; the lines of one reference
//!   always balance (debits equal credits).
//!
//! [`transactions`]: every posting that took effect, on the day it did (the ledger's own
//! entries: a transaction on its day, an expense on the day it was paid; an expense awaiting
//! payment or declined is in no balance and not here; a reversal is its own transaction).
//! The reference is the transaction's id, then its receipt or what it reverses
//! (`t-17 / receipt 123`, `rev-3 / reverses t-9`).
//!
//! [`statement`]: the month as three balanced journals, told apart by reference:
//! `statement 2026-11 opening` (each account's balance when the month began, dated its
//! first day), `statement 2026-11 movements` (each account's debits and credits in the
//! month, two lines, dated its last day) and `statement 2026-11 closing` (each account's
//! balance at the end: the trial balance, dated the last day). Import the opening and
//! movements to rebuild the month, or the closing lines alone for a trial balance.
//! Zero lines are left out. Donated goods post to no account and are not in it.
//!
//! No file holds personal data: donors appear only by the public name they chose (which
//! the ledger shows every role that may read it), households not at all, members by id and
//! display name, never a contact.

pub mod offline;

use std::collections::{BTreeMap, BTreeSet};

use shared::distribution::day::{day_of_date, day_of_iso, days_in_month, iso_date};
use shared::ledger::{Ledger, MonthlyStatement, Transaction};
use shared::members::Members;
use shared::people::{PeopleMonth, Roster, Skill, SkillEntry};

use crate::bundle::ExportError;
use crate::bundle::derive::Derivation;
use crate::csv::{amount, row};
use crate::log::Log;

/// The columns of the money files, in the order accounting tools expect them.
pub const ACCOUNTING_COLUMNS: [&str; 6] =
    ["date", "account", "description", "debit", "credit", "reference"];

/// The columns of the members file.
pub const MEMBER_COLUMNS: [&str; 9] = [
    "member_id",
    "name",
    "roles",
    "role_cards",
    "skills",
    "minutes",
    "hours",
    "shifts",
    "absences",
];

/// Records read from the log at a time.
const CHUNK: usize = 4096;

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Transactions,
    Statement,
    StockMovements,
    Members,
}

impl Kind {
    /// The names the command line takes.
    pub const NAMES: [&'static str; 4] =
        ["transactions", "statement", "stock-movements", "members"];

    pub fn parse(text: &str) -> Option<Kind> {
        let kinds = [Kind::Transactions, Kind::Statement, Kind::StockMovements, Kind::Members];
        Kind::NAMES.into_iter().zip(kinds).find(|(name, _)| *name == text).map(|(_, k)| k)
    }
}

/// Days from `from` to `to`, both inclusive, either open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Days {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl Days {
    /// Parses `from` and `to` as ISO dates; the message names the field that is wrong.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Days, String> {
        let day = |field: &str, text: &str| {
            day_of_iso(text)
                .ok_or_else(|| format!("{field}: `{text}` is not a date like 2026-11-01"))
        };
        let days = Days {
            from: from.map(|t| day("from", t)).transpose()?,
            to: to.map(|t| day("to", t)).transpose()?,
        };
        if let (Some(from), Some(to)) = (days.from, days.to)
            && from > to
        {
            return Err(format!("from ({}) is after to ({})", iso_date(from), iso_date(to)));
        }
        Ok(days)
    }

    fn contains(&self, day: i64) -> bool {
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }

    /// A file name naming the range: `transactions-from-2026-11-01-to-2026-11-30.csv`.
    pub fn file_name(&self, stem: &str) -> String {
        let mut name = stem.to_owned();
        for (word, day) in [("from", self.from), ("to", self.to)] {
            if let Some(day) = day {
                name.push_str(&format!("-{word}-{}", iso_date(day)));
            }
        }
        name.push_str(".csv");
        name
    }
}

/// A month, `2026-11`, as a year and a month number; the message says what is wrong.
pub fn parse_month(text: &str) -> Result<(i64, u32), String> {
    let parsed = text.trim().split_once('-').and_then(|(y, m)| {
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        day_of_date(year, month, 1).map(|_| (year, month))
    });
    parsed.ok_or_else(|| format!("month: `{text}` is not a month like 2026-11"))
}

/// The month that `day` falls in.
pub fn month_of(day: i64) -> (i64, u32) {
    let (year, month, _) = shared::distribution::day::date_of_day(day);
    (year, month)
}

/// One journal line per posting that took effect within `days`, by day, then in log order.
pub fn transactions(ledger: &Ledger, days: Days) -> String {
    let mut entries: Vec<_> = ledger.entries.iter().filter(|e| days.contains(e.on_day)).collect();
    // Stable: a transaction's postings keep their order, and they share a day and a position.
    entries.sort_by_key(|e| (e.on_day, e.position));
    let mut out = row(&ACCOUNTING_COLUMNS);
    for entry in entries {
        let transaction = ledger.transaction(entry.transaction_id.as_str());
        let (description, reference) = match transaction {
            Some(t) => (description(t), reference(t)),
            None => (String::new(), entry.transaction_id.to_string()),
        };
        let (debit, credit) = debit_credit(entry.amount_cents);
        out.push_str(&row(&[
            &iso_date(entry.on_day),
            entry.account_id.as_str(),
            &description,
            &debit,
            &credit,
            &reference,
        ]));
    }
    out
}

/// The description as the ledger has it, with a reversal's reason and a public donor.
fn description(t: &Transaction) -> String {
    let mut text = t.description.clone();
    if let (Some(_), Some(reason)) = (&t.reverses, &t.reason) {
        text.push_str(&format!(": {reason}"));
    }
    if let Some(donor) = &t.donor_public_name {
        text.push_str(&format!(" (from {donor})"));
    }
    text
}

fn reference(t: &Transaction) -> String {
    let mut text = t.transaction_id.to_string();
    if let Some(receipt) = &t.receipt {
        text.push_str(&format!(" / receipt {receipt}"));
    }
    if let Some(original) = &t.reverses {
        text.push_str(&format!(" / reverses {original}"));
    }
    text
}

/// A debit-positive amount as the debit and credit cells: one of them empty.
fn debit_credit(cents: i64) -> (String, String) {
    if cents >= 0 {
        (amount(cents), String::new())
    } else {
        (String::new(), amount(cents.saturating_neg()))
    }
}

/// The month's statement as three balanced journals: opening balances, the month's debits
/// and credits, closing balances (see the module's documentation).
pub fn statement(statement: &MonthlyStatement) -> String {
    let month = format!("{:04}-{:02}", statement.year, statement.month);
    let (first, last) = (iso_date(statement.first_day), iso_date(statement.last_day));
    let mut blocks = [String::new(), String::new(), String::new()];
    for account in &statement.accounts {
        // The statement keeps each account in its class's natural sign; journals are
        // debit-positive.
        let sign = account.kind.class().sign();
        let id = account.account_id.as_str();
        let mut put = |block: usize, day: &str, what: &str, debit_positive: i64| {
            if debit_positive == 0 {
                return;
            }
            let (debit, credit) = debit_credit(debit_positive);
            let description = format!("{what}: {}", account.name);
            let reference =
                format!("statement {month} {}", ["opening", "movements", "closing"][block]);
            blocks[block].push_str(&row(&[day, id, &description, &debit, &credit, &reference]));
        };
        put(0, &first, "Opening balance", account.opening.cents.saturating_mul(sign));
        let (debits, credits) = if sign > 0 {
            (account.increases.cents, account.decreases.cents)
        } else {
            (account.decreases.cents, account.increases.cents)
        };
        put(1, &last, &format!("Debits in {month}"), debits);
        put(1, &last, &format!("Credits in {month}"), credits.saturating_neg());
        put(2, &last, "Closing balance", account.closing.cents.saturating_mul(sign));
    }
    let mut out = row(&ACCOUNTING_COLUMNS);
    blocks.iter().for_each(|block| out.push_str(block));
    out
}

/// Every stock movement up to position `through`, exactly as the audit bundle's
/// `stock_movements.csv` has it (the same derivation from the stored records): blocking, it
/// reads the log.
pub fn stock_movements(log: &Log, through: u64) -> Result<String, ExportError> {
    let mut derivation = Derivation::new();
    let mut next = 1;
    'reading: loop {
        let chunk = log.read_raw(next, CHUNK)?;
        let Some(last) = chunk.last() else { break };
        next = last.position + 1;
        for stored in &chunk {
            if stored.position > through {
                break 'reading;
            }
            derivation.fold(stored)?;
        }
    }
    Ok(derivation.stock_movements().0)
}

/// One line per member (and per former member with time in the month): roles, role cards
/// held, current skills on `today`, and the month's hours, shifts and absences as the
/// monthly report counts them ([`PeopleMonth`]). No contact of anyone.
pub fn members(
    members: &Members,
    roster: &Roster,
    (year, month): (i64, u32),
    today: i64,
    clock: &shared::clock::Clock,
) -> String {
    let mut out = row(&MEMBER_COLUMNS);
    let (Some(first_day), Some(days)) = (day_of_date(year, month, 1), days_in_month(year, month))
    else {
        return out;
    };
    let last_day = first_day + i64::from(days) - 1;
    // Hours and absences depend only on the roster they are counted from; the warnings,
    // which need the roster at the month's end, are not exported.
    let worked =
        PeopleMonth::build(roster, roster, &Default::default(), first_day, last_day, clock);
    let mut cards: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for card in roster.role_cards.values() {
        if let Some(holder) = card.holder_id() {
            cards.entry(holder.as_str()).or_default().push(card.role_card_id.as_str());
        }
    }
    let mut ids: BTreeSet<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
    ids.extend(worked.hours_by_member.keys().map(|m| m.as_str()));
    ids.extend(worked.absences.keys().map(|m| m.as_str()));
    for id in ids {
        let member = members.get(id);
        let roles: Vec<&str> = members.roles_of(id).iter().map(|r| r.as_str()).collect();
        let skills: Vec<String> = roster
            .skills
            .get(id)
            .into_iter()
            .flatten()
            .filter(|entry| entry.is_current(today))
            .map(skill)
            .collect();
        let hours = worked.hours_by_member.get(id).cloned().unwrap_or_default();
        let absences = worked.absences.get(id).copied().unwrap_or_default();
        out.push_str(&row(&[
            id,
            member.map_or("", |m| m.name.as_str()),
            &roles.join(" "),
            &cards.get(id).map(|c| c.join(" ")).unwrap_or_default(),
            &skills.join("; "),
            &hours.minutes.to_string(),
            &hours_of(hours.minutes),
            &hours.shifts.to_string(),
            &absences.to_string(),
        ]));
    }
    out
}

/// Minutes as decimal hours, rounded to the hundredth: 90 is `1.50`, 119 is `1.98`.
fn hours_of(minutes: i64) -> String {
    amount((minutes.saturating_mul(100) + 30) / 60)
}

fn skill(entry: &SkillEntry) -> String {
    let name = match &entry.skill {
        Skill::Language { language } => format!("language {language}"),
        Skill::Cpr => "CPR".to_owned(),
        Skill::FirstAid => "first aid".to_owned(),
        Skill::Trade { trade } => format!("trade {trade}"),
        Skill::Driving { has_vehicle: true } => "driving with a vehicle".to_owned(),
        Skill::Driving { has_vehicle: false } => "driving".to_owned(),
        Skill::FoodHygiene => "food hygiene".to_owned(),
        Skill::Other { name } => name.clone(),
    };
    match entry.expires_on_day {
        Some(day) => format!("{name} until {}", iso_date(day)),
        None => name,
    }
}

#[cfg(test)]
mod tests;
