//! Time travel: every projection as it was at any position or moment of the log.
//!
//! An answer is the fold of every event up to the position. To keep that fast on a long log,
//! the group's own fold (at start-up, then the projector's as the log grows) hands its views
//! every [`DEFAULT_EVERY`] events to [`History::keep`], which writes them into `snapshots/`
//! in the data folder; a question then starts from the nearest snapshot at or before its
//! position and folds only the events after it.
//!
//! Snapshots are a cache. Each names the hash of the record it was taken at, and is used only
//! if that record still has that hash; a missing, unreadable or foreign one is skipped for the
//! one before it, down to the start of the log. Start-up folds the whole log with this
//! build's code and rewrites any snapshot that differs, so a snapshot written by an older
//! build (whose folds may have differed) is never trusted for long, and until this run has
//! checked a snapshot it is not used. Deleting the folder changes no answer, only the time
//! it takes (`it::history` proves it).
//!
//! Timelines (the steps of every request ever logged) are not in the snapshots: they are the
//! largest projection and already a history. A past board's requests get their timelines
//! from the live ones, cut at the position.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use shared::distribution::{Board, Timeline, Timelines};
use shared::envelope::Envelope;
use shared::group;
use shared::ledger::Ledger;
use shared::limits::GroupLimits;
use shared::members::Members;
use shared::people;
use shared::standing::StandingOrders;

use crate::log::{Log, ReadError};
use crate::projections::{Projections, decode};

/// Events between two snapshots: chosen by measurement (see `BENCHMARKS.md`, "Time travel").
pub const DEFAULT_EVERY: u64 = 10_000;
/// Records read per step while folding.
const CHUNK: usize = 4096;
/// The snapshot file layout; a file of another format is skipped.
const FORMAT: u32 = 1;

/// The projections as of `position`: what the group's screens showed then.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Past {
    pub position: u64,
    /// When the event at `position` was recorded (0 before the first event).
    pub recorded_at_ms: i64,
    /// The board, with the stock levels.
    pub board: Board,
    pub members: Members,
    pub ledger: Ledger,
    pub people: people::Roster,
    pub limits: GroupLimits,
    /// Standing orders as they stood (snapshots from before them read as none).
    #[serde(default)]
    pub standing: StandingOrders,
}

impl Past {
    /// The live views as a past: what [`Past::fold`] would have folded to `views.position`,
    /// whose record was recorded at `recorded_at_ms`.
    pub fn of(views: &Projections, recorded_at_ms: i64) -> Past {
        Past {
            position: views.position,
            recorded_at_ms,
            board: views.board.clone(),
            members: views.members.clone(),
            ledger: views.ledger.clone(),
            people: views.people.clone(),
            limits: views.limits.clone(),
            standing: views.standing.clone(),
        }
    }

    /// Folds one stored record (already upcast): decoded events change the projections, and
    /// types this build does not model only move the position.
    pub fn fold(&mut self, envelope: &Envelope) -> Result<(), ReadError> {
        self.position = envelope.position;
        self.recorded_at_ms = envelope.recorded_at_ms;
        let Some(recorded) = decode(envelope)? else { return Ok(()) };
        self.parts().apply(&recorded);
        Ok(())
    }

    fn parts(&mut self) -> group::Parts<'_> {
        group::Parts {
            distribution: &mut self.board,
            members: &mut self.members,
            people: &mut self.people,
            ledger: &mut self.ledger,
            limits: &mut self.limits,
            standing: &mut self.standing,
        }
    }

    /// The timelines of the requests on this past board, cut from `now` (timelines folded to
    /// at least this position): the steps up to the position, and the progress the board had.
    pub fn timelines_from(&self, now: &Timelines) -> Timelines {
        let mut past = Timelines::new();
        for (request_id, card) in &self.board.requests {
            let Some(timeline) = now.get(request_id.as_str()) else { continue };
            let steps = timeline
                .steps
                .iter()
                .take_while(|s| s.position <= self.position)
                .cloned()
                .collect();
            let timeline = Timeline {
                request_id: request_id.clone(),
                number: timeline.number,
                steps,
                progress: Some(card.progress.clone()),
            };
            past.requests.insert(request_id.clone(), timeline);
        }
        // What taking a completion back needs: the board keeps the same cards, with the
        // progress the timelines would have kept.
        past.just_closed = self
            .board
            .just_closed
            .iter()
            .map(|(id, (card, at_ms))| (id.clone(), (card.progress.clone(), *at_ms)))
            .collect();
        past
    }
}

/// One snapshot file: the projections and the hash of the record they were taken at.
#[derive(Serialize, Deserialize)]
struct SnapshotFile<'a> {
    format: u32,
    #[serde(with = "hex::serde")]
    hash: [u8; 32],
    past: std::borrow::Cow<'a, Past>,
}

/// The snapshot folder and which of its snapshots this build has checked.
#[derive(Clone, Debug)]
pub struct History {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    every: u64,
    /// Positions whose snapshot this run wrote or found equal to its own fold.
    checked: Mutex<BTreeSet<u64>>,
}

impl History {
    /// Snapshots in `data_dir/snapshots`, one every `every` events (at least 1).
    pub fn new(data_dir: &Path, every: u64) -> History {
        let inner = Inner {
            dir: data_dir.join("snapshots"),
            every: every.max(1),
            checked: Mutex::new(BTreeSet::new()),
        };
        History { inner: Arc::new(inner) }
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    fn checked(&self) -> std::sync::MutexGuard<'_, BTreeSet<u64>> {
        self.inner.checked.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn path(&self, position: u64) -> PathBuf {
        self.inner.dir.join(format!("{position:020}.json"))
    }

    /// Every projection as of `position` (the head if beyond it). Blocking: it reads the log.
    pub fn at(&self, log: &Log, position: u64) -> Result<Past, ReadError> {
        let position = position.min(log.head().position);
        let candidates: Vec<u64> = self.checked().range(..=position).rev().copied().collect();
        let mut past = Past::default();
        for candidate in candidates {
            match self.load(log, candidate) {
                Some(found) => {
                    past = found;
                    break;
                }
                None => {
                    self.checked().remove(&candidate);
                }
            }
        }
        fold_until(log, &mut past, position)?;
        Ok(past)
    }

    /// Every projection as of the last event recorded at or before `at_ms`.
    pub fn at_time(&self, log: &Log, at_ms: i64) -> Result<Past, ReadError> {
        self.at(log, log.position_at(at_ms)?)
    }

    /// The snapshot at `position` if it is readable and was taken of this log's record.
    fn load(&self, log: &Log, position: u64) -> Option<Past> {
        let bytes = std::fs::read(self.path(position)).ok()?;
        let file: SnapshotFile<'static> = serde_json::from_slice(&bytes).ok()?;
        let record = log.get(position).ok()??;
        let usable =
            file.format == FORMAT && file.hash == record.hash && file.past.position == position;
        usable.then(|| file.past.into_owned())
    }

    /// Whether the views at `position` are to be kept as a snapshot.
    pub fn is_due(&self, position: u64) -> bool {
        position > 0 && position.is_multiple_of(self.inner.every)
    }

    /// Writes the snapshot of `past`, taken at the record whose hash is `hash`, unless an
    /// identical file is there, and from then on uses it. Blocking (it writes a file).
    /// Failures only cost speed, so they are logged and skipped.
    pub fn keep(&self, past: &Past, hash: [u8; 32]) {
        let written =
            std::fs::create_dir_all(&self.inner.dir).and_then(|()| self.write(past, hash));
        match written {
            Ok(()) => {
                self.checked().insert(past.position);
            }
            Err(error) => tracing::warn!(%error, position = past.position, "snapshot not written"),
        }
    }

    /// Writes the snapshot of `past` unless the file already holds exactly that.
    fn write(&self, past: &Past, hash: [u8; 32]) -> std::io::Result<()> {
        let file = SnapshotFile { format: FORMAT, hash, past: std::borrow::Cow::Borrowed(past) };
        let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        let path = self.path(past.position);
        if std::fs::read(&path).is_ok_and(|existing| existing == bytes) {
            return Ok(());
        }
        let partial = path.with_extension("partial");
        std::fs::write(&partial, &bytes)?;
        std::fs::rename(&partial, &path)
    }

    /// Positions with a checked snapshot, for tests and the metrics.
    pub fn snapshots(&self) -> Vec<u64> {
        self.checked().iter().copied().collect()
    }
}

/// Every projection as of `position`, folded from the first event: the reference the
/// snapshots must agree with.
pub fn replay_to(log: &Log, position: u64) -> Result<Past, ReadError> {
    let mut past = Past::default();
    fold_until(log, &mut past, position.min(log.head().position))?;
    Ok(past)
}

fn fold_until(log: &Log, past: &mut Past, position: u64) -> Result<(), ReadError> {
    while past.position < position {
        let wanted = usize::try_from(position - past.position).unwrap_or(usize::MAX).min(CHUNK);
        let chunk = log.read_from(past.position + 1, wanted)?;
        if chunk.is_empty() {
            return Err(ReadError::Corrupt {
                position: past.position + 1,
                reason: "missing below the head".into(),
            });
        }
        for envelope in &chunk {
            past.fold(envelope)?;
        }
    }
    Ok(())
}

/// The past board as screens fold it: the projections of `past` with the timelines of its
/// requests, cut from the live ones (which must be at or past `past.position`).
pub fn wire_snapshot(past: &Past, now: &Timelines) -> shared::wire::Snapshot {
    shared::wire::Snapshot {
        position: past.position,
        board: past.board.clone(),
        timelines: past.timelines_from(now),
        members: past.members.iter().cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_past_round_trips_through_its_file_format() {
        let past = Past { position: 7, recorded_at_ms: 42, ..Past::default() };
        let file =
            SnapshotFile { format: FORMAT, hash: [3; 32], past: std::borrow::Cow::Borrowed(&past) };
        let text = serde_json::to_vec(&file).expect("serializes");
        let back: SnapshotFile<'static> = serde_json::from_slice(&text).expect("parses");
        assert_eq!(back.past.into_owned(), past);
        assert_eq!(back.hash, [3; 32]);
    }
}
