//! PostgreSQL under the log, for a group past one machine (ADR 0006).
//!
//! The tables are in `server/migrations/`, applied by [`migrate`] (`potluck migrate`, or
//! `potluck serve --migrate`). A commit (`potluck_commit`, one round trip) locks the head
//! row, checks that the head is the one its batch was built on, inserts the records and
//! answers and moves the head, all in one transaction: positions are given in commit order
//! under that lock, never by a sequence.
//! An answer goes out only once PostgreSQL has committed (`synchronous_commit`, on by
//! default, makes that durable; with a synchronous standby, durable there too).
//!
//! Connections come from [`crate::database`].

use std::collections::HashMap;
use std::time::Duration;

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use crate::database::{Database, DatabaseError, Session, failure};

use super::StorageError;
use super::store::{Commit, CommitError, EventStore, Wake};

/// Every schema change, in order. A database records the ones it has in `potluck_schema`.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/0001_the_log.sql")),
    (2, include_str!("../../migrations/0002_keys_and_sign_ins.sql")),
];

/// The log's store in a PostgreSQL database.
#[derive(Debug)]
pub struct PgStore {
    database: Database,
}

impl From<DatabaseError> for StorageError {
    fn from(error: DatabaseError) -> Self {
        StorageError(error.0)
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`, or key=value
    /// pairs; several hosts with `target_session_attrs=read-write` follow a failover) and
    /// checks that its tables are this build's.
    pub fn open(url: &str) -> Result<PgStore, StorageError> {
        let store = PgStore { database: Database::new(url)? };
        let version = store.database.run(|session| schema_version(&mut session.client))?;
        let name = store.database.name();
        let latest = latest_migration();
        if version == 0 {
            return Err(StorageError(format!(
                "{name} has no potluck tables yet: run `potluck migrate --store URL` (or start \
                 with `potluck serve --migrate`)"
            )));
        }
        if version < latest {
            return Err(StorageError(format!(
                "{name} is at schema {version}; this build needs {latest}: run `potluck migrate \
                 --store URL`"
            )));
        }
        if version > latest {
            return Err(StorageError(format!(
                "{name} is at schema {version}, newer than this build knows ({latest}): run a \
                 newer potluck"
            )));
        }
        Ok(store)
    }

    fn read<T: Send + 'static>(
        &self,
        job: impl FnMut(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StorageError> {
        Ok(self.database.run(job)?)
    }

    /// The database's connections, for the sign-ins and keys kept beside the log.
    pub fn database(&self) -> &Database {
        &self.database
    }
}

/// Applies the migrations a database lacks; returns the versions applied. Blocks; safe to
/// call from async code (the client runs on a thread of its own).
pub fn migrate(url: &str) -> Result<Vec<i32>, StorageError> {
    let database = Database::new(url)?;
    std::thread::scope(|scope| {
        scope.spawn(|| migrate_on(&database)).join().unwrap_or_else(|_| {
            Err(StorageError("PostgreSQL: the migration thread stopped".to_owned()))
        })
    })
}

fn migrate_on(database: &Database) -> Result<Vec<i32>, StorageError> {
    let name = database.name();
    let mut client = database.connect()?;
    let applied = (|| {
        client.batch_execute(
            "CREATE TABLE IF NOT EXISTS potluck_schema (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now())",
        )?;
        let mut transaction = client.transaction()?;
        // Two servers started with --migrate at once: the second waits, then finds nothing
        // to do.
        transaction.batch_execute("LOCK TABLE potluck_schema IN EXCLUSIVE MODE")?;
        let row =
            transaction.query_one("SELECT coalesce(max(version), 0) FROM potluck_schema", &[])?;
        let current: i32 = row.get(0);
        let mut applied = Vec::new();
        for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > current) {
            transaction.batch_execute(sql)?;
            transaction.execute("INSERT INTO potluck_schema (version) VALUES ($1)", &[version])?;
            applied.push(*version);
        }
        transaction.commit()?;
        Ok::<_, postgres::Error>((current, applied))
    })();
    let (current, applied) = applied.map_err(|e| StorageError(failure(&e).0))?;
    if current > latest_migration() {
        return Err(StorageError(format!(
            "{name} is at schema {current}, newer than this build knows: run a newer potluck"
        )));
    }
    Ok(applied)
}

fn latest_migration() -> i32 {
    MIGRATIONS.last().map_or(0, |(version, _)| *version)
}

/// The schema version a database has (0: none).
fn schema_version(client: &mut Client) -> Result<i32, postgres::Error> {
    let exists = client.query_one("SELECT to_regclass('potluck_schema') IS NOT NULL", &[])?;
    if !exists.get::<_, bool>(0) {
        return Ok(0);
    }
    let row = client.query_one("SELECT coalesce(max(version), 0) FROM potluck_schema", &[])?;
    Ok(row.get(0))
}

fn position(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn limit(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl EventStore for PgStore {
    fn record(&self, at: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.read(move |session| {
            let statement =
                session.prepared("SELECT record FROM potluck_events WHERE position = $1")?;
            let row = session.client.query_opt(&statement, &[&position(at)])?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn records(&self, from: u64, count: usize) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        self.read(move |session| {
            let statement = session.prepared(
                "SELECT position, record FROM potluck_events WHERE position >= $1 \
                 ORDER BY position LIMIT $2",
            )?;
            let rows = session.client.query(&statement, &[&position(from), &limit(count)])?;
            Ok(rows.iter().map(|row| (unsigned(row.get(0)), row.get(1))).collect())
        })
    }

    fn last_record(&self) -> Result<Option<(u64, Vec<u8>)>, StorageError> {
        self.read(|session| {
            let statement = session.prepared(
                "SELECT position, record FROM potluck_events ORDER BY position DESC LIMIT 1",
            )?;
            let row = session.client.query_opt(&statement, &[])?;
            Ok(row.map(|row| (unsigned(row.get(0)), row.get(1))))
        })
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StorageError> {
        let stream = stream.to_owned();
        self.read(move |session| {
            let statement = session.prepared(
                "SELECT coalesce(max(stream_version), 0) FROM potluck_events WHERE stream = $1",
            )?;
            let row = session.client.query_one(&statement, &[&stream])?;
            Ok(unsigned(row.get(0)))
        })
    }

    fn stream_positions(&self, stream: &str, from_version: u64) -> Result<Vec<u64>, StorageError> {
        let stream = stream.to_owned();
        self.read(move |session| {
            let statement = session.prepared(
                "SELECT position FROM potluck_events WHERE stream = $1 AND stream_version >= $2 \
                 ORDER BY stream_version",
            )?;
            let rows = session.client.query(&statement, &[&stream, &position(from_version)])?;
            Ok(rows.iter().map(|row| unsigned(row.get(0))).collect())
        })
    }

    fn answer(&self, command_id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let command_id = command_id.to_owned();
        self.read(move |session| {
            let statement =
                session.prepared("SELECT answer FROM potluck_commands WHERE command_id = $1")?;
            let row = session.client.query_opt(&statement, &[&command_id])?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn answers_of(&self, command_ids: &[&str]) -> Result<HashMap<String, Vec<u8>>, StorageError> {
        let ids: Vec<String> = command_ids.iter().map(|id| (*id).to_owned()).collect();
        self.read(move |session| {
            let statement = session.prepared(
                "SELECT command_id, answer FROM potluck_commands WHERE command_id = ANY($1)",
            )?;
            let rows = session.client.query(&statement, &[&ids])?;
            Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    fn answers(&self, after: &str, count: usize) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
        let after = after.to_owned();
        self.read(move |session| {
            let statement = session.prepared(
                "SELECT command_id, answer FROM potluck_commands WHERE command_id > $1 \
                 ORDER BY command_id LIMIT $2",
            )?;
            let rows = session.client.query(&statement, &[&after, &limit(count)])?;
            Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    fn commit(&self, commit: &Commit<'_>) -> Result<(), CommitError> {
        let after = commit.after;
        let head = commit.head;
        let records = commit.records;
        let positions: Vec<i64> = records.iter().map(|r| position(r.position)).collect();
        let streams: Vec<String> = records.iter().map(|r| r.stream.clone()).collect();
        let versions: Vec<i64> = records.iter().map(|r| position(r.stream_version)).collect();
        let types: Vec<String> = records.iter().map(|r| r.event_type.clone()).collect();
        let times: Vec<i64> = records.iter().map(|r| r.recorded_at_ms).collect();
        let bytes: Vec<Vec<u8>> = records.iter().map(|r| r.bytes.clone()).collect();
        let (ids, answers): (Vec<String>, Vec<Vec<u8>>) = commit.answers.iter().cloned().unzip();
        let moved = self.database.write(move |session| {
            let statement = session.prepared(
                "SELECT potluck_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )?;
            let row = session.client.query_one(
                &statement,
                &[
                    &position(after.position),
                    &after.hash.as_slice(),
                    &position(head.position),
                    &head.hash.as_slice(),
                    &positions,
                    &streams,
                    &versions,
                    &types,
                    &times,
                    &bytes,
                    &ids,
                    &answers,
                ],
            )?;
            Ok(row.get::<_, Option<i64>>(0).map(unsigned))
        });
        let moved = moved.map_err(StorageError::from)?;
        match moved {
            Some(at) => Err(CommitError::HeadMoved(at)),
            None => Ok(()),
        }
    }

    fn size_on_disk(&self) -> Result<u64, StorageError> {
        self.read(|session| {
            let row = session.client.query_one(
                "SELECT pg_total_relation_size('potluck_events') \
                 + pg_total_relation_size('potluck_commands')",
                &[],
            )?;
            Ok(unsigned(row.get(0)))
        })
    }

    fn kind(&self) -> &'static str {
        "PostgreSQL"
    }

    fn database(&self) -> Option<Database> {
        Some(self.database.clone())
    }

    /// Listens on `potluck_log` (each commit notifies it with its head position) on a
    /// connection of its own, and wakes at least every [`CHECK_EVERY`] in case a
    /// notification was lost (the notification is a wake-up, never the truth).
    fn watch(&self, wake: Wake) {
        let database = self.database.clone();
        let spawned = std::thread::Builder::new()
            .name("potluck-pg-listen".into())
            .spawn(move || listen(&database, &wake));
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the PostgreSQL listener");
        }
    }
}

/// How often a server looks for other servers' appends without being notified.
const CHECK_EVERY: Duration = Duration::from_secs(2);

fn listen(database: &Database, wake: &Wake) {
    loop {
        let listened = (|| -> Result<bool, DatabaseError> {
            let mut client = database.connect()?;
            listen_on(&mut client, wake).map_err(|e| failure(&e))
        })();
        match listened {
            Ok(false) => return,
            Ok(true) => {}
            Err(error) => {
                tracing::warn!(%error, "listening for other servers' appends");
                if !wake(0) {
                    return;
                }
                std::thread::sleep(CHECK_EVERY);
            }
        }
    }
}

/// Wakes on each notification, and every [`CHECK_EVERY`] without one; `Ok(false)` once
/// `wake` says to stop.
fn listen_on(client: &mut Client, wake: &Wake) -> Result<bool, postgres::Error> {
    client.batch_execute("LISTEN potluck_log")?;
    // Whatever was appended while this connection was away.
    if !wake(0) {
        return Ok(false);
    }
    loop {
        let mut notifications = client.notifications();
        let mut woken = false;
        let mut iter = notifications.timeout_iter(CHECK_EVERY);
        while let Some(notification) = iter.next()? {
            woken = true;
            if !wake(notification.payload().parse().unwrap_or(0)) {
                return Ok(false);
            }
        }
        if !woken && !wake(0) {
            return Ok(false);
        }
    }
}

impl std::fmt::Display for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.database.name())
    }
}
