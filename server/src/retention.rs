//! Automatic erasure after the group's retention period (`SetHouseholdRetention`, off by
//! default): every hour, and once soon after start, the server erases each household whose
//! requests are all closed and quiet for that many days and whose key it still holds. Each
//! erasure is an ordinary `EraseHousehold` sent by the actor [`RETENTION_ACTOR`] with the
//! reason [`retention_reason`], so the log says what was forgotten, when and why, and the
//! pipeline destroys the key exactly as for a coordinator's erasure.

use std::collections::BTreeMap;
use std::time::Duration;

use shared::distribution::retention::{due_for_erasure, retention_cutoff, retention_reason};
use shared::distribution::{self, HouseholdId, RequestId};
use shared::group;

use crate::commands::Submitted;
use crate::group::Group;
use crate::sealed::household_key;

/// The member id automatic erasures are recorded under.
pub const RETENTION_ACTOR: &str = "potluck-retention";
/// How often the server looks for households due.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);
/// The first sweep, a little after start so start-up is not slowed.
pub const FIRST_SWEEP_AFTER: Duration = Duration::from_secs(60);

/// Sweeps every [`SWEEP_EVERY`] until the server shuts down; `potluck serve` runs it.
pub async fn run(group: Group) {
    let mut closing = group.closing();
    let mut next = tokio::time::Instant::now() + FIRST_SWEEP_AFTER;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = closing.wait_for(|closing| *closing) => return,
        }
        let erased = sweep(&group).await;
        if !erased.is_empty() {
            tracing::info!(
                households = erased.len(),
                "retention: erased households past the group's period"
            );
        }
        next += SWEEP_EVERY;
    }
}

/// Erases, now, every household due under the group's retention setting; returns how
/// many. Ids never reach the server's log output (they are pseudonymous, but a sweep's
/// count is all an operator needs).
pub async fn sweep(group: &Group) -> Vec<HouseholdId> {
    let now_ms = group.now();
    let due = group.read(|p| {
        let days = p.limits.household_retention_days?;
        let households: BTreeMap<RequestId, HouseholdId> = p
            .contacts
            .iter()
            .map(|(request_id, (household_id, _))| {
                (RequestId::from(request_id.as_str()), HouseholdId::from(household_id.as_str()))
            })
            .collect();
        let clock = &p.board.clock;
        let mut due = due_for_erasure(&p.timelines, |r| households.get(r), now_ms, days, clock);
        // Registered from a contact list and never named by a request since.
        let cutoff = retention_cutoff(now_ms, days, clock);
        let quiet = p.registered_households.iter().filter(|(_, at_ms)| **at_ms < cutoff);
        due.extend(quiet.map(|(household_id, _)| HouseholdId::from(household_id.as_str())));
        due.sort();
        due.dedup();
        Some((days, due))
    });
    let Some((days, due)) = due else {
        return Vec::new();
    };
    let mut erased = Vec::new();
    for household_id in due {
        match group.keys().has_key(&household_key(household_id.as_str())) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(%error, "retention waits for the keys");
                break;
            }
        }
        let command = group::Command::Distribution(distribution::Command::EraseHousehold {
            household_id: household_id.clone(),
            reason: retention_reason(days),
        });
        // One id per household: a sweep that is retried gets the first answer.
        let id = format!("retention-{household_id}");
        let submitted = Submitted::new(id, RETENTION_ACTOR.into(), command);
        match group.submit(submitted).await {
            Ok(_) => erased.push(household_id),
            Err(refused) => tracing::warn!(?refused, "retention: an automatic erasure was refused"),
        }
    }
    erased
}
