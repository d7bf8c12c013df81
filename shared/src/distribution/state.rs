//! The decider's state: everything `decide` needs about the whole group's distribution day,
//! in memory, built by folding every event with [`evolve`](super::evolve).
//!
//! One `State` holds all streams. The server decides one command at a time against it, so
//! rules that cross streams (a reservation against the stock room) need no locking.

use super::catalog::Catalog;
use super::event::Event;
use super::hashing::{FastMap, FastSet};
use super::id::{AlertId, DeliveryId, HouseholdId, MemberId, RequestId, Zone};
use super::procurement::AlertState;
use super::progress::{DeliveryProgress, RequestProgress};
use super::request::{RequestLine, RequestState};
use super::reservation::{hold, unhold};
use super::roster::Roster;
use super::stock::Allocation;
use super::stockroom::Stockroom;
use crate::clock::Clock;
use crate::kernel::{At, Evolve};

/// What a delivery is for: the request, and the reserved lines it hands over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryEntry {
    pub request_id: RequestId,
    pub lines: Vec<RequestLine>,
    /// Once completed: when, by whom and what it issued (until taken back).
    pub completed: Option<Completion>,
}

/// A completed delivery, for taking it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub at_ms: i64,
    pub by: MemberId,
    pub issued: Vec<Allocation>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub(crate) catalog: Catalog,
    pub(crate) roster: Roster,
    pub(crate) stock: Stockroom,
    /// Every request ever logged, in the order logged. A slab plus an index rather than one
    /// map: the map's entries stay small, so growing it moves little, and a year of
    /// requests replays noticeably faster.
    pub(crate) requests: Vec<RequestState>,
    pub(crate) request_index: FastMap<RequestId, usize>,
    /// Each delivery's request and lines; its progress lives in the request.
    pub(crate) deliveries: FastMap<DeliveryId, DeliveryEntry>,
    pub(crate) alerts: FastMap<AlertId, AlertState>,
    /// Every household a request named.
    pub(crate) households: FastSet<HouseholdId>,
    /// Households erased: their keys are destroyed, and no new request may name them.
    pub(crate) erased_households: FastSet<HouseholdId>,
    /// The group's zones, in the order added; empty: any zone.
    pub(crate) zones: Vec<Zone>,
    /// The group's clock: what day it is where the group lives (UTC until it sets a zone).
    pub clock: Clock,
    /// The position of the last event folded in.
    pub(crate) position: u64,
}

impl State {
    pub fn new() -> State {
        State::default()
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    pub fn stock(&self) -> &Stockroom {
        &self.stock
    }

    pub fn request(&self, request_id: &str) -> Option<&RequestState> {
        self.request_index.get(request_id).map(|&i| &self.requests[i])
    }

    /// The delivery: what it is for, the state of its request, and how far it has got.
    pub fn delivery(
        &self,
        delivery_id: &str,
    ) -> Option<(&DeliveryEntry, &RequestState, &DeliveryProgress)> {
        let entry = self.deliveries.get(delivery_id)?;
        let request = self.request(entry.request_id.as_str())?;
        let delivery = request.progress.delivery(delivery_id)?;
        Some((entry, request, delivery))
    }

    pub fn alert(&self, alert_id: &str) -> Option<&AlertState> {
        self.alerts.get(alert_id)
    }

    /// The group's zones, in the order added.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// Whether the household was erased (its personal data can no longer be opened).
    pub fn household_erased(&self, household_id: &str) -> bool {
        self.erased_households.contains(household_id)
    }

    /// The position of the last event folded in; 0 before any.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Folds one event in. Never fails and holds no rules: `decide` already made them.
    fn fold(&mut self, at: At<'_>, event: &Event) {
        self.position = at.position;
        self.catalog.evolve(event);
        self.roster.evolve(event);
        self.stock.evolve(at.position, event);
        match event {
            Event::RequestLogged { request_id, household_id, lines, .. } => {
                let request = RequestState {
                    household_id: household_id.clone(),
                    progress: RequestProgress::logged(lines),
                    allocations: Vec::new(),
                    alerts_raised: 0,
                    open_alerts: Vec::new(),
                };
                // A second log of the same id cannot be decided; if one were folded, the
                // first stays.
                self.households.insert(household_id.clone());
                if !self.request_index.contains_key(request_id) {
                    self.request_index.insert(request_id.clone(), self.requests.len());
                    self.requests.push(request);
                }
            }
            Event::ProcurementAlertRaised { .. } | Event::ProcurementAlertResolved { .. } => {
                self.evolve_alert(event);
            }
            Event::HouseholdRegistered { household_id, .. } => {
                self.households.insert(household_id.clone());
            }
            Event::HouseholdErased { household_id, .. } => {
                self.erased_households.insert(household_id.clone());
            }
            Event::DeliveryScheduled { delivery_id, request_id, lines, .. } => {
                let entry = DeliveryEntry {
                    request_id: request_id.clone(),
                    lines: lines.clone(),
                    completed: None,
                };
                self.deliveries.insert(delivery_id.clone(), entry);
                self.evolve_request(request_id, event);
            }
            Event::DeliveryCompleted { delivery_id, request_id, issued } => {
                if let Some(entry) = self.deliveries.get_mut(delivery_id) {
                    let by = MemberId::from(at.actor);
                    let issued = issued.clone();
                    entry.completed = Some(Completion { at_ms: at.recorded_at_ms, by, issued });
                }
                self.evolve_request(request_id, event);
            }
            Event::DeliveryCompletionUndone { delivery_id, request_id, .. } => {
                if let Some(entry) = self.deliveries.get_mut(delivery_id) {
                    entry.completed = None;
                }
                self.evolve_request(request_id, event);
            }
            Event::ZoneAdded { zone } => self.zones.push(zone.clone()),
            Event::ZoneRemoved { zone } => self.zones.retain(|z| z != zone),
            Event::TimeZoneSet { zone, offsets } => {
                self.clock.set(at.recorded_at_ms, zone, offsets);
            }
            _ => {
                if let Some(request_id) = event.request_id() {
                    self.evolve_request(request_id, event);
                }
            }
        }
    }

    fn request_mut(&mut self, request_id: &RequestId) -> Option<&mut RequestState> {
        let i = *self.request_index.get(request_id)?;
        self.requests.get_mut(i)
    }

    fn evolve_request(&mut self, request_id: &RequestId, event: &Event) {
        let Some(request) = self.request_mut(request_id) else {
            return;
        };
        request.progress.apply(event);
        match event {
            Event::StockReserved { allocations, .. } => hold(&mut request.allocations, allocations),
            Event::StockReleased { allocations, .. } => {
                unhold(&mut request.allocations, allocations)
            }
            Event::RequestCancelled { released, .. } => unhold(&mut request.allocations, released),
            Event::DeliveryCompleted { issued, .. } => unhold(&mut request.allocations, issued),
            Event::DeliveryCompletionUndone { returned, .. } => {
                hold(&mut request.allocations, returned)
            }
            _ => {}
        }
    }

    fn evolve_alert(&mut self, event: &Event) {
        match event {
            Event::ProcurementAlertRaised { alert_id, request_id, item_id, quantity, .. } => {
                let alert = AlertState {
                    request_id: request_id.clone(),
                    item_id: item_id.clone(),
                    quantity: *quantity,
                    open: true,
                };
                self.alerts.insert(alert_id.clone(), alert);
                let request = request_id.as_ref().and_then(|id| self.request_mut(id));
                if let Some(request) = request {
                    request.alerts_raised += 1;
                    request.open_alerts.push((item_id.clone(), alert_id.clone()));
                }
            }
            Event::ProcurementAlertResolved { alert_id, request_id, .. } => {
                if let Some(alert) = self.alerts.get_mut(alert_id) {
                    alert.open = false;
                }
                let request = request_id.as_ref().and_then(|id| self.request_mut(id));
                if let Some(request) = request {
                    request.open_alerts.retain(|(_, id)| id != alert_id);
                }
            }
            _ => {}
        }
    }
}

impl Evolve<Event> for State {
    fn evolve(&mut self, at: At<'_>, event: &Event) {
        self.fold(at, event);
    }
}
