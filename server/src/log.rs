//! The append-only event log: the one place Potluck's facts are kept.
//!
//! - One writer thread ([`writer`]) assigns gapless positions, chains hashes and commits
//!   every pending append in one durable batch (group commit), then answers them all.
//! - Readers go straight to storage; they only ever see what the writer has made durable,
//!   because the head they read up to is published after the commit.
//! - Keys are big-endian so byte order is position order:
//!   `e|position` → record, `s|stream|0|version` → position, `c|command id` → the answer
//!   the command got, so a retry gets the same answer and writes nothing.

mod ahead;
mod checkpoint;
mod keys;
mod postgres;
mod storage;
mod store;
mod subscription;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use shared::envelope::{ChainVerifier, Envelope, GENESIS_HASH, Hash};
use shared::upcast::{UpcastError, Upcasters};
use tokio::sync::{oneshot, watch};

use crate::metrics::LogStats;

pub use postgres::{PgStore, migrate};
pub use storage::{SledStorage, StorageError};
pub use store::{Commit, CommitError, EventStore, StoredRecord, Wake, copy};
pub use subscription::Subscription;

/// Largest accepted record, so that no value ever leaves sled's inline storage (sled writes
/// large values to separate blob files that our `fdatasync` would not cover).
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// Records read per step of [`Log::verify`].
const VERIFY_CHUNK: usize = 4096;
/// Most events one command may append.
pub const MAX_EVENTS_PER_APPEND: usize = 1000;

/// The stream version an append expects, for optimistic concurrency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Append whatever the stream's version is.
    Any,
    /// Append only if the stream is at exactly this version (0: the stream has no events).
    Exact(u64),
}

/// One event to append: its type, schema version and JSON payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    pub event_type: String,
    pub schema_version: u32,
    pub payload: String,
}

/// All the events of one command, appended atomically to one stream.
#[derive(Clone, Debug)]
pub struct AppendRequest {
    pub stream: String,
    pub expected: ExpectedVersion,
    pub events: Vec<NewEvent>,
    pub command_id: String,
    pub actor: String,
    /// What makes a retry "the same command". Defaults to a hash of the stream and events;
    /// a caller that decides events from state should set it to a hash of the command.
    pub fingerprint: Hash,
}

impl AppendRequest {
    pub fn new(
        stream: impl Into<String>,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
        command_id: impl Into<String>,
        actor: impl Into<String>,
    ) -> Self {
        let stream = stream.into();
        let fingerprint = fingerprint_of(&stream, &events);
        AppendRequest {
            stream,
            expected,
            events,
            command_id: command_id.into(),
            actor: actor.into(),
            fingerprint,
        }
    }
}

/// The answer to a successful append, and to every retry of the same command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    pub first_position: u64,
    pub last_position: u64,
    /// The stream's version after the append.
    pub stream_version: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AppendError {
    /// Someone else appended to the stream first; decide again on fresh state.
    #[error("stream {stream} is at version {current}, not the expected {expected}")]
    WrongExpectedVersion { stream: String, expected: u64, current: u64 },
    /// A command id was used again for a different command: a client bug, not a retry.
    #[error("command id {0} was already used for a different command")]
    CommandIdReused(String),
    /// The request is malformed; nothing was written.
    #[error("invalid append: {0}")]
    Invalid(String),
    /// The disk failed. The outcome is unknown: retry with the same command id.
    #[error("{0}; the outcome is unknown, retry with the same command id")]
    Storage(String),
    #[error("the log is shut down")]
    Closed,
    /// Another server appended first; nothing was written. Decide again on the events it
    /// added (the log's head has moved to them).
    #[error("another server appended to the log first; decide again")]
    HeadMoved,
}

/// The newest record's position and hash. Position 0 is the empty log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub position: u64,
    pub hash: Hash,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("record at position {position} is damaged: {reason}")]
    Corrupt { position: u64, reason: String },
    #[error(transparent)]
    Upcast(#[from] UpcastError),
    #[error("the log is shut down")]
    Closed,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "{0} is not a potluck data folder (it has files but no {MARKER_FILE}); refusing to touch it"
    )]
    NotPotluck(PathBuf),
    #[error("{path} holds data of format {found:?}; this build reads {FORMAT:?}")]
    WrongFormat { path: PathBuf, found: String },
    #[error("cannot use data folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the log's last record is damaged, run `potluck verify`: {0}")]
    Corrupt(String),
    #[error("the log is damaged: {0}; restore a backup (nothing was changed by potluck)")]
    Damaged(String),
}

/// Marks a folder as a potluck data folder; its content names the on-disk format.
pub const MARKER_FILE: &str = "POTLUCK_FORMAT";
const FORMAT: &str = "potluck-log 1";

/// Where the time of each record comes from. Tests and simulations pass their own.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.map(|d| d.as_millis() as i64).unwrap_or(0)
    })
}

/// A handle to the log. Cheap to clone; all clones share one writer.
#[derive(Clone)]
pub struct Log {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn EventStore>,
    stats: Arc<LogStats>,
    upcasters: Upcasters,
    to_writer: std::sync::mpsc::Sender<writer::Message>,
    head: watch::Receiver<Head>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    ahead: ahead::ReadAhead,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log").field("head", &*self.inner.head.borrow()).finish()
    }
}

impl Log {
    /// Opens the log in `dir`, creating it if the folder is missing or empty.
    pub fn open(dir: &Path) -> Result<Log, OpenError> {
        Log::open_with(dir, Upcasters::domain(), system_clock())
    }

    pub fn open_with(dir: &Path, upcasters: Upcasters, clock: Clock) -> Result<Log, OpenError> {
        prepare_dir(dir)?;
        let checkpoint = checkpoint::Checkpoint::in_dir(dir);
        let recorded = checkpoint.read().map_err(OpenError::Damaged)?;
        let store = Arc::new(SledStorage::open(&dir.join("log"))?);
        if let Some(recorded) = recorded {
            check_reaches(store.as_ref(), recorded)?;
        }
        Log::start(store, upcasters, clock, Some(checkpoint))
    }

    /// Opens the log in the PostgreSQL database at `url` (its tables made by [`migrate`]).
    pub fn open_postgres(url: &str, upcasters: Upcasters, clock: Clock) -> Result<Log, OpenError> {
        let store = Arc::new(PgStore::open(url)?);
        Log::start(store, upcasters, clock, None)
    }

    /// Starts the writer over any store.
    pub fn with_store(
        store: Arc<dyn EventStore>,
        upcasters: Upcasters,
        clock: Clock,
    ) -> Result<Log, OpenError> {
        Log::start(store, upcasters, clock, None)
    }

    fn start(
        store: Arc<dyn EventStore>,
        upcasters: Upcasters,
        clock: Clock,
        checkpoint: Option<checkpoint::Checkpoint>,
    ) -> Result<Log, OpenError> {
        let last = read_last(store.as_ref()).map_err(|e| OpenError::Corrupt(e.to_string()))?;
        let head = last
            .as_ref()
            .map(|e| Head { position: e.position, hash: e.hash })
            .unwrap_or(Head { position: 0, hash: GENESIS_HASH });
        let last_time = last.map(|e| e.recorded_at_ms).unwrap_or(i64::MIN);
        let (head_tx, head_rx) = watch::channel(head);
        let (to_writer, from_clients) = std::sync::mpsc::channel();
        let stats = Arc::new(LogStats::default());
        let writer = writer::Writer {
            store: store.clone(),
            head,
            last_time_ms: last_time,
            clock,
            head_tx,
            stream_versions: Default::default(),
            checkpoint,
            last_checkpoint: std::time::Instant::now(),
            stats: stats.clone(),
        };
        let handle = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || writer.run(from_clients))
            .map_err(|e| StorageError(format!("cannot start the log writer: {e}")))?;
        // Another server's appends: the writer moves to them, and so every reader.
        let (wake_writer, known) = (to_writer.clone(), head_rx.clone());
        store.watch(Box::new(move |hint| {
            if hint != 0 && hint <= known.borrow().position {
                return true;
            }
            wake_writer.send(writer::Message::Refresh).is_ok()
        }));
        let inner = Inner {
            store,
            stats,
            upcasters,
            to_writer,
            head: head_rx,
            writer: Mutex::new(Some(handle)),
            ahead: ahead::ReadAhead::default(),
        };
        Ok(Log { inner: Arc::new(inner) })
    }

    /// Appends one command's events. Returns once they are durable, or with an error after
    /// which nothing was written (or, for [`AppendError::Storage`], the outcome is unknown).
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, AppendError> {
        let (reply, answer) = oneshot::channel();
        self.inner
            .to_writer
            .send(writer::Message::Append(Box::new(request), reply))
            .map_err(|_| AppendError::Closed)?;
        answer.await.map_err(|_| AppendError::Closed)?
    }

    /// Appends several commands' events in one durable commit, answering each in order: for
    /// a caller that decided them one after the other and needs all or none to be durable
    /// before it decides more. A storage failure fails every one of them.
    pub async fn append_many(
        &self,
        requests: Vec<AppendRequest>,
    ) -> Result<Vec<Result<Appended, AppendError>>, AppendError> {
        let (reply, answer) = oneshot::channel();
        self.inner
            .to_writer
            .send(writer::Message::AppendMany(requests, reply))
            .map_err(|_| AppendError::Closed)?;
        answer.await.map_err(|_| AppendError::Closed)
    }

    /// Appends several commands' events in one durable commit, all or none: if any append
    /// is refused (a stale version, an event too large), nothing is written. The answer
    /// runs from the first position to the last. For imports.
    pub async fn append_all(&self, requests: Vec<AppendRequest>) -> Result<Appended, AppendError> {
        let (reply, answer) = oneshot::channel();
        self.inner
            .to_writer
            .send(writer::Message::AppendAll(requests, reply))
            .map_err(|_| AppendError::Closed)?;
        answer.await.map_err(|_| AppendError::Closed)?
    }

    /// Copies the log, as it is at one head, into a new sled folder `dir/log` (with its head
    /// checkpoint in `dir`) while it keeps serving. The records up to the head at the start
    /// are copied beside the writer (records never change once committed), then those
    /// committed meanwhile, again and again until few are left, so appends go on; only
    /// those last few are copied by the writer, between two commits, so that the copy ends
    /// at exactly one head.
    pub async fn copy_into(&self, dir: &Path) -> Result<Head, String> {
        let store = self.inner.store.clone();
        let log_dir = dir.join("log");
        let head = self.inner.head.clone();
        let copying = move || -> Result<(SledStorage, Head), String> {
            let failed = |error: StorageError| format!("cannot write the backup's log: {error}");
            let target = SledStorage::open(&log_dir)
                .map_err(|e| format!("cannot create the backup's log: {e}"))?
                .deferring_syncs();
            let settled = *head.borrow();
            copy(store.as_ref(), &target, settled.position)?;
            target.sync().map_err(failed)?;
            let mut copied = settled;
            // Appends faster than the copy would never leave few: the writer then copies
            // what is left after a bounded number of rounds.
            for _ in 0..8 {
                let now = *head.borrow();
                if now.position <= copied.position + BACKUP_TAIL {
                    break;
                }
                copied = store::copy_records(store.as_ref(), &target, copied, now.position, true)?;
                target.sync().map_err(failed)?;
            }
            Ok((target, copied))
        };
        let (target, copied) = tokio::task::spawn_blocking(copying)
            .await
            .map_err(|e| format!("the backup's copy stopped: {e}"))??;
        let tail = writer::Tail { dir: dir.to_owned(), target, copied };
        let (reply, answer) = oneshot::channel();
        self.inner
            .to_writer
            .send(writer::Message::Backup(Box::new(tail), reply))
            .map_err(|_| "the log is closed".to_owned())?;
        let (copied, tail) = answer.await.map_err(|_| "the log is closed".to_owned())?;
        let _ = tokio::task::spawn_blocking(move || drop(tail)).await;
        copied
    }

    /// Finishes in-flight appends and stops the writer. Later appends fail with `Closed`.
    pub async fn close(&self) {
        let (done, finished) = oneshot::channel();
        if self.inner.to_writer.send(writer::Message::Shutdown(done)).is_ok() {
            let _ = finished.await;
        }
        let handle = self.inner.writer.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
        let inner = self.inner.clone();
        let _ = tokio::task::spawn_blocking(move || inner.ahead.finish()).await;
    }

    /// The database the log is kept in, if it is kept in one.
    pub fn database(&self) -> Option<crate::database::Database> {
        self.inner.store.database()
    }

    /// Whether other servers may append to this log too: it is kept in a database.
    pub fn is_shared(&self) -> bool {
        self.inner.store.database().is_some()
    }

    /// The store under the log, for copies.
    pub fn store(&self) -> &dyn EventStore {
        self.inner.store.as_ref()
    }

    /// Counters kept by the writer, for `/metrics`.
    pub fn stats(&self) -> &LogStats {
        &self.inner.stats
    }

    pub fn head(&self) -> Head {
        *self.inner.head.borrow()
    }

    /// A receiver that changes whenever the head moves.
    pub fn watch_head(&self) -> watch::Receiver<Head> {
        self.inner.head.clone()
    }

    /// The answer a command id already got, if any.
    pub fn command(&self, command_id: &str) -> Result<Option<Appended>, ReadError> {
        Ok(self.command_record(command_id)?.map(|(_, answer)| answer))
    }

    /// The fingerprint a command id was first used with, and the answer it got.
    pub fn command_record(&self, command_id: &str) -> Result<Option<(Hash, Appended)>, ReadError> {
        let stored = self.inner.store.answer(command_id)?;
        Ok(stored.and_then(|bytes| keys::decode_answer(&bytes)))
    }

    /// The record at `position`, as stored (not upcast).
    pub fn get(&self, position: u64) -> Result<Option<Envelope>, ReadError> {
        let bytes = self.inner.store.record(position)?;
        bytes.map(|b| decode_at(position, &b)).transpose()
    }

    /// Up to `limit` records from `position` on, as stored (not upcast): for verification
    /// and export.
    ///
    /// A reader going through the log in chunks of [`ahead::FROM_CHUNK`] or more gets the
    /// next chunks read while it works on this one (from its second chunk on).
    pub fn read_raw(&self, position: u64, limit: usize) -> Result<Vec<Envelope>, ReadError> {
        let from = position.max(1);
        let records = match self.inner.ahead.take(from, limit) {
            Some(records) => records,
            None => read_chunk(&*self.inner.store, from, limit)?,
        };
        let full = limit >= ahead::FROM_CHUNK && records.len() == limit;
        let last = records.last().filter(|_| full);
        if let Some(last) = last.filter(|last| self.inner.ahead.served(from, limit, last.position))
        {
            // Positions have no gaps: the chunks that follow start every `limit` records.
            for k in 0..ahead::DEPTH {
                let next = last.position + 1 + k * limit as u64;
                self.inner.ahead.start(self.inner.store.clone(), next, limit, read_chunk);
            }
        }
        Ok(records)
    }

    /// Up to `limit` events from `position` on, in the current schema.
    pub fn read_from(&self, position: u64, limit: usize) -> Result<Vec<Envelope>, ReadError> {
        let raw = self.read_raw(position, limit)?;
        raw.into_iter().map(|e| Ok(self.inner.upcasters.apply(e)?)).collect()
    }

    /// Brings a stored record to the current schema of its event type.
    pub fn upcast(&self, stored: Envelope) -> Result<Envelope, ReadError> {
        Ok(self.inner.upcasters.apply(stored)?)
    }

    /// A stream's events in order, from `from_version` on (1 is the first), current schema.
    pub fn read_stream(&self, stream: &str, from_version: u64) -> Result<Vec<Envelope>, ReadError> {
        let mut out = Vec::new();
        for position in self.inner.store.stream_positions(stream, from_version)? {
            let record = self.get(position)?.ok_or_else(|| ReadError::Corrupt {
                position,
                reason: format!("stream index of {stream} points at a missing record"),
            })?;
            out.push(self.inner.upcasters.apply(record)?);
        }
        Ok(out)
    }

    /// The position of the last record recorded at or before `at_ms` (0 if none).
    ///
    /// The writer never lets recorded times go backwards, so a binary search over positions
    /// answers in O(log n) point reads.
    pub fn position_at(&self, at_ms: i64) -> Result<u64, ReadError> {
        let (mut low, mut high) = (0, self.head().position);
        while low < high {
            let mid = low + (high - low).div_ceil(2);
            let record = self.get(mid)?.ok_or(ReadError::Corrupt {
                position: mid,
                reason: "missing below the head".into(),
            })?;
            if record.recorded_at_ms <= at_ms {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        Ok(low)
    }

    /// Everything from `after + 1` on: first what is already stored, then each new append,
    /// with no gap and no duplicate at the switch.
    pub fn subscribe(&self, after: u64) -> Subscription {
        Subscription::new(self.clone(), after)
    }

    /// Walks the whole log and checks every record and the hash chain.
    pub fn verify(&self) -> Result<Verified, VerifyError> {
        let mut chain = ChainVerifier::default();
        loop {
            let position = chain.head_position() + 1;
            let chunk = (self.inner.store.records(position, VERIFY_CHUNK))
                .map_err(|e| VerifyError { position, reason: e.to_string() })?;
            if chunk.is_empty() {
                break;
            }
            for (at, bytes) in chunk {
                let record = decode_at(at, &bytes)
                    .map_err(|e| VerifyError { position: at, reason: e.to_string() })?;
                chain
                    .check(&record)
                    .map_err(|e| VerifyError { position: at, reason: e.to_string() })?;
            }
        }
        Ok(Verified { count: chain.head_position(), head_hash: chain.head_hash() })
    }

    pub fn size_on_disk(&self) -> Result<u64, StorageError> {
        self.inner.store.size_on_disk()
    }
}

/// The result of a clean [`Log::verify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    pub count: u64,
    pub head_hash: Hash,
}

/// The first position where the log is broken, and how.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("log is broken at position {position}: {reason}")]
pub struct VerifyError {
    pub position: u64,
    pub reason: String,
}

fn fingerprint_of(stream: &str, events: &[NewEvent]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(stream.as_bytes());
    for event in events {
        hasher.update([0]);
        hasher.update(event.event_type.as_bytes());
        hasher.update(event.schema_version.to_be_bytes());
        hasher.update(event.payload.as_bytes());
    }
    hasher.finalize().into()
}

/// A backup's records committed during its copy are copied beside the writer again until
/// at most this many are left for the writer to copy, while appends wait.
const BACKUP_TAIL: u64 = 1000;

/// Up to `limit` records from `from` on, decoded.
fn read_chunk(store: &dyn EventStore, from: u64, limit: usize) -> Result<Vec<Envelope>, ReadError> {
    let records = store.records(from, limit)?;
    records.into_iter().map(|(position, bytes)| decode_at(position, &bytes)).collect()
}

fn decode_at(position: u64, bytes: &[u8]) -> Result<Envelope, ReadError> {
    let record = Envelope::decode(bytes)
        .map_err(|e| ReadError::Corrupt { position, reason: e.to_string() })?;
    if record.position != position {
        let reason = format!("stored under position {position} but says {}", record.position);
        return Err(ReadError::Corrupt { position, reason });
    }
    Ok(record)
}

fn read_last(store: &dyn EventStore) -> Result<Option<Envelope>, ReadError> {
    match store.last_record()? {
        None => Ok(None),
        Some((position, bytes)) => decode_at(position, &bytes).map(Some),
    }
}

/// Checks that the log still holds the head recorded in the checkpoint.
fn check_reaches(store: &dyn EventStore, recorded: Head) -> Result<(), OpenError> {
    if recorded.position == 0 {
        return Ok(());
    }
    let stored = store.record(recorded.position)?;
    let record = stored.map(|bytes| decode_at(recorded.position, &bytes)).transpose();
    match record {
        Ok(Some(record)) if record.hash == recorded.hash => Ok(()),
        Ok(Some(_)) => Err(OpenError::Damaged(format!(
            "the record at position {} is not the one written there",
            recorded.position
        ))),
        Ok(None) => Err(OpenError::Damaged(format!(
            "it once reached position {} but now ends before it",
            recorded.position
        ))),
        Err(error) => Err(OpenError::Damaged(error.to_string())),
    }
}

/// Writes a head checkpoint into a data folder (a backup's copy of a database's log).
pub fn write_checkpoint(dir: &Path, head: Head) -> Result<(), std::io::Error> {
    checkpoint::Checkpoint::in_dir(dir).write(head)
}

/// Creates a data folder and its marker, or checks that an existing folder is ours (for a
/// log kept in a database, the folder holds the time-travel snapshots).
pub fn prepare_dir(dir: &Path) -> Result<(), OpenError> {
    let io = |source| OpenError::Io { path: dir.to_owned(), source };
    let marker = dir.join(MARKER_FILE);
    if marker.exists() {
        let found = std::fs::read_to_string(&marker).map_err(io)?;
        if found.trim() != FORMAT {
            return Err(OpenError::WrongFormat { path: dir.to_owned(), found });
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    if std::fs::read_dir(dir).map_err(io)?.next().is_some() {
        return Err(OpenError::NotPotluck(dir.to_owned()));
    }
    std::fs::write(&marker, format!("{FORMAT}\n")).map_err(io)?;
    std::fs::File::open(&marker).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}
