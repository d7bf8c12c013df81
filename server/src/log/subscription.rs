//! Catch-up then live, with no gap and no duplicate at the switch.
//!
//! A subscription does not keep its own copy of new events: it remembers the next position
//! it owes, and each time it is polled reads from storage up to the head the writer last
//! published. Because the head is only published after the batch is durable, and positions
//! are gapless, "read everything in (last sent, head]" is the whole algorithm: the same code
//! serves the catch-up and the live tail, so there is no switch-over to get wrong.

use shared::envelope::Envelope;
use tokio::sync::watch;

use super::{Head, Log, ReadError};

#[derive(Debug)]
pub struct Subscription {
    log: Log,
    next: u64,
    head: watch::Receiver<Head>,
}

impl Subscription {
    pub(super) fn new(log: Log, after: u64) -> Self {
        let head = log.watch_head();
        Subscription { log, next: after + 1, head }
    }

    /// The position of the last event handed out (or the starting point).
    pub fn position(&self) -> u64 {
        self.next - 1
    }

    /// The next events in position order, at most `max` of them, waiting for new ones when
    /// caught up. Fails with [`ReadError::Closed`] once the log shuts down.
    pub async fn next_batch(&mut self, max: usize) -> Result<Vec<Envelope>, ReadError> {
        loop {
            let head = self.head.borrow_and_update().position;
            if self.next <= head {
                let wanted = usize::try_from(head - self.next + 1).unwrap_or(usize::MAX);
                let events = self.log.read_from(self.next, wanted.min(max.max(1)))?;
                if let Some(last) = events.last() {
                    self.next = last.position + 1;
                }
                return Ok(events);
            }
            if self.head.changed().await.is_err() {
                return Err(ReadError::Closed);
            }
        }
    }
}
