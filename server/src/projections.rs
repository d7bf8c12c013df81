//! The live read models and the feed that keeps every screen up to date.
//!
//! One projector task follows the log (only durable events), decodes each record once, folds
//! it into the projections and then broadcasts it. A WebSocket client subscribes to the
//! broadcast *before* it copies a snapshot, so every event after the snapshot's position
//! reaches it (axum `examples/chat`). The broadcast channel is bounded: a client that stops
//! reading falls behind, its receiver reports the lag, and it is sent a fresh snapshot
//! instead of holding anyone else up.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use shared::distribution::{self, Board, SealedPersonalData, Timelines};
use shared::envelope::{ChainVerifier, Envelope};
use shared::group::{self, Event};
use shared::kernel::{At, Evolve};
use shared::ledger::Ledger;
use shared::limits::GroupLimits;
use shared::members::Members;
use shared::people;
use shared::standing::StandingOrders;
use shared::wire::{ServerMessage, Snapshot, WireEvent};
use tokio::sync::broadcast;

use crate::history::{History, Past};
use crate::log::{Log, ReadError};

/// Every projection the server keeps, as of `position`.
#[derive(Clone, Debug, Default)]
pub struct Projections {
    pub position: u64,
    /// Includes the stock levels (`board.stock`).
    pub board: Board,
    pub timelines: Timelines,
    pub members: Members,
    /// Sealed contact details by request id, with the household they belong to. Server-side
    /// only: never in a snapshot.
    pub contacts: HashMap<String, (String, SealedPersonalData)>,
    /// Each household's latest sealed contact (from a request or a registration): what a
    /// request logged without one (a standing order's date) falls back to. Server-side only.
    pub household_contacts: HashMap<String, SealedPersonalData>,
    /// The books: read over `/api/ledger` and `/api/statements`, by role.
    pub ledger: Ledger,
    /// Role cards, skills, commitments, shifts and the agreement.
    pub people: people::Roster,
    /// Each role card's current contact, sealed, with the holder it is of. Server-side
    /// only, like `contacts`.
    pub role_contacts: HashMap<String, (String, SealedPersonalData)>,
    /// Households registered (an imported contact list) that no request has named yet,
    /// with when: the retention sweep forgets them once that is longer ago than the group
    /// keeps households.
    pub registered_households: HashMap<String, i64>,
    pub limits: GroupLimits,
    /// Standing orders, with the dates logged so far.
    pub standing: StandingOrders,
}

impl Projections {
    fn keep_role_contact(&mut self, event: &people::Event) {
        use people::Event as E;
        match event {
            E::RoleAssigned { role_card_id, member_id, contact, .. }
            | E::RoleHandedOver { role_card_id, to_member_id: member_id, contact, .. }
            | E::RoleContactSet { role_card_id, member_id, contact } => match contact {
                Some(sealed) => {
                    let entry = (member_id.to_string(), sealed.clone());
                    self.role_contacts.insert(role_card_id.to_string(), entry);
                }
                None => {
                    self.role_contacts.remove(role_card_id.as_str());
                }
            },
            E::RoleEnded { role_card_id, .. } => {
                self.role_contacts.remove(role_card_id.as_str());
            }
            E::RoleContactErased { role_card_id, member_id, .. }
                if self
                    .role_contacts
                    .get(role_card_id.as_str())
                    .is_some_and(|(holder, _)| holder == member_id.as_str()) =>
            {
                self.role_contacts.remove(role_card_id.as_str());
            }
            _ => {}
        }
    }

    /// Folds one event: the group's parts as every fold does ([`group::Parts::apply`]),
    /// with the timelines beside the board, then what only the server keeps (sealed
    /// contacts, registered households).
    pub fn apply(&mut self, recorded: &group::Recorded) {
        self.position = recorded.position;
        match &recorded.event {
            Event::Distribution(event) => {
                self.keep_household_contact(event, recorded.recorded_at_ms)
            }
            Event::People(event) => self.keep_role_contact(event),
            _ => {}
        }
        let mut distribution =
            BoardAndTimelines { board: &mut self.board, timelines: &mut self.timelines };
        group::Parts {
            distribution: &mut distribution,
            members: &mut self.members,
            people: &mut self.people,
            ledger: &mut self.ledger,
            limits: &mut self.limits,
            standing: &mut self.standing,
        }
        .apply(recorded);
    }

    fn keep_household_contact(&mut self, event: &distribution::Event, at_ms: i64) {
        use distribution::Event as E;
        match event {
            E::RequestLogged { request_id, household_id, personal_data: Some(sealed), .. } => {
                let entry = (household_id.to_string(), sealed.clone());
                self.contacts.insert(request_id.to_string(), entry);
                self.household_contacts.insert(household_id.to_string(), sealed.clone());
            }
            E::HouseholdRegistered { household_id, personal_data: Some(sealed), .. } => {
                self.household_contacts.insert(household_id.to_string(), sealed.clone());
            }
            E::HouseholdErased { household_id, .. } => {
                self.household_contacts.remove(household_id.as_str());
            }
            _ => {}
        }
        match event {
            E::HouseholdRegistered { household_id, .. } => {
                self.registered_households.insert(household_id.to_string(), at_ms);
            }
            E::RequestLogged { household_id, .. } | E::HouseholdErased { household_id, .. } => {
                self.registered_households.remove(household_id.as_str());
            }
            _ => {}
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            position: self.position,
            board: self.board.clone(),
            timelines: self.timelines.clone(),
            members: self.members.iter().cloned().collect(),
        }
    }
}

/// The live fold's distribution part: the board and, beside it, every request's timeline.
struct BoardAndTimelines<'a> {
    board: &'a mut Board,
    timelines: &'a mut Timelines,
}

impl Evolve<distribution::Event> for BoardAndTimelines<'_> {
    fn evolve(&mut self, at: At<'_>, event: &distribution::Event) {
        self.board.evolve(at, event);
        self.timelines.evolve(at, event);
    }
}

impl group::DistributionFold for BoardAndTimelines<'_> {
    fn clock(&self) -> &shared::clock::Clock {
        &self.board.clock
    }
}

/// Turns a stored record into the group's event. `Ok(None)` for event types this build does
/// not model (such as test notes); an error for a known type whose payload does not parse.
pub fn decode(envelope: &Envelope) -> Result<Option<group::Recorded>, ReadError> {
    if !Event::is_known_type(&envelope.event_type) {
        return Ok(None);
    }
    let event = Event::from_payload(&envelope.event_type, &envelope.payload).map_err(|reason| {
        ReadError::Corrupt { position: envelope.position, reason: format!("payload: {reason}") }
    })?;
    Ok(Some(group::Recorded {
        position: envelope.position,
        recorded_at_ms: envelope.recorded_at_ms,
        actor: envelope.actor.as_str().into(),
        event,
    }))
}

/// The event as every screen receives it: personal data is never in the feed, whatever the
/// role. Who may see a household's contact details asks for them on their own route.
pub fn to_wire(recorded: &group::Recorded) -> WireEvent {
    let mut event = recorded.event.clone();
    event.strip_personal_data();
    WireEvent {
        position: recorded.position,
        recorded_at_ms: recorded.recorded_at_ms,
        actor: recorded.actor.to_string(),
        event,
    }
}

/// Walks the whole log from the start, checking the hash chain, and hands each record and
/// its decoded event (if this build models its type) to `each`: what the server does once
/// at start-up, so it never serves answers built on a damaged log.
pub fn replay(
    log: &Log,
    mut each: impl FnMut(&Envelope, Option<&group::Recorded>),
) -> Result<u64, ReadError> {
    let mut chain = ChainVerifier::default();
    loop {
        let chunk = log.read_raw(chain.head_position() + 1, 4096)?;
        if chunk.is_empty() {
            return Ok(chain.head_position());
        }
        for stored in chunk {
            let position = stored.position;
            chain
                .check(&stored)
                .map_err(|e| ReadError::Corrupt { position, reason: e.to_string() })?;
            let current = log.upcast(stored)?;
            each(&current, decode(&current)?.as_ref());
        }
    }
}

/// One durable batch of events as the feed carries it: serialized once, sent to every
/// screen as the same text.
#[derive(Debug)]
pub struct FeedBatch {
    pub events: Vec<WireEvent>,
    /// `ServerMessage::Events { events }` as JSON.
    pub text: Arc<str>,
    /// Whether a record of an opening of contact details is among the events: then only
    /// the roles that oversee that access get `text`; the others get the rest.
    pub has_contact_views: bool,
}

impl FeedBatch {
    pub fn new(events: Vec<WireEvent>) -> FeedBatch {
        let has_contact_views = events.iter().any(|e| e.event.is_contact_view());
        let message = ServerMessage::Events { events };
        // Events are plain data the server decoded itself: they always serialize. A frame
        // that did not would be an empty message to every screen, so say it loudly.
        let text: Arc<str> = serde_json::to_string(&message)
            .expect("invariant: decoded events serialize to JSON")
            .into();
        let ServerMessage::Events { events } = message else { unreachable!("built above") };
        FeedBatch { events, text, has_contact_views }
    }

    pub fn first_position(&self) -> u64 {
        self.events.first().map_or(0, |e| e.position)
    }
}

/// The projections and the feed of changes to them, shared by all connections.
#[derive(Clone, Debug)]
pub struct Live {
    projections: Arc<RwLock<Projections>>,
    feed: broadcast::Sender<Arc<FeedBatch>>,
    /// The position folded so far, for those who wait until the views show a write.
    folded: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Live {
    /// `capacity`: batches of events a slow client may fall behind by before it is resynced.
    pub fn new(projections: Projections, capacity: usize) -> Live {
        let (feed, _) = broadcast::channel(capacity.max(1));
        let folded = Arc::new(tokio::sync::watch::Sender::new(projections.position));
        Live { projections: Arc::new(RwLock::new(projections)), feed, folded }
    }

    /// Subscribe first, then take the snapshot: nothing can fall in between.
    pub fn subscribe(&self) -> (broadcast::Receiver<Arc<FeedBatch>>, Snapshot) {
        let receiver = self.feed.subscribe();
        (receiver, self.read(Projections::snapshot))
    }

    /// Reads the projections under the lock; `f` must be quick.
    pub fn read<T>(&self, f: impl FnOnce(&Projections) -> T) -> T {
        let guard = self.projections.read().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    pub fn position(&self) -> u64 {
        self.read(|p| p.position)
    }

    /// Waits until the views have folded `position`, for at most `within`; whether they
    /// have. A reader that must see its own write (the next page load, the scheduler's next
    /// step) waits here instead of polling.
    pub async fn caught_up_to(&self, position: u64, within: std::time::Duration) -> bool {
        let mut folded = self.folded.subscribe();
        let reached = folded.wait_for(|folded| *folded >= position);
        matches!(tokio::time::timeout(within, reached).await, Ok(Ok(_)))
    }

    /// Follows the log until it closes: folds each durable batch, then broadcasts it. The
    /// views at every snapshot interval go to `history` to be kept.
    pub async fn follow(self, log: Log, history: History) {
        let mut subscription = log.subscribe(self.position());
        loop {
            let batch = match subscription.next_batch(1024).await {
                Ok(batch) => batch,
                Err(ReadError::Closed) => return,
                // A database that is restarting or failing over: the same read again soon.
                Err(ReadError::Storage(error)) => {
                    tracing::warn!(%error, "the projector cannot read the log; trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    continue;
                }
                Err(error) => {
                    tracing::error!(%error, "the projector cannot read the log; live views stop");
                    return;
                }
            };
            let mut wire = Vec::with_capacity(batch.len());
            let mut snapshots = Vec::new();
            let folded = {
                let mut projections = self.projections.write().unwrap_or_else(|p| p.into_inner());
                for envelope in &batch {
                    match decode(envelope) {
                        Ok(Some(recorded)) => {
                            projections.apply(&recorded);
                            wire.push(to_wire(&recorded));
                        }
                        Ok(None) => projections.position = envelope.position,
                        Err(error) => {
                            tracing::error!(%error, "skipping an event the projector cannot read");
                            projections.position = envelope.position;
                        }
                    }
                    if history.is_due(envelope.position) {
                        snapshots
                            .push((Past::of(&projections, envelope.recorded_at_ms), envelope.hash));
                    }
                }
                projections.position
            };
            self.folded.send_replace(folded);
            if !snapshots.is_empty() {
                let history = history.clone();
                tokio::task::spawn_blocking(move || {
                    for (past, hash) in snapshots {
                        history.keep(&past, hash);
                    }
                });
            }
            if !wire.is_empty() {
                // No receivers is fine: nobody is watching.
                let _ = self.feed.send(Arc::new(FeedBatch::new(wire)));
            }
        }
    }
}
