//! The seam under the log: an [`EventStore`] speaks the log's own terms (records by
//! position, a stream's versions, a command's answer, one commit on top of a known head), so
//! that sled on one machine and PostgreSQL for a group past one machine hold the same bytes
//! with the same guarantees. The writer computes every record and its hash before it asks a
//! store to commit, so whichever store holds a log, its chain and head hash are the same.

use std::collections::HashMap;

use shared::envelope::{ChainVerifier, GENESIS_HASH};

use super::storage::{SledStorage, StorageError};
use super::{Head, keys};

/// One record as a store keeps it: its place in the log and in its stream, and its bytes
/// ([`shared::envelope::Envelope::encode`]).
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub position: u64,
    pub stream: String,
    pub stream_version: u64,
    pub event_type: String,
    pub recorded_at_ms: i64,
    pub bytes: Vec<u8>,
}

/// What one group commit writes, all or nothing.
#[derive(Debug)]
pub struct Commit<'a> {
    /// The head the batch was built on. A store shared by several servers refuses the
    /// commit if its head is elsewhere ([`CommitError::HeadMoved`]).
    pub after: Head,
    /// The head once the batch is in.
    pub head: Head,
    pub records: &'a [StoredRecord],
    /// Command ids and their encoded answers ([`keys::encode_answer`]).
    pub answers: &'a [(String, Vec<u8>)],
}

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Another writer moved the head first: nothing was written.
    #[error("another server appended to the log first (its head is at position {0})")]
    HeadMoved(u64),
    /// The outcome is unknown: read the head again before the next commit.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A log's store. Reads only ever see committed records.
pub trait EventStore: Send + Sync + 'static {
    /// The bytes of the record at `position`.
    fn record(&self, position: u64) -> Result<Option<Vec<u8>>, StorageError>;

    /// Up to `limit` records from `from` on, in position order.
    fn records(&self, from: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StorageError>;

    /// The last record, if any.
    fn last_record(&self) -> Result<Option<(u64, Vec<u8>)>, StorageError>;

    /// A stream's current version (0: no events).
    fn stream_version(&self, stream: &str) -> Result<u64, StorageError>;

    /// The positions of a stream's events from `from_version` on, in version order.
    fn stream_positions(&self, stream: &str, from_version: u64) -> Result<Vec<u64>, StorageError>;

    /// The encoded answer a command id got.
    fn answer(&self, command_id: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// The answers these command ids got, those that got one.
    fn answers_of(&self, command_ids: &[&str]) -> Result<HashMap<String, Vec<u8>>, StorageError> {
        let mut found = HashMap::new();
        for id in command_ids {
            if let Some(answer) = self.answer(id)? {
                found.insert((*id).to_owned(), answer);
            }
        }
        Ok(found)
    }

    /// Up to `limit` answers of command ids greater than `after`, in id order: for copies.
    fn answers(&self, after: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>, StorageError>;

    /// Writes the batch, and returns only once it is durable.
    fn commit(&self, commit: &Commit<'_>) -> Result<(), CommitError>;

    /// Bytes the store uses.
    fn size_on_disk(&self) -> Result<u64, StorageError>;

    /// What to call it in messages: "sled" or "PostgreSQL".
    fn kind(&self) -> &'static str;

    /// The database the log is kept in, whose other tables keep the sign-ins and keys.
    /// Other servers may append to a log kept in a database: a commit can then find the
    /// head moved ([`CommitError::HeadMoved`]).
    fn database(&self) -> Option<crate::database::Database> {
        None
    }

    /// Calls `wake` whenever another process may have appended (with the position it says
    /// it reached, a hint only; 0 when it does not know), until `wake` returns `false`. A
    /// store only one process writes (sled) never calls it.
    fn watch(&self, wake: Wake) {
        drop(wake);
    }
}

/// See [`EventStore::watch`].
pub type Wake = Box<dyn Fn(u64) -> bool + Send>;

/// sled's one keyspace in [`keys`]' layout. One process holds a sled folder (its lock), so
/// the head a commit was built on is always the folder's head.
impl EventStore for SledStorage {
    fn record(&self, position: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.get(&keys::event(position))
    }

    fn records(&self, from: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let (start, end) = (keys::event(from.max(1)), keys::event(u64::MAX));
        self.range(&start, &end)
            .take(limit)
            .map(|entry| entry.map(|(key, value)| (keys::position_of(&key), value)))
            .collect()
    }

    fn last_record(&self) -> Result<Option<(u64, Vec<u8>)>, StorageError> {
        let last = self.last_in(&keys::event(0), &keys::event(u64::MAX))?;
        Ok(last.map(|(key, value)| (keys::position_of(&key), value)))
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StorageError> {
        let last = self.last_in(&keys::stream_entry(stream, 0), &keys::stream_end(stream))?;
        Ok(last.and_then(|(key, _)| keys::decode_u64(&key[key.len() - 8..])).unwrap_or(0))
    }

    fn stream_positions(&self, stream: &str, from_version: u64) -> Result<Vec<u64>, StorageError> {
        let start = keys::stream_entry(stream, from_version.max(1));
        let end = keys::stream_end(stream);
        self.range(&start, &end)
            .map(|entry| {
                let (_, position) = entry?;
                keys::decode_u64(&position).ok_or_else(|| {
                    StorageError(format!("the stream index of {stream} holds a malformed position"))
                })
            })
            .collect()
    }

    fn answer(&self, command_id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.get(&keys::command(command_id))
    }

    fn answers(&self, after: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
        // The first key after `after`'s is `after` followed by NUL.
        let mut start = keys::command(after);
        start.push(0);
        let end = keys::command_end();
        self.range(&start, &end)
            .take(limit)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((String::from_utf8_lossy(&key[1..]).into_owned(), value))
            })
            .collect()
    }

    fn commit(&self, commit: &Commit<'_>) -> Result<(), CommitError> {
        let mut writes = Vec::with_capacity(commit.records.len() * 2 + commit.answers.len());
        for record in commit.records {
            writes.push((keys::event(record.position), record.bytes.clone()));
            let index = keys::stream_entry(&record.stream, record.stream_version);
            writes.push((index, record.position.to_be_bytes().to_vec()));
        }
        for (command_id, answer) in commit.answers {
            writes.push((keys::command(command_id), answer.clone()));
        }
        Ok(self.write(&writes)?)
    }

    fn size_on_disk(&self) -> Result<u64, StorageError> {
        SledStorage::size_on_disk(self)
    }

    fn kind(&self) -> &'static str {
        "sled"
    }
}

/// Records (and answers) written per commit of a copy.
const COPY_CHUNK: usize = 4096;

/// Copies the records up to position `until`, and every command's answer, from one store
/// into an empty one, checking the hash chain on the way. Returns the copy's head.
pub fn copy(from: &dyn EventStore, to: &dyn EventStore, until: u64) -> Result<Head, String> {
    let failed = |what: &str, error: &dyn std::fmt::Display| format!("{what}: {error}");
    if to.last_record().map_err(|e| failed("cannot read the target", &e))?.is_some() {
        return Err(format!("the target {} store already holds a log", to.kind()));
    }
    let genesis = Head { position: 0, hash: GENESIS_HASH };
    let head = copy_records(from, to, genesis, until, false)?;
    let mut after_id = String::new();
    loop {
        let answers =
            from.answers(&after_id, COPY_CHUNK).map_err(|e| failed("cannot read answers", &e))?;
        let Some((last, _)) = answers.last() else { break };
        after_id = last.clone();
        let commit = Commit { after: head, head, records: &[], answers: &answers };
        to.commit(&commit).map_err(|e| failed("cannot write the copy", &e))?;
    }
    Ok(head)
}

/// Copies the records after `after` up to position `until` from one store into another
/// whose head is `after`, checking that they chain on from it; with `answers`, also the
/// answers of the commands that wrote them. Returns the copy's new head.
pub fn copy_records(
    from: &dyn EventStore,
    to: &dyn EventStore,
    after: Head,
    until: u64,
    answers: bool,
) -> Result<Head, String> {
    let failed = |what: &str, error: &dyn std::fmt::Display| format!("{what}: {error}");
    let mut chain = ChainVerifier::resume(after.position, after.hash);
    let mut head = after;
    while head.position < until {
        let wanted = usize::try_from(until - head.position).unwrap_or(usize::MAX);
        let chunk = from
            .records(head.position + 1, wanted.min(COPY_CHUNK))
            .map_err(|e| failed("cannot read the log", &e))?;
        if chunk.is_empty() {
            return Err(format!("the log ends at {} before {until}", head.position));
        }
        let mut records = Vec::with_capacity(chunk.len());
        let mut command_ids = std::collections::BTreeSet::new();
        for (position, bytes) in chunk {
            let record = super::decode_at(position, &bytes).map_err(|e| e.to_string())?;
            chain.check(&record).map_err(|e| format!("position {position}: {e}"))?;
            command_ids.insert(record.command_id);
            records.push(StoredRecord {
                position,
                stream: record.stream,
                stream_version: record.stream_version,
                event_type: record.event_type,
                recorded_at_ms: record.recorded_at_ms,
                bytes,
            });
        }
        let known: Vec<(String, Vec<u8>)> = if answers {
            let ids: Vec<&str> = command_ids.iter().map(String::as_str).collect();
            let known = from.answers_of(&ids).map_err(|e| failed("cannot read answers", &e))?;
            known.into_iter().collect()
        } else {
            Vec::new()
        };
        let previous = head;
        head = Head { position: chain.head_position(), hash: chain.head_hash() };
        let commit = Commit { after: previous, head, records: &records, answers: &known };
        to.commit(&commit).map_err(|e| failed("cannot write the copy", &e))?;
    }
    Ok(head)
}
