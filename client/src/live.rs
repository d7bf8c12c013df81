//! The board as this client knows it: a snapshot, then every batch of events folded in with
//! the same projection code the server runs.

use std::cell::RefCell;

use shared::clock::Clock;
use shared::distribution::{self, Board, Timelines};
use shared::members::Member;
use shared::wire::ClientMessage;

use crate::incoming::{Folded, Incoming};

thread_local! {
    /// The group's clock as last folded, which `ui::format` writes times and days with: one
    /// group a page, one thread in a browser.
    static CLOCK: RefCell<Clock> = RefCell::new(Clock::utc());
}

/// Runs `read` with the group's clock (UTC until a snapshot or an event says otherwise).
pub fn with_clock<T>(read: impl FnOnce(&Clock) -> T) -> T {
    CLOCK.with(|clock| read(&clock.borrow()))
}

fn publish_clock(board: &Board) {
    CLOCK.with(|clock| *clock.borrow_mut() = board.clock.clone());
}

/// What the board screen shows, and where in the log it stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Live {
    pub board: Board,
    /// Every request's steps, for the request screen.
    pub timelines: Timelines,
    /// The last position folded in; `None` before the first snapshot.
    pub position: Option<u64>,
    pub members: Vec<Member>,
    /// Counts the money events folded in, so the money screen knows to read the books again.
    pub ledger_changes: u64,
    /// Counts the people events (and limits) folded in, for the people screen and the board's
    /// signals.
    pub people_changes: u64,
}

impl Live {
    /// What to send on (re)connecting: resume after the last position seen, or ask for a
    /// snapshot when there is none.
    pub fn subscription(&self) -> ClientMessage {
        ClientMessage::Subscribe { after: self.position }
    }

    /// Folds one message in; `true` when anything changed.
    pub fn receive(&mut self, message: Incoming) -> bool {
        match message {
            Incoming::Snapshot { snapshot } => {
                let snapshot = *snapshot;
                self.board = snapshot.board;
                publish_clock(&self.board);
                self.timelines = snapshot.timelines;
                self.position = Some(snapshot.position);
                self.members = snapshot.members;
                self.ledger_changes += 1;
                self.people_changes += 1;
                true
            }
            Incoming::Events { events } => {
                let mut changed = false;
                for event in events {
                    // Each event comes once per subscription; one already folded (a resumed
                    // subscription overlapping the last) must not be folded twice.
                    if self.position.is_some_and(|last| event.position <= last) {
                        continue;
                    }
                    match event.folded() {
                        Some(Folded::Distribution(inner)) => {
                            let recorded = distribution::Recorded {
                                position: event.position,
                                recorded_at_ms: event.recorded_at_ms,
                                actor: event.actor.as_str().into(),
                                event: inner,
                            };
                            let zone =
                                matches!(recorded.event, distribution::Event::TimeZoneSet { .. });
                            self.board.apply(&recorded);
                            self.timelines.apply(&recorded);
                            if zone {
                                publish_clock(&self.board);
                            }
                        }
                        Some(Folded::Money) => self.ledger_changes += 1,
                        Some(Folded::Limits) => {
                            self.ledger_changes += 1;
                            self.people_changes += 1;
                        }
                        Some(Folded::People) => self.people_changes += 1,
                        Some(Folded::Other) => {}
                        None => leptos::logging::warn!(
                            "cannot read event {} ({})",
                            event.position,
                            event.event_type()
                        ),
                    }
                    self.position = Some(event.position);
                    changed = true;
                }
                changed
            }
            // A snapshot follows a resync; the others change nothing on the board.
            Incoming::Resync { .. }
            | Incoming::Welcome { .. }
            | Incoming::Head { .. }
            | Incoming::Error { .. } => false,
        }
    }

    /// The display name of `member_id`, or the id itself for a member this client does not
    /// know.
    pub fn member_name<'a>(&'a self, member_id: &'a str) -> &'a str {
        self.members
            .iter()
            .find(|m| m.member_id.as_str() == member_id)
            .map_or(member_id, |m| m.name.as_str())
    }

    /// The id of the request a page's address names: an id the log knows, else a short
    /// number ("142" or "#142"); the text itself when it is neither.
    pub fn request_id_for(&self, key: &str) -> String {
        let known = |id: &str| {
            self.board.requests.contains_key(id) || self.timelines.requests.contains_key(id)
        };
        if known(key) {
            return key.to_owned();
        }
        let by_number = key.trim().trim_start_matches('#').parse::<u64>().ok().and_then(|n| {
            let open = self.board.requests.values().find(|card| card.number == n);
            open.map(|card| card.request_id.to_string()).or_else(|| {
                let closed = self.timelines.requests.values().find(|t| t.number == n);
                closed.map(|t| t.request_id.to_string())
            })
        });
        by_number.unwrap_or_else(|| key.to_owned())
    }

    /// A request's short number, once it is logged.
    pub fn request_number(&self, request_id: &str) -> Option<u64> {
        let open = self.board.requests.get(request_id).map(|card| card.number);
        open.or_else(|| self.timelines.requests.get(request_id).map(|t| t.number))
    }

    /// An item's name, or its id for one not registered.
    pub fn item_name<'a>(&'a self, item_id: &'a str) -> &'a str {
        self.board.stock.items.get(item_id).map_or(item_id, |item| item.name.as_str())
    }

    /// A location's name, or its id for one not registered.
    pub fn location_name<'a>(&'a self, location_id: &'a str) -> &'a str {
        self.board.stock.locations.get(location_id).map_or(location_id, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incoming::tests::from_server;
    use shared::group;
    use shared::wire::{ServerMessage, Snapshot, WireEvent};

    fn snapshot(position: u64) -> Incoming {
        let snapshot = Box::new(Snapshot { position, ..Snapshot::default() });
        from_server(&ServerMessage::Snapshot { snapshot })
    }

    fn events(events: Vec<WireEvent>) -> Incoming {
        from_server(&ServerMessage::Events { events })
    }

    fn logged(position: u64, request_id: &str) -> WireEvent {
        let event: distribution::Event = serde_json::from_value(serde_json::json!({
            "type": "RequestLogged",
            "request_id": request_id,
            "household_id": "h-1",
            "need_category": "food",
            "lines": [{"item_id": "rice", "quantity": 2}],
            "household_size": 3,
            "urgency": "soon",
            "zone": "north",
            "preferred_language": "en",
            "contact_channel": "sms",
        }))
        .expect("a RequestLogged event");
        WireEvent {
            position,
            recorded_at_ms: 1_700_000_000_000,
            actor: "ana".to_owned(),
            event: group::Event::Distribution(event),
        }
    }

    #[test]
    fn without_a_position_it_asks_for_a_snapshot_and_then_resumes_after_it() {
        let mut live = Live::default();
        assert_eq!(live.subscription(), ClientMessage::Subscribe { after: None });
        assert!(live.receive(snapshot(7)));
        assert_eq!(live.subscription(), ClientMessage::Subscribe { after: Some(7) });
    }

    #[test]
    fn events_fold_into_the_board_once() {
        let mut live = Live::default();
        live.receive(snapshot(7));
        assert!(live.receive(events(vec![logged(8, "r-1")])));
        assert_eq!(live.position, Some(8));
        assert_eq!(live.board.requests.len(), 1);
        // The same event again (a resumed subscription) changes nothing.
        assert!(!live.receive(events(vec![logged(8, "r-1")])));
        assert_eq!(live.board.requests.len(), 1);
    }

    #[test]
    fn a_snapshot_replaces_the_board() {
        let mut live = Live::default();
        live.receive(snapshot(7));
        live.receive(events(vec![logged(8, "r-1")]));
        live.receive(Incoming::Resync { reason: "behind".to_owned() });
        live.receive(snapshot(20));
        assert_eq!(live.position, Some(20));
        assert!(live.board.requests.is_empty());
    }
}
