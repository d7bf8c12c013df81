//! The group: one service that every way in uses.
//!
//! [`Group::start`] opens a group from its log and data folder: it folds the log once
//! (checking the chain) into the decision state and the live views, writes the time-travel
//! snapshots of that same fold, finishes interrupted erasures, and starts the projector and
//! the command pipeline. What comes in goes through [`Group::take_in`] (personal data
//! sealed, the server's own fields filled, the command parsed) and [`Group::submit`]
//! (decided, made durable, answered); screens hear of it through [`Group::live`]. The HTTP
//! routes, the command line, imports, the demo, retention, the scheduler and the admin
//! socket are adapters over this one service; none of them starts a pipeline or folds the
//! log themselves.
//!
//! ```text
//! adapter ──take_in──▶ Command ──submit──▶ pipeline: decide → Log (durable) → answer
//!                                                          │
//!                                    live views ◀── projector ──▶ every screen's feed
//! ```

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use shared::distribution::{self, Event::HouseholdErased};
use shared::group::{self, Command};
use shared::kind::CommandKind;
use shared::personal::{PersonalData, Sealing, sealing};
use tokio::sync::watch;

use crate::auth::{AuthError, AuthStore};
use crate::commands::{
    Accepted, Commands, DecisionState, Refused, Submitted, Together, TogetherOutcome,
};
use crate::history::{History, Past};
use crate::log::{Clock, Log, ReadError};
use crate::projections::{Live, Projections, replay};
use crate::sealed::{KeyStore, SealError, donor_key, household_key, role_key};

/// How a group is run; the defaults suit a real server.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Batches of events a slow screen may fall behind by before it is resynced; `None`
    /// takes the default (256).
    pub feed_capacity: Option<usize>,
    /// Events between two time-travel snapshots; `None` takes
    /// [`crate::history::DEFAULT_EVERY`].
    pub snapshot_every: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot replay the log: {0}")]
    Replay(#[from] ReadError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Keys(#[from] SealError),
}

/// Why a command could not be taken in: said to whoever sent it, nothing written.
#[derive(Debug, PartialEq, Eq)]
pub enum Unfit {
    /// The command is malformed; `code` names the kind of fault for a screen.
    Invalid { code: &'static str, message: String },
    /// The key store failed: try again.
    Unavailable(String),
}

/// A running group. Cheap to clone: every clone is the same group.
#[derive(Clone)]
pub struct Group {
    log: Log,
    commands: Commands,
    live: Live,
    history: History,
    keys: Arc<KeyStore>,
    auth: Arc<AuthStore>,
    clock: Clock,
    /// Set when the server begins to shut down: sockets and chores stop.
    closing: Arc<watch::Sender<bool>>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group").field("log", &self.log).finish_non_exhaustive()
    }
}

impl Group {
    /// Folds the whole log (checking the chain) once into the decision state, the live
    /// views and the time-travel snapshots, then starts the projector and the pipeline.
    /// `data_dir` holds the sign-in store, the keys and the snapshots beside the log.
    ///
    /// Every household the log says is erased has its key destroyed here if it is still
    /// held: the pipeline destroys it right after the erasure is durable, so a key found
    /// here means the server stopped in between, and the erasure is finished before
    /// anything is served.
    pub fn start(
        log: Log,
        data_dir: &Path,
        clock: Clock,
        options: Options,
    ) -> Result<Group, StartError> {
        // Kept with the log: in the data folder, or in the log's database, so that every
        // server of a group signs in and seals alike.
        let (auth, keys) = match log.database() {
            None => (AuthStore::open(data_dir)?, KeyStore::open(data_dir)?),
            Some(database) => {
                (AuthStore::in_database(database.clone())?, KeyStore::in_database(database))
            }
        };
        let (auth, keys) = (Arc::new(auth), Arc::new(keys));
        let every = options.snapshot_every.unwrap_or(crate::history::DEFAULT_EVERY);
        let history = History::new(data_dir, every);
        let mut projections = Projections::default();
        let mut decision = DecisionState::default();
        let mut erased = Vec::new();
        // The snapshots of this fold are written beside it, a few at most waiting; the
        // projector writes the later ones as the log grows. Start-up reads the log once.
        let (snapshots, to_keep) = std::sync::mpsc::sync_channel::<(Past, [u8; 32])>(2);
        let keeper = history.clone();
        tokio::task::spawn_blocking(move || {
            for (past, hash) in to_keep {
                keeper.keep(&past, hash);
            }
        });
        replay(&log, |envelope, recorded| {
            match recorded.map(|r| &r.event) {
                Some(group::Event::Distribution(HouseholdErased { household_id, .. })) => {
                    erased.push(household_key(household_id.as_str()));
                }
                Some(group::Event::Ledger(shared::ledger::Event::DonorErased {
                    donor_of, ..
                })) => {
                    erased.push(donor_key(donor_of));
                }
                _ => {}
            }
            decision.apply(envelope, recorded);
            match recorded {
                Some(recorded) => projections.apply(recorded),
                None => projections.position = envelope.position,
            }
            if history.is_due(envelope.position) {
                let past = Past::of(&projections, envelope.recorded_at_ms);
                // The writer ends only with this fold: a send cannot fail before.
                let _ = snapshots.send((past, envelope.hash));
            }
        })?;
        // A role contact erased and not recorded again since (the final state decides: the
        // same holder may have given a new contact after an erasure).
        erased.extend(
            decision
                .state
                .people
                .erased_contacts
                .iter()
                .map(|(card, member)| role_key(card.as_str(), member.as_str())),
        );
        for key_id in erased {
            if keys.erase(&key_id)? {
                tracing::warn!("finished an erasure the server did not: its key is destroyed");
            }
        }
        drop(snapshots);
        let live = Live::new(projections, options.feed_capacity.unwrap_or(256));
        tokio::spawn(live.clone().follow(log.clone(), history.clone()));
        let commands = Commands::start(log.clone(), clock.clone(), decision, keys.clone());
        Ok(Group {
            log,
            commands,
            live,
            history,
            keys,
            auth,
            clock,
            closing: Arc::new(watch::channel(false).0),
        })
    }

    /// The group's log, for reading (appends go through [`Group::submit`]).
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The live views and their feed.
    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Reads the live views.
    pub fn read<T>(&self, f: impl FnOnce(&Projections) -> T) -> T {
        self.live.read(f)
    }

    /// Time travel: the views as of any position or moment.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The households', donors' and role holders' keys.
    pub fn keys(&self) -> &Arc<KeyStore> {
        &self.keys
    }

    /// Passwords and sessions.
    pub fn auth(&self) -> &Arc<AuthStore> {
        &self.auth
    }

    /// The clock the log stamps events with.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now, in ms since 1970, by [`Group::clock`].
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Decides one command, makes its events durable and answers.
    pub async fn submit(&self, submitted: Submitted) -> Result<Accepted, Refused> {
        self.commands.submit(submitted).await
    }

    /// Decides many commands as one all-or-nothing job (an import).
    pub async fn submit_together(&self, together: Together) -> Result<TogetherOutcome, Refused> {
        self.commands.submit_together(together).await
    }

    /// A command as a client sends it (JSON, with any personal data in clear) made into
    /// the command the pipeline decides: personal data sealed under its owner's key, the
    /// fields the server fills filled (a time zone's offsets, from this machine's tz
    /// database, whatever the client sent), and the rest parsed. `kind` is the command's
    /// type, already checked against the sender's roles.
    pub fn take_in(&self, kind: CommandKind, mut raw: Value) -> Result<Command, Unfit> {
        self.seal(kind, &mut raw)?;
        let invalid = |code, message| Unfit::Invalid { code, message };
        let mut command = Command::from_json(raw).map_err(|m| invalid("invalid_command", m))?;
        if command.kind() != kind {
            return Err(invalid("invalid_command", format!("not a {kind}")));
        }
        if let Command::Distribution(distribution::Command::SetTimeZone { zone, offsets }) =
            &mut command
        {
            *offsets = crate::clock::offsets(zone).map_err(|m| invalid("unknown_time_zone", m))?;
        }
        Ok(command)
    }

    /// Replaces clear personal data in a command with its sealed form, so that only
    /// ciphertext ever reaches `decide` and the log, where the command's part declares it
    /// carries it ([`shared::personal::sealing`]). Clients send the clear form as an object
    /// `{name, phone, address, notes}`; anything else in those fields is refused.
    fn seal(&self, kind: CommandKind, command: &mut Value) -> Result<(), Unfit> {
        let invalid = |message: String| Unfit::Invalid { code: "invalid_command", message };
        let Some(Sealing { path, owner_field, key_prefix }) = sealing(kind) else {
            return Ok(());
        };
        let owner = command
            .get(owner_field)
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("{owner_field}: expected a string")))?;
        let key_id = match self.role_holder(kind, command) {
            Some(holder) => role_key(owner, &holder),
            None => format!("{key_prefix}{owner}"),
        };
        let Some((last, parents)) = path.split_last() else { return Ok(()) };
        let mut holder = &mut *command;
        for step in parents {
            match holder.get_mut(*step) {
                Some(next) if next.is_object() => holder = next,
                _ => return Ok(()),
            }
        }
        let Some(object) = holder.as_object_mut() else { return Ok(()) };
        let Some(clear) = object.remove(*last).filter(|v| !v.is_null()) else { return Ok(()) };
        let field = path.join(".");
        let data: PersonalData = serde_json::from_value(clear).map_err(|e| {
            invalid(format!("{field}: {e}; expected an object with name, phone, address, notes"))
        })?;
        data.check().map_err(invalid)?;
        let sealed =
            self.keys.seal(&key_id, &data).map_err(|e| Unfit::Unavailable(e.to_string()))?;
        object.insert((*last).to_owned(), Value::String(sealed.ciphertext().to_owned()));
        Ok(())
    }

    /// A role contact's key is the holder's own for that card ([`role_key`]): the holder the
    /// command names, or for `SetRoleContact` the card's current holder.
    fn role_holder(&self, kind: CommandKind, command: &Value) -> Option<String> {
        use shared::people::CommandKind as P;
        let named = |field: &str| command.get(field).and_then(Value::as_str).map(str::to_owned);
        match kind {
            CommandKind::People(P::AssignRole) => named("member_id"),
            CommandKind::People(P::HandOverRole) => named("to_member_id"),
            CommandKind::People(P::SetRoleContact) => {
                let card = named("role_card_id")?;
                self.live.read(|p| {
                    let card = p.people.role_card(&card)?;
                    card.holder_id().map(|h| h.to_string())
                })
            }
            _ => None,
        }
    }

    /// Starts the group's own chores: retention's erasures and the scheduler's steps ahead
    /// (`days_ahead` days). They stop when the group begins to shut down.
    pub fn spawn_chores(&self, days_ahead: i64) {
        tokio::spawn(crate::retention::run(self.clone()));
        tokio::spawn(crate::ahead::run(self.clone(), days_ahead));
    }

    /// Tells every live socket and chore to stop; call when the shutdown signal arrives.
    pub fn begin_shutdown(&self) {
        self.closing.send_replace(true);
    }

    /// Becomes true when the group begins to shut down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}
