//! Helpers shared by the end-to-end tests in `tests/tests/it/`.
//!
//! Everything here runs the real thing: a real sled folder in a temporary directory, the
//! real server on 127.0.0.1 port 0, real HTTP and WebSocket clients.

use std::net::SocketAddr;

use serde_json::{Value, json};
use server::admin;
use server::group::Group;
use server::http::{self, AppState, Options};
use server::log::{AppendRequest, Clock, ExpectedVersion, Log, NewEvent, system_clock};
use shared::access::Role;
use shared::upcast::Upcasters;
use tokio::sync::oneshot;

pub mod postgres;
pub mod served;

/// Every file below `dir`, at any depth: for scanning a data folder for what must not be
/// in it.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A test event of type `Noted` with a small JSON payload.
pub fn noted(text: &str) -> NewEvent {
    NewEvent {
        event_type: "Noted".into(),
        schema_version: 1,
        payload: json!({ "text": text }).to_string(),
    }
}

/// One `Noted` event appended to `stream` under `command_id`, whatever the stream's version.
pub fn note(stream: &str, command_id: &str) -> AppendRequest {
    AppendRequest::new(stream, ExpectedVersion::Any, vec![noted(command_id)], command_id, "tester")
}

/// Goes through `log` (empty) in chunks of 1,000, as a replay does, while records are
/// appended behind the reader's read-ahead: every record must come back once, in order,
/// never a chunk read before the records after it were committed.
pub async fn reading_in_chunks_sees_every_record(log: &Log) {
    async fn fill(log: &Log, id: &str, count: usize) {
        let events = (0..count).map(|i| noted(&format!("{id}-{i}"))).collect();
        let request = AppendRequest::new("bulk", ExpectedVersion::Any, events, id, "tester");
        log.append(request).await.expect("appended");
    }
    fill(log, "a", 1000).await;
    fill(log, "b", 1000).await;
    fill(log, "c", 500).await;
    let positions = |from: u64| -> Vec<u64> {
        let chunk = log.read_raw(from, 1000).expect("read");
        chunk.iter().map(|r| r.position).collect()
    };
    // A full chunk: the next ones (the second full, the third short) are read ahead.
    assert_eq!(positions(1), (1..=1000).collect::<Vec<_>>());
    assert_eq!(positions(1001), (1001..=2000).collect::<Vec<_>>());
    // Records committed after the read-ahead reached the end of the log.
    fill(log, "d", 700).await;
    assert_eq!(positions(2001), (2001..=3000).collect::<Vec<_>>());
    assert_eq!(positions(3001), (3001..=3200).collect::<Vec<_>>());
    assert!(positions(3201).is_empty());
    assert_eq!(log.verify().expect("verified").count, 3200);
}

/// A running server on 127.0.0.1 with its own data folder.
#[derive(Debug)]
pub struct TestApp {
    pub address: SocketAddr,
    pub log: Log,
    pub state: AppState,
    pub data: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    options: Options,
    clock: SharedClock,
    /// The PostgreSQL database holding the log, if not the data folder.
    store: Option<String>,
}

/// The log's clock, kept to restart with; a closure has no `Debug` of its own.
#[derive(Clone)]
struct SharedClock(Clock);

impl std::fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.address)
    }

    /// Adds a member (as `potluck member add` does) and signs them in over HTTP.
    pub async fn member(&self, member_id: &str, roles: &[Role]) -> Client {
        let actor = admin::INIT_ACTOR.into();
        let added =
            admin::add_member(&self.state.group, actor, member_id, member_id, roles.to_vec())
                .await
                .expect("member added");
        let http = reqwest::Client::new();
        let body = json!({ "member_id": member_id, "password": added.password });
        let response =
            http.post(self.url("/api/session")).json(&body).send().await.expect("sign in");
        assert_eq!(response.status(), 200, "sign-in of {member_id}");
        let signed: Value = response.json().await.expect("sign-in body");
        let token = signed["token"].as_str().expect("token").to_owned();
        Client {
            http,
            base: self.url(""),
            token,
            ws: self.ws_url("/ws"),
            member_id: member_id.to_owned(),
            password: added.password,
        }
    }

    /// Stops the server gracefully and closes the log; the data folder lives on as long as
    /// the returned handle.
    pub async fn stop(self) -> tempfile::TempDir {
        let TestApp { log, data, shutdown, server, .. } = self;
        if let Some(shutdown) = shutdown {
            let _ = shutdown.send(());
        }
        if let Some(server) = server {
            let _ = server.await;
        }
        log.close().await;
        data
    }
}

/// A signed-in member's HTTP client.
#[derive(Clone, Debug)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub ws: String,
    pub member_id: String,
    /// The one-time password the member was added with, to sign in again.
    pub password: String,
}

impl Client {
    /// Signs in again (a session lasts a week): the client carries the new token.
    pub async fn sign_in_again(&mut self) {
        let body = json!({ "member_id": self.member_id, "password": self.password });
        let url = format!("{}/api/session", self.base);
        let response = self.http.post(url).json(&body).send().await.expect("sign in");
        assert_eq!(response.status(), 200, "sign-in of {}", self.member_id);
        let signed: Value = response.json().await.expect("sign-in body");
        self.token = signed["token"].as_str().expect("token").to_owned();
    }

    /// Sends a command; returns the status and the JSON body.
    pub async fn command(&self, command_id: &str, command: Value) -> (u16, Value) {
        let body = json!({ "command_id": command_id, "command": command });
        self.post("/api/commands", &body.to_string()).await
    }

    /// Posts raw text as JSON.
    pub async fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request sent");
        (response.status().as_u16(), response.text().await.unwrap_or_default())
    }
}

/// Starts the real server on port 0 over a fresh data folder.
pub async fn spawn_app(options: Options) -> anyhow::Result<TestApp> {
    spawn_app_tuned(options, None).await
}

/// [`spawn_app`] with each connection's kernel send buffer fixed at `send_buffer` bytes.
pub async fn spawn_app_tuned(
    options: Options,
    send_buffer: Option<usize>,
) -> anyhow::Result<TestApp> {
    spawn_app_at(options, send_buffer, system_clock()).await
}

/// The real server over a data folder a stopped [`TestApp`] left, with the real clock.
pub async fn spawn_app_in(data: tempfile::TempDir, options: Options) -> anyhow::Result<TestApp> {
    start_in(data, options, None, system_clock(), None).await
}

/// The real server with its log in the PostgreSQL database at `url` (migrated), its keys
/// and sign-ins in a data folder of its own.
pub async fn spawn_app_on_postgres(url: &str, options: Options) -> anyhow::Result<TestApp> {
    start_in(tempfile::tempdir()?, options, None, system_clock(), Some(url.to_owned())).await
}

/// [`spawn_app`] with a clock of the test's own, for the log's times and the server's "now"
/// alike: for what happens after days or months.
pub async fn spawn_app_with_clock(options: Options, clock: Clock) -> anyhow::Result<TestApp> {
    spawn_app_at(options, None, clock).await
}

async fn spawn_app_at(
    options: Options,
    send_buffer: Option<usize>,
    clock: Clock,
) -> anyhow::Result<TestApp> {
    start_in(tempfile::tempdir()?, options, send_buffer, clock, None).await
}

impl TestApp {
    /// Stops the server and starts it again on the same data folder (on a new port), as a
    /// redeploy or a crash-free restart would.
    pub async fn restart(self) -> anyhow::Result<TestApp> {
        let (options, clock) = (self.options.clone(), self.clock.0.clone());
        let store = self.store.clone();
        let data = self.stop().await;
        start_in(data, options, None, clock, store).await
    }
}

async fn start_in(
    data: tempfile::TempDir,
    options: Options,
    send_buffer: Option<usize>,
    clock: Clock,
    store: Option<String>,
) -> anyhow::Result<TestApp> {
    let dir = data.path().join("data");
    let log = match &store {
        None => Log::open_with(&dir, Upcasters::domain(), clock.clone())?,
        Some(url) => {
            server::log::prepare_dir(&dir)?;
            Log::open_postgres(url, Upcasters::domain(), clock.clone())?
        }
    };
    let group = Group::start(log.clone(), &dir, clock.clone(), options.group.clone())?;
    let state = AppState::new(group, options.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = http::app(state.clone());
    let (shutdown, stop) = oneshot::channel::<()>();
    let closing = state.clone();
    let server =
        tokio::spawn(http::serve_with_send_buffer(listener, router, send_buffer, async move {
            let _ = stop.await;
            closing.begin_shutdown();
        }));
    Ok(TestApp {
        address,
        log,
        state,
        data,
        shutdown: Some(shutdown),
        server: Some(server),
        options,
        clock: SharedClock(clock),
        store,
    })
}

/// A member's live feed on `/ws`.
#[derive(Debug)]
pub struct Feed {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Client {
    /// Opens `/ws` with this member's token and reads the welcome.
    pub async fn feed(&self) -> Feed {
        self.feed_with_receive_buffer(None).await
    }

    /// [`Client::feed`] over a socket whose kernel receive buffer is `bytes` long: a phone
    /// on bad wifi, in miniature.
    pub async fn feed_with_receive_buffer(&self, bytes: Option<u32>) -> Feed {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = self.ws.as_str().into_client_request().expect("ws url");
        let bearer = format!("Bearer {}", self.token).parse().expect("header");
        request.headers_mut().insert("authorization", bearer);
        let address = self.base.trim_start_matches("http://").parse().expect("address");
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        if let Some(bytes) = bytes {
            socket.set_recv_buffer_size(bytes).expect("receive buffer");
        }
        let stream = socket.connect(address).await.expect("connect");
        let stream = tokio_tungstenite::MaybeTlsStream::Plain(stream);
        let (socket, _) =
            tokio_tungstenite::client_async(request, stream).await.expect("ws connect");
        let mut feed = Feed { socket };
        match feed.next().await {
            shared::wire::ServerMessage::Welcome { .. } => feed,
            other => panic!("expected a welcome, got {other:?}"),
        }
    }
}

impl Feed {
    pub async fn subscribe(&mut self, after: Option<u64>) {
        use futures_util::SinkExt;
        let text =
            serde_json::to_string(&shared::wire::ClientMessage::Subscribe { after }).expect("json");
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// The next server message, skipping pings.
    pub async fn next(&mut self) -> shared::wire::ServerMessage {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            match self.socket.next().await.expect("socket open").expect("frame") {
                Message::Text(text) => return serde_json::from_str(&text).expect("server message"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Positions of events received until `last` has arrived. A resync on the way fails
    /// the test: the screen was meant to keep up.
    pub async fn positions_until(&mut self, last: u64) -> Vec<u64> {
        use shared::wire::ServerMessage;
        let mut positions = Vec::new();
        while positions.last().copied().unwrap_or(0) < last {
            match self.next().await {
                ServerMessage::Events { events } => {
                    positions.extend(events.iter().map(|e| e.position))
                }
                ServerMessage::Resync { reason } => panic!("the screen was resynced: {reason}"),
                other => panic!("expected events, got {other:?}"),
            }
        }
        positions
    }

    /// Reads until the server closes the socket; the close code it gave, if any.
    pub async fn close_code(&mut self) -> Option<u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        while let Some(Ok(frame)) = self.socket.next().await {
            if let Message::Close(frame) = frame {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
