//! Bringing a group's spreadsheets in: items and stock, members, partners, households,
//! donations and expenses, from CSV as spreadsheet tools write it ([`sheet`], [`value`]).
//!
//! An import is planned from the file and the group as it is ([`kinds`]): each row becomes
//! the commands a member would have sent from the screens, with the importing member as the
//! actor and `import-<file hash>-<row>-<n>` as the command id, so the log shows what came
//! from which file and who brought it in. The plan goes through the command pipeline as one
//! job ([`Commands::submit_together`]): every command is decided in turn and, only if none
//! is refused, all are appended, nothing else in between, in one durable commit per
//! [`crate::commands::TOGETHER_CHUNK`] commands (one commit for any sheet of up to some
//! 10,000 rows). A dry run decides them the same way and appends nothing, so its report
//! names every problem, by row and column, that the real import would meet. Interrupting an
//! import (the CLI's Ctrl-C, the screen's Stop, a closed connection) before the write
//! leaves nothing behind; once the write has begun it finishes. Only a crash in the middle
//! of an import larger than one commit leaves part of it, and the same file again writes
//! the rest.
//!
//! Importing a file again creates nothing: rows whose things exist plan nothing, and
//! donations and expenses get ids made from their own content.

pub mod kinds;
pub mod sheet;
pub mod terminal;
pub mod value;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::distribution::{MemberId, Rejection};
use shared::group::Command;
use shared::members;

use crate::commands::{Refused, Submitted, Together, fingerprint};
use crate::group::{Group, Unfit};

pub use crate::commands::Progress;
pub use value::DateOrder;

/// Files up to this size are read; larger ones are refused before reading.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Rows (after the header, blank ones not counted) one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Errors and preview lines a report lists (all are counted).
const MAX_LISTED_ERRORS: usize = 200;
const MAX_PREVIEW: usize = 50;

pub use shared::view::import::{Action, Kind, Phase, PreviewLine, Report, RowError, SignIn};

/// `text` as a kind of import, or a message naming the kinds there are.
pub fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::from_name(text).ok_or_else(|| {
        format!(
            "`{text}` is not a kind of import: items, members, partners, households, donations or expenses"
        )
    })
}

/// Why an import did not run at all (as opposed to a report with errors).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is larger than 50 MB: split it into smaller files")]
    TooLarge,
    #[error("the file has more than {MAX_ROWS} rows: split it into smaller files")]
    TooManyRows,
    #[error("the file changed since it was checked: check it again before importing")]
    FileChanged,
    #[error("{0}")]
    Forbidden(String),
    #[error("stopped: nothing was imported")]
    Cancelled,
    #[error("{0}")]
    Unavailable(String),
}

/// Imports into a group: the route and the CLI alike. Personal data is sealed by the
/// group's own sealing ([`Group::take_in`]), for a real import only: a check puts a
/// stand-in there instead, so it creates no keys.
#[derive(Debug)]
pub struct Importer<'a> {
    group: &'a Group,
}

/// The request: what, from which bytes, read how, and whether for real.
#[allow(missing_debug_implementations)] // Reason: the file's bytes; nothing to show.
pub struct Request<'b> {
    pub kind: Kind,
    pub bytes: &'b [u8],
    pub dates: DateOrder,
    /// `Some(hash)` imports for real, if the file's hash is `hash`; `None` is a dry run.
    pub commit: Option<String>,
}

/// The file's SHA-256, hex.
pub fn file_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl<'a> Importer<'a> {
    pub fn new(group: &'a Group) -> Importer<'a> {
        Importer { group }
    }

    /// Plans the file and sends it through the pipeline: a dry run, or the import itself.
    /// A report with errors has written nothing.
    pub async fn run(
        &self,
        actor: &MemberId,
        request: Request<'_>,
        progress: &Arc<Progress>,
    ) -> Result<Report, ImportError> {
        let Request { kind, bytes, dates, commit } = request;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge);
        }
        let hash = file_hash(bytes);
        if commit.as_ref().is_some_and(|expected| *expected != hash) {
            return Err(ImportError::FileChanged);
        }
        let roles = self.group.read(|p| p.members.roles_of(actor.as_str()).to_vec());
        let denied: Vec<&str> = kind
            .command_kinds()
            .iter()
            .filter(|c| !shared::access::may_send_kind(&roles, **c))
            .map(|c| c.name())
            .collect();
        if !denied.is_empty() {
            return Err(ImportError::Forbidden(format!(
                "your roles may not send {}, which this import needs",
                denied.join(", ")
            )));
        }
        progress.set_phase(Phase::Reading);
        // The group's day: what "expired" and "in the future" mean for the rows.
        let now_ms = self.group.now();
        let mut known = self.group.read(|p| kinds::Known::of(p, p.board.clock.day_of(now_ms)));
        let planned = plan(kind, bytes, dates, &hash, &mut known, progress)?;
        let dry_run = commit.is_none();
        let short = &hash[..16];
        let mut submitted: Vec<Submitted> = Vec::with_capacity(planned.planned.len());
        let mut errors = planned.errors;
        // What the report needs of each command sent, by the same index.
        let mut sent: Vec<Sent> = Vec::with_capacity(planned.planned.len());
        for kinds::Planned { line, command, personal, text } in planned.planned {
            let kind = command.kind();
            let member = match &command {
                Command::Members(members::Command::AddMember { member_id, .. }) => {
                    Some(member_id.to_string())
                }
                _ => None,
            };
            // As a screen sends it: the personal data in clear where the command carries it.
            let mut value =
                serde_json::to_value(&command).expect("invariant: a command serializes to JSON");
            let sealing = shared::personal::sealing(kind);
            if let (Some(data), Some(sealing)) = (&personal, sealing) {
                let clear = serde_json::to_value(data).expect("invariant: text serializes");
                put_at(&mut value, sealing.path, clear);
            }
            let print = fingerprint(actor.as_str(), &value);
            let taken = if dry_run {
                // A check never seals (sealing makes a key): a stand-in takes the
                // ciphertext's place, so `decide` sees that there is some.
                if let (Some(_), Some(sealing)) = (&personal, sealing) {
                    put_at(&mut value, sealing.path, Value::String(STAND_IN.to_owned()));
                }
                Command::from_json(value)
            } else {
                self.group.take_in(kind, value).map_err(|unfit| match unfit {
                    Unfit::Invalid { message, .. } | Unfit::Unavailable(message) => message,
                })
            };
            let kind_name = kind.name().to_owned();
            match taken {
                Ok(command) => {
                    // The same command from the same file has the same id (a retry of it is a
                    // duplicate); any other command, another.
                    let command_id = format!("import-{short}-{line}-{}", &hex::encode(print)[..12]);
                    submitted.push(
                        Submitted::new(command_id, actor.clone(), command).received_as(print),
                    );
                    sent.push(Sent { line, kind: kind_name, text, member });
                }
                Err(message) => errors.push(RowError { row: line, column: String::new(), message }),
            }
        }
        let mut report = Report {
            kind,
            file_hash: hash.clone(),
            rows: planned.rows,
            errors: Vec::new(),
            errors_total: 0,
            actions: Vec::new(),
            unchanged: planned.unchanged,
            preview: Vec::new(),
            notes: planned.notes,
            committed: false,
            positions: None,
            sign_ins: Vec::new(),
        };
        if progress.cancel.load(Ordering::Relaxed) {
            progress.set_phase(Phase::Cancelled);
            return Err(ImportError::Cancelled);
        }
        progress.set_phase(Phase::Checking);
        progress.total.store(submitted.len(), Ordering::Relaxed);
        progress.done.store(0, Ordering::Relaxed);
        let count = submitted.len();
        let together = Together {
            commands: submitted,
            // A file with errors is only checked, even when asked to import.
            dry_run: dry_run || !errors.is_empty(),
            progress: progress.clone(),
        };
        let outcome = if count == 0 {
            Default::default()
        } else {
            self.group.submit_together(together).await.map_err(|r| match r {
                Refused::Unavailable(message) => ImportError::Unavailable(message),
                other => ImportError::Unavailable(format!("{other:?}")),
            })?
        };
        if outcome.cancelled {
            progress.set_phase(Phase::Cancelled);
            return Err(ImportError::Cancelled);
        }
        for (i, refused) in outcome.refused {
            let line = sent[i].line;
            let (column, message) = words_of(refused);
            errors.push(RowError { row: line, column, message });
        }
        let skipped: std::collections::HashSet<usize> = outcome.unchanged.into_iter().collect();
        report.unchanged += skipped.len();
        for (i, item) in sent.iter().enumerate() {
            if skipped.contains(&i) {
                continue;
            }
            match report.actions.iter_mut().find(|a| a.command == item.kind) {
                Some(action) => action.count += 1,
                None => report.actions.push(Action { command: item.kind.clone(), count: 1 }),
            }
            if report.preview.len() < MAX_PREVIEW {
                report.preview.push(PreviewLine { row: item.line, text: item.text.clone() });
            }
        }
        errors.sort_by_key(|e| e.row);
        report.errors_total = errors.len();
        errors.truncate(MAX_LISTED_ERRORS);
        report.errors = errors;
        report.positions = outcome.positions;
        report.committed = !dry_run && report.errors_total == 0;
        if report.committed {
            let added: Vec<String> = sent
                .into_iter()
                .enumerate()
                .filter(|(i, item)| !skipped.contains(i) && item.kind == "AddMember")
                .filter_map(|(_, item)| item.member)
                .collect();
            report.sign_ins = self.sign_ins(added).await?;
        }
        progress.set_phase(Phase::Done);
        Ok(report)
    }

    /// A one-time password for each member the import added, as `potluck member add` gives.
    async fn sign_ins(&self, members: Vec<String>) -> Result<Vec<SignIn>, ImportError> {
        let auth = self.group.auth().clone();
        let made = tokio::task::spawn_blocking(move || {
            members
                .into_iter()
                .map(|member_id| {
                    let password = crate::auth::one_time_password();
                    auth.set_password(&member_id, &password).map_err(|e| e.to_string())?;
                    Ok(SignIn { member_id, password })
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .await
        .map_err(|e| ImportError::Unavailable(e.to_string()))?;
        made.map_err(|e| {
            ImportError::Unavailable(format!(
                "the members are imported but their passwords could not be stored: {e}"
            ))
        })
    }
}

/// The items and their stock on hand as the items import reads them: one row per batch
/// (item, location, expiry), and one without a location for an item with no stock. Its
/// `quantity` is on hand, reserved stock included (reservations belong to requests).
pub fn items_csv(stock: &shared::distribution::StockLevels) -> String {
    use crate::csv::row;
    let mut out = row(&[
        "item id",
        "item",
        "category",
        "unit",
        "low stock",
        "location id",
        "location",
        "quantity",
        "expires",
    ]);
    let mut items: Vec<_> = stock.items.iter().collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    for (id, item) in items {
        let category = serde_json::to_value(item.category).unwrap_or(Value::Null);
        let category = category.as_str().unwrap_or("other");
        let low = item.low_stock_threshold.to_string();
        let fixed = [id.as_str(), item.name.as_str(), category, item.unit.as_str(), &low];
        if item.batches.is_empty() {
            out.push_str(&row(&[&fixed[..], &["", "", "", ""]].concat()));
        }
        for batch in &item.batches {
            let location = stock.locations.get(&batch.location_id).map_or("", String::as_str);
            let quantity = batch.on_hand.to_string();
            let expires = batch.expires_on_day.map(shared::distribution::day::iso_date);
            let batch_cells =
                [batch.location_id.as_str(), location, &quantity, expires.as_deref().unwrap_or("")];
            out.push_str(&row(&[&fixed[..], &batch_cells[..]].concat()));
        }
    }
    out
}

/// A command sent, as the report names it.
struct Sent {
    line: usize,
    kind: String,
    text: String,
    member: Option<String>,
}

/// A plan, before it meets the pipeline.
struct Planned {
    rows: usize,
    errors: Vec<RowError>,
    planned: Vec<kinds::Planned>,
    unchanged: usize,
    notes: Vec<String>,
}

fn plan(
    kind: Kind,
    bytes: &[u8],
    dates: DateOrder,
    hash: &str,
    known: &mut kinds::Known,
    progress: &Progress,
) -> Result<Planned, ImportError> {
    let text = sheet::decode(bytes);
    let separator = sheet::separator(&text.text);
    let columns = kinds::columns(kind);
    let mut notes = Vec::new();
    if !text.utf8 {
        notes.push("The file is not UTF-8: it was read as Windows-1252.".to_owned());
    }
    let total_lines = sheet::line_count(&text.text);
    progress.total.store(total_lines, Ordering::Relaxed);
    let mut rows = sheet::rows(&text.text, separator);
    let (header, below) = match sheet::find_header(&mut rows, columns) {
        Ok(found) => found,
        Err(message) => {
            let error = RowError { row: 0, column: String::new(), message };
            return Ok(Planned {
                rows: 0,
                errors: vec![error],
                planned: Vec::new(),
                unchanged: 0,
                notes,
            });
        }
    };
    let separator_name = match separator {
        ';' => "semicolons",
        '\t' => "tabs",
        _ => "commas",
    };
    notes.push(format!("Fields separated by {separator_name}; header on line {}.", header.line));
    if header.line > 1 {
        notes.push(format!("Lines above line {} were skipped as titles.", header.line));
    }
    if !header.ignored.is_empty() {
        notes.push(format!("Columns ignored: {}.", header.ignored.join(", ")));
    }
    let dates = match dates {
        DateOrder::Auto => date_order_of(&text.text, separator, &header, columns)?,
        chosen => chosen,
    };
    let mut planner = kinds::Planner::new(kind, known, dates, hash);
    let mut errors = Vec::new();
    let mut count = 0;
    for row in below.into_iter().chain(rows) {
        count += 1;
        if count > MAX_ROWS {
            return Err(ImportError::TooManyRows);
        }
        if count % 1024 == 0 {
            progress.done.store(row.line, Ordering::Relaxed);
            if progress.cancel.load(Ordering::Relaxed) {
                progress.set_phase(Phase::Cancelled);
                return Err(ImportError::Cancelled);
            }
        }
        if let Err(mut problems) = planner.row(&header, &row) {
            errors.append(&mut problems);
        }
    }
    planner.finish();
    progress.done.store(total_lines, Ordering::Relaxed);
    Ok(Planned {
        rows: count,
        errors,
        planned: std::mem::take(&mut planner.planned),
        unchanged: planner.unchanged,
        notes,
    })
}

/// In auto mode, the order the file's own dates show (one starting above 12, or one with
/// its second number above 12); an error if they show both.
fn date_order_of(
    text: &str,
    separator: char,
    header: &sheet::Header,
    columns: &[sheet::Column],
) -> Result<DateOrder, ImportError> {
    let date_columns: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.key, "date" | "expires"))
        .map(|(i, _)| i)
        .collect();
    let mut seen = (false, false);
    for row in sheet::rows(text, separator).filter(|r| r.line > header.line) {
        for &column in &date_columns {
            match value::order_evidence(header.cell(&row, column)) {
                Some(DateOrder::DayMonthYear) => seen.0 = true,
                Some(DateOrder::MonthDayYear) => seen.1 = true,
                _ => {}
            }
        }
    }
    Ok(match seen {
        (true, false) => DateOrder::DayMonthYear,
        (false, true) => DateOrder::MonthDayYear,
        _ => DateOrder::Auto,
    })
}

/// What a check puts where a command's personal data will be sealed.
const STAND_IN: &str = "(sealed when imported)";

/// `value` with `data` at `path` (objects on the way made when missing or null).
fn put_at(value: &mut Value, path: &[&str], data: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut holder = value;
    for step in parents {
        let Some(object) = holder.as_object_mut() else { return };
        let next = object.entry(*step).or_insert(Value::Null);
        if next.is_null() {
            *next = Value::Object(serde_json::Map::new());
        }
        holder = next;
    }
    if let Some(object) = holder.as_object_mut() {
        object.insert((*last).to_owned(), data);
    }
}

/// A refusal in the report's words: the field it names, if any, and why.
fn words_of(refused: Refused) -> (String, String) {
    match refused {
        Refused::Rejected(Rejection::InvalidField { field, reason }) => (field, reason),
        Refused::Rejected(rejection) => (String::new(), rejection.to_string()),
        Refused::CommandIdReused => (String::new(), "this row is in the file twice".to_owned()),
        Refused::WrongExpectedVersion { .. } => {
            (String::new(), "changed by someone else meanwhile: check again".to_owned())
        }
        Refused::Unstorable(message) | Refused::Unavailable(message) => (String::new(), message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Plans `text` as `kind` against an empty group.
    fn planned(kind: Kind, text: &[u8]) -> Result<Planned, ImportError> {
        let projections = crate::projections::Projections::default();
        let mut known = kinds::Known::of(&projections, 20_000);
        let progress = Progress::default();
        plan(kind, text, DateOrder::Auto, &file_hash(text), &mut known, &progress)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever the bytes, every kind plans them or names what is wrong: no panic.
        #[test]
        fn any_bytes_are_planned_or_refused_in_words(
            header in prop::sample::select(vec![
                "item;quantity;location;expires;category",
                "name,roles,skills,languages",
                "partner,kind",
                "zone;name;phone;size;contact channel",
                "date,amount,donor,public,account,reference",
                "date;amount;category;paid from",
            ]),
            body in "[ -~\n\r\";,é€]{0,400}",
            noise in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut text = format!("{header}\n{body}").into_bytes();
            text.extend(noise);
            for kind in Kind::ALL {
                if let Ok(plan) = planned(kind, &text) {
                    for error in &plan.errors {
                        prop_assert!(!error.message.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn the_row_limit_is_checked_while_reading() {
        let mut text = b"item\n".to_vec();
        text.extend(b"rice\n".repeat(MAX_ROWS + 1));
        assert!(matches!(planned(Kind::Items, &text), Err(ImportError::TooManyRows)));
    }
}
