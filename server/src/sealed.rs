//! Households' personal data, sealed: each household's name, phone, address and notes are
//! encrypted (ChaCha20-Poly1305) with a key of its own, and only the ciphertext enters the
//! event log. The keys live outside the log, in `household_keys.json` in the data folder (or,
//! with the log in PostgreSQL, in its `potluck_keys` table, so that every server of the group
//! holds the same keys), so forgetting a household is destroying one key: the log, its hash
//! chain and every count stay as they are, and the ciphertext left behind can never be read
//! again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use shared::distribution::SealedPersonalData;

use crate::database::Database;

const FILE: &str = "household_keys.json";
const PREFIX: &str = "v1.";
pub use shared::personal::{MAX_FIELD_CHARS, PersonalData};

/// The id of a household's key in the key store (role contacts and donors have their own
/// prefixes, so no id of one kind can name another's key).
pub fn household_key(household_id: &str) -> String {
    format!("household:{household_id}")
}

/// The id of the key sealing `member_id`'s contact as holder of a role card: one per holder,
/// so a former holder's contact can be forgotten without the current one's.
pub fn role_key(role_card_id: &str, member_id: &str) -> String {
    format!("role:{role_card_id}:{member_id}")
}

/// The id of the key sealing the donor recorded with a transaction or goods donation.
pub fn donor_key(donor_of: &str) -> String {
    format!("donor:{donor_of}")
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "cannot read the household key store {path}: {reason}; restore it from the backup taken with the log"
    )]
    Unreadable { path: PathBuf, reason: String },
    #[error("cannot save the household key store: {0}")]
    Write(String),
    #[error("sealed data is damaged")]
    Damaged,
    #[error("cannot reach the keys: {0}")]
    Database(String),
}

impl From<crate::database::DatabaseError> for SealError {
    fn from(error: crate::database::DatabaseError) -> Self {
        SealError::Database(error.0)
    }
}

/// The keys, by key id ([`household_key`], [`role_key`], [`donor_key`]).
#[derive(Debug)]
pub struct KeyStore {
    home: Home,
}

/// Where the keys are kept.
#[derive(Debug)]
enum Home {
    /// `household_keys.json`, hex-encoded keys by id, rewritten atomically on each change.
    File { path: PathBuf, keys: Mutex<BTreeMap<String, String>> },
    /// The `potluck_keys` table; never cached, so an erasure on one server holds on all.
    Database(Database),
}

impl KeyStore {
    /// The keys in the database beside the log.
    pub fn in_database(database: Database) -> KeyStore {
        KeyStore { home: Home::Database(database) }
    }

    /// Every key, hex-encoded by id, as `household_keys.json` holds them: for backups and
    /// copies.
    pub fn export(&self) -> Result<BTreeMap<String, String>, SealError> {
        match &self.home {
            Home::File { keys, .. } => Ok(keys.lock().unwrap_or_else(|p| p.into_inner()).clone()),
            Home::Database(database) => Ok(database.run(|session| {
                let rows = session.client.query("SELECT key_id, key FROM potluck_keys", &[])?;
                Ok(rows
                    .iter()
                    .map(|row| (row.get::<_, String>(0), hex::encode(row.get::<_, Vec<u8>>(1))))
                    .collect())
            })?),
        }
    }

    /// Adds keys (an export's) that the store does not hold yet; a key it holds is kept.
    pub fn import(&self, keys: &BTreeMap<String, String>) -> Result<(), SealError> {
        for (id, hex_key) in keys {
            let bytes = hex::decode(hex_key).map_err(|_| SealError::Damaged)?;
            if bytes.len() != 32 {
                return Err(SealError::Damaged);
            }
            self.keep_first(id, *Key::from_slice(&bytes))?;
        }
        Ok(())
    }

    /// Writes every key into `dir/household_keys.json` (a backup's or a copy's folder).
    pub fn write_file(&self, dir: &Path) -> Result<(), SealError> {
        crate::durable::write_json_atomically(&dir.join(FILE), &self.export()?)
            .map_err(|e| SealError::Write(e.to_string()))
    }

    pub fn open(dir: &Path) -> Result<KeyStore, SealError> {
        let path = dir.join(FILE);
        let keys = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| SealError::Unreadable { path: path.clone(), reason: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(SealError::Unreadable { path, reason: e.to_string() }),
        };
        Ok(KeyStore { home: Home::File { path, keys: Mutex::new(keys) } })
    }

    /// Encrypts a household's data under its key, creating the key on first use. The
    /// household id is bound in as associated data: a ciphertext moved to another household
    /// does not open.
    pub fn seal(
        &self,
        household_id: &str,
        data: &PersonalData,
    ) -> Result<SealedPersonalData, SealError> {
        let key = self.key_for(household_id)?;
        let cipher = ChaCha20Poly1305::new(&key);
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let plaintext = serde_json::to_vec(data).map_err(|_| SealError::Damaged)?;
        let payload = Payload { msg: &plaintext, aad: household_id.as_bytes() };
        let ciphertext = cipher.encrypt(&nonce, payload).map_err(|_| SealError::Damaged)?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        Ok(SealedPersonalData::new(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))))
    }

    /// Decrypts a household's data; `Ok(None)` once its key has been destroyed.
    pub fn open_sealed(
        &self,
        household_id: &str,
        sealed: &SealedPersonalData,
    ) -> Result<Option<PersonalData>, SealError> {
        let Some(key) = self.existing_key(household_id)? else { return Ok(None) };
        let encoded = sealed.ciphertext().strip_prefix(PREFIX).ok_or(SealError::Damaged)?;
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| SealError::Damaged)?;
        if bytes.len() < 12 {
            return Err(SealError::Damaged);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let cipher = ChaCha20Poly1305::new(&key);
        let payload = Payload { msg: ciphertext, aad: household_id.as_bytes() };
        let plaintext =
            cipher.decrypt(Nonce::from_slice(nonce), payload).map_err(|_| SealError::Damaged)?;
        serde_json::from_slice(&plaintext).map(Some).map_err(|_| SealError::Damaged)
    }

    /// Whether a key is held under this id (`false` once it is erased or before first use).
    pub fn has_key(&self, key_id: &str) -> Result<bool, SealError> {
        Ok(self.existing_key(key_id)?.is_some())
    }

    /// Destroys a key for good, so that what it sealed can never be opened again: in the
    /// file, removes it and rewrites the file atomically (a temporary file, fsync, rename,
    /// fsync of the folder); in the database, deletes its row and vacuums the table.
    /// `Ok(false)` when no such key is held (already erased, or never made).
    pub fn erase(&self, key_id: &str) -> Result<bool, SealError> {
        match &self.home {
            Home::File { path, keys } => {
                let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
                if !keys.contains_key(key_id) {
                    return Ok(false);
                }
                let mut next = keys.clone();
                next.remove(key_id);
                crate::durable::write_json_atomically(path, &next)
                    .map_err(|e| SealError::Write(e.to_string()))?;
                *keys = next;
                Ok(true)
            }
            Home::Database(database) => {
                let id = key_id.to_owned();
                Ok(database.run(move |session| {
                    let deleted = session
                        .client
                        .execute("DELETE FROM potluck_keys WHERE key_id = $1", &[&id])?;
                    session.client.batch_execute("VACUUM potluck_keys")?;
                    Ok(deleted > 0)
                })?)
            }
        }
    }

    fn existing_key(&self, key_id: &str) -> Result<Option<Key>, SealError> {
        let bytes = match &self.home {
            Home::File { keys, .. } => {
                let keys = keys.lock().unwrap_or_else(|p| p.into_inner());
                match keys.get(key_id) {
                    Some(hex_key) => hex::decode(hex_key).ok(),
                    None => return Ok(None),
                }
            }
            Home::Database(database) => {
                let id = key_id.to_owned();
                database.run(move |session| {
                    let statement =
                        session.prepared("SELECT key FROM potluck_keys WHERE key_id = $1")?;
                    let row = session.client.query_opt(&statement, &[&id])?;
                    Ok(row.map(|row| row.get::<_, Vec<u8>>(0)))
                })?
            }
        };
        Ok(bytes.filter(|b| b.len() == 32).map(|b| *Key::from_slice(&b)))
    }

    fn key_for(&self, key_id: &str) -> Result<Key, SealError> {
        if let Some(key) = self.existing_key(key_id)? {
            return Ok(key);
        }
        self.keep_first(key_id, ChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// Stores `key` under `key_id` unless a key is already there; returns the one kept
    /// (another server may have made one at the same moment: both then use the first).
    fn keep_first(&self, key_id: &str, key: Key) -> Result<Key, SealError> {
        match &self.home {
            Home::File { path, keys } => {
                let mut keys = keys.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(bytes) = keys.get(key_id).and_then(|k| hex::decode(k).ok())
                    && bytes.len() == 32
                {
                    return Ok(*Key::from_slice(&bytes));
                }
                let mut next = keys.clone();
                next.insert(key_id.to_owned(), hex::encode(key));
                crate::durable::write_json_atomically(path, &next)
                    .map_err(|e| SealError::Write(e.to_string()))?;
                *keys = next;
                Ok(key)
            }
            Home::Database(database) => {
                let (id, bytes) = (key_id.to_owned(), key.to_vec());
                database.run(move |session| {
                    session.client.execute(
                        "INSERT INTO potluck_keys (key_id, key) VALUES ($1, $2) \
                         ON CONFLICT (key_id) DO NOTHING",
                        &[&id, &bytes],
                    )?;
                    Ok(())
                })?;
                self.existing_key(key_id)?.ok_or_else(|| {
                    SealError::Database(format!("the key {key_id} was erased as it was made"))
                })
            }
        }
    }
}

/// 24 random hex digits, for ids the server chooses itself (such as the command id of a
/// recorded contact view).
pub fn random_id() -> String {
    hex::encode(ChaCha20Poly1305::generate_nonce(&mut OsRng))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maria() -> PersonalData {
        PersonalData {
            name: "Maria Example".into(),
            phone: "555-0199".into(),
            address: "12 Elm Street".into(),
            notes: "no nuts".into(),
        }
    }

    #[test]
    fn sealed_data_opens_for_its_household_and_holds_no_clear_text() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(dir.path()).unwrap();
        let sealed = store.seal("h1", &maria()).unwrap();
        assert!(!sealed.ciphertext().contains("Maria"));
        assert_eq!(store.open_sealed("h1", &sealed).unwrap(), Some(maria()));
        assert!(matches!(store.open_sealed("h2", &sealed), Ok(None)));
    }

    #[test]
    fn a_ciphertext_moved_to_another_household_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(dir.path()).unwrap();
        let sealed = store.seal("h1", &maria()).unwrap();
        store.seal("h2", &PersonalData::default()).unwrap();
        assert!(matches!(store.open_sealed("h2", &sealed), Err(SealError::Damaged)));
    }

    #[test]
    fn keys_survive_a_restart_and_a_damaged_store_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let sealed = KeyStore::open(dir.path()).unwrap().seal("h1", &maria()).unwrap();
        let reopened = KeyStore::open(dir.path()).unwrap();
        assert_eq!(reopened.open_sealed("h1", &sealed).unwrap(), Some(maria()));
        std::fs::write(dir.path().join(FILE), "{").unwrap();
        assert!(matches!(KeyStore::open(dir.path()), Err(SealError::Unreadable { .. })));
    }

    #[test]
    fn an_erased_key_is_gone_from_the_store_and_its_data_never_opens_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(dir.path()).unwrap();
        let sealed = store.seal("household:h1", &maria()).unwrap();
        store.seal("household:h2", &maria()).unwrap();
        let key = store.export().unwrap()["household:h1"].clone();
        assert!(store.has_key("household:h1").unwrap());
        assert!(store.erase("household:h1").unwrap());
        assert!(!store.erase("household:h1").unwrap(), "a second erase changes nothing");
        assert!(matches!(store.open_sealed("household:h1", &sealed), Ok(None)));
        let file = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(!file.contains(&key) && file.contains("household:h2"), "{file}");
        let reopened = KeyStore::open(dir.path()).unwrap();
        assert!(matches!(reopened.open_sealed("household:h1", &sealed), Ok(None)));
        assert!(reopened.has_key("household:h2").unwrap());
    }

    #[test]
    fn debug_output_never_shows_personal_data() {
        assert!(!format!("{:?}", maria()).contains("Maria"));
    }
}
