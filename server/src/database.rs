//! PostgreSQL connections, for what a group keeps in a database: the log
//! ([`crate::log::PgStore`]), the members' sign-ins ([`crate::auth`]) and the keys that
//! seal personal data ([`crate::sealed`]).
//!
//! The `postgres` client blocks, and may not block inside the async runtime, so each
//! connection lives on a thread of its own: one for the log's writer, a few for everything
//! else. A caller hands a job to those threads and waits for its answer, as it would wait
//! for a disk read. A connection that broke is opened again by the next job (and a job that
//! found its connection broken is run once more on a new one); until the database answers,
//! each job fails with a clear error after the connect timeout.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config, NoTls, Statement};

/// What went wrong talking to the database, in words for a log line or an answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DatabaseError(pub String);

/// How long a connection attempt may take before the job fails with a clear error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections for reads, sign-ins and keys.
const SHARED: usize = 3;

/// A database's connections. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Database {
    shared: Arc<Pool>,
    writer: Arc<Pool>,
    config: Arc<Config>,
    name: Arc<str>,
}

impl Database {
    /// The database at `url` (`postgres://user@host:port/db`, or key=value pairs; several
    /// hosts with `target_session_attrs=read-write` follow a failover). Connects lazily.
    pub fn new(url: &str) -> Result<Database, DatabaseError> {
        let config = config(url)?;
        Ok(Database {
            shared: Arc::new(Pool::new(&config, SHARED, "potluck-pg")),
            writer: Arc::new(Pool::new(&config, 1, "potluck-pg-write")),
            name: describe(&config).into(),
            config: Arc::new(config),
        })
    }

    /// Runs `job` on one of the shared connections and waits for it.
    pub fn run<T: Send + 'static>(
        &self,
        job: impl FnMut(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, DatabaseError> {
        self.shared.run(job)
    }

    /// Runs `job` on the log writer's own connection.
    pub fn write<T: Send + 'static>(
        &self,
        job: impl FnMut(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, DatabaseError> {
        self.writer.run(job)
    }

    /// A connection of the caller's own, on the calling thread (never an async one).
    pub fn connect(&self) -> Result<Client, DatabaseError> {
        connect(&self.config).map_err(|e| failure(&e))
    }

    /// "PostgreSQL database potluck on 127.0.0.1:5432": never the password.
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn config(url: &str) -> Result<Config, DatabaseError> {
    let mut config = Config::from_str(url).map_err(|e| {
        DatabaseError(format!("cannot read the store's address (postgres://user@host/db): {e}"))
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
    let mut client = config.connect(NoTls)?;
    // Plan each execution of a prepared statement with the tables as they are now. A plan
    // kept from when a table was nearly empty (a new group, a fresh copy) scans it whole,
    // and goes on scanning it as it grows until the next ANALYZE: the command-id lookup of
    // every batch then took milliseconds instead of microseconds.
    client.batch_execute("SET plan_cache_mode = force_custom_plan")?;
    Ok(client)
}

/// A PostgreSQL error in words: the server's own when it sent some.
pub fn failure(error: &postgres::Error) -> DatabaseError {
    match error.as_db_error() {
        Some(db) => DatabaseError(format!("PostgreSQL: {} ({})", db.message(), db.code().code())),
        None if error.is_closed() => {
            DatabaseError("PostgreSQL: the connection to the database was lost".to_owned())
        }
        None => DatabaseError(format!("PostgreSQL: {error}")),
    }
}

/// One connection and the statements prepared on it.
#[allow(missing_debug_implementations)] // `postgres::Client` has none.
pub struct Session {
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Session {
    /// `sql` prepared on this connection (once).
    pub fn prepared(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

type Job = Box<dyn FnOnce(&mut Option<Session>) + Send>;

/// Threads, each with its own connection, taking jobs in turn.
#[derive(Debug)]
struct Pool {
    jobs: mpsc::Sender<Job>,
    config: Arc<Config>,
}

impl Pool {
    fn new(config: &Config, threads: usize, name: &str) -> Pool {
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
        Pool { jobs, config: Arc::new(config.clone()) }
    }

    /// Runs `job` on one of the pool's connections (opening it first if need be) and waits.
    fn run<T: Send + 'static>(
        &self,
        job: impl FnMut(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, DatabaseError> {
        let (answer, answered) = mpsc::sync_channel(1);
        let config = self.config.clone();
        let work: Job = Box::new(move |slot: &mut Option<Session>| {
            let _ = answer.send(run_on(slot, &config, job));
        });
        self.jobs
            .send(work)
            .map_err(|_| DatabaseError("the PostgreSQL connection threads stopped".to_owned()))?;
        answered
            .recv()
            .map_err(|_| DatabaseError("the PostgreSQL connection threads stopped".to_owned()))?
    }
}

/// Runs `job` on the thread's connection. A connection that was open before and turns out
/// to be broken (the database restarted, or failed over) is opened again and the job run
/// once more: jobs are reads, or a commit that recognises its own batch already in.
fn run_on<T>(
    slot: &mut Option<Session>,
    config: &Config,
    mut job: impl FnMut(&mut Session) -> Result<T, postgres::Error>,
) -> Result<T, DatabaseError> {
    let reused = slot.as_ref().is_some_and(|session| !session.client.is_closed());
    match run_once(slot, config, &mut job) {
        Err(_) if reused && slot.is_none() => run_once(slot, config, &mut job),
        outcome => outcome,
    }
}

fn run_once<T>(
    slot: &mut Option<Session>,
    config: &Config,
    job: &mut impl FnMut(&mut Session) -> Result<T, postgres::Error>,
) -> Result<T, DatabaseError> {
    if slot.as_ref().is_some_and(|session| session.client.is_closed()) {
        *slot = None;
    }
    if slot.is_none() {
        let client = connect(config).map_err(|e| failure(&e))?;
        *slot = Some(Session { client, statements: HashMap::new() });
    }
    let Some(session) = slot.as_mut() else {
        return Err(DatabaseError("PostgreSQL: no connection".to_owned()));
    };
    let outcome = job(session).map_err(|e| failure(&e));
    if session.client.is_closed() {
        *slot = None;
    }
    outcome
}
