//! Backing up a running server. `potluck serve` listens on a Unix socket in its data folder
//! ([`ADMIN_SOCKET`], readable and writable by the folder's owner only); `potluck backup`
//! finds it there and asks the server to write the backup, since the running server holds
//! the log's lock. Who may back up is who may read the data folder, as for an offline backup.
//!
//! The log is copied at exactly one head ([`Log::copy_into`]): the records settled when the
//! backup starts (and those committed during that copy, round after round) beside the log's
//! writer, the last few by the writer between two commits, so appends go on meanwhile. The sign-in store and the key store
//! are copied after it: every key an event in the copy needs was made before that event was
//! appended, so it is there, unless an erasure after the copy destroyed it (that household
//! asked to be forgotten). The copy is then opened and its chain verified against the head,
//! and the manifest records the count and head hash, as an offline backup's does.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;

use crate::group::Group;
use crate::log::{Log, MARKER_FILE};

/// The socket `potluck serve` answers backup requests on, in the data folder.
pub const ADMIN_SOCKET: &str = "admin.sock";
/// The head a backup was taken at, checked again on restore.
pub const MANIFEST: &str = "BACKUP.json";
/// Files beside the log that a backup holds.
pub const SIDE_FILES: [&str; 3] = ["auth.json", "household_keys.json", MARKER_FILE];
/// The longest request line accepted on the socket.
const MAX_REQUEST_BYTES: u64 = 4096;

/// What a finished backup holds.
#[derive(Debug)]
pub struct Taken {
    pub count: u64,
    pub head_hash: String,
}

/// Backs up the running server's data folder `data` into the new or empty folder `dir`.
pub async fn online(group: &Group, data: &Path, dir: &Path) -> anyhow::Result<Taken> {
    empty_target(dir)?;
    let log = group.log();
    let head = log.copy_into(dir).await.map_err(anyhow::Error::msg)?;
    for name in SIDE_FILES {
        let source = data.join(name);
        if source.exists() {
            write_synced(&dir.join(name), &std::fs::read(&source)?)?;
        }
    }
    if log.database().is_some() {
        // The sign-ins and keys are in the database with the log: written out as the files
        // a data folder holds, so that the backup restores like any other.
        let (auth, keys, dir) = (group.auth().clone(), group.keys().clone(), dir.to_owned());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            auth.write_file(&dir)?;
            keys.write_file(&dir)?;
            Ok(())
        })
        .await??;
    }
    let copy = Log::open(dir).context("cannot open the copy")?;
    let verifying = copy.clone();
    let verified = tokio::task::spawn_blocking(move || verifying.verify()).await?;
    copy.close().await;
    let verified = verified.map_err(|broken| anyhow::anyhow!("the copy is damaged: {broken}"))?;
    if verified.head_hash != head.hash || verified.count != head.position {
        bail!("the copy ends at {} events, not at the head it was taken at", verified.count);
    }
    let head_hash = hex::encode(head.hash);
    let manifest = json!({"count": verified.count, "head_hash": head_hash, "online": true});
    write_synced(&dir.join(MANIFEST), manifest.to_string().as_bytes())?;
    sync_dir(dir)?;
    Ok(Taken { count: verified.count, head_hash })
}

/// Answers backup requests on the data folder's socket until the server shuts down.
pub async fn serve_admin(group: Group, data: PathBuf, mut closing: watch::Receiver<bool>) {
    let path = data.join(ADMIN_SOCKET);
    // A socket file left by a server that did not stop cleanly.
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "no admin socket: `potluck backup` works only with the server stopped");
            return;
        }
    };
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(error) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        {
            tracing::warn!(%error, "cannot restrict the admin socket to the folder's owner");
        }
    }
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                tokio::spawn(answer(stream, group.clone(), data.clone()));
            }
            _ = closing.wait_for(|closing| *closing) => break,
        }
    }
    let _ = std::fs::remove_file(&path);
}

/// One request: `{"backup": "/absolute/folder"}`; one answer: `{"ok": true, "count": N,
/// "head_hash": "..."}` or `{"ok": false, "error": "..."}`.
async fn answer(stream: UnixStream, group: Group, data: PathBuf) {
    let (reading, mut writing) = stream.into_split();
    let mut line = String::new();
    let read = BufReader::new(reading).take(MAX_REQUEST_BYTES).read_line(&mut line).await;
    let request: Option<Value> = read.ok().and_then(|_| serde_json::from_str(&line).ok());
    let target = request.as_ref().and_then(|r| r["backup"].as_str()).map(PathBuf::from);
    let reply = match target {
        Some(dir) if dir.is_absolute() => match online(&group, &data, &dir).await {
            Ok(taken) => {
                tracing::info!(events = taken.count, "online backup taken");
                json!({"ok": true, "count": taken.count, "head_hash": taken.head_hash})
            }
            Err(error) => json!({"ok": false, "error": format!("{error:#}")}),
        },
        _ => json!({"ok": false, "error": "expected {\"backup\": \"/absolute/folder\"}"}),
    };
    let _ = writing.write_all(format!("{reply}\n").as_bytes()).await;
}

/// Asks the server running on `data` for a backup into `dir`; `None` when no server
/// answers on the folder's socket (then the folder can be backed up directly).
pub async fn ask_running_server(data: &Path, dir: &Path) -> Option<anyhow::Result<Taken>> {
    let stream = UnixStream::connect(data.join(ADMIN_SOCKET)).await.ok()?;
    Some(request_backup(stream, dir).await)
}

async fn request_backup(stream: UnixStream, dir: &Path) -> anyhow::Result<Taken> {
    let dir = std::path::absolute(dir)?;
    let (reading, mut writing) = stream.into_split();
    let request = json!({"backup": dir.to_string_lossy()});
    writing.write_all(format!("{request}\n").as_bytes()).await?;
    let mut line = String::new();
    BufReader::new(reading).read_line(&mut line).await?;
    let reply: Value = serde_json::from_str(&line).context("the server's answer is not JSON")?;
    if reply["ok"] != true {
        bail!(
            "the server could not back up: {}",
            reply["error"].as_str().unwrap_or("no reason given")
        );
    }
    Ok(Taken {
        count: reply["count"].as_u64().unwrap_or_default(),
        head_hash: reply["head_hash"].as_str().unwrap_or_default().to_owned(),
    })
}

/// A backup or restore writes only into a missing or empty folder.
pub fn empty_target(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    if std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty; refusing to overwrite it", dir.display());
    }
    Ok(())
}

/// Writes a new file (never an existing one) and flushes it to disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

pub fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
