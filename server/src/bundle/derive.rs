//! What the events imply: the transactions and the stock movements as CSV, and the monthly
//! statements as JSON, computed from the stored records with the server's own decoding and
//! folds ([`crate::projections::decode`], [`Ledger::evolve`],
//! [`MonthlyStatement::for_month`]). The export writes these bytes; the verifier computes
//! them again from the bundle's events and compares byte for byte, so a bundle's derived
//! files cannot say anything its events do not.
//!
//! Every row names the position of the event behind it, when it was recorded (the group's
//! local time with its UTC offset, `2026-11-29T09:05:00.250-05:00`: UTC until the group sets
//! a zone, written `Z`), who
//! recorded it and the command id, so an auditor can go from any posting or movement to
//! the record in `events.ndjson`. No row holds personal data: donors appear as a donor id
//! (`donor:<transaction>`) and whether they were erased, households not at all, and free
//! text about stock (notes, reasons for a release) stays in the events.

mod movements;

use std::collections::{BTreeSet, HashMap};

use shared::clock::Clock;
use shared::distribution::day::{date_of_day, day_of, iso_date, start_of_day_ms};
use shared::envelope::Envelope;
use shared::group;
use shared::kernel::Evolve;
use shared::ledger::{self, Ledger, MonthlyStatement, Transaction, TransactionStatus};
use shared::upcast::Upcasters;

use self::movements::StockMovements;
use crate::csv;
use crate::projections::decode;

/// The transactions file: one row per posting of every transaction and reversal.
pub const TRANSACTIONS: &str = "transactions.csv";
/// The stock movements file: one row per batch a distribution event moved.
pub const STOCK_MOVEMENTS: &str = "stock_movements.csv";
/// The folder of monthly statements, one `YYYY-MM.json` per month with ledger activity.
pub const STATEMENTS: &str = "statements";

const TRANSACTION_COLUMNS: [&str; 23] = [
    "position",
    "recorded_at",
    "actor",
    "command_id",
    "transaction_id",
    "date",
    "description",
    "account_id",
    "amount_cents",
    "currency",
    "status",
    "approved_by",
    "paid_by",
    "declined_by",
    "effective_date",
    "effective_position",
    "reverses",
    "reversed_by",
    "reason",
    "receipt",
    "paid_for",
    "donor",
    "donor_erased",
];

/// A record this build cannot read although its chain is sound: the bundle (or the log)
/// holds an event of a known type whose payload does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event at position {position} cannot be read: {reason}")]
pub struct DeriveError {
    pub position: u64,
    pub reason: String,
}

/// Who recorded an event, when, and with which command.
#[derive(Clone, Debug, Default)]
struct Trace {
    recorded_at_ms: i64,
    /// The group's offset from UTC then, in seconds.
    offset_seconds: i32,
    actor: String,
    command_id: String,
}

impl Trace {
    fn of(envelope: &Envelope, clock: &Clock) -> Trace {
        Trace {
            recorded_at_ms: envelope.recorded_at_ms,
            offset_seconds: clock.offset_seconds(envelope.recorded_at_ms),
            actor: envelope.actor.clone(),
            command_id: envelope.command_id.clone(),
        }
    }

    /// When, on the group's clock, with its offset.
    fn recorded_at(&self) -> String {
        iso_time(self.recorded_at_ms, self.offset_seconds)
    }
}

/// The derived files, folded one stored record at a time in log order.
#[derive(Debug)]
pub struct Derivation {
    upcasters: Upcasters,
    ledger: Ledger,
    /// The traces of the ledger events that record a transaction or a reversal, by position.
    traces: HashMap<u64, Trace>,
    movements: StockMovements,
    /// The group's clock, from the zone events folded so far.
    clock: Clock,
}

impl Default for Derivation {
    fn default() -> Self {
        Derivation::new()
    }
}

/// The derived files by name (relative to the bundle's folder), in name order, with counts
/// for a summary.
#[derive(Debug)]
pub struct Derived {
    pub files: Vec<(String, Vec<u8>)>,
    pub transaction_rows: u64,
    pub movement_rows: u64,
    /// The months with a statement, as `YYYY-MM`.
    pub months: Vec<String>,
    /// The group's time zone at the last event (`UTC` until it set one): the zone of the
    /// files' dates and times.
    pub time_zone: String,
}

impl Derivation {
    pub fn new() -> Derivation {
        Derivation {
            upcasters: Upcasters::domain(),
            ledger: Ledger::new(),
            traces: HashMap::new(),
            movements: StockMovements::new(),
            clock: Clock::utc(),
        }
    }

    /// Folds one record as stored (it is upcast here, as the server reads it). Records of
    /// types this build does not model (test notes) are skipped, as the projections skip
    /// them.
    pub fn fold(&mut self, stored: &Envelope) -> Result<(), DeriveError> {
        let position = stored.position;
        let failed = |reason: String| DeriveError { position, reason };
        let current = self.upcasters.apply(stored.clone()).map_err(|e| failed(e.to_string()))?;
        let Some(recorded) = decode(&current).map_err(|e| failed(e.to_string()))? else {
            return Ok(());
        };
        match &recorded.event {
            group::Event::Ledger(event) => {
                if matches!(
                    event,
                    ledger::Event::TransactionRecorded { .. }
                        | ledger::Event::TransactionReversed { .. }
                ) {
                    self.traces.insert(position, Trace::of(stored, &self.clock));
                }
                self.ledger.evolve(recorded.at(), event);
            }
            group::Event::Distribution(event) => {
                if let shared::distribution::Event::TimeZoneSet { zone, offsets } = event {
                    self.clock.set(stored.recorded_at_ms, zone, offsets);
                }
                self.movements.record(&Trace::of(stored, &self.clock), position, event)
            }
            _ => {}
        }
        Ok(())
    }

    /// The stock movements file as of the last record folded, and its rows: what
    /// [`finish`](Self::finish) writes as [`STOCK_MOVEMENTS`], without the rest
    /// (`GET /api/exports/stock_movements.csv`).
    pub fn stock_movements(self) -> (String, u64) {
        (self.movements.csv, self.movements.rows)
    }

    /// The derived files as of the last record folded.
    pub fn finish(self) -> Derived {
        let (transactions, transaction_rows) = transactions_csv(&self.ledger, &self.traces);
        let mut files = vec![
            (STOCK_MOVEMENTS.to_owned(), self.movements.csv.into_bytes()),
            (TRANSACTIONS.to_owned(), transactions.into_bytes()),
        ];
        let mut months = Vec::new();
        for (year, month) in active_months(&self.ledger) {
            let Some(statement) = MonthlyStatement::for_month(&self.ledger, year, month) else {
                continue;
            };
            // A statement is plain data: serializing it cannot fail.
            let mut json = serde_json::to_vec_pretty(&statement).unwrap_or_default();
            json.push(b'\n');
            let name = format!("{year:04}-{month:02}");
            files.push((format!("{STATEMENTS}/{name}.json"), json));
            months.push(name);
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let time_zone = self.clock.zone_name().to_owned();
        Derived { files, transaction_rows, movement_rows: self.movements.rows, months, time_zone }
    }
}

/// One row per posting of every transaction and reversal, in the order they were recorded.
fn transactions_csv(ledger: &Ledger, traces: &HashMap<u64, Trace>) -> (String, u64) {
    let mut effective: HashMap<&str, u64> = HashMap::new();
    for entry in &ledger.entries {
        effective.entry(entry.transaction_id.as_str()).or_insert(entry.position);
    }
    let mut transactions: Vec<&Transaction> = ledger.transactions.values().collect();
    transactions.sort_by_key(|t| t.recorded_position);
    let mut out = csv::row(&TRANSACTION_COLUMNS);
    let mut rows = 0;
    // Every transaction's recording event is a ledger event, so it has a trace.
    let unknown = Trace::default();
    for t in transactions {
        let id = t.transaction_id.as_str();
        let trace = traces.get(&t.recorded_position).unwrap_or(&unknown);
        let (status, paid_by, declined_by, decline_reason) = match &t.status {
            TransactionStatus::Posted => ("posted", "", "", None),
            TransactionStatus::AwaitingPayment => ("awaiting_payment", "", "", None),
            TransactionStatus::Paid { paid_by, .. } => ("paid", paid_by.as_str(), "", None),
            TransactionStatus::Declined { declined_by, reason } => {
                ("declined", "", declined_by.as_str(), Some(reason.as_str()))
            }
        };
        let has_donor = t.donor_public_name.is_some() || ledger.sealed_donors.contains(id);
        let donor = if has_donor { format!("donor:{id}") } else { String::new() };
        let erased = if ledger.erased_donors.contains(id) { "yes" } else { "" };
        let paid_for = match &t.paid_for {
            Some(ledger::PaidFor::ProcurementAlert { alert_id }) => format!("alert:{alert_id}"),
            Some(ledger::PaidFor::Request { request_id }) => format!("request:{request_id}"),
            None => String::new(),
        };
        let effective_position = effective.get(id).map(u64::to_string).unwrap_or_default();
        let effective_date = t.effective_day().map(iso_date).unwrap_or_default();
        for posting in &t.postings {
            out.push_str(&csv::row(&[
                &t.recorded_position.to_string(),
                &trace.recorded_at(),
                &trace.actor,
                &trace.command_id,
                id,
                &iso_date(t.on_day),
                &t.description,
                posting.account_id.as_str(),
                &posting.amount_cents.to_string(),
                t.currency.as_str(),
                status,
                t.approved_by.as_ref().map_or("", |m| m.as_str()),
                paid_by,
                declined_by,
                &effective_date,
                &effective_position,
                t.reverses.as_ref().map_or("", |r| r.as_str()),
                t.reversed_by.as_ref().map_or("", |r| r.as_str()),
                t.reason.as_deref().or(decline_reason).unwrap_or_default(),
                t.receipt.as_deref().unwrap_or_default(),
                &paid_for,
                &donor,
                erased,
            ]));
            rows += 1;
        }
    }
    (out, rows)
}

/// The months in which money took effect or goods were donated or reversed.
fn active_months(ledger: &Ledger) -> BTreeSet<(i64, u32)> {
    let month = |day: i64| {
        let (year, month, _) = date_of_day(day);
        (year, month)
    };
    let mut months: BTreeSet<(i64, u32)> = ledger.entries.iter().map(|e| month(e.on_day)).collect();
    for donation in ledger.goods.values() {
        months.insert(month(donation.on_day));
        if let Some(reversal) = &donation.reversed {
            months.insert(month(reversal.on_day));
        }
    }
    months
}

/// An instant as ISO 8601 with milliseconds, in the local time `offset_seconds` from UTC
/// with that offset: `2026-11-29T04:05:00.250-05:00`; `Z` for UTC itself.
pub fn iso_time(at_ms: i64, offset_seconds: i32) -> String {
    let local_ms = at_ms.saturating_add(i64::from(offset_seconds) * 1_000);
    let day = day_of(local_ms);
    let in_day = local_ms - start_of_day_ms(day);
    let (hours, minutes) = (in_day / 3_600_000, in_day / 60_000 % 60);
    let (seconds, millis) = (in_day / 1_000 % 60, in_day % 1_000);
    let offset = match offset_seconds {
        0 => "Z".to_owned(),
        seconds => {
            let sign = if seconds < 0 { '-' } else { '+' };
            let minutes = seconds.unsigned_abs() / 60;
            format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
    };
    format!("{}T{hours:02}:{minutes:02}:{seconds:02}.{millis:03}{offset}", iso_date(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_iso_8601_with_milliseconds_and_their_offset() {
        assert_eq!(iso_time(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_790_000_000_250, 0), "2026-09-21T14:13:20.250Z");
        assert_eq!(iso_time(-1, 0), "1969-12-31T23:59:59.999Z");
        // New York in summer, Manila, and a zone a half hour off.
        assert_eq!(iso_time(1_790_000_000_250, -4 * 3_600), "2026-09-21T10:13:20.250-04:00");
        assert_eq!(iso_time(1_790_000_000_250, 8 * 3_600), "2026-09-21T22:13:20.250+08:00");
        assert_eq!(iso_time(1_790_000_000_250, 19_800), "2026-09-21T19:43:20.250+05:30");
    }
}
