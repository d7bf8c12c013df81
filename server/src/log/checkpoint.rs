//! A note, beside sled's files, of a head the log is known to have reached.
//!
//! sled's recovery treats a damaged region of its file as a torn tail and silently starts
//! from what precedes it, which could make a damaged log look like a shorter healthy one.
//! The writer records its head here at most once a second and on close (write to a
//! temporary file, sync, rename), and opening refuses a log that ends before that head or
//! whose record there has another hash. Writing it is off the append path's critical part:
//! an append is acknowledged on sled's sync, never on this file's.

use std::path::{Path, PathBuf};

use shared::envelope::Hash;

use super::Head;

const FILE: &str = "HEAD_CHECKPOINT";

#[derive(Clone, Debug)]
pub struct Checkpoint {
    path: PathBuf,
}

impl Checkpoint {
    pub fn in_dir(dir: &Path) -> Self {
        Checkpoint { path: dir.join(FILE) }
    }

    /// The recorded head, if any. A file that does not parse is reported, not ignored.
    pub fn read(&self) -> Result<Option<Head>, String> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
        };
        let damaged = || format!("{} is damaged: {text:?}", self.path.display());
        let (position, hash) = text.trim().split_once(' ').ok_or_else(damaged)?;
        let position = position.parse().map_err(|_| damaged())?;
        let hash: Hash =
            hex::decode(hash).ok().and_then(|bytes| bytes.try_into().ok()).ok_or_else(damaged)?;
        Ok(Some(Head { position, hash }))
    }

    pub fn write(&self, head: Head) -> std::io::Result<()> {
        let line = format!("{} {}\n", head.position, hex::encode(head.hash));
        crate::durable::write_atomically(&self.path, line.as_bytes())
    }
}
