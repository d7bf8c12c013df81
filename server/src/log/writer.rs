//! The log's single writer: group commit.
//!
//! It takes the first waiting append, then everything else already queued (up to a bound),
//! assigns positions and hashes in queue order, writes them all in one atomic batch with one
//! flush and one `fdatasync`, and only then answers each caller and moves the head. Under
//! load, many callers share one disk sync; alone, a caller waits for exactly one.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use shared::envelope::{Envelope, GENESIS_HASH, Hash};
use tokio::sync::{oneshot, watch};

use super::checkpoint::Checkpoint;
use super::store::{Commit, CommitError, EventStore, StoredRecord};
use super::{
    AppendError, AppendRequest, Appended, Clock, ExpectedVersion, Head, MAX_EVENTS_PER_APPEND,
    MAX_RECORD_BYTES, keys, read_last,
};
use crate::metrics::LogStats;

/// Most appends committed together: bounds the latency one sync adds to the first caller.
const MAX_BATCH: usize = 2048;
/// How often the head checkpoint is refreshed while appends flow.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

type Answer = Result<Appended, AppendError>;

pub enum Message {
    Append(Box<AppendRequest>, oneshot::Sender<Answer>),
    /// Several appends that must land in the same commit, answered together in order.
    AppendMany(Vec<AppendRequest>, oneshot::Sender<Vec<Answer>>),
    /// Like `AppendMany`, but if any append is refused none is staged: all or nothing.
    AppendAll(Vec<AppendRequest>, oneshot::Sender<Answer>),
    Shutdown(oneshot::Sender<()>),
    /// Another server may have appended (a database's notification, or the periodic
    /// check): read the store's head and move to it.
    Refresh,
    /// Finishes a backup whose settled records were copied outside the writer: copies the
    /// records since, as of the end of the batch it joins, between two commits, so the
    /// copy is exactly the log at one head.
    Backup(Box<Tail>, BackupReply),
}

impl Message {
    /// How many appends the message holds.
    fn appends(&self) -> usize {
        match self {
            Message::Append(..) => 1,
            Message::AppendMany(requests, _) | Message::AppendAll(requests, _) => requests.len(),
            Message::Shutdown(_) | Message::Backup(..) | Message::Refresh => 0,
        }
    }

    fn command_ids(&self) -> Vec<&str> {
        match self {
            Message::Append(request, _) => vec![request.command_id.as_str()],
            Message::AppendMany(requests, _) | Message::AppendAll(requests, _) => {
                requests.iter().map(|r| r.command_id.as_str()).collect()
            }
            Message::Shutdown(_) | Message::Backup(..) | Message::Refresh => Vec::new(),
        }
    }
}

/// Where a backup's head (or why it failed) goes, with its copy handed back so that the
/// caller closes it (closing a sled store flushes and frees its cache: not the writer's
/// time).
pub type BackupReply = oneshot::Sender<(Result<Head, String>, Box<Tail>)>;

/// A backup's last step: its folder, its log so far, and the head that log ends at.
#[derive(Debug)]
pub struct Tail {
    pub dir: std::path::PathBuf,
    pub target: super::storage::SledStorage,
    pub copied: Head,
}

/// A caller waiting for the batch to be durable, with the answers it will get.
enum Waiting {
    One(oneshot::Sender<Answer>, Answer),
    Many(oneshot::Sender<Vec<Answer>>, Vec<Answer>),
}

impl Waiting {
    /// Answers the caller; `failure` (the commit failed) replaces every staged success.
    fn send(self, failure: Option<&AppendError>) {
        let settle = |answer: Answer| match (answer, failure) {
            (Ok(_), Some(failure)) => Err(failure.clone()),
            (answer, _) => answer,
        };
        match self {
            Waiting::One(reply, answer) => {
                let _ = reply.send(settle(answer));
            }
            Waiting::Many(reply, answers) => {
                let _ = reply.send(answers.into_iter().map(settle).collect());
            }
        }
    }
}

pub struct Writer {
    pub store: Arc<dyn EventStore>,
    pub head: Head,
    pub last_time_ms: i64,
    pub clock: Clock,
    pub head_tx: watch::Sender<Head>,
    /// Versions of streams seen so far; filled from the stream index on first use.
    pub stream_versions: HashMap<String, u64>,
    pub checkpoint: Option<Checkpoint>,
    pub last_checkpoint: std::time::Instant,
    pub stats: Arc<LogStats>,
}

/// What one group commit will write, and whom to answer once it is durable.
struct Batch {
    head: Head,
    time_ms: i64,
    records: Vec<StoredRecord>,
    answers: Vec<(String, Vec<u8>)>,
    waiting: Vec<Waiting>,
    commands: HashMap<String, (Hash, Appended)>,
    stream_versions: HashMap<String, u64>,
    /// Whether to look for another server's records once the batch is committed.
    refresh: bool,
    /// The answers the batch's command ids already had in the store (`None`: ask per id).
    known: Option<HashMap<String, Vec<u8>>>,
    /// Backups asked for while the batch was gathered: taken once it is committed.
    backups: Vec<(Box<Tail>, BackupReply)>,
}

impl Writer {
    pub fn run(mut self, inbox: Receiver<Message>) {
        while let Ok(first) = inbox.recv() {
            // Recorded times never go backwards, even if the wall clock does, so that
            // "the position at a moment" is a binary search.
            let time_ms = (self.clock)().max(self.last_time_ms);
            let mut batch = Batch {
                head: self.head,
                time_ms,
                records: Vec::new(),
                answers: Vec::new(),
                waiting: Vec::new(),
                commands: HashMap::new(),
                stream_versions: HashMap::new(),
                backups: Vec::new(),
                known: None,
                refresh: false,
            };
            // Everything already waiting, up to the bound; then the answers its command ids
            // already got, read in one go (one round trip to a database, not one per id).
            let mut messages = vec![first];
            let mut appends = messages[0].appends();
            while appends < MAX_BATCH && !matches!(messages.last(), Some(Message::Shutdown(_))) {
                match inbox.try_recv() {
                    Ok(message) => {
                        appends += message.appends();
                        messages.push(message);
                    }
                    Err(_) => break,
                }
            }
            let ids: Vec<&str> = messages.iter().flat_map(Message::command_ids).collect();
            batch.known = match self.store.answers_of(&ids) {
                Ok(known) => Some(known),
                Err(error) => {
                    tracing::warn!(%error, "cannot read the batch's earlier answers");
                    None
                }
            };
            let mut shutdown = None;
            for message in messages {
                if let Some(done) = self.take(&mut batch, message) {
                    shutdown = Some(done);
                }
            }
            let backups = std::mem::take(&mut batch.backups);
            let refresh = batch.refresh;
            self.commit(batch);
            if refresh {
                self.refresh();
            }
            for (tail, reply) in backups {
                let _ = reply.send((self.finish_backup(&tail), tail));
            }
            if let Some(done) = shutdown {
                self.write_checkpoint();
                let _ = done.send(());
                return;
            }
            if self.last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
                self.write_checkpoint();
            }
        }
        self.write_checkpoint();
    }

    fn write_checkpoint(&mut self) {
        let Some(checkpoint) = &self.checkpoint else { return };
        if let Err(error) = checkpoint.write(self.head) {
            tracing::warn!(%error, "cannot write the head checkpoint");
        }
        self.last_checkpoint = std::time::Instant::now();
    }

    /// Adds one message to the batch; returns the shutdown signal if that is what it was.
    fn take(&mut self, batch: &mut Batch, message: Message) -> Option<oneshot::Sender<()>> {
        match message {
            Message::Shutdown(done) => Some(done),
            Message::Append(request, reply) => {
                let answer = self.stage(batch, &request);
                batch.waiting.push(Waiting::One(reply, answer));
                None
            }
            Message::AppendMany(requests, reply) => {
                let answers = requests.iter().map(|r| self.stage(batch, r)).collect();
                batch.waiting.push(Waiting::Many(reply, answers));
                None
            }
            Message::AppendAll(requests, reply) => {
                let answer = self.stage_all(batch, &requests);
                batch.waiting.push(Waiting::One(reply, answer));
                None
            }
            Message::Backup(tail, reply) => {
                batch.backups.push((tail, reply));
                None
            }
            Message::Refresh => {
                batch.refresh = true;
                None
            }
        }
    }

    /// Moves to the store's head if another server moved it: the head is published, so the
    /// projector reads the new records, and the stream versions are read again.
    fn refresh(&mut self) {
        let last = match read_last(self.store.as_ref()) {
            Ok(last) => last,
            Err(error) => {
                tracing::warn!(%error, "cannot read the log's head");
                return;
            }
        };
        let head = last.as_ref().map_or(Head { position: 0, hash: GENESIS_HASH }, |e| Head {
            position: e.position,
            hash: e.hash,
        });
        if head != self.head {
            self.head = head;
            self.last_time_ms = last.map_or(self.last_time_ms, |e| e.recorded_at_ms);
            self.stream_versions.clear();
            self.head_tx.send_replace(head);
        }
    }

    /// Copies every record into a new sled folder at `dir` (which must not hold one), with
    /// a head checkpoint beside it; the copy is durable when this returns. Appends wait
    /// meanwhile: a group's log copies in seconds.
    /// Copies the records since `tail.copied` (and their commands' answers), then the
    /// head checkpoint: the backup is the log at this writer's head.
    fn finish_backup(&mut self, tail: &Tail) -> Result<Head, String> {
        let failed = |what: &str, error: &dyn std::fmt::Display| format!("{what}: {error}");
        let copied = super::store::copy_records(
            self.store.as_ref(),
            &tail.target,
            tail.copied,
            self.head.position,
            true,
        )?;
        if copied != self.head {
            return Err(format!("the backup ends at {copied:?}, the log at {:?}", self.head));
        }
        tail.target.sync().map_err(|e| failed("cannot write the backup's log", &e))?;
        Checkpoint::in_dir(&tail.dir)
            .write(self.head)
            .map_err(|e| failed("cannot write the backup's head checkpoint", &e))?;
        Ok(self.head)
    }

    /// Stages every append or, if one is refused, none (the batch is put back as it was).
    /// The answer spans them all: the first position to the last.
    fn stage_all(&mut self, batch: &mut Batch, requests: &[AppendRequest]) -> Answer {
        let head = batch.head;
        let (records, answers) = (batch.records.len(), batch.answers.len());
        let versions = batch.stream_versions.clone();
        let mut first = None;
        let mut answer = Err(AppendError::Invalid("nothing to append".to_owned()));
        for request in requests {
            answer = self.stage(batch, request);
            match &answer {
                Ok(appended) => {
                    first.get_or_insert(appended.first_position);
                }
                Err(_) => {
                    for request in requests {
                        batch.commands.remove(&request.command_id);
                    }
                    batch.head = head;
                    batch.records.truncate(records);
                    batch.answers.truncate(answers);
                    batch.stream_versions = versions;
                    return answer;
                }
            }
        }
        answer.map(|last| Appended { first_position: first.unwrap_or(0), ..last })
    }

    /// Checks one append against the log and the batch so far, and stages its writes.
    fn stage(&mut self, batch: &mut Batch, request: &AppendRequest) -> Answer {
        validate(request)?;
        // A retry must get the original answer even if the stream has moved on since, so the
        // command id is looked up before the expected version is checked.
        if let Some((fingerprint, answer)) = self.previous_answer(batch, &request.command_id)? {
            return if fingerprint == request.fingerprint {
                Ok(answer)
            } else {
                Err(AppendError::CommandIdReused(request.command_id.clone()))
            };
        }
        let current = self.stream_version(batch, &request.stream)?;
        if let ExpectedVersion::Exact(expected) = request.expected
            && expected != current
        {
            let stream = request.stream.clone();
            return Err(AppendError::WrongExpectedVersion { stream, expected, current });
        }
        let staged = stage_records(batch, request, current)?;
        let answer = Appended {
            first_position: staged.first().map_or(0, |r| r.position),
            last_position: batch.head.position,
            stream_version: current + staged.len() as u64,
        };
        batch.records.extend(staged.into_iter().map(|record| StoredRecord {
            bytes: record.encode(),
            position: record.position,
            stream: record.stream,
            stream_version: record.stream_version,
            event_type: record.event_type,
            recorded_at_ms: record.recorded_at_ms,
        }));
        let answer_bytes = keys::encode_answer(&request.fingerprint, &answer);
        batch.answers.push((request.command_id.clone(), answer_bytes));
        batch.commands.insert(request.command_id.clone(), (request.fingerprint, answer));
        batch.stream_versions.insert(request.stream.clone(), answer.stream_version);
        Ok(answer)
    }

    fn previous_answer(
        &self,
        batch: &Batch,
        command_id: &str,
    ) -> Result<Option<(Hash, Appended)>, AppendError> {
        if let Some(found) = batch.commands.get(command_id) {
            return Ok(Some(*found));
        }
        let stored = match &batch.known {
            Some(known) => known.get(command_id).cloned(),
            None => self.store.answer(command_id).map_err(storage_error)?,
        };
        match stored {
            None => Ok(None),
            Some(bytes) => keys::decode_answer(&bytes).map(Some).ok_or_else(|| {
                AppendError::Storage(format!("stored answer of command {command_id} is damaged"))
            }),
        }
    }

    fn stream_version(&mut self, batch: &Batch, stream: &str) -> Result<u64, AppendError> {
        if let Some(version) = batch.stream_versions.get(stream) {
            return Ok(*version);
        }
        if let Some(version) = self.stream_versions.get(stream) {
            return Ok(*version);
        }
        let version = self.store.stream_version(stream).map_err(storage_error)?;
        self.stream_versions.insert(stream.to_owned(), version);
        Ok(version)
    }

    fn commit(&mut self, batch: Batch) {
        if batch.records.is_empty() && batch.answers.is_empty() {
            // Only refusals and retries of already durable commands: their answers are final.
            batch.waiting.into_iter().for_each(|w| w.send(None));
            return;
        }
        let started = std::time::Instant::now();
        let commit = Commit {
            after: self.head,
            head: batch.head,
            records: &batch.records,
            answers: &batch.answers,
        };
        let committed = self.store.commit(&commit);
        self.stats.commits.observe(started.elapsed());
        match committed {
            Ok(()) => {
                let appended = batch.head.position - self.head.position;
                self.stats
                    .events_appended
                    .fetch_add(appended, std::sync::atomic::Ordering::Relaxed);
                self.head = batch.head;
                self.last_time_ms = batch.time_ms;
                self.stream_versions.extend(batch.stream_versions);
                self.head_tx.send_replace(self.head);
                batch.waiting.into_iter().for_each(|w| w.send(None));
            }
            Err(CommitError::HeadMoved(at)) => {
                // Another server appended first. Nothing was written; move to its records
                // and let the callers decide again on them.
                tracing::debug!(at, "another server moved the log's head");
                self.refresh();
                batch.waiting.into_iter().for_each(|w| w.send(Some(&AppendError::HeadMoved)));
            }
            Err(CommitError::Storage(error)) => {
                tracing::error!(%error, "group commit failed");
                // The engine may or may not hold the batch now; start again from what it
                // says, so the next batch neither reuses nor skips a position.
                self.stream_versions.clear();
                self.refresh();
                let failure = AppendError::Storage(error.to_string());
                batch.waiting.into_iter().for_each(|w| w.send(Some(&failure)));
            }
        }
    }
}

/// Builds the request's records on top of the batch's head, moving the batch's head.
fn stage_records(
    batch: &mut Batch,
    request: &AppendRequest,
    current_version: u64,
) -> Result<Vec<Envelope>, AppendError> {
    let mut head = batch.head;
    let mut records = Vec::with_capacity(request.events.len());
    for (offset, event) in (1..).zip(&request.events) {
        let record = Envelope {
            position: head.position + 1,
            stream: request.stream.clone(),
            stream_version: current_version + offset,
            event_type: event.event_type.clone(),
            schema_version: event.schema_version,
            recorded_at_ms: batch.time_ms,
            actor: request.actor.clone(),
            command_id: request.command_id.clone(),
            payload: event.payload.clone(),
            prev_hash: head.hash,
            hash: GENESIS_HASH,
        }
        .seal();
        let size = record.canonical_bytes().len() + 32;
        if size > MAX_RECORD_BYTES {
            let limit = MAX_RECORD_BYTES;
            return Err(AppendError::Invalid(format!("an event of {size} bytes exceeds {limit}")));
        }
        head = Head { position: record.position, hash: record.hash };
        records.push(record);
    }
    batch.head = head;
    Ok(records)
}

fn validate(request: &AppendRequest) -> Result<(), AppendError> {
    let invalid = |message: String| Err(AppendError::Invalid(message));
    let id_char = |c: char| c.is_ascii_alphanumeric() || "-_.:/@".contains(c);
    if request.stream.is_empty()
        || request.stream.len() > 200
        || !request.stream.chars().all(id_char)
    {
        return invalid(format!(
            "stream id {:?} must be 1 to 200 of A-Z a-z 0-9 - _ . : / @",
            request.stream
        ));
    }
    for (what, value) in [("command id", &request.command_id), ("actor", &request.actor)] {
        if value.is_empty() || value.len() > 128 || value.chars().any(char::is_control) {
            return invalid(format!("{what} must be 1 to 128 printable characters"));
        }
    }
    if request.events.is_empty() || request.events.len() > MAX_EVENTS_PER_APPEND {
        return invalid(format!("an append holds 1 to {MAX_EVENTS_PER_APPEND} events"));
    }
    for event in &request.events {
        let name_ok = !event.event_type.is_empty()
            && event.event_type.len() <= 64
            && event.event_type.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !name_ok {
            return invalid(format!(
                "event type {:?} must be 1 to 64 of A-Z a-z 0-9 _",
                event.event_type
            ));
        }
        if serde_json::from_str::<serde::de::IgnoredAny>(&event.payload).is_err() {
            return invalid(format!("payload of {} is not valid JSON", event.event_type));
        }
    }
    Ok(())
}

fn storage_error(error: super::StorageError) -> AppendError {
    AppendError::Storage(error.to_string())
}
