//! `potluck export-csv KIND`: an export of [`super`] from a stopped server's data folder (a
//! running server locks it, and serves the same files at `GET /api/exports/...`).
//!
//! The log is folded once into the projections, checking its chain as the server does at
//! start-up; nothing is written to the data folder and no key is opened.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use shared::distribution::day::day_of;
use shared::ledger::MonthlyStatement;

use super::{Days, Kind, month_of, parse_month};
use crate::log::{Log, MARKER_FILE, system_clock};
use crate::projections::{Projections, replay};

/// An export asked for on the command line, its options checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Transactions(Days),
    Statement(i64, u32),
    StockMovements,
    Members(i64, u32),
}

impl Export {
    /// `--month` applies to the statement and members, `--from` and `--to` to
    /// transactions; a month left out is the one `today` falls in.
    pub fn parse(
        kind: &str,
        month: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: i64,
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
        let (year, month) = month.map_or(Ok(month_of(today)), parse_month)?;
        Ok(match kind {
            Kind::Transactions => Export::Transactions(Days::parse(from, to)?),
            Kind::Statement => Export::Statement(year, month),
            Kind::StockMovements => Export::StockMovements,
            Kind::Members => Export::Members(year, month),
        })
    }

    /// The file's contents from the log as it is. Blocking: it reads the whole log.
    pub fn build(&self, log: &Log, today: i64) -> anyhow::Result<String> {
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
        Ok(match *self {
            Export::Transactions(days) => super::transactions(&p.ledger, days),
            Export::Statement(year, month) => {
                // A month that parsed exists, so it has a statement.
                let statement = MonthlyStatement::for_month(&p.ledger, year, month);
                statement.map(|s| super::statement(&s)).unwrap_or_default()
            }
            Export::Members(year, month) => {
                super::members(&p.members, &p.people, (year, month), today, &p.board.clock)
            }
            Export::StockMovements => String::new(),
        })
    }
}

/// Runs `potluck export-csv`: writes the file to `out`, or to stdout.
pub async fn export_csv(
    data: &Path,
    kind: &str,
    month: Option<&str>,
    range: (Option<&str>, Option<&str>),
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let today = day_of((system_clock())());
    let export = Export::parse(kind, month, range.0, range.1, today).map_err(anyhow::Error::msg)?;
    if !data.join(MARKER_FILE).exists() {
        anyhow::bail!("{} is not a potluck data folder", data.display());
    }
    let log = Log::open(data).map_err(|error| {
        anyhow::Error::new(error).context(format!(
            "cannot open {}; if the server is running, it serves the same file at \
             GET /api/exports/...",
            data.display()
        ))
    })?;
    let built = tokio::task::block_in_place(|| export.build(&log, today));
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
