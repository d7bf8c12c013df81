//! sled under the log: ordered byte keys, point reads, range scans and one atomic, durable
//! batch write. Nothing but this file names sled; [`super::store`] lays the log's records
//! out in its keyspace.

use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// A failure of the engine or the disk under it.
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(pub String);

pub type KeyValue = (Vec<u8>, Vec<u8>);

/// sled 0.34, made durable.
///
/// `sled::Db::flush` ends in `sync_file_range` on Linux, which survives a process crash but
/// not a power cut or a kernel panic, so every commit also calls `fdatasync` on sled's data
/// file. Commits come from one writer thread only: several tasks calling `flush_async` at
/// once deadlock in sled 0.34.7 (sled issue #1308).
/// sled's page cache. Its default (1 GiB) is more than a group's whole log for years; the
/// operating system's file cache serves what falls out of it.
const CACHE_BYTES: u64 = 128 * 1024 * 1024;
/// Free space the log keeps on its disk: a batch that would leave less is not written. sled
/// 0.34 that runs out of space mid-write can lose acknowledged records on its next start
/// (found by `soak --disk-mb`; see RELIABILITY.md), so the log stops short of a full disk
/// and answers "try again later" instead, with nothing written.
pub const MIN_FREE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug)]
pub struct SledStorage {
    db: sled::Db,
    data_file: File,
    path: PathBuf,
    /// Free space to keep on the disk ([`MIN_FREE_BYTES`] unless a test says otherwise).
    min_free: u64,
    /// Writes wait for [`SledStorage::sync`] to be durable (a copy being made) instead of
    /// each syncing on its own (the log).
    deferred: bool,
}

impl SledStorage {
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        SledStorage::open_keeping(path, MIN_FREE_BYTES)
    }

    /// Writes are durable only once [`SledStorage::sync`] returns: for a copy (a backup),
    /// which is of use only whole, so that it does not flush the disk's cache thousands of
    /// records at a time while the log it copies commits on the same disk.
    pub fn deferring_syncs(mut self) -> Self {
        self.deferred = true;
        self
    }

    /// Makes every write so far durable.
    pub fn sync(&self) -> Result<(), StorageError> {
        self.db.flush().map_err(sled_error)?;
        self.data_file.sync_data().map_err(|e| StorageError(format!("fdatasync failed: {e}")))
    }

    /// Keeps `bytes` free on the disk from now on, instead of [`MIN_FREE_BYTES`].
    pub fn keep_free(mut self, bytes: u64) -> Self {
        self.min_free = bytes;
        self
    }

    /// [`SledStorage::open`], refusing to open unless `min_free` bytes are free.
    pub fn open_keeping(path: &Path, min_free: u64) -> Result<Self, StorageError> {
        // sled 0.34 opened on a full disk writes an empty snapshot file and then cannot open
        // the folder at all (found by `soak --disk-mb`): never let it try.
        // The folder may not exist yet: its nearest existing ancestor is on the same disk.
        let existing = path.ancestors().find(|p| p.exists()).unwrap_or(path);
        let free = fs2::available_space(existing)
            .map_err(|e| StorageError(format!("cannot read the free space of the disk: {e}")))?;
        if free < min_free {
            return Err(StorageError(format!(
                "the disk holding {} has {} MB free; potluck needs {} MB free to open its log \
                 safely: free some space and start again (nothing was changed)",
                path.display(),
                free / 1_000_000,
                min_free / 1_000_000
            )));
        }
        // The writer flushes after every batch itself; sled's own periodic flusher would only
        // compete with it for the disk.
        let config = sled::Config::new()
            .path(path)
            .mode(sled::Mode::HighThroughput)
            .cache_capacity(CACHE_BYTES)
            .flush_every_ms(None);
        let db = open_with_retry(&config, path)?;
        let data_file = File::open(path.join("db"))
            .map_err(|e| StorageError(format!("cannot open sled's data file: {e}")))?;
        // New files are only durable once their directory entry is.
        sync_dir(path)?;
        Ok(SledStorage { db, data_file, path: path.to_owned(), min_free, deferred: false })
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.db.get(key).map_err(sled_error)?.map(|v| v.to_vec()))
    }

    /// Entries with `start <= key < end`, in key order.
    pub fn range<'a>(
        &'a self,
        start: &[u8],
        end: &[u8],
    ) -> Box<dyn Iterator<Item = Result<KeyValue, StorageError>> + 'a> {
        let iter = self.db.range(start.to_vec()..end.to_vec());
        Box::new(iter.map(|r| r.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(sled_error)))
    }

    /// The entry with the greatest key in `start <= key < end`.
    pub fn last_in(&self, start: &[u8], end: &[u8]) -> Result<Option<KeyValue>, StorageError> {
        match self.db.range(start.to_vec()..end.to_vec()).next_back() {
            None => Ok(None),
            Some(r) => r.map(|(k, v)| Some((k.to_vec(), v.to_vec()))).map_err(sled_error),
        }
    }

    /// Writes all entries or none, and returns only once they are on disk for real (unless
    /// syncs are deferred).
    pub fn write(&self, writes: &[KeyValue]) -> Result<(), StorageError> {
        let size: u64 = writes.iter().map(|(k, v)| (k.len() + v.len()) as u64).sum();
        let free = fs2::available_space(&self.path)
            .map_err(|e| StorageError(format!("cannot read the free space of the disk: {e}")))?;
        if free < self.min_free.saturating_add(size.saturating_mul(4)) {
            return Err(StorageError(format!(
                "the disk holding {} is nearly full ({} MB free; the log keeps {} MB free): \
                 nothing was written",
                self.path.display(),
                free / 1_000_000,
                self.min_free / 1_000_000
            )));
        }
        let mut batch = sled::Batch::default();
        for (key, value) in writes {
            batch.insert(key.as_slice(), value.as_slice());
        }
        self.db.apply_batch(batch).map_err(sled_error)?;
        if self.deferred { Ok(()) } else { self.sync() }
    }

    /// Bytes sled uses on disk.
    pub fn size_on_disk(&self) -> Result<u64, StorageError> {
        dir_size(&self.path).map_err(|e| StorageError(format!("cannot measure data folder: {e}")))
    }
}

/// Opens sled, waiting up to two seconds for the folder's lock: sled's I/O threads hold it a
/// moment after the previous owner closed (a restart), whereas a second server holds it for
/// good and gets a clear error.
fn open_with_retry(config: &sled::Config, path: &Path) -> Result<sled::Db, StorageError> {
    let mut attempts = 0;
    loop {
        // sled can panic on some damaged files instead of returning an error; a damaged data
        // folder must end in a clear message, never in a panic.
        let opened = catch_unwind(AssertUnwindSafe(|| config.open()))
            .map_err(|_| StorageError(format!("sled panicked opening {}", path.display())))?;
        match opened {
            Ok(db) => return Ok(db),
            Err(e) if attempts < 20 && e.to_string().contains("could not acquire lock") => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) if e.to_string().contains("could not acquire lock") => {
                let message = format!("{} is in use by another potluck process", path.display());
                return Err(StorageError(message));
            }
            Err(e) => return Err(StorageError(format!("cannot open {}: {e}", path.display()))),
        }
    }
}

fn sled_error(e: sled::Error) -> StorageError {
    StorageError(e.to_string())
}

fn sync_dir(path: &Path) -> Result<(), StorageError> {
    File::open(path)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| StorageError(format!("cannot sync {}: {e}", path.display())))
}

fn dir_size(path: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() { dir_size(&entry.path())? } else { meta.len() };
    }
    Ok(total)
}
