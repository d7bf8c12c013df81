//! `potluck export-csv KIND`: an export of [`super`] from a stopped server's data folder (a
//! running server locks it, and serves the same files at `GET /api/exports/...`).
//!
//! The log is folded once into the projections, checking its chain as the server does at
//! start-up; nothing is written to the data folder and no key is opened.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use shared::ledger::MonthlyStatement;

use super::{Days, Kind, month_of, parse_month};
use crate::log::{Log, system_clock};
use crate::projections::{Projections, replay};

/// An export asked for on the command line, its options checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Transactions(Days),
    /// A month, or (`None`) the one under way on the group's clock.
    Statement(Option<(i64, u32)>),
    StockMovements,
    Members(Option<(i64, u32)>),
}

impl Export {
    /// `--month` applies to the statement and members, `--from` and `--to` to
    /// transactions (days of the group's clock); a month left out is the one under way
    /// where the group lives.
    pub fn parse(
        kind: &str,
        month: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Export, String> {
        let kind = Kind::parse(kind)
            .ok_or_else(|| format!("`{kind}` is not one of {}", Kind::NAMES.join(", ")))?;
        let ranged = from.is_some() || to.is_some();
        if ranged && kind != Kind::Transactions {
            return Err("--from and --to apply to transactions only".to_owned());
        }
        if month.is_some() && !matches!(kind, Kind::Statement | Kind::Members) {
            return Err("--month applies to the statement and members only".to_owned());
        }
        let month = month.map(parse_month).transpose()?;
        Ok(match kind {
            Kind::Transactions => Export::Transactions(Days::parse(from, to)?),
            Kind::Statement => Export::Statement(month),
            Kind::StockMovements => Export::StockMovements,
            Kind::Members => Export::Members(month),
        })
    }

    /// The file's contents from the log as it is, at `now_ms`. Blocking: it reads the whole
    /// log.
    pub fn build(&self, log: &Log, now_ms: i64) -> anyhow::Result<String> {
        if *self == Export::StockMovements {
            return Ok(super::stock_movements(log, log.head().position)?);
        }
        let mut projections = Projections::default();
        replay(log, |_, recorded| {
            if let Some(recorded) = recorded {
                projections.apply(recorded);
            }
        })?;
        let p = &projections;
        let today = p.board.clock.day_of(now_ms);
        let month = |asked: Option<(i64, u32)>| asked.unwrap_or_else(|| month_of(today));
        Ok(match *self {
            Export::Transactions(days) => super::transactions(&p.ledger, days),
            Export::Statement(asked) => {
                let (year, month) = month(asked);
                // A month that parsed exists, so it has a statement.
                let statement = MonthlyStatement::for_month(&p.ledger, year, month);
                statement.map(|s| super::statement(&s)).unwrap_or_default()
            }
            Export::Members(asked) => {
                super::members(&p.members, &p.people, month(asked), today, &p.board.clock)
            }
            Export::StockMovements => String::new(),
        })
    }
}

/// Runs `potluck export-csv`: writes the file to `out`, or to stdout.
pub async fn export_csv(
    log: Log,
    kind: &str,
    month: Option<&str>,
    range: (Option<&str>, Option<&str>),
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let export = Export::parse(kind, month, range.0, range.1);
    let export = match export {
        Ok(export) => export,
        Err(message) => {
            log.close().await;
            anyhow::bail!(message);
        }
    };
    let now_ms = (system_clock())();
    let built = tokio::task::block_in_place(|| export.build(&log, now_ms));
    log.close().await;
    let csv = built?;
    match out {
        Some(path) => {
            std::fs::write(&path, &csv)?;
            let lines = csv.lines().count().saturating_sub(1);
            eprintln!("Wrote {lines} lines to {}", path.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(csv.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
