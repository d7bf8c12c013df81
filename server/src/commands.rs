//! The command pipeline: (authorized by the route) → idempotency → expected version →
//! decide → append → answer. The projector broadcasts what was appended.
//!
//! One task decides every command, against one in-memory state of the whole group, so rules
//! that span streams ("reservations never exceed what is available") hold without locks.
//! It takes every command waiting, decides them one after the other (each against the state
//! the previous ones left), appends them all in one durable commit, and answers them all:
//! group commit one level up. If any append fails, the state is rebuilt from the log, which
//! is the truth, before anything else is decided.
//!
//! Erasing a household (crypto-shredding) ends here too: once a batch is durable, and
//! before any answer goes out, the pipeline destroys the key of every household the batch's
//! commands name that the (now durable) state says is erased. So an accepted
//! `EraseHousehold` is answered only after the key is gone; a retry of it destroys the key
//! again if that failed; and a `LogRequest` refused because its household is erased takes
//! with it the key the route made to seal its data. A crash between the append and the key's
//! destruction is mended at start-up ([`crate::group::Group::start`] erases the key of every
//! household the log says is erased).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

use serde::Serialize;
use sha2::{Digest, Sha256};
use shared::distribution::{self, Context, MemberId, Rejection};
use shared::envelope::{Envelope, Hash};
use shared::group::{self, Command, Event};
use shared::view::import::Phase;
use tokio::sync::{mpsc, oneshot};

use crate::log::{AppendError, AppendRequest, Appended, Clock, ExpectedVersion, Log, NewEvent};
use crate::projections::replay;
use crate::sealed::{KeyStore, donor_key, household_key, role_key};

/// Commands decided and appended together at most.
const MAX_BATCH: usize = 512;
/// Commands of a `Together` job appended in one commit at most. One commit is atomic; a
/// larger job is written in commits of this size, one after the other, nothing else in
/// between. sled 0.34 keeps every page a batch touches alive until the batch ends, so one
/// commit of 400,000 commands took 7.7 GB (BENCHMARKS.md, imports).
pub const TOGETHER_CHUNK: usize = 20_000;
/// How many times a batch is decided again when another server appended first.
const ATTEMPTS: usize = 5;
/// Commands waiting at most; beyond, senders wait (backpressure on the HTTP handlers).
const QUEUE: usize = 4096;

/// A command as the route hands it over, already authenticated and authorized.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub command_id: String,
    pub command: Command,
    pub actor: MemberId,
    /// The stream version the client saw; `None` skips the check.
    pub expected_version: Option<u64>,
    /// What makes a retry "the same command": see [`fingerprint`].
    pub fingerprint: Hash,
}

impl Submitted {
    /// `command` under `command_id`, sent by `actor`; a retry is "the same command" when its
    /// JSON is the same ([`fingerprint`]). Every command sent goes through here.
    pub fn new(command_id: impl Into<String>, actor: MemberId, command: Command) -> Submitted {
        let value = serde_json::to_value(&command).unwrap_or_default();
        let fingerprint = fingerprint(actor.as_str(), &value);
        Submitted {
            command_id: command_id.into(),
            command,
            actor,
            expected_version: None,
            fingerprint,
        }
    }

    /// The same, appended only if its stream is at `version` (`None`: wherever it is).
    pub fn expecting(mut self, version: Option<u64>) -> Submitted {
        self.expected_version = version;
        self
    }

    /// The same, with the fingerprint of the JSON as it was received (a client's, before
    /// the server sealed its personal data; an imported row's), so a retry of it matches.
    pub fn received_as(mut self, fingerprint: Hash) -> Submitted {
        self.fingerprint = fingerprint;
        self
    }
}

/// What checking a command before the append came to.
enum Checked {
    /// Decided: append `request` to `stream` (the decision state has moved past it).
    Append {
        stream: String,
        request: AppendRequest,
    },
    /// A retry of a command already written: its first answer, nothing to write.
    Retry(Accepted),
    Refused(Refused),
}

/// The answer to an accepted command, and to every retry of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub command_id: String,
    pub stream: String,
    pub first_position: u64,
    pub last_position: u64,
    pub stream_version: u64,
    /// True when this is a retry of a command that was already accepted.
    pub duplicate: bool,
}

#[derive(Debug)]
pub enum Refused {
    /// The rules said no (422; a conflict is 409).
    Rejected(Rejection),
    /// The client's expected version is stale (409).
    WrongExpectedVersion { stream: String, expected: u64, current: u64 },
    /// The id was already used for another command (422).
    CommandIdReused,
    /// The events cannot be stored as they are (422), e.g. too large.
    Unstorable(String),
    /// Storage failed; the outcome is unknown, retry with the same id (503).
    Unavailable(String),
}

/// Where a job of commands decided together (an import) is, for a progress bar; and the
/// way to stop it.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub cancel: AtomicBool,
}

impl Progress {
    pub fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    pub fn phase(&self) -> Phase {
        const PHASES: [Phase; 6] = [
            Phase::Idle,
            Phase::Reading,
            Phase::Checking,
            Phase::Writing,
            Phase::Done,
            Phase::Cancelled,
        ];
        PHASES.get(usize::from(self.phase.load(Ordering::Relaxed))).copied().unwrap_or(Phase::Idle)
    }

    /// Asks the import to stop; it stops unless it is already writing its one commit.
    pub fn stop(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

type Reply = oneshot::Sender<Result<Accepted, Refused>>;

/// Many commands decided together, all or nothing: an import.
#[derive(Debug)]
pub struct Together {
    pub commands: Vec<Submitted>,
    /// Decide every command but append none, and leave the state as it was.
    pub dry_run: bool,
    /// Counts commands decided, and asks the pipeline to stop before appending.
    pub progress: Arc<Progress>,
}

/// What came of commands decided together.
#[derive(Debug, Default)]
pub struct TogetherOutcome {
    /// By index: the commands refused. If any is, nothing was appended.
    pub refused: Vec<(usize, Refused)>,
    /// By index: commands with nothing to do (what they create already exists, or the
    /// same command was already accepted).
    pub unchanged: Vec<usize>,
    /// The first and last positions appended, if anything was.
    pub positions: Option<(u64, u64)>,
    /// Stopped on request (see [`Progress::cancel`]) before appending.
    pub cancelled: bool,
}

enum Job {
    One(Box<Submitted>, Reply),
    Together(Together, oneshot::Sender<Result<TogetherOutcome, Refused>>),
}

/// A handle to the pipeline. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Commands {
    queue: mpsc::Sender<Job>,
}

impl Commands {
    /// Starts the pipeline task over a state already folded from the whole log (see
    /// [`DecisionState`]), so start-up reads the log once for every model.
    /// `keys` are the households' keys, destroyed here when a household is erased.
    pub fn start(log: Log, clock: Clock, folded: DecisionState, keys: Arc<KeyStore>) -> Commands {
        let DecisionState { state, versions, head } = folded;
        let pipeline = Pipeline { log, clock, state, versions, head, keys };
        let (queue, inbox) = mpsc::channel::<Job>(QUEUE);
        tokio::spawn(pipeline.run(inbox));
        Commands { queue }
    }

    pub async fn submit(&self, submitted: Submitted) -> Result<Accepted, Refused> {
        let (reply, answer) = oneshot::channel();
        let closed = || Refused::Unavailable("the server is shutting down".into());
        self.queue.send(Job::One(Box::new(submitted), reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    /// Decides the commands one after the other, each against the state the previous ones
    /// left, and appends them only if every one is accepted (or has nothing to do): an
    /// import lands whole or not at all. Up to [`TOGETHER_CHUNK`] commands are one atomic
    /// commit; more are written in commits of that size, one after the other. Other
    /// members' commands wait meanwhile.
    pub async fn submit_together(&self, together: Together) -> Result<TogetherOutcome, Refused> {
        let (reply, answer) = oneshot::channel();
        let closed = || Refused::Unavailable("the server is shutting down".into());
        self.queue.send(Job::Together(together, reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// What the pipeline decides against, folded from the log.
#[derive(Debug, Default)]
pub struct DecisionState {
    pub state: group::State,
    /// Each stream's version.
    pub versions: HashMap<String, u64>,
    pub head: u64,
}

impl DecisionState {
    pub fn apply(&mut self, envelope: &Envelope, recorded: Option<&group::Recorded>) {
        self.versions.insert(envelope.stream.clone(), envelope.stream_version);
        self.head = envelope.position;
        if let Some(recorded) = recorded {
            group::evolve(&mut self.state, recorded);
        }
    }
}

struct Pipeline {
    log: Log,
    clock: Clock,
    state: group::State,
    versions: HashMap<String, u64>,
    /// The position the next event will follow (predicted: this task is the only writer of
    /// domain events, and it checks each append's answer).
    head: u64,
    keys: Arc<KeyStore>,
}

/// A decided command waiting for its append.
struct Decided {
    submitted: Submitted,
    reply: Reply,
    stream: String,
}

impl Pipeline {
    async fn run(mut self, mut inbox: mpsc::Receiver<Job>) {
        let mut next = None;
        loop {
            let first = match next.take() {
                Some(job) => job,
                None => match inbox.recv().await {
                    Some(job) => job,
                    None => return,
                },
            };
            let mut jobs = match first {
                Job::One(submitted, reply) => vec![(*submitted, reply)],
                Job::Together(together, reply) => {
                    let _ = reply.send(self.process_together(together).await);
                    continue;
                }
            };
            while jobs.len() < MAX_BATCH {
                match inbox.try_recv() {
                    Ok(Job::One(submitted, reply)) => jobs.push((*submitted, reply)),
                    Ok(together) => {
                        next = Some(together);
                        break;
                    }
                    Err(_) => break,
                }
            }
            // Another server may append first; decide again on what it wrote, a few times.
            for attempt in 1..=ATTEMPTS {
                jobs = self.process(jobs, attempt == ATTEMPTS).await;
                if jobs.is_empty() {
                    break;
                }
            }
        }
    }

    /// Folds what the log holds beyond the state's head (another server's appends, a test's
    /// notes), so that the state decides on the log as it is.
    fn catch_up(&mut self) -> Result<(), crate::log::ReadError> {
        let target = self.log.head().position;
        while self.head < target {
            let chunk = self.log.read_from(self.head + 1, 4096)?;
            if chunk.is_empty() {
                break;
            }
            for envelope in &chunk {
                let recorded = crate::projections::decode(envelope)?;
                self.versions.insert(envelope.stream.clone(), envelope.stream_version);
                self.head = envelope.position;
                if let Some(recorded) = recorded {
                    group::evolve(&mut self.state, &recorded);
                }
            }
        }
        Ok(())
    }

    /// See [`Commands::submit_together`]. Decides on the live state and, if anything is
    /// refused (or it is a dry run, or it is cancelled), puts back the state as it was.
    async fn process_together(&mut self, together: Together) -> Result<TogetherOutcome, Refused> {
        use std::sync::atomic::Ordering;
        let Together { commands, dry_run, progress } = together;
        let now_ms = (self.clock)();
        if let Err(error) = self.catch_up() {
            return Err(Refused::Unavailable(error.to_string()));
        }
        let saved = (self.state.clone(), self.versions.clone(), self.head);
        let mut outcome = TogetherOutcome::default();
        let mut requests = Vec::with_capacity(commands.len());
        let mut ids = std::collections::HashSet::new();
        for (i, submitted) in commands.iter().enumerate() {
            if i % 256 == 0 {
                progress.done.store(i, Ordering::Relaxed);
                if progress.cancel.load(Ordering::Relaxed) {
                    outcome.cancelled = true;
                    break;
                }
            }
            if !ids.insert(submitted.command_id.as_str()) {
                outcome.refused.push((i, Refused::CommandIdReused));
                continue;
            }
            match self.check(submitted, submitted.fingerprint, now_ms) {
                Checked::Append { request, .. } => requests.push(request),
                Checked::Retry(_)
                | Checked::Refused(Refused::Rejected(Rejection::AlreadyExists { .. })) => {
                    outcome.unchanged.push(i);
                }
                Checked::Refused(refused) => outcome.refused.push((i, refused)),
            }
        }
        progress.done.store(commands.len(), Ordering::Relaxed);
        if dry_run || outcome.cancelled || !outcome.refused.is_empty() || requests.is_empty() {
            (self.state, self.versions, self.head) = saved;
            return Ok(outcome);
        }
        progress.set_phase(Phase::Writing);
        progress.total.store(requests.len(), Ordering::Relaxed);
        let mut written = 0;
        let mut requests = requests.into_iter().peekable();
        while requests.peek().is_some() {
            let chunk: Vec<AppendRequest> = requests.by_ref().take(TOGETHER_CHUNK).collect();
            let size = chunk.len();
            match self.log.append_all(chunk).await {
                Ok(appended) => {
                    let first = outcome.positions.map_or(appended.first_position, |(f, _)| f);
                    outcome.positions = Some((first, appended.last_position));
                    written += size;
                    progress.done.store(written, Ordering::Relaxed);
                }
                Err(error) => {
                    // This chunk is not durable (the ones before it are): back to what the
                    // log says.
                    if let Err(error) = self.rebuild() {
                        tracing::error!(%error, "cannot rebuild the decision state from the log");
                    }
                    return Err(match written {
                        0 => refused(error),
                        _ => Refused::Unavailable(format!(
                            "the import stopped after {written} of its commands were written \
                             ({error}); run it again to write the rest"
                        )),
                    });
                }
            }
        }
        Ok(outcome)
    }

    /// Decides and appends a batch, and answers it; returns the commands to decide again
    /// because another server appended first (none when `last_attempt`: they are answered
    /// "unavailable, retry").
    async fn process(
        &mut self,
        jobs: Vec<(Submitted, Reply)>,
        last_attempt: bool,
    ) -> Vec<(Submitted, Reply)> {
        let now_ms = (self.clock)();
        if let Err(error) = self.catch_up() {
            for (_, reply) in jobs {
                let _ = reply.send(Err(Refused::Unavailable(error.to_string())));
            }
            return Vec::new();
        }
        // With a store other servers write to, a commit can find the head moved: keep the
        // state to go back to (with one writer, a failed append folds the log again).
        let saved =
            self.log.is_shared().then(|| (self.state.clone(), self.versions.clone(), self.head));
        let mut decided: Vec<Decided> = Vec::new();
        let mut requests = Vec::new();
        let mut followers: Vec<(usize, Reply)> = Vec::new();
        let mut in_batch: HashMap<String, (usize, Hash)> = HashMap::new();
        // Answered without an append, but only once the batch is durable and any key of an
        // erased household is destroyed (a retried erasure, a request for an erased household).
        let mut deferred: Vec<(Submitted, Reply, Result<Accepted, Refused>)> = Vec::new();
        for (submitted, reply) in jobs {
            let fingerprint = submitted.fingerprint;
            if let Some((index, first)) = in_batch.get(&submitted.command_id) {
                if *first == fingerprint {
                    followers.push((*index, reply));
                } else {
                    let _ = reply.send(Err(Refused::CommandIdReused));
                }
                continue;
            }
            match self.check(&submitted, fingerprint, now_ms) {
                Checked::Retry(accepted) if to_shred(&submitted.command).is_some() => {
                    deferred.push((submitted, reply, Ok(accepted)));
                }
                Checked::Refused(refused) if to_shred(&submitted.command).is_some() => {
                    deferred.push((submitted, reply, Err(refused)));
                }
                Checked::Retry(accepted) => {
                    let _ = reply.send(Ok(accepted));
                }
                Checked::Refused(refused) => {
                    let _ = reply.send(Err(refused));
                }
                Checked::Append { stream, request } => {
                    in_batch.insert(submitted.command_id.clone(), (decided.len(), fingerprint));
                    requests.push(request);
                    decided.push(Decided { submitted, reply, stream });
                }
            }
        }
        // Per decided command: its answer, or `None` to decide it again.
        let mut results: Vec<Option<Result<Accepted, Refused>>> = Vec::with_capacity(decided.len());
        if !requests.is_empty() {
            let answers = match self.log.append_many(requests).await {
                Ok(answers) => answers,
                Err(error) => decided.iter().map(|_| Err(error.clone())).collect(),
            };
            if answers.iter().any(Result::is_err) {
                // The state already folds what was decided; bring it back to what is durable.
                let restored = match saved {
                    Some(saved) => {
                        (self.state, self.versions, self.head) = saved;
                        self.catch_up()
                    }
                    None => self.rebuild(),
                };
                if let Err(error) = restored {
                    tracing::error!(%error, "cannot rebuild the decision state from the log");
                }
            } else if let Some(last) = answers.iter().flatten().map(|a| a.last_position).max() {
                self.head = self.head.max(last);
            }
            let shared = self.log.is_shared();
            for (d, answer) in decided.iter().zip(answers) {
                // Decided on a state that missed another server's events (the whole commit
                // refused, or a stream it moved): decide again on the events it added.
                let stale = matches!(answer, Err(AppendError::HeadMoved))
                    || (shared && matches!(answer, Err(AppendError::WrongExpectedVersion { .. })));
                results.push(match (stale, last_attempt) {
                    (true, false) => None,
                    // Other servers kept winning: the client retries later, with the same id.
                    (true, true) => Some(Err(refused(AppendError::HeadMoved))),
                    (false, _) => Some(
                        answer
                            .map(|a| accepted(&d.submitted.command_id, &d.stream, a, false))
                            .map_err(refused),
                    ),
                });
            }
        }
        // The state now folds only durable events: destroy the keys it says are erased.
        for (d, result) in decided.iter().zip(results.iter_mut()) {
            if let Some(result) = result
                && result.is_ok()
                && let Err(message) = self.shred(&d.submitted.command).await
            {
                *result = Err(Refused::Unavailable(message));
            }
        }
        for (submitted, reply, mut answer) in deferred {
            if let Err(message) = self.shred(&submitted.command).await
                && answer.is_ok()
            {
                answer = Err(Refused::Unavailable(message));
            }
            let _ = reply.send(answer);
        }
        let mut again: Vec<(Submitted, Reply)> = Vec::new();
        for (index, reply) in followers {
            match &results[index] {
                Some(result) => {
                    let _ = reply.send(duplicate_of(result));
                }
                None => again.push((decided[index].submitted.clone(), reply)),
            }
        }
        for (d, result) in decided.into_iter().zip(results) {
            match result {
                Some(result) => {
                    let _ = d.reply.send(result);
                }
                None => again.push((d.submitted, d.reply)),
            }
        }
        again
    }

    /// Destroys the key `command` names (a household's, a donor's), if the state says it is
    /// erased.
    async fn shred(&self, command: &Command) -> Result<(), String> {
        let (erased, key_id) = match to_shred(command) {
            None => return Ok(()),
            Some(Shred::Household(id)) => {
                (self.state.distribution.household_erased(id), household_key(id))
            }
            Some(Shred::Donor(id)) => (self.state.ledger.erased_donors.contains(id), donor_key(id)),
            Some(Shred::RoleContact(card, member)) => {
                let pair = (card.into(), member.into());
                (self.state.people.erased_contacts.contains(&pair), role_key(card, member))
            }
        };
        if !erased {
            return Ok(());
        }
        let keys = self.keys.clone();
        match tokio::task::spawn_blocking(move || keys.erase(&key_id)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => {
                tracing::error!(%error, "an erased key is not destroyed yet");
                Err(format!("the erasure is recorded but the key is not destroyed yet: {error}"))
            }
            Err(_) => Err("the erasure was interrupted".to_owned()),
        }
    }

    /// Everything up to the append: a retry's original answer, a stale version, a
    /// rejection; or the append to make, with the state already moved past it.
    fn check(&mut self, submitted: &Submitted, fingerprint: Hash, now_ms: i64) -> Checked {
        let stream = submitted.command.stream();
        match self.log.command_record(&submitted.command_id) {
            Err(error) => return Checked::Refused(Refused::Unavailable(error.to_string())),
            Ok(Some((first, answer))) if first == fingerprint => {
                return Checked::Retry(accepted(&submitted.command_id, &stream, answer, true));
            }
            Ok(Some(_)) => return Checked::Refused(Refused::CommandIdReused),
            Ok(None) => {}
        }
        let current = self.versions.get(&stream).copied().unwrap_or(0);
        if let Some(expected) = submitted.expected_version
            && expected != current
        {
            return Checked::Refused(Refused::WrongExpectedVersion { stream, expected, current });
        }
        let ctx = Context { now_ms, actor: submitted.actor.clone() };
        let events = match group::decide(&self.state, &submitted.command, &ctx) {
            Ok(events) if events.is_empty() => {
                return Checked::Refused(Refused::Rejected(Rejection::WrongStage {
                    message: "nothing to change: the command is already in effect".into(),
                }));
            }
            Ok(events) => events,
            Err(rejection) => return Checked::Refused(Refused::Rejected(rejection)),
        };
        let new_events: Vec<NewEvent> = events.iter().map(new_event).collect();
        let events_count = new_events.len() as u64;
        for event in events {
            self.head += 1;
            let recorded = group::Recorded {
                position: self.head,
                recorded_at_ms: now_ms,
                actor: submitted.actor.clone(),
                event,
            };
            group::evolve(&mut self.state, &recorded);
        }
        let version = self.versions.entry(stream.clone()).or_default();
        let expected = ExpectedVersion::Exact(*version);
        *version += events_count;
        let mut request = AppendRequest::new(
            stream.clone(),
            expected,
            new_events,
            submitted.command_id.clone(),
            submitted.actor.to_string(),
        );
        request.fingerprint = fingerprint;
        Checked::Append { stream, request }
    }

    /// Folds the whole log again: at start-up, and after a failed append.
    fn rebuild(&mut self) -> Result<(), crate::log::ReadError> {
        let mut folded = DecisionState::default();
        replay(&self.log, |envelope, recorded| folded.apply(envelope, recorded))?;
        self.state = folded.state;
        self.versions = folded.versions;
        self.head = folded.head;
        Ok(())
    }
}

/// A key a command may have to destroy once its batch is durable.
enum Shred<'a> {
    /// The household it erases, or the one a new request names (its data was sealed under
    /// a fresh key before `decide` refused it).
    Household(&'a str),
    /// The donor it erases.
    Donor(&'a str),
    /// The role holder's contact it erases.
    RoleContact(&'a str, &'a str),
}

fn to_shred(command: &Command) -> Option<Shred<'_>> {
    match command {
        Command::Distribution(
            distribution::Command::EraseHousehold { household_id, .. }
            | distribution::Command::LogRequest { household_id, .. },
        ) => Some(Shred::Household(household_id.as_str())),
        Command::Ledger(shared::ledger::Command::EraseDonor { donor_of, .. }) => {
            Some(Shred::Donor(donor_of))
        }
        Command::People(shared::people::Command::EraseRoleContact {
            role_card_id,
            member_id,
            ..
        }) => Some(Shred::RoleContact(role_card_id.as_str(), member_id.as_str())),
        _ => None,
    }
}

fn new_event(event: &Event) -> NewEvent {
    NewEvent {
        event_type: event.event_type().to_owned(),
        schema_version: event.schema_version(),
        payload: event.payload().to_string(),
    }
}

/// What makes a retry "the same command": the command as the client sent it (before the
/// server sealed any personal data in it, which uses a fresh nonce each time) and who sent it.
pub fn fingerprint(actor: &str, command: &serde_json::Value) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(actor.as_bytes());
    hasher.update([0]);
    hasher.update(command.to_string().as_bytes());
    hasher.finalize().into()
}

fn accepted(command_id: &str, stream: &str, answer: Appended, duplicate: bool) -> Accepted {
    Accepted {
        command_id: command_id.to_owned(),
        stream: stream.to_owned(),
        first_position: answer.first_position,
        last_position: answer.last_position,
        stream_version: answer.stream_version,
        duplicate,
    }
}

fn duplicate_of(result: &Result<Accepted, Refused>) -> Result<Accepted, Refused> {
    match result {
        Ok(accepted) => Ok(Accepted { duplicate: true, ..accepted.clone() }),
        Err(Refused::Unavailable(message)) => Err(Refused::Unavailable(message.clone())),
        Err(_) => Err(Refused::Unavailable("the first copy of this command failed".into())),
    }
}

fn refused(error: AppendError) -> Refused {
    match error {
        AppendError::WrongExpectedVersion { stream, expected, current } => {
            Refused::WrongExpectedVersion { stream, expected, current }
        }
        AppendError::CommandIdReused(_) => Refused::CommandIdReused,
        AppendError::Invalid(message) => Refused::Unstorable(message),
        AppendError::Storage(message) => Refused::Unavailable(message),
        AppendError::Closed => Refused::Unavailable("the server is shutting down".into()),
        AppendError::HeadMoved => Refused::Unavailable(
            "other servers kept appending first; retry with the same command_id".into(),
        ),
    }
}
