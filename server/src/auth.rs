//! Sign-in: password hashes, sessions and the throttle on failed attempts.
//!
//! Credentials are kept out of the event log on purpose: the log is append-only and kept
//! forever, and a password hash, even an old one, has no place in an audit export. They live
//! in `auth.json` in the data folder, written atomically (temporary file, sync, rename).
//! Session tokens are stored only as SHA-256 digests, so a copy of the file signs nobody in.

mod throttle;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use throttle::Throttle;

const FILE: &str = "auth.json";
/// How long a session lasts: a distribution day plus the week around it.
pub const SESSION_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("cannot save sign-in data: {0}")]
    Write(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// By member id.
    credentials: BTreeMap<String, Credential>,
    /// By hex SHA-256 of the token.
    sessions: BTreeMap<String, SessionRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Credential {
    /// Argon2id in PHC string form.
    password_hash: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionRecord {
    member_id: String,
    expires_at_ms: i64,
}

/// Passwords and sessions of the group's members.
#[derive(Debug)]
pub struct AuthStore {
    path: PathBuf,
    stored: Mutex<Stored>,
    /// Verified against when a name is unknown, so that a wrong name and a wrong password
    /// take the same time.
    decoy_hash: String,
}

impl AuthStore {
    pub fn open(dir: &Path) -> Result<AuthStore, AuthError> {
        let path = dir.join(FILE);
        let stored = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| AuthError::Unreadable { path: path.clone(), reason: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Stored::default(),
            Err(e) => return Err(AuthError::Unreadable { path, reason: e.to_string() }),
        };
        let decoy_hash = hash_password(&random_token())?;
        Ok(AuthStore { path, stored: Mutex::new(stored), decoy_hash })
    }

    /// Sets a member's password (Argon2id). Slow on purpose: call off the async threads.
    pub fn set_password(&self, member_id: &str, password: &str) -> Result<(), AuthError> {
        let password_hash = hash_password(password)?;
        self.update(|stored| {
            stored.credentials.insert(member_id.to_owned(), Credential { password_hash });
        })
    }

    pub fn has_password(&self, member_id: &str) -> bool {
        self.lock().credentials.contains_key(member_id)
    }

    /// Whether the password is right. Slow on purpose: call off the async threads.
    pub fn check_password(&self, member_id: &str, password: &str) -> bool {
        let stored = self.lock().credentials.get(member_id).map(|c| c.password_hash.clone());
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.decoy_hash.clone());
        let Ok(parsed) = PasswordHash::new(&hash) else { return false };
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        known && matches
    }

    /// Starts a session and returns its token, shown to the member once.
    pub fn create_session(&self, member_id: &str, now_ms: i64) -> Result<String, AuthError> {
        let token = random_token();
        let record = SessionRecord {
            member_id: member_id.to_owned(),
            expires_at_ms: now_ms + SESSION_TTL_MS,
        };
        self.update(|stored| {
            stored.sessions.retain(|_, s| s.expires_at_ms > now_ms);
            stored.sessions.insert(digest(&token), record);
        })?;
        Ok(token)
    }

    /// The member a live session belongs to.
    pub fn session_member(&self, token: &str, now_ms: i64) -> Option<String> {
        let stored = self.lock();
        let record = stored.sessions.get(&digest(token))?;
        (record.expires_at_ms > now_ms).then(|| record.member_id.clone())
    }

    pub fn end_session(&self, token: &str) -> Result<(), AuthError> {
        self.update(|stored| {
            stored.sessions.remove(&digest(token));
        })
    }

    /// Ends every session of a member (removed, or password changed).
    pub fn end_sessions_of(&self, member_id: &str) -> Result<(), AuthError> {
        self.update(|stored| stored.sessions.retain(|_, s| s.member_id != member_id))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stored> {
        // A panic while holding this lock would be a bug in a few lines of map updates; the
        // data is still consistent, so carry on with it.
        self.stored.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn update(&self, change: impl FnOnce(&mut Stored)) -> Result<(), AuthError> {
        let mut stored = self.lock();
        let mut next = stored.clone();
        change(&mut next);
        crate::durable::write_json_atomically(&self.path, &next)
            .map_err(|e| AuthError::Write(e.to_string()))?;
        *stored = next;
        Ok(())
    }
}

/// 32 random bytes from the operating system, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A password a person can type from a printout: 4 groups of 4 lowercase letters and digits.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> =
        bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt);
    hash.map(|h| h.to_string()).map_err(|e| AuthError::Hash(e.to_string()))
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_checks_only_against_its_own_member() {
        let dir = tempfile::tempdir().unwrap();
        let store = AuthStore::open(dir.path()).unwrap();
        store.set_password("ana", "correct horse").unwrap();
        assert!(store.check_password("ana", "correct horse"));
        assert!(!store.check_password("ana", "wrong"));
        assert!(!store.check_password("bo", "correct horse"));
    }

    #[test]
    fn sessions_survive_a_restart_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let token = AuthStore::open(dir.path()).unwrap().create_session("ana", 1_000).unwrap();
        let reopened = AuthStore::open(dir.path()).unwrap();
        assert_eq!(reopened.session_member(&token, 2_000), Some("ana".into()));
        assert_eq!(reopened.session_member(&token, 1_000 + SESSION_TTL_MS), None);
        assert_eq!(reopened.session_member("forged", 2_000), None);
    }

    #[test]
    fn the_file_holds_no_token_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let token = AuthStore::open(dir.path()).unwrap().create_session("ana", 0).unwrap();
        let file = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(!file.contains(&token));
    }

    #[test]
    fn a_damaged_file_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "{ not json").unwrap();
        assert!(matches!(AuthStore::open(dir.path()), Err(AuthError::Unreadable { .. })));
    }

    #[test]
    fn one_time_passwords_are_four_groups_of_four() {
        let password = one_time_password();
        assert_eq!(password.len(), 19);
        assert_eq!(password.split('-').count(), 4);
    }
}
