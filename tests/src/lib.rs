//! Helpers shared by the end-to-end tests in `tests/tests/it/`.
//!
//! Everything here runs the real thing: a real sled folder in a temporary directory, the
//! real server on 127.0.0.1 port 0, real WebSocket clients.

use std::net::SocketAddr;
use std::path::PathBuf;

use server::http::{self, AppState};
use server::log::{AppendRequest, ExpectedVersion, Log, NewEvent};
use tokio::sync::oneshot;

/// A test event of type `Noted` with a small JSON payload.
pub fn noted(text: &str) -> NewEvent {
    NewEvent {
        event_type: "Noted".into(),
        schema_version: 1,
        payload: serde_json::json!({ "text": text }).to_string(),
    }
}

/// One `Noted` event appended to `stream` under `command_id`, whatever the stream's version.
pub fn note(stream: &str, command_id: &str) -> AppendRequest {
    AppendRequest::new(stream, ExpectedVersion::Any, vec![noted(command_id)], command_id, "tester")
}

/// A running server on 127.0.0.1 with its own data folder, stopped on drop of `shutdown`.
#[derive(Debug)]
pub struct TestApp {
    pub address: SocketAddr,
    pub log: Log,
    pub data: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.address)
    }

    /// Stops the server gracefully and closes the log.
    pub async fn stop(mut self) -> PathBuf {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.log.close().await;
        self.data.path().to_owned()
    }
}

/// Starts the real server on port 0 over a fresh data folder.
pub async fn spawn_app(dev_endpoints: bool) -> anyhow::Result<TestApp> {
    let data = tempfile::tempdir()?;
    let log = Log::open(&data.path().join("data"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = http::app(AppState { log: log.clone(), dev_endpoints, static_dir: None });
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(listener, router, async move {
        let _ = stop.await;
    }));
    Ok(TestApp { address, log, data, shutdown: Some(shutdown), server: Some(server) })
}
