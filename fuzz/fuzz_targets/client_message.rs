//! Fuzzes what a screen sends on `/ws`: a text frame decoded as the server decodes it
//! (`serde_json::from_str::<ClientMessage>`, in `server::http::ws`).
//!
//! Failure: any panic (a bad frame must close the socket or be ignored, never crash the
//! server), or a message that does not read back from its own JSON (the client writes
//! with the same type).

#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::wire::ClientMessage;

fuzz_target!(|data: &[u8]| {
    // A WebSocket text frame is UTF-8 by the protocol; axum refuses any other.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(message) = serde_json::from_str::<ClientMessage>(text) else { return };
    let written = serde_json::to_string(&message).expect("a client message serializes");
    let read = serde_json::from_str::<ClientMessage>(&written).ok();
    assert_eq!(read.as_ref(), Some(&message), "a client message does not read back");
});
