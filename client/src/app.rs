//! The page: the log head as the server last reported it, and the state of the connection.

use leptos::prelude::*;

use shared::wire::ServerMessage;

use crate::socket::{Socket, Status};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let (status, set_status) = signal(Status::Connecting);
    let (head, set_head) = signal(None::<u64>);

    let socket = Socket::connect(
        // The public head feed: this page has no sign-in yet, and `/ws` needs one.
        crate::socket::url_for_page("/ws/head"),
        move |new_status| set_status.set(new_status),
        move |message| set_head.update(|head| *head = head_after(*head, &message)),
    );
    // The socket lives as long as this component: the owner drops it (closing the connection)
    // when the component is unmounted.
    StoredValue::new_local(socket);

    view! {
        <main>
            <h1>"Potluck"</h1>
            <p>
                "Log head: "
                <span data-testid="head-position">
                    {move || head.get().map_or_else(|| "…".to_owned(), |position| position.to_string())}
                </span>
            </p>
            <p data-testid="connection-status" data-status=move || status.get().label()>
                {move || status.get().label()}
            </p>
        </main>
    }
}

/// The log head as known after `message`. Frames on one socket arrive in order, so a message
/// that states the head is taken as it is (after a reconnection it may even be another log);
/// a batch of events moves it to its last position.
pub fn head_after(head: Option<u64>, message: &ServerMessage) -> Option<u64> {
    match message {
        ServerMessage::Head { position, .. } => Some(*position),
        ServerMessage::Welcome { head, .. } => Some(*head),
        ServerMessage::Snapshot { snapshot } => Some(snapshot.position),
        ServerMessage::Events { events } => {
            let last = events.iter().map(|event| event.position).max();
            head.max(last)
        }
        ServerMessage::Resync { .. } | ServerMessage::Error { .. } => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_message(position: u64) -> ServerMessage {
        ServerMessage::Head { position, hash: "00".repeat(32) }
    }

    #[test]
    fn the_first_head_message_sets_the_position() {
        assert_eq!(head_after(None, &head_message(0)), Some(0));
        assert_eq!(head_after(None, &head_message(42)), Some(42));
    }

    #[test]
    fn a_head_message_replaces_the_position() {
        assert_eq!(head_after(Some(7), &head_message(8)), Some(8));
        assert_eq!(head_after(Some(7), &head_message(5)), Some(5));
    }

    #[test]
    fn an_empty_batch_of_events_leaves_the_position_alone() {
        let events = ServerMessage::Events { events: Vec::new() };
        assert_eq!(head_after(Some(3), &events), Some(3));
        assert_eq!(head_after(None, &events), None);
    }

    #[test]
    fn a_message_without_a_position_leaves_it_alone() {
        let resync = ServerMessage::Resync { reason: "behind".to_owned() };
        assert_eq!(head_after(Some(3), &resync), Some(3));
        assert_eq!(head_after(None, &resync), None);
    }
}
