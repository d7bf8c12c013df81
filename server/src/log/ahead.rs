//! Reading ahead for readers that go through the log in order: a replay at start,
//! `potluck verify`, an export. A reader that asks for the chunk right after a full one it
//! had (it is going through the log, not reading one page) gets the next ones read (and
//! decoded) on threads of their own while it works on this one, so that the store's reads,
//! the decoding and the caller's fold or hash check overlap on two cores.
//!
//! Only a full chunk read ahead is handed out: records never change once committed, so a
//! full chunk is exactly what a read now would give, whereas a shorter one may predate
//! records committed since.

use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use shared::envelope::Envelope;

use super::ReadError;
use super::store::EventStore;

/// Chunks smaller than this are read as asked: a page of a screen, not a pass over the log.
pub const FROM_CHUNK: usize = 1000;
/// How many chunks past the one asked for are read ahead: two, so that one thread waits
/// for the store while another decodes.
pub const DEPTH: u64 = 2;
/// Chunks kept at once: `DEPTH` for each of two readers going through the log together.
const KEPT: usize = 4;

/// Reads the chunk of `count` records from `from` out of a store.
pub type Read = fn(&dyn EventStore, u64, usize) -> Result<Vec<Envelope>, ReadError>;

/// The chunks being read ahead, and the threads reading them.
#[derive(Debug, Default)]
pub struct ReadAhead {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    chunks: Vec<Chunk>,
    /// Where the chunks after the latest full ones served start (chunk size, position).
    following: Vec<(usize, u64)>,
    /// Every thread still reading (also those whose chunk was given up): the log waits for
    /// them when it closes, so that nothing holds the store after.
    threads: Vec<JoinHandle<()>>,
}

#[derive(Debug)]
struct Chunk {
    from: u64,
    count: usize,
    records: Receiver<Result<Vec<Envelope>, ReadError>>,
}

impl ReadAhead {
    /// Notes that a full chunk of `count` records ending at `last` was served; whether the
    /// reader asked for it right after the full chunk before it (it goes through the log).
    pub fn served(&self, from: u64, count: usize, last: u64) -> bool {
        let Ok(mut state) = self.state.lock() else { return false };
        let asked = (count, from);
        let in_order = state.following.contains(&asked);
        state.following.retain(|next| *next != asked);
        if state.following.len() >= KEPT {
            state.following.remove(0);
        }
        state.following.push((count, last + 1));
        in_order
    }

    /// The chunk of `count` records from `from`, if it was read ahead in full.
    pub fn take(&self, from: u64, count: usize) -> Option<Vec<Envelope>> {
        let chunk = {
            let mut state = self.state.lock().ok()?;
            let at = state.chunks.iter().position(|c| c.from == from && c.count == count)?;
            state.chunks.remove(at)
        };
        chunk.records.recv().ok()?.ok().filter(|records| records.len() == count)
    }

    /// Starts reading `count` records from `from` with `read`, on a thread of its own,
    /// unless that chunk is already being read.
    pub fn start(&self, store: Arc<dyn EventStore>, from: u64, count: usize, read: Read) {
        let Ok(mut state) = self.state.lock() else { return };
        if state.chunks.iter().any(|c| c.from == from && c.count == count) {
            return;
        }
        state.threads.retain(|thread| !thread.is_finished());
        let (send, records) = sync_channel(1);
        let spawned = std::thread::Builder::new().name("log-read-ahead".into()).spawn(move || {
            let _ = send.send(read(&*store, from, count));
        });
        let Ok(thread) = spawned else { return };
        state.threads.push(thread);
        if state.chunks.len() >= KEPT {
            state.chunks.remove(0);
        }
        state.chunks.push(Chunk { from, count, records });
    }

    /// Drops every chunk and waits for the threads still reading.
    pub fn finish(&self) {
        let threads = match self.state.lock() {
            Ok(mut state) => {
                state.chunks.clear();
                state.following.clear();
                std::mem::take(&mut state.threads)
            }
            Err(_) => return,
        };
        for thread in threads {
            let _ = thread.join();
        }
    }
}
