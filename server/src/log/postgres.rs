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
//! The `postgres` client blocks, and may not block inside the async runtime, so each
//! connection lives on a thread of its own: one for the writer, a few for readers. A caller
//! hands a job to those threads and waits for its answer, as it would wait for a disk read.
//! A connection that broke is opened again by the next job; until the database answers,
//! each job fails with a clear error after the connect timeout.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config, NoTls, Statement};

use super::StorageError;
use super::store::{Commit, CommitError, EventStore};

/// Every schema change, in order. A database records the ones it has in `potluck_schema`.
const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../../migrations/0001_the_log.sql"))];

/// How long a connection attempt may take before the job fails with a clear error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Reader connections: the projector, replays and the API's reads share them.
const READERS: usize = 3;
/// The advisory lock the writing server holds: one writer per database until several
/// servers catch up with each other (issue 20).
const WRITER_LOCK: i64 = 0x706f_746c_7563_6b00; // "potluck\0"

/// The log's store in a PostgreSQL database.
#[derive(Debug)]
pub struct PgStore {
    readers: Pool,
    writer: Pool,
    name: String,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`, or key=value
    /// pairs; several hosts with `target_session_attrs=read-write` follow a failover) and
    /// checks that its tables are this build's.
    pub fn open(url: &str) -> Result<PgStore, StorageError> {
        let config = config(url)?;
        let name = describe(&config);
        let readers = Pool::new(&config, READERS, "potluck-pg-read", None);
        let writer = Pool::new(&config, 1, "potluck-pg-write", Some(take_writer_lock));
        let store = PgStore { readers, writer, name };
        let version = store.readers.run(|session| schema_version(&mut session.client))?;
        let latest = latest_migration();
        if version == 0 {
            return Err(StorageError(format!(
                "{} has no potluck tables yet: run `potluck migrate --store URL` (or start \
                 with `potluck serve --migrate`)",
                store.name
            )));
        }
        if version < latest {
            return Err(StorageError(format!(
                "{} is at schema {version}; this build needs {latest}: run `potluck migrate \
                 --store URL`",
                store.name
            )));
        }
        if version > latest {
            return Err(StorageError(format!(
                "{} is at schema {version}, newer than this build knows ({latest}): run a \
                 newer potluck",
                store.name
            )));
        }
        Ok(store)
    }

    fn read<T: Send + 'static>(
        &self,
        job: impl FnMut(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StorageError> {
        self.readers.run(job)
    }
}

/// Applies the migrations a database lacks; returns the versions applied. Blocks; safe to
/// call from async code (the client runs on a thread of its own).
pub fn migrate(url: &str) -> Result<Vec<i32>, StorageError> {
    let config = config(url)?;
    std::thread::scope(|scope| {
        scope.spawn(|| migrate_on(&config)).join().unwrap_or_else(|_| {
            Err(StorageError("PostgreSQL: the migration thread stopped".to_owned()))
        })
    })
}

fn migrate_on(config: &Config) -> Result<Vec<i32>, StorageError> {
    let name = describe(config);
    let mut client = connect(config).map_err(|e| failure(&e))?;
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
    let (current, applied) = applied.map_err(|e| failure(&e))?;
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

fn take_writer_lock(client: &mut Client) -> Result<(), String> {
    let row = client
        .query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK])
        .map_err(|e| failure(&e).0)?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err("another potluck server is writing to this database; one server writes to a \
             database for now (several servers: issue 20)"
            .to_owned())
    }
}

fn config(url: &str) -> Result<Config, StorageError> {
    let mut config = Config::from_str(url).map_err(|e| {
        StorageError(format!("cannot read the store's address (postgres://user@host/db): {e}"))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("potluck");
    }
    config.keepalives(true).keepalives_idle(Duration::from_secs(30));
    Ok(config)
}

/// "PostgreSQL database potluck on 127.0.0.1:5432": never the password.
fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = config.get_ports().get(i).or(config.get_ports().first()).unwrap_or(&5432);
            match host {
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(path) => format!("{}:{port}", path.display()),
            }
        })
        .collect();
    let database = config.get_dbname().or(config.get_user()).unwrap_or("postgres");
    format!("PostgreSQL database {database} on {}", hosts.join(","))
}

fn connect(config: &Config) -> Result<Client, postgres::Error> {
    config.connect(NoTls)
}

/// A PostgreSQL error as the log reports it: the server's own words when it sent some.
fn failure(error: &postgres::Error) -> StorageError {
    match error.as_db_error() {
        Some(db) => StorageError(format!("PostgreSQL: {} ({})", db.message(), db.code().code())),
        None if error.is_closed() => {
            StorageError("PostgreSQL: the connection to the database was lost".to_owned())
        }
        None => StorageError(format!("PostgreSQL: {error}")),
    }
}

/// One connection and the statements prepared on it.
struct Session {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Session {
    fn prepared(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

type Job = Box<dyn FnOnce(&mut Option<Session>) + Send>;
type OnConnect = fn(&mut Client) -> Result<(), String>;

/// Threads, each with its own connection, taking jobs in turn.
#[derive(Debug)]
struct Pool {
    jobs: mpsc::Sender<Job>,
    config: Arc<Config>,
    on_connect: Option<OnConnect>,
}

impl Pool {
    fn new(config: &Config, threads: usize, name: &str, on_connect: Option<OnConnect>) -> Pool {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let inbox = Arc::new(Mutex::new(inbox));
        for _ in 0..threads {
            let inbox = inbox.clone();
            let spawned = std::thread::Builder::new().name(name.to_owned()).spawn(move || {
                let mut session = None;
                loop {
                    let job = match inbox.lock() {
                        Ok(inbox) => inbox.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(&mut session),
                        Err(_) => return,
                    }
                }
            });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a PostgreSQL connection thread");
            }
        }
        Pool { jobs, config: Arc::new(config.clone()), on_connect }
    }

    /// Runs `job` on one of the pool's connections (opening it first if need be) and waits.
    fn run<T: Send + 'static>(
        &self,
        job: impl FnMut(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StorageError> {
        let (answer, answered) = mpsc::sync_channel(1);
        let (config, on_connect) = (self.config.clone(), self.on_connect);
        let work: Job = Box::new(move |slot: &mut Option<Session>| {
            let _ = answer.send(run_on(slot, &config, on_connect, job));
        });
        self.jobs
            .send(work)
            .map_err(|_| StorageError("the PostgreSQL connection threads stopped".to_owned()))?;
        answered
            .recv()
            .map_err(|_| StorageError("the PostgreSQL connection threads stopped".to_owned()))?
    }
}

/// Runs `job` on the thread's connection. A connection that was open before and turns out
/// to be broken (the database restarted, or failed over) is opened again and the job run
/// once more: jobs are reads, or a commit that recognises its own batch already in.
fn run_on<T>(
    slot: &mut Option<Session>,
    config: &Config,
    on_connect: Option<OnConnect>,
    mut job: impl FnMut(&mut Session) -> Result<T, postgres::Error>,
) -> Result<T, StorageError> {
    let reused = slot.as_ref().is_some_and(|session| !session.client.is_closed());
    match run_once(slot, config, on_connect, &mut job) {
        Err(_) if reused && slot.is_none() => run_once(slot, config, on_connect, &mut job),
        outcome => outcome,
    }
}

fn run_once<T>(
    slot: &mut Option<Session>,
    config: &Config,
    on_connect: Option<OnConnect>,
    job: &mut impl FnMut(&mut Session) -> Result<T, postgres::Error>,
) -> Result<T, StorageError> {
    if slot.as_ref().is_some_and(|session| session.client.is_closed()) {
        *slot = None;
    }
    if slot.is_none() {
        let mut client = connect(config).map_err(|e| failure(&e))?;
        if let Some(on_connect) = on_connect {
            on_connect(&mut client).map_err(StorageError)?;
        }
        *slot = Some(Session { client, statements: HashMap::new() });
    }
    let Some(session) = slot.as_mut() else {
        return Err(StorageError("PostgreSQL: no connection".to_owned()));
    };
    let outcome = job(session).map_err(|e| failure(&e));
    if session.client.is_closed() {
        *slot = None;
    }
    outcome
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
        let moved = self.writer.run(move |session| {
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
        })?;
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
}

impl std::fmt::Display for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}
