//! Audit bundles: the log and what it implies, in one folder an auditor checks offline.
//!
//! A bundle holds:
//! - `events.ndjson`: every record exactly as stored (not upcast), one JSON envelope per
//!   line as `potluck export` writes them, so the hash chain verifies byte for byte.
//!   Personal data is in it only as the log holds it: sealed, and after an erasure sealed
//!   under a key that no longer exists.
//! - `transactions.csv`, `stock_movements.csv` and `statements/YYYY-MM.json`: computed from
//!   the events by [`derive`], the same code for the export and the check.
//! - `manifest.json` ([`Manifest`]): the format, when and by whom it was exported, the count
//!   of events, the head position and hash, the first record's hash, and the SHA-256 of
//!   every other file.
//!
//! [`write_dir`] writes a bundle from a log (`potluck export --bundle`); [`build`] makes one
//! in memory, which [`archive::tar`] turns into one tar archive of one folder
//! (`GET /api/audit/bundle`); [`verify::verify`] checks a bundle's folder with nothing else
//! (`potluck verify-bundle`): no server, no data folder, no keys.

pub mod archive;
pub mod derive;
pub mod verify;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shared::envelope::{ChainVerifier, Hash};

use self::derive::{Derivation, DeriveError, Derived, STATEMENTS, iso_time};
use crate::backup::{empty_target, sync_dir, write_synced};
use crate::log::{Log, ReadError};

pub use self::verify::{Problem, Verified, verify};

/// The format a bundle's manifest names; a new layout gets a new number.
pub const FORMAT: &str = "potluck-bundle 1";
/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The events' file name.
pub const EVENTS: &str = "events.ndjson";

/// The `exported_by` of a bundle written by `potluck export --bundle`.
pub const EXPORTED_BY_CLI: &str = "command line";

/// Records read from the log at a time.
const CHUNK: usize = 4096;

/// What a bundle says about itself. Everything but `exported_at` and `exported_by` is
/// checked against the files by [`verify()`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the bundle was made, UTC ISO 8601.
    pub exported_at: String,
    /// The member who downloaded it, or [`EXPORTED_BY_CLI`].
    pub exported_by: String,
    /// Events in `events.ndjson`: positions 1 to `head_position`, without a gap.
    pub count: u64,
    pub head_position: u64,
    /// The newest record's hash, hex: compare it with one the group published earlier.
    pub head_hash: String,
    /// The first record's hash, hex: the same in every bundle of one group's log.
    pub first_hash: Option<String>,
    /// SHA-256, hex, of every other file, by its path in the bundle (`/`-separated).
    pub files: BTreeMap<String, String>,
    /// The group's time zone at the head (`UTC` until it set one): the derived files' dates
    /// are its days, their times its local times, each with its offset. Bundles from before
    /// zones have none.
    #[serde(default)]
    pub time_zone: String,
}

impl Manifest {
    /// The manifest as its file holds it.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, numbers and a map of strings: serializing cannot fail.
        let mut json = serde_json::to_vec_pretty(self).unwrap_or_default();
        json.push(b'\n');
        json
    }
}

/// A bundle in memory: its manifest and every other file, by path, in path order.
#[derive(Debug)]
pub struct Bundle {
    pub manifest: Manifest,
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The log's own chain is broken: a bundle of it would not verify.
    #[error("the log is broken at position {position}: {reason}; not exporting it")]
    Broken { position: u64, reason: String },
    #[error(transparent)]
    Derive(#[from] DeriveError),
    #[error("cannot write the bundle: {0}")]
    Io(#[from] std::io::Error),
}

/// The events written, and what they imply.
struct Walked {
    count: u64,
    head_hash: Hash,
    first_hash: Option<Hash>,
    events_sha256: String,
    derived: Derived,
}

/// Makes a bundle of the log as it is at its current head, in memory. Blocking: it reads
/// the whole log.
pub fn build(log: &Log, exported_by: &str, now_ms: i64) -> Result<Bundle, ExportError> {
    let mut events = Vec::new();
    let walked = walk(log, &mut events)?;
    let mut files = vec![(EVENTS.to_owned(), events)];
    let manifest = manifest(&walked, exported_by, now_ms);
    files.extend(walked.derived.files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Bundle { manifest, files })
}

/// Writes a bundle of the log into `dir`, which must be missing or empty, every file
/// flushed to disk; the manifest is written last. On failure (a broken log, a full disk)
/// the folder is left empty again. Blocking: it reads the whole log.
pub fn write_dir(
    log: &Log,
    dir: &Path,
    exported_by: &str,
    now_ms: i64,
) -> anyhow::Result<Manifest> {
    empty_target(dir)?;
    let written = write_files(log, dir, exported_by, now_ms);
    if written.is_err() {
        // The folder was empty: what is in it now is this export's, half written. Removing
        // it lets the same command run again once the cause is fixed.
        let _ = std::fs::remove_dir_all(dir.join(STATEMENTS));
        for name in [EVENTS, derive::TRANSACTIONS, derive::STOCK_MOVEMENTS, MANIFEST] {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    written
}

fn write_files(log: &Log, dir: &Path, exported_by: &str, now_ms: i64) -> anyhow::Result<Manifest> {
    std::fs::create_dir(dir.join(STATEMENTS))?;
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(dir.join(EVENTS))?;
    let mut writer = std::io::BufWriter::new(file);
    let walked = walk(log, &mut writer)?;
    writer.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    for (name, bytes) in &walked.derived.files {
        write_synced(&dir.join(name), bytes)?;
    }
    sync_dir(&dir.join(STATEMENTS))?;
    let manifest = manifest(&walked, exported_by, now_ms);
    write_synced(&dir.join(MANIFEST), &manifest.to_json())?;
    sync_dir(dir)?;
    Ok(manifest)
}

fn manifest(walked: &Walked, exported_by: &str, now_ms: i64) -> Manifest {
    let mut files: BTreeMap<String, String> =
        walked.derived.files.iter().map(|(name, bytes)| (name.clone(), sha256(bytes))).collect();
    files.insert(EVENTS.to_owned(), walked.events_sha256.clone());
    Manifest {
        format: FORMAT.to_owned(),
        exported_at: iso_time(now_ms, 0),
        exported_by: exported_by.to_owned(),
        count: walked.count,
        head_position: walked.count,
        head_hash: hex::encode(walked.head_hash),
        first_hash: walked.first_hash.map(hex::encode),
        files,
        time_zone: walked.derived.time_zone.clone(),
    }
}

/// Writes every record up to the head the log has now into `events` (one line each),
/// checking the chain on the way, and folds each into the derived files.
fn walk(log: &Log, events: &mut impl Write) -> Result<Walked, ExportError> {
    let head = log.head().position;
    let mut out = HashingWriter { inner: events, hasher: Sha256::new() };
    let mut chain = ChainVerifier::default();
    let mut derivation = Derivation::new();
    let mut first_hash = None;
    while chain.head_position() < head {
        let next = chain.head_position() + 1;
        let left = usize::try_from(head - chain.head_position()).unwrap_or(CHUNK);
        let chunk = log.read_raw(next, left.min(CHUNK))?;
        if chunk.is_empty() {
            let reason = format!("the log ends before its head, position {head}");
            return Err(ExportError::Broken { position: next, reason });
        }
        for record in &chunk {
            let position = chain.head_position() + 1;
            let broken = |reason: String| ExportError::Broken { position, reason };
            chain.check(record).map_err(|e| broken(e.to_string()))?;
            let line = serde_json::to_vec(record).map_err(|e| broken(e.to_string()))?;
            out.write_all(&line)?;
            out.write_all(b"\n")?;
            first_hash.get_or_insert(record.hash);
            derivation.fold(record)?;
        }
    }
    out.flush()?;
    Ok(Walked {
        count: chain.head_position(),
        head_hash: chain.head_hash(),
        first_hash,
        events_sha256: hex::encode(out.hasher.finalize()),
        derived: derivation.finish(),
    })
}

/// SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Hashes what passes through it, so the events are hashed as they are written.
struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
