//! A WebSocket to the server, reopened with backoff whenever it closes.
//!
//! The browser gives us callbacks, not a stream, so the connection's state lives in a
//! reference-counted [`Shared`] that the callbacks reach through weak references: when the
//! [`Socket`] handle is dropped, the callbacks find nothing and stop reconnecting.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::set_timeout;
use shared::wire::ClientMessage;

use crate::incoming::Incoming;
pub use crate::incoming::decode;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// Where the connection stands, as shown to the person using the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The first connection attempt has not succeeded yet.
    Connecting,
    /// The socket is open: messages arrive as the server sends them.
    Live,
    /// The socket closed; a new attempt is scheduled or under way.
    Reconnecting,
}

impl Status {
    /// The word shown on the page (and matched by the browser tests).
    pub fn label(self) -> &'static str {
        match self {
            Status::Connecting => "connecting",
            Status::Live => "live",
            Status::Reconnecting => "reconnecting",
        }
    }
}

/// The WebSocket address of `path` on the host that served the page: `wss:` when the page
/// came over TLS.
pub fn socket_url(page_protocol: &str, page_host: &str, path: &str) -> String {
    let scheme = if page_protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{page_host}{path}")
}

/// [`socket_url`] of `path` for the current page.
pub fn url_for_page(path: &str) -> String {
    let location = leptos::prelude::window().location();
    // Both only fail on a detached document, where there is nothing to connect for anyway.
    let protocol = location.protocol().unwrap_or_default();
    let host = location.host().unwrap_or_default();
    socket_url(&protocol, &host, path)
}

/// Delays between reconnection attempts: doubling from [`Backoff::FIRST`] up to
/// [`Backoff::MAX`], and back to the first once a connection opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    /// The delay before the first attempt after a close.
    pub const FIRST: Duration = Duration::from_millis(250);
    /// The longest delay: a restarted server is picked up within this long.
    pub const MAX: Duration = Duration::from_secs(5);

    /// A backoff that has not waited yet.
    pub fn new() -> Self {
        Backoff { next: Self::FIRST }
    }

    /// The delay to wait now; the one after it is twice as long, up to [`Backoff::MAX`].
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (delay * 2).min(Self::MAX);
        delay
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

/// A self-reconnecting connection to the server. Dropping it closes the connection for good.
#[derive(Debug)]
pub struct Socket {
    shared: Rc<Shared>,
}

impl Socket {
    /// Opens a connection to `url` and keeps it open. `on_status` hears every change of
    /// [`Status`]; `on_message` gets each frame that decodes.
    pub fn connect(
        url: String,
        on_status: impl Fn(Status) + 'static,
        on_message: impl Fn(Incoming) + 'static,
    ) -> Socket {
        Socket::connect_with_greeting(url, || None, on_status, on_message)
    }

    /// Like [`Socket::connect`], and sends `greeting()` (when it is `Some`) each time a
    /// connection opens, the first one and every reconnection: a subscription that resumes
    /// from the last position seen.
    pub fn connect_with_greeting(
        url: String,
        greeting: impl Fn() -> Option<ClientMessage> + 'static,
        on_status: impl Fn(Status) + 'static,
        on_message: impl Fn(Incoming) + 'static,
    ) -> Socket {
        let shared = Rc::new(Shared {
            url,
            greeting: Box::new(greeting),
            on_status: Box::new(on_status),
            on_message: Box::new(on_message),
            backoff: Cell::new(Backoff::new()),
            open: RefCell::new(None),
        });
        Shared::open(&shared);
        Socket { shared }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if let Some(connection) = self.shared.open.borrow_mut().take() {
            connection.close();
        }
    }
}

/// State reached by the browser's callbacks.
struct Shared {
    url: String,
    greeting: Box<dyn Fn() -> Option<ClientMessage>>,
    on_status: Box<dyn Fn(Status)>,
    on_message: Box<dyn Fn(Incoming)>,
    backoff: Cell<Backoff>,
    /// The current socket and the callbacks it holds; replaced on each reconnection.
    open: RefCell<Option<Connection>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("url", &self.url)
            .field("backoff", &self.backoff.get())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn open(this: &Rc<Shared>) {
        // The previous connection is detached and dropped here, outside its own callbacks,
        // so no callback of it runs after its closure is freed.
        if let Some(previous) = this.open.borrow_mut().take() {
            previous.close();
        }
        match Connection::new(Rc::downgrade(this)) {
            Ok(connection) => *this.open.borrow_mut() = Some(connection),
            Err(error) => {
                leptos::logging::warn!("cannot open {}: {error:?}", this.url);
                Shared::schedule_reconnect(this);
            }
        }
    }

    fn schedule_reconnect(this: &Rc<Shared>) {
        (this.on_status)(Status::Reconnecting);
        let mut backoff = this.backoff.get();
        let delay = backoff.next_delay();
        this.backoff.set(backoff);
        let weak = Rc::downgrade(this);
        set_timeout(
            move || {
                if let Some(shared) = weak.upgrade() {
                    Shared::open(&shared);
                }
            },
            delay,
        );
    }
}

/// One WebSocket and the callbacks registered on it, which must live as long as it does.
struct Connection {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Connection {
    fn new(shared: Weak<Shared>) -> Result<Connection, wasm_bindgen::JsValue> {
        let url = match shared.upgrade() {
            Some(shared) => shared.url.clone(),
            None => return Err("the socket was dropped".into()),
        };
        let socket = WebSocket::new(&url)?;

        let on_open = {
            let shared = shared.clone();
            let socket = socket.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(shared) = shared.upgrade() {
                    shared.backoff.set(Backoff::new());
                    if let Some(greeting) = (shared.greeting)() {
                        let text = serde_json::to_string(&greeting).unwrap_or_default();
                        // A failed send closes the socket, and `close` reconnects.
                        let _ = socket.send_with_str(&text);
                    }
                    (shared.on_status)(Status::Live);
                }
            })
        };
        let on_message = {
            let shared = shared.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let Some(frame) = event.data().as_string() else {
                    return;
                };
                match decode(&frame) {
                    Some(message) => (shared.on_message)(message),
                    None => leptos::logging::warn!("ignoring an unknown frame: {frame}"),
                }
            })
        };
        // A failed attempt fires `error` and then `close`, so `close` alone covers both.
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            if let Some(shared) = shared.upgrade() {
                Shared::schedule_reconnect(&shared);
            }
        });

        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Connection { socket, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }

    /// Closes the socket without letting its `close` event schedule a reconnection.
    fn close(&self) {
        self.socket.set_onclose(None);
        self.socket.set_onmessage(None);
        self.socket.set_onopen(None);
        // Closing an already closed socket is a no-op, and there is no one to tell otherwise.
        let _ = self.socket.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_page_connects_with_ws_and_a_tls_page_with_wss() {
        assert_eq!(socket_url("http:", "127.0.0.1:8080", "/ws"), "ws://127.0.0.1:8080/ws");
        assert_eq!(
            socket_url("https:", "potluck.example", "/ws/head"),
            "wss://potluck.example/ws/head"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let mut backoff = Backoff::new();
        let delays: Vec<u128> = (0..7).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [250, 500, 1000, 2000, 4000, 5000, 5000]);
    }

    #[test]
    fn a_head_frame_decodes_to_its_position() {
        let hash = "ab".repeat(32);
        let frame = format!(r#"{{"type":"head","position":42,"hash":"{hash}"}}"#);
        assert_eq!(decode(&frame), Some(Incoming::Head { position: 42, hash }));
    }
}
