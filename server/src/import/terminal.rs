//! `potluck import KIND FILE`: the check, printed; then, once confirmed (a `y` at the
//! prompt, or `--yes`), the import, with a progress bar on a terminal. Ctrl-C stops it;
//! before its one commit nothing is written.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use shared::distribution::MemberId;

use super::{DateOrder, ImportError, Importer, Kind, Progress, Report, Request};
use crate::group::Group;

/// What the command line asked for.
#[derive(Debug)]
pub struct Asked<'a> {
    pub kind: Kind,
    pub file: &'a Path,
    pub actor: &'a str,
    pub dates: DateOrder,
    /// Only check; never import.
    pub dry_run: bool,
    /// Import without asking once the check is clean.
    pub yes: bool,
}

pub async fn run(group: &Group, asked: Asked<'_>) -> anyhow::Result<ExitCode> {
    let actor = MemberId::from(asked.actor);
    if group.read(|p| p.members.get(asked.actor).is_none()) {
        anyhow::bail!("{} is not a member of this group: say who imports with --as", asked.actor);
    }
    let size = std::fs::metadata(asked.file)?.len();
    if size > super::MAX_FILE_BYTES as u64 {
        anyhow::bail!(ImportError::TooLarge);
    }
    let bytes = std::fs::read(asked.file)?;
    let check = attempt(group, &actor, &asked, &bytes, None).await?;
    print_report(&check);
    if check.has_errors() {
        println!("Nothing was imported: fix these rows and run the command again.");
        return Ok(ExitCode::from(1));
    }
    if check.actions.is_empty() {
        println!("Nothing to import: everything in the file is already in Potluck.");
        return Ok(ExitCode::SUCCESS);
    }
    if asked.dry_run {
        println!("Checked only (--dry-run): nothing was imported.");
        return Ok(ExitCode::SUCCESS);
    }
    if !asked.yes && !confirmed()? {
        println!("Nothing was imported.");
        return Ok(ExitCode::SUCCESS);
    }
    let done = attempt(group, &actor, &asked, &bytes, Some(check.file_hash.clone())).await?;
    if done.has_errors() {
        print_report(&done);
        println!("Nothing was imported: the group changed since the check.");
        return Ok(ExitCode::from(1));
    }
    match done.positions {
        Some((first, last)) => println!("Imported: log positions {first} to {last}."),
        None => println!("Nothing new to import."),
    }
    if !done.sign_ins.is_empty() {
        println!("One-time passwords (hand each over; they are not shown again):");
        for sign_in in &done.sign_ins {
            println!("  {}  {}", sign_in.member_id, sign_in.password);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One pass (check or import) with a progress bar and Ctrl-C wired to stop it.
async fn attempt(
    group: &Group,
    actor: &MemberId,
    asked: &Asked<'_>,
    bytes: &[u8],
    commit: Option<String>,
) -> anyhow::Result<Report> {
    let progress = Arc::new(Progress::default());
    let bar = tokio::spawn(draw(progress.clone()));
    let stopper = progress.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stopper.stop();
        }
    });
    let importer = Importer::new(group);
    let request = Request { kind: asked.kind, bytes, dates: asked.dates, commit };
    let outcome = importer.run(actor, request, &progress).await;
    ctrl_c.abort();
    progress.set_phase(super::Phase::Done);
    let _ = bar.await;
    outcome.map_err(anyhow::Error::from)
}

/// A text progress bar on standard error, redrawn five times a second, on a terminal only.
async fn draw(progress: Arc<Progress>) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    loop {
        let phase = progress.phase();
        let (done, total) =
            (progress.done.load(Ordering::Relaxed), progress.total.load(Ordering::Relaxed));
        let filled = (done.min(total) * 30).checked_div(total).unwrap_or(0);
        let bar = format!("{}{}", "#".repeat(filled), " ".repeat(30 - filled));
        let name = format!("{phase:?}").to_lowercase();
        eprint!("\r[{bar}] {name:<9} {done}/{total}   ");
        if matches!(phase, super::Phase::Done | super::Phase::Cancelled) {
            eprintln!();
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn confirmed() -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        println!("Run again with --yes to import.");
        return Ok(false);
    }
    print!("Import this? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn print_report(report: &Report) {
    for note in &report.notes {
        println!("{note}");
    }
    println!("{} rows read; {} already in Potluck.", report.rows, report.unchanged);
    for action in &report.actions {
        println!("  {:>7} × {}", action.count, action.command);
    }
    for line in report.preview.iter().take(10) {
        println!("  row {}: {}", line.row, line.text);
    }
    if report.errors_total > 0 {
        println!("{} problems:", report.errors_total);
        for error in &report.errors {
            println!("  {}", error.words());
        }
        if report.errors_total > report.errors.len() {
            println!("  … and {} more", report.errors_total - report.errors.len());
        }
    }
}
