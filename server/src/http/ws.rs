//! `/ws`: the live feed of a signed-in member's screens.
//!
//! After `subscribe`, the client gets a snapshot (or, resuming after a short gap, just the
//! events it missed), then every new batch in position order. A client that stops reading
//! only stalls its own task: its place in the bounded broadcast is overtaken, it is told to
//! resync and gets a fresh snapshot; a send that cannot complete for a while closes it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use shared::wire::{ClientMessage, ServerMessage, WireEvent};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, timeout};

use super::AppState;
use super::session::SignedIn;
use crate::log::Head;
use crate::projections::{FeedBatch, decode, to_wire};

/// A resuming client this close to the head gets the missing events instead of a snapshot.
const RESUME_GAP: u64 = 2_000;
/// Largest message a client may send.
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;
const HEARTBEAT: Duration = Duration::from_secs(20);
/// A client silent this long (not even answering pings) is gone.
const SILENCE: Duration = Duration::from_secs(60);
/// A send that takes longer than this means the client is not reading.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Per-connection buffers: tungstenite's defaults (128 KiB each way) would cost a thousand
/// idle screens a quarter of a gigabyte; our frames are small.
const SOCKET_BUFFER: usize = 4 * 1024;

pub async fn websocket(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    member: SignedIn,
) -> Response {
    let ws = ws
        .max_message_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER);
    ws.on_upgrade(move |socket| async move {
        state.metrics.sockets.fetch_add(1, Ordering::Relaxed);
        let sees_contact_views = shared::access::sees_contact_views(member.roles());
        let connection = Connection { socket, state: state.clone(), last: 0, sees_contact_views };
        let _ = connection.run(member).await;
        state.metrics.sockets.fetch_sub(1, Ordering::Relaxed);
    })
}

/// The connection ended; why does not matter to anyone but the log.
struct Gone;

type Feed = broadcast::Receiver<Arc<FeedBatch>>;

struct Connection {
    socket: WebSocket,
    state: AppState,
    /// The last position this client has been sent (or passed over).
    last: u64,
    /// Whether this member's roles see who opened which household's contact details.
    sees_contact_views: bool,
}

impl Connection {
    async fn run(mut self, member: SignedIn) -> Result<(), Gone> {
        let head = self.state.group.log().head().position;
        self.send(&ServerMessage::Welcome { member: member.member, head }).await?;
        let mut feed: Option<Feed> = None;
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        let mut heard = Instant::now();
        let mut closing = self.state.group.closing();
        loop {
            tokio::select! {
                _ = async { closing.wait_for(|closing| *closing).await.is_ok() } => {
                    let frame = axum::extract::ws::CloseFrame {
                        code: axum::extract::ws::close_code::AWAY,
                        reason: "the server is restarting".into(),
                    };
                    let _ = self.send_raw(Message::Close(Some(frame))).await;
                    return Ok(());
                }
                batch = recv(&mut feed) => match batch {
                    Ok(batch) => self.forward_batch(&batch).await?,
                    Err(RecvError::Lagged(_)) => {
                        self.state.metrics.resyncs.fetch_add(1, Ordering::Relaxed);
                        let reason = "fell behind the live feed".to_owned();
                        self.send(&ServerMessage::Resync { reason }).await?;
                        feed = Some(self.start(None).await?);
                    }
                    Err(RecvError::Closed) => return Err(Gone),
                },
                incoming = self.socket.recv() => {
                    heard = Instant::now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => {
                            match serde_json::from_str::<ClientMessage>(&text) {
                                Ok(ClientMessage::Subscribe { after }) => feed = Some(self.start(after).await?),
                                Err(error) => {
                                    let message = format!("not a client message: {error}");
                                    let code = "invalid_message".to_owned();
                                    self.send(&ServerMessage::Error { code, message }).await?;
                                }
                            }
                        }
                        Some(Ok(Message::Binary(_))) => {
                            let message = "send JSON text frames".to_owned();
                            self.send(&ServerMessage::Error { code: "invalid_message".into(), message }).await?;
                        }
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => return Err(Gone),
                    }
                }
                _ = heartbeat.tick() => {
                    if heard.elapsed() > SILENCE {
                        return Err(Gone);
                    }
                    self.send_raw(Message::Ping(Vec::new().into())).await?;
                }
            }
        }
    }

    /// Subscribes to the feed, then brings the client to the snapshot's position.
    async fn start(&mut self, after: Option<u64>) -> Result<Feed, Gone> {
        let (feed, snapshot) = self.state.group.live().subscribe();
        let position = snapshot.position;
        match after {
            Some(after) if after <= position && position - after <= RESUME_GAP => {
                let missed = self.missed(after, position);
                match missed {
                    Some(events) => {
                        self.last = after;
                        for chunk in events.chunks(500) {
                            self.forward(chunk).await?;
                        }
                        self.last = position;
                    }
                    None => self.send_snapshot(snapshot).await?,
                }
            }
            _ => self.send_snapshot(snapshot).await?,
        }
        Ok(feed)
    }

    async fn send_snapshot(&mut self, snapshot: shared::wire::Snapshot) -> Result<(), Gone> {
        self.last = snapshot.position;
        self.send(&ServerMessage::Snapshot { snapshot: Box::new(snapshot) }).await
    }

    /// The events in (after, until], as the feed would have carried them.
    fn missed(&self, after: u64, until: u64) -> Option<Vec<WireEvent>> {
        let count = usize::try_from(until - after).ok()?;
        let envelopes = self.state.group.log().read_from(after + 1, count).ok()?;
        let mut events = Vec::with_capacity(envelopes.len());
        for envelope in &envelopes {
            if let Some(recorded) = decode(envelope).ok()? {
                events.push(to_wire(&recorded));
            }
        }
        Some(events)
    }

    /// Sends a feed batch: its shared text when the client has had none of it (the usual
    /// case), else only the events it has not had.
    async fn forward_batch(&mut self, batch: &FeedBatch) -> Result<(), Gone> {
        let shared_text_fits = !batch.has_contact_views || self.sees_contact_views;
        if batch.first_position() > self.last && shared_text_fits {
            self.send_raw(Message::Text(batch.text.as_ref().into())).await?;
            self.last = batch.events.last().map_or(self.last, |e| e.position);
            return Ok(());
        }
        self.forward(&batch.events).await
    }

    /// Sends the events this client has not had yet, leaving out the records of contact
    /// details opened unless its roles oversee that access. Positions passed over are still
    /// passed: the client's position only ever says how far it has been brought.
    async fn forward(&mut self, batch: &[WireEvent]) -> Result<(), Gone> {
        let Some(last) = batch.iter().map(|e| e.position).filter(|p| *p > self.last).max() else {
            return Ok(());
        };
        let fresh: Vec<WireEvent> = batch
            .iter()
            .filter(|e| e.position > self.last)
            .filter(|e| self.sees_contact_views || !e.event.is_contact_view())
            .cloned()
            .collect();
        if !fresh.is_empty() {
            self.send(&ServerMessage::Events { events: fresh }).await?;
        }
        self.last = last;
        Ok(())
    }

    async fn send(&mut self, message: &ServerMessage) -> Result<(), Gone> {
        let text = serde_json::to_string(message).map_err(|_| Gone)?;
        self.send_raw(Message::Text(text.into())).await
    }

    async fn send_raw(&mut self, message: Message) -> Result<(), Gone> {
        match timeout(SEND_TIMEOUT, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Gone),
        }
    }
}

/// Waits on the feed once subscribed; before that, never resolves.
async fn recv(feed: &mut Option<Feed>) -> Result<Arc<FeedBatch>, RecvError> {
    match feed {
        Some(feed) => feed.recv().await,
        None => std::future::pending().await,
    }
}

/// `/ws/head`: the log's head position, live, for anyone: as public as `/healthz`, and what
/// the status line of the sign-in page shows.
pub async fn head(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    let ws = ws
        .max_message_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER);
    ws.on_upgrade(move |socket| push_head(socket, state))
}

async fn push_head(mut socket: WebSocket, state: AppState) {
    // Take the receiver before reading the head, so no move falls in between.
    let mut head = state.group.log().watch_head();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    loop {
        let current: Head = *head.borrow_and_update();
        let message =
            ServerMessage::Head { position: current.position, hash: hex::encode(current.hash) };
        let Ok(text) = serde_json::to_string(&message) else { return };
        if socket.send(Message::Text(text.into())).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                changed = head.changed() => {
                    if changed.is_err() { return; }
                    break;
                }
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => {}
                },
                _ = heartbeat.tick() => {
                    if socket.send(Message::Ping(Vec::new().into())).await.is_err() { return; }
                }
            }
        }
    }
}
