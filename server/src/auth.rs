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

use crate::database::Database;

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
    #[error("cannot reach the sign-ins: {0}")]
    Database(String),
}

impl From<crate::database::DatabaseError> for AuthError {
    fn from(error: crate::database::DatabaseError) -> Self {
        AuthError::Database(error.0)
    }
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

/// Passwords and sessions of the group's members: in `auth.json` in the data folder, or
/// with the log in PostgreSQL, in its `potluck_credentials` and `potluck_sessions` tables,
/// so that a member signed in on one server is signed in on all.
#[derive(Debug)]
pub struct AuthStore {
    home: Home,
    /// Verified against when a name is unknown, so that a wrong name and a wrong password
    /// take the same time.
    decoy_hash: String,
}

#[derive(Debug)]
enum Home {
    File { path: PathBuf, stored: Mutex<Stored> },
    Database(Database),
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
        Ok(AuthStore { home: Home::File { path, stored: Mutex::new(stored) }, decoy_hash })
    }

    /// The sign-ins in the database beside the log.
    pub fn in_database(database: Database) -> Result<AuthStore, AuthError> {
        let decoy_hash = hash_password(&random_token())?;
        Ok(AuthStore { home: Home::Database(database), decoy_hash })
    }

    /// Sets a member's password (Argon2id). Slow on purpose: call off the async threads.
    pub fn set_password(&self, member_id: &str, password: &str) -> Result<(), AuthError> {
        let password_hash = hash_password(password)?;
        match &self.home {
            Home::File { .. } => self.update(|stored| {
                stored.credentials.insert(member_id.to_owned(), Credential { password_hash });
            }),
            Home::Database(database) => {
                let id = member_id.to_owned();
                database.run(move |session| {
                    session.client.execute(
                        "INSERT INTO potluck_credentials (member_id, password_hash) \
                         VALUES ($1, $2) ON CONFLICT (member_id) \
                         DO UPDATE SET password_hash = excluded.password_hash",
                        &[&id, &password_hash],
                    )?;
                    Ok(())
                })?;
                Ok(())
            }
        }
    }

    pub fn has_password(&self, member_id: &str) -> Result<bool, AuthError> {
        Ok(self.password_hash(member_id)?.is_some())
    }

    fn password_hash(&self, member_id: &str) -> Result<Option<String>, AuthError> {
        match &self.home {
            Home::File { stored, .. } => {
                Ok(lock(stored).credentials.get(member_id).map(|c| c.password_hash.clone()))
            }
            Home::Database(database) => {
                let id = member_id.to_owned();
                Ok(database.run(move |session| {
                    let statement = session.prepared(
                        "SELECT password_hash FROM potluck_credentials WHERE member_id = $1",
                    )?;
                    Ok(session.client.query_opt(&statement, &[&id])?.map(|row| row.get(0)))
                })?)
            }
        }
    }

    /// Whether the password is right. Slow on purpose: call off the async threads.
    pub fn check_password(&self, member_id: &str, password: &str) -> Result<bool, AuthError> {
        let stored = self.password_hash(member_id)?;
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.decoy_hash.clone());
        let Ok(parsed) = PasswordHash::new(&hash) else { return Ok(false) };
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    }

    /// Starts a session and returns its token, shown to the member once.
    pub fn create_session(&self, member_id: &str, now_ms: i64) -> Result<String, AuthError> {
        let token = random_token();
        let record = SessionRecord {
            member_id: member_id.to_owned(),
            expires_at_ms: now_ms + SESSION_TTL_MS,
        };
        match &self.home {
            Home::File { .. } => self.update(|stored| {
                stored.sessions.retain(|_, s| s.expires_at_ms > now_ms);
                stored.sessions.insert(digest(&token), record);
            })?,
            Home::Database(database) => {
                let digest = digest(&token);
                database.run(move |session| {
                    session.client.execute(
                        "DELETE FROM potluck_sessions WHERE expires_at_ms <= $1",
                        &[&now_ms],
                    )?;
                    session.client.execute(
                        "INSERT INTO potluck_sessions (digest, member_id, expires_at_ms) \
                         VALUES ($1, $2, $3)",
                        &[&digest, &record.member_id, &record.expires_at_ms],
                    )?;
                    Ok(())
                })?;
            }
        }
        Ok(token)
    }

    /// The member a live session belongs to.
    pub fn session_member(&self, token: &str, now_ms: i64) -> Result<Option<String>, AuthError> {
        let digest = digest(token);
        let record = match &self.home {
            Home::File { stored, .. } => lock(stored).sessions.get(&digest).cloned(),
            Home::Database(database) => database.run(move |session| {
                let statement = session.prepared(
                    "SELECT member_id, expires_at_ms FROM potluck_sessions WHERE digest = $1",
                )?;
                let row = session.client.query_opt(&statement, &[&digest])?;
                Ok(row
                    .map(|row| SessionRecord { member_id: row.get(0), expires_at_ms: row.get(1) }))
            })?,
        };
        Ok(record.filter(|r| r.expires_at_ms > now_ms).map(|r| r.member_id))
    }

    pub fn end_session(&self, token: &str) -> Result<(), AuthError> {
        let digest = digest(token);
        match &self.home {
            Home::File { .. } => self.update(|stored| {
                stored.sessions.remove(&digest);
            }),
            Home::Database(database) => {
                database.run(move |session| {
                    session
                        .client
                        .execute("DELETE FROM potluck_sessions WHERE digest = $1", &[&digest])
                })?;
                Ok(())
            }
        }
    }

    /// Ends every session of a member (removed, or password changed).
    pub fn end_sessions_of(&self, member_id: &str) -> Result<(), AuthError> {
        match &self.home {
            Home::File { .. } => {
                self.update(|stored| stored.sessions.retain(|_, s| s.member_id != member_id))
            }
            Home::Database(database) => {
                let id = member_id.to_owned();
                database.run(move |session| {
                    session
                        .client
                        .execute("DELETE FROM potluck_sessions WHERE member_id = $1", &[&id])
                })?;
                Ok(())
            }
        }
    }

    /// Everything, as `auth.json` holds it: for backups and copies.
    pub fn export(&self) -> Result<Vec<u8>, AuthError> {
        serde_json::to_vec(&self.everything()?).map_err(|e| AuthError::Write(e.to_string()))
    }

    fn everything(&self) -> Result<Stored, AuthError> {
        Ok(match &self.home {
            Home::File { stored, .. } => lock(stored).clone(),
            Home::Database(database) => database.run(|session| {
                let mut stored = Stored::default();
                for row in session
                    .client
                    .query("SELECT member_id, password_hash FROM potluck_credentials", &[])?
                {
                    stored.credentials.insert(row.get(0), Credential { password_hash: row.get(1) });
                }
                for row in session
                    .client
                    .query("SELECT digest, member_id, expires_at_ms FROM potluck_sessions", &[])?
                {
                    let record = SessionRecord { member_id: row.get(1), expires_at_ms: row.get(2) };
                    stored.sessions.insert(row.get(0), record);
                }
                Ok(stored)
            })?,
        })
    }

    /// Adds an export's passwords and sessions (a member's password already held is kept).
    pub fn import(&self, exported: &[u8]) -> Result<(), AuthError> {
        let incoming: Stored = serde_json::from_slice(exported)
            .map_err(|e| AuthError::Write(format!("not a sign-in export: {e}")))?;
        match &self.home {
            Home::File { .. } => self.update(|stored| {
                for (id, credential) in incoming.credentials {
                    stored.credentials.entry(id).or_insert(credential);
                }
                for (digest, record) in incoming.sessions {
                    stored.sessions.entry(digest).or_insert(record);
                }
            }),
            Home::Database(database) => {
                database.run(move |session| {
                    for (id, credential) in &incoming.credentials {
                        session.client.execute(
                            "INSERT INTO potluck_credentials (member_id, password_hash) \
                             VALUES ($1, $2) ON CONFLICT (member_id) DO NOTHING",
                            &[id, &credential.password_hash],
                        )?;
                    }
                    for (digest, record) in &incoming.sessions {
                        session.client.execute(
                            "INSERT INTO potluck_sessions (digest, member_id, expires_at_ms) \
                             VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING",
                            &[digest, &record.member_id, &record.expires_at_ms],
                        )?;
                    }
                    Ok(())
                })?;
                Ok(())
            }
        }
    }

    /// Writes everything into `dir/auth.json` (a backup's or a copy's folder).
    pub fn write_file(&self, dir: &Path) -> Result<(), AuthError> {
        crate::durable::write_json_atomically(&dir.join(FILE), &self.everything()?)
            .map_err(|e| AuthError::Write(e.to_string()))
    }

    fn update(&self, change: impl FnOnce(&mut Stored)) -> Result<(), AuthError> {
        let Home::File { path, stored } = &self.home else {
            return Err(AuthError::Write("the sign-ins are in the database".to_owned()));
        };
        let mut stored = lock(stored);
        let mut next = stored.clone();
        change(&mut next);
        crate::durable::write_json_atomically(path, &next)
            .map_err(|e| AuthError::Write(e.to_string()))?;
        *stored = next;
        Ok(())
    }
}

/// A panic while holding this lock would be a bug in a few lines of map updates; the data is
/// still consistent, so carry on with it.
fn lock(stored: &Mutex<Stored>) -> std::sync::MutexGuard<'_, Stored> {
    stored.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
        assert!(store.check_password("ana", "correct horse").unwrap());
        assert!(!store.check_password("ana", "wrong").unwrap());
        assert!(!store.check_password("bo", "correct horse").unwrap());
    }

    #[test]
    fn sessions_survive_a_restart_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let token = AuthStore::open(dir.path()).unwrap().create_session("ana", 1_000).unwrap();
        let reopened = AuthStore::open(dir.path()).unwrap();
        assert_eq!(reopened.session_member(&token, 2_000).unwrap(), Some("ana".into()));
        assert_eq!(reopened.session_member(&token, 1_000 + SESSION_TTL_MS).unwrap(), None);
        assert_eq!(reopened.session_member("forged", 2_000).unwrap(), None);
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
