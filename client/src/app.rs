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
        crate::socket::url_for_page(),
        move |new_status| set_status.set(new_status),
        move |message| match message {
            ServerMessage::Head { position, .. } => set_head.set(Some(position)),
        },
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
