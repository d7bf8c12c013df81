//! Planning ahead: every minute, once right after start, and half a second after anyone
//! changes an order, a template or a commitment or stock arrives, the server takes the steps
//! [`shared::group::ahead::due`] lists (standing orders' dates, template shifts, sign-ups
//! from commitments) as the actor [`SCHEDULER_ACTOR`], one at a time through the same
//! pipeline as anyone's command, until nothing is due.
//!
//! Each step's command id is derived from what it is for, so a server killed half-way, a
//! restart or a second server repeats nothing: a retried id gets its first answer back, and
//! a date or shift that exists is refused. A step refused for want of stock is tried again
//! at the next sweep.

use std::collections::HashSet;
use std::time::Duration;

use shared::group::ahead::{self, Plans};
use shared::members::SCHEDULER_ACTOR;

use crate::commands::{Refused, Submitted};
use crate::group::Group;

/// How often the server looks ahead.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// The first sweep, soon after start.
pub const FIRST_SWEEP_AFTER: Duration = Duration::from_secs(2);
/// Steps one sweep takes at most: a year of a large group's dates fits many times over.
const MAX_STEPS: usize = 100_000;
/// How soon a change that may make steps due is followed by a sweep (changes in a burst
/// are swept together).
pub const SOON_AFTER_A_CHANGE: Duration = Duration::from_millis(500);
/// How long a sweep waits for the screens' projections to show a step it took.
const CATCH_UP: Duration = Duration::from_secs(10);

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Steps the log took.
    pub taken: usize,
    /// Steps already taken before (a retry, a second server).
    pub already: usize,
    /// Steps refused (not enough stock yet, a shift full); tried again next sweep.
    pub refused: usize,
}

/// Sweeps every [`SWEEP_EVERY`] until the server shuts down; `potluck serve` runs it.
pub async fn run(group: Group, days_ahead: i64) {
    let mut closing = group.closing();
    let (mut feed, _) = group.live().subscribe();
    let mut next = tokio::time::Instant::now() + FIRST_SWEEP_AFTER;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            heard = feed.recv() => {
                let changed = match &heard {
                    Ok(batch) => batch.events.iter().any(|e| {
                        e.actor != SCHEDULER_ACTOR && ahead::changes_plans(&e.event)
                    }),
                    // Fell behind: something may have changed.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                };
                if changed {
                    next = next.min(tokio::time::Instant::now() + SOON_AFTER_A_CHANGE);
                }
                continue;
            }
            _ = closing.wait_for(|closing| *closing) => return,
        }
        let swept = sweep(&group, days_ahead).await;
        if swept.taken > 0 || swept.refused > 0 {
            tracing::info!(
                taken = swept.taken,
                refused = swept.refused,
                "planning ahead: standing orders and shift templates"
            );
        }
        next = tokio::time::Instant::now() + SWEEP_EVERY;
    }
}

/// Takes every step due now, each once, until none is left.
pub async fn sweep(group: &Group, days_ahead: i64) -> Swept {
    let mut swept = Swept::default();
    let mut tried: HashSet<String> = HashSet::new();
    while tried.len() < MAX_STEPS {
        let now_ms = group.now();
        let due = group.read(|p| {
            let plans = Plans {
                standing: &p.standing,
                board: &p.board,
                roster: &p.people,
                clock: &p.board.clock,
            };
            ahead::due(plans, now_ms, days_ahead)
        });
        let Some(step) = due.into_iter().find(|d| !tried.contains(&d.command_id)) else {
            break;
        };
        tried.insert(step.command_id.clone());
        let submitted = Submitted::new(step.command_id, SCHEDULER_ACTOR.into(), step.command);
        match group.submit(submitted).await {
            Ok(accepted) if accepted.duplicate => swept.already += 1,
            Ok(accepted) => {
                swept.taken += 1;
                // The next step reads the projections: wait until they show this one.
                group.live().caught_up_to(accepted.last_position, CATCH_UP).await;
            }
            Err(Refused::Rejected(rejection)) => {
                swept.refused += 1;
                tracing::debug!(code = rejection.code(), "planning ahead: a step was refused");
            }
            Err(refused) => {
                swept.refused += 1;
                tracing::warn!(?refused, "planning ahead: a step was not taken");
            }
        }
    }
    swept
}
