//! Checking a bundle with nothing but its folder: no server, no data folder, no keys.
//!
//! In this order, so that the most useful message comes first:
//! 1. The chain, line by line from genesis. Each line must also be written exactly as the
//!    export writes it, so a change anywhere in a line, hashed field or not, names the
//!    position where the chain breaks; so do a removed, repeated or moved line.
//! 2. The manifest: it parses, is of this format, and its count, head position, head hash
//!    and first hash are the events'.
//! 3. The derived files equal their recomputation from the events, byte for byte; the
//!    first line that differs is named.
//! 4. Every file's SHA-256 is the manifest's, and no file is missing or unlisted.
//!
//! Every problem found is reported, in that order. What rests on a sound chain (the head,
//! the derived files) is not checked once the chain breaks.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

use shared::envelope::{ChainError, ChainVerifier, Envelope, Hash};

use super::derive::{Derivation, Derived, STATEMENTS};
use super::{EVENTS, FORMAT, MANIFEST, Manifest, sha256};

/// How many characters of a differing line a problem quotes.
const QUOTED_CHARS: usize = 160;

/// Why a bundle does not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The events break the chain at `position`, on `line` of `events.ndjson`.
    #[error("{EVENTS}: the chain breaks at position {position} (line {line}): {reason}")]
    Chain { position: u64, line: u64, reason: String },
    /// An event of a known type whose payload this build cannot read, in a sound chain.
    #[error("{EVENTS}: the event at position {position} cannot be read: {reason}")]
    Event { position: u64, reason: String },
    /// The manifest is unreadable, of another format, or disagrees with the events.
    #[error("{MANIFEST}: {0}")]
    Manifest(String),
    /// A derived file is not what the events imply; `line` is the first that differs, and
    /// `position` the event the expected line comes from, when it names one.
    #[error(
        "{file} line {line} is not what the events imply{}: expected {expected:?}, found {found:?}",
        .position.map(|p| format!(" (the row of position {p})")).unwrap_or_default()
    )]
    Derived { file: String, line: usize, position: Option<u64>, expected: String, found: String },
    /// A file's SHA-256 is not the one the manifest lists.
    #[error("{file}: its SHA-256 is {found}, but the manifest says {expected}")]
    FileHash { file: String, expected: String, found: String },
    #[error("{0} is missing")]
    Missing(String),
    /// A file the events do not imply or the manifest does not list.
    #[error("{file}: {why}")]
    Unexpected { file: String, why: String },
    #[error("{file} cannot be read: {reason}")]
    Unreadable { file: String, reason: String },
}

/// A bundle that verified, for the summary.
#[derive(Clone, Debug)]
pub struct Verified {
    pub manifest: Manifest,
    pub transaction_rows: u64,
    pub movement_rows: u64,
    /// The months with a statement, as `YYYY-MM`.
    pub months: Vec<String>,
}

/// The chain as the events file leaves it.
struct Events {
    chain: ChainVerifier,
    first_hash: Option<Hash>,
    derived: Derived,
}

/// Checks the bundle in `dir`; every problem found, in the order of the module's doc.
pub fn verify(dir: &Path) -> Result<Verified, Vec<Problem>> {
    let mut problems = Vec::new();
    let events = walk_events(dir, &mut problems);
    let manifest = read_manifest(dir, &mut problems);
    if let (Some(events), Some(manifest)) = (&events, &manifest) {
        check_head(manifest, events, &mut problems);
    }
    if let Some(events) = &events {
        check_derived(dir, &events.derived, &mut problems);
    }
    if let Some(manifest) = &manifest {
        check_hashes(dir, manifest, &mut problems);
    }
    match (events, manifest) {
        (Some(events), Some(manifest)) if problems.is_empty() => Ok(Verified {
            manifest,
            transaction_rows: events.derived.transaction_rows,
            movement_rows: events.derived.movement_rows,
            months: events.derived.months,
        }),
        _ => Err(problems),
    }
}

/// Walks `events.ndjson` from genesis; `None` once the chain breaks.
fn walk_events(dir: &Path, problems: &mut Vec<Problem>) -> Option<Events> {
    let unreadable =
        |e: std::io::Error| Problem::Unreadable { file: EVENTS.to_owned(), reason: e.to_string() };
    let file = std::fs::File::open(dir.join(EVENTS)).map_err(unreadable);
    let mut reader = std::io::BufReader::new(file.map_err(|p| problems.push(p)).ok()?);
    let mut chain = ChainVerifier::default();
    let mut derivation = Derivation::new();
    let mut first_hash = None;
    let (mut line, mut number) = (Vec::new(), 0);
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => number += 1,
            Err(error) => {
                problems.push(unreadable(error));
                return None;
            }
        }
        let position = chain.head_position() + 1;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let record = match check_line(&mut chain, text) {
            Ok(record) => record,
            Err(reason) => {
                problems.push(Problem::Chain { position, line: number, reason });
                return None;
            }
        };
        first_hash.get_or_insert(record.hash);
        if let Err(error) = derivation.fold(&record) {
            problems.push(Problem::Event { position, reason: error.reason });
            return None;
        }
    }
    Some(Events { chain, first_hash, derived: derivation.finish() })
}

/// Reads one line as the next record of the chain.
fn check_line(chain: &mut ChainVerifier, text: &[u8]) -> Result<Envelope, String> {
    let expected = chain.head_position() + 1;
    let record: Envelope =
        serde_json::from_slice(text).map_err(|e| format!("the line is not a record: {e}"))?;
    chain.check(&record).map_err(|error| match error {
        ChainError::Gap { found, .. } => format!(
            "the line holds position {found} where position {expected} belongs: a record is \
             missing, repeated or out of order"
        ),
        other => other.to_string(),
    })?;
    let written = serde_json::to_vec(&record).map_err(|e| e.to_string())?;
    if written != text {
        return Err("the line is not written as the export writes it: its JSON was changed \
                    outside the hashed fields"
            .to_owned());
    }
    Ok(record)
}

fn read_manifest(dir: &Path, problems: &mut Vec<Problem>) -> Option<Manifest> {
    let bytes = match std::fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => bytes,
        Err(error) => {
            problems.push(Problem::Manifest(format!("cannot be read: {error}")));
            return None;
        }
    };
    let manifest: Manifest = match serde_json::from_slice(&bytes) {
        Ok(manifest) => manifest,
        Err(error) => {
            problems.push(Problem::Manifest(format!("does not parse: {error}")));
            return None;
        }
    };
    if manifest.format != FORMAT {
        let found = &manifest.format;
        problems.push(Problem::Manifest(format!(
            "is of format {found:?}; this build reads {FORMAT:?}"
        )));
        return None;
    }
    Some(manifest)
}

fn check_head(manifest: &Manifest, events: &Events, problems: &mut Vec<Problem>) {
    let (position, hash) = (events.chain.head_position(), hex::encode(events.chain.head_hash()));
    let mut differs = |what: &str, said: String, found: String| {
        problems.push(Problem::Manifest(format!(
            "it says the {what} is {said}, but the events, which end at position {position}, \
             give {found}"
        )));
    };
    if manifest.count != position {
        differs("count of events", manifest.count.to_string(), position.to_string());
    }
    if manifest.head_position != position {
        differs("head position", manifest.head_position.to_string(), position.to_string());
    }
    if manifest.head_hash != hash {
        differs("head hash", manifest.head_hash.clone(), hash);
    }
    if !manifest.time_zone.is_empty() && manifest.time_zone != events.derived.time_zone {
        differs("time zone", manifest.time_zone.clone(), events.derived.time_zone.clone());
    }
    let first = events.first_hash.map(hex::encode);
    if manifest.first_hash != first {
        let show = |hash: &Option<String>| hash.clone().unwrap_or_else(|| "none".to_owned());
        differs("first hash", show(&manifest.first_hash), show(&first));
    }
}

/// Compares each derived file with its recomputation, and looks for statements that the
/// events do not imply.
fn check_derived(dir: &Path, derived: &Derived, problems: &mut Vec<Problem>) {
    for (name, expected) in &derived.files {
        match std::fs::read(dir.join(name)) {
            Ok(found) if found == *expected => {}
            Ok(found) => problems.push(first_difference(name, expected, &found)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Problem::Missing(name.clone()));
            }
            Err(error) => {
                problems.push(Problem::Unreadable { file: name.clone(), reason: error.to_string() })
            }
        }
    }
    let implied: BTreeSet<&str> = derived.files.iter().map(|(name, _)| name.as_str()).collect();
    let statements = list_files(dir).into_iter().filter(|f| f.starts_with(STATEMENTS));
    for file in statements.filter(|f| !implied.contains(f.as_str())) {
        let why = "a statement of a month without ledger activity in the events".to_owned();
        problems.push(Problem::Unexpected { file, why });
    }
}

/// The first line where `found` is not `expected`, quoted without its line end.
fn first_difference(file: &str, expected: &[u8], found: &[u8]) -> Problem {
    let mut expected_lines = expected.split(|b| *b == b'\n');
    let mut found_lines = found.split(|b| *b == b'\n');
    let mut line = 0;
    loop {
        line += 1;
        let (want, got) = (expected_lines.next(), found_lines.next());
        if want != got || want.is_none() {
            let quote = |text: Option<&[u8]>| match text {
                Some(text) => {
                    let text = text.strip_suffix(b"\r").unwrap_or(text);
                    String::from_utf8_lossy(text).chars().take(QUOTED_CHARS).collect()
                }
                None => "(the end of the file)".to_owned(),
            };
            let position = want
                .and_then(|text| text.split(|b| *b == b',').next())
                .and_then(|first| std::str::from_utf8(first).ok()?.parse().ok());
            let (expected, found) = (quote(want), quote(got));
            return Problem::Derived { file: file.to_owned(), line, position, expected, found };
        }
    }
}

fn check_hashes(dir: &Path, manifest: &Manifest, problems: &mut Vec<Problem>) {
    let on_disk: BTreeSet<String> = list_files(dir).into_iter().collect();
    for (file, expected) in &manifest.files {
        // Only files found by listing the folder are opened: a name in the manifest never
        // leads outside it.
        if !on_disk.contains(file) {
            if !problems.contains(&Problem::Missing(file.clone())) {
                problems.push(Problem::Missing(file.clone()));
            }
            continue;
        }
        match std::fs::read(dir.join(file)) {
            Ok(bytes) if sha256(&bytes) == *expected => {}
            Ok(bytes) => problems.push(Problem::FileHash {
                file: file.clone(),
                expected: expected.clone(),
                found: sha256(&bytes),
            }),
            Err(error) => {
                problems.push(Problem::Unreadable { file: file.clone(), reason: error.to_string() })
            }
        }
    }
    for file in on_disk.into_iter().filter(|f| !manifest.files.contains_key(f)) {
        let why = "not listed in the manifest".to_owned();
        problems.push(Problem::Unexpected { file, why });
    }
}

/// Every regular file in the bundle but the manifest, by its `/`-separated path: the top
/// folder's and the statements folder's. Anything else (a link, another folder) is listed
/// as found, so that it shows up as unlisted.
fn list_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let entries = |folder: &Path| -> Vec<(String, bool)> {
        let Ok(read) = std::fs::read_dir(folder) else { return Vec::new() };
        read.flatten()
            .map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                (name, entry.file_type().is_ok_and(|t| t.is_dir()))
            })
            .collect()
    };
    for (name, is_dir) in entries(dir) {
        if name == STATEMENTS && is_dir {
            let inner = entries(&dir.join(STATEMENTS));
            files.extend(inner.into_iter().map(|(name, _)| format!("{STATEMENTS}/{name}")));
        } else if name != MANIFEST {
            files.push(name);
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{AppendRequest, ExpectedVersion, Log, NewEvent};

    /// A bundle of a log of `notes` test events (a type no part models: no rows).
    async fn bundle_of(notes: usize) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let log = Log::open(&dir.path().join("data")).expect("log");
        for i in 0..notes {
            let event = NewEvent {
                event_type: "Noted".into(),
                schema_version: 1,
                payload: format!("{{\"n\":{i}}}"),
            };
            let request = AppendRequest::new(
                "notes",
                ExpectedVersion::Any,
                vec![event],
                format!("c{i}"),
                "t",
            );
            log.append(request).await.expect("appended");
        }
        let bundle = dir.path().join("bundle");
        let written =
            tokio::task::block_in_place(|| crate::bundle::write_dir(&log, &bundle, "t", 0));
        written.expect("bundle written");
        log.close().await;
        (dir, bundle)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_empty_log_makes_a_bundle_that_verifies() {
        let (_dir, bundle) = bundle_of(0).await;
        let verified = verify(&bundle).expect("verifies");
        assert_eq!((verified.manifest.count, verified.manifest.first_hash), (0, None));
        assert!(verified.months.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_name_in_the_manifest_never_leads_outside_the_folder() {
        let (dir, bundle) = bundle_of(3).await;
        std::fs::write(dir.path().join("secret"), "outside").expect("written");
        let path = bundle.join(MANIFEST);
        let mut manifest: Manifest =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("manifest");
        manifest.files.insert("../secret".to_owned(), sha256(b"outside"));
        std::fs::write(&path, manifest.to_json()).expect("written");
        std::fs::write(bundle.join("notes.txt"), "added").expect("written");
        std::fs::write(bundle.join(STATEMENTS).join("2026-01.json"), "{}").expect("written");

        let problems = verify(&bundle).expect_err("does not verify");
        let statement = "statements/2026-01.json".to_owned();
        assert!(problems.contains(&Problem::Missing("../secret".to_owned())), "{problems:?}");
        for file in ["notes.txt", "statements/2026-01.json"] {
            let unlisted =
                |p: &Problem| matches!(p, Problem::Unexpected { file: f, .. } if f == file);
            assert!(problems.iter().any(unlisted), "{file}: {problems:?}");
        }
        let not_implied = |p: &Problem| matches!(p, Problem::Unexpected { file, why } if *file == statement && why.contains("ledger"));
        assert!(problems.iter().any(not_implied), "{problems:?}");
    }

    #[test]
    fn the_first_differing_line_is_named_with_the_position_of_its_row() {
        let expected = b"position,x\n7,a\n9,b\n";
        let problem = first_difference("f.csv", expected, b"position,x\n7,a\n");
        assert_eq!(
            problem,
            Problem::Derived {
                file: "f.csv".to_owned(),
                line: 3,
                position: Some(9),
                expected: "9,b".to_owned(),
                found: String::new(),
            }
        );
        let problem = first_difference("f.csv", b"a\n", b"a\nextra\n");
        let Problem::Derived { line: 2, position: None, found, .. } = problem else {
            panic!("{problem:?}")
        };
        assert_eq!(found, "extra");
    }
}
