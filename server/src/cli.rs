//! The `potluck` command line: parses arguments, sets up logging and maps outcomes to exit
//! codes. `main.rs` only calls [`main`]; the end-to-end tests build the same entry point.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::admin;
use crate::backup::{MANIFEST, empty_target, sync_dir, write_synced};
use crate::group::Group;
use crate::http::{self, Options};
use crate::log::{Clock, Log, SledStorage, system_clock};
use clap::{Parser, Subcommand};
use shared::access::Role;

#[derive(Parser, Debug)]
#[command(name = "potluck", version, about = "Coordination server for mutual-aid groups")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server: the API, the live WebSocket feed and the web client.
    Serve {
        #[command(flatten)]
        data: DataDir,
        /// Address to listen on. Port 0 picks a free port (printed on start).
        #[arg(long, env = "POTLUCK_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Folder of the built web client (`cargo xtask build-client` writes client/dist).
        #[arg(long, env = "POTLUCK_STATIC_DIR")]
        static_dir: Option<PathBuf>,
        /// Serve test-only endpoints (`POST /api/dev/append`). Never in production.
        #[arg(long, hide = true)]
        dev_endpoints: bool,
        /// Fill an empty data folder with a month of demo data and print demo sign-ins.
        #[arg(long)]
        demo: bool,
        /// How many days ahead standing orders' dates are logged, reserved and scheduled.
        #[arg(long, env = "POTLUCK_DAYS_AHEAD", default_value_t = shared::standing::DEFAULT_DAYS_AHEAD,
              value_parser = clap::value_parser!(i64).range(0..=60))]
        days_ahead: i64,
        /// The address browsers use, as a TLS proxy serves it (`https://pantry.example.org`):
        /// an https address makes the session cookie `Secure`.
        #[arg(long, env = "POTLUCK_PUBLIC_URL", value_parser = public_url)]
        public_url: Option<String>,
        /// A proxy in front of the server (its address as the server sees it, e.g.
        /// 127.0.0.1), whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: the
        /// sign-in throttle then counts each browser's address, not the proxy's. Repeat it,
        /// or separate addresses with commas.
        #[arg(
            long = "trusted-proxy",
            env = "POTLUCK_TRUSTED_PROXY",
            value_name = "IP",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// With `--store`: apply the database's missing migrations before starting.
        #[arg(long = "migrate", requires = "store")]
        migrate_first: bool,
    },
    /// Create or update the log's tables in a PostgreSQL database.
    Migrate {
        /// The database (`postgres://user@host:port/database`).
        #[arg(long, env = "POTLUCK_STORE", value_name = "URL")]
        store: String,
    },
    /// Copy a log into an empty data folder or database, and check both end at one head hash.
    Copy {
        /// A data folder, or a database address (`postgres://…`).
        #[arg(long, value_name = "DIR|URL")]
        from: String,
        /// An empty data folder, or a migrated database holding no log.
        #[arg(long, value_name = "DIR|URL")]
        to: String,
    },
    /// Check every record and the hash chain of the log; report the first broken position.
    Verify {
        #[command(flatten)]
        data: DataDir,
    },
    /// Create the first coordinator of a new group and print a one-time password.
    Init {
        #[command(flatten)]
        data: DataDir,
        /// Sign-in id of the first coordinator (a-z 0-9 . _ -).
        #[arg(long, default_value = "coordinator")]
        member_id: String,
        #[arg(long, default_value = "Coordinator")]
        name: String,
        /// The group's time zone, an IANA name such as America/New_York (default UTC; a
        /// coordinator can set it later on the Settings screen).
        #[arg(long)]
        time_zone: Option<String>,
    },
    /// Manage members while the server is stopped.
    ///
    /// A coordinator can also add them in the app.
    Member {
        #[command(subcommand)]
        action: MemberAction,
    },
    /// Print a month's retrospective report (JSON or CSV).
    ///
    /// Computed from the log's events, with the server stopped; a running server answers
    /// `GET /api/reports/{year}/{month}`.
    Report {
        #[command(flatten)]
        data: DataDir,
        /// The month, as 2026-10.
        #[arg(long)]
        month: String,
        /// `json` (the default) or `csv` (one `section,key,measure,value` table).
        #[arg(long, default_value = "json", value_parser = ["json", "csv"])]
        format: String,
    },
    /// Copy the data folder into a new folder, running or not.
    ///
    /// The log, sign-ins, keys and checkpoint. With the server running, the server takes it
    /// (asked through `admin.sock` in the data folder): the log at one head, then the
    /// stores, the copy's chain checked.
    Backup {
        #[command(flatten)]
        data: DataDir,
        /// The folder to write the backup into: missing or empty (never overwritten).
        dir: PathBuf,
    },
    /// Restore a backup into an empty data folder and check its chain.
    ///
    /// A backup taken with `potluck backup`, into `--data`, which must be missing or empty;
    /// the restored log's chain is checked against the backup's head hash.
    Restore {
        #[command(flatten)]
        data: DataDir,
        /// The backup folder.
        dir: PathBuf,
    },
    /// Write the log as NDJSON, or an audit bundle with `--bundle`.
    ///
    /// NDJSON: one stored envelope per line, to stdout or a file. Both read a stopped
    /// server's data folder (a running server locks it); a running server serves the same
    /// bundle to auditors and coordinators at `GET /api/audit/bundle`, as a tar archive.
    Export {
        #[command(flatten)]
        data: DataDir,
        /// Write here instead of stdout.
        #[arg(long, conflicts_with = "bundle")]
        out: Option<PathBuf>,
        /// Write an audit bundle into this folder (missing or empty; never overwritten): the
        /// events as NDJSON, transactions and stock movements as CSV, the monthly
        /// statements, and a manifest with the count, head position, head hash and every
        /// file's SHA-256. Check it with `potluck verify-bundle`.
        #[arg(long, value_name = "DIR")]
        bundle: Option<PathBuf>,
    },
    /// Write a CSV export for accountants and coordinators.
    ///
    /// From a stopped server's data folder (a running server serves the same files at
    /// `GET /api/exports/...`).
    ///
    /// transactions: every posting in the books, one journal line each
    /// (date,account,description,debit,credit,reference). statement: the month's opening
    /// balances, debits and credits, and closing balances per account, in the same layout.
    /// stock-movements: every stock movement, as an audit bundle has them. members: roles,
    /// skills and the month's hours, shifts and absences. No personal data in any of them.
    ExportCsv {
        #[command(flatten)]
        data: DataDir,
        /// transactions, statement, stock-movements or members.
        #[arg(value_parser = crate::exports::Kind::NAMES)]
        kind: String,
        /// For statement and members: the month, as 2026-10 (default: the current month).
        #[arg(long)]
        month: Option<String>,
        /// For transactions: from this day on (the day a posting took effect), as 2026-10-01.
        #[arg(long)]
        from: Option<String>,
        /// For transactions: up to and including this day.
        #[arg(long)]
        to: Option<String>,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a spreadsheet saved as CSV, checked first, all or nothing.
    ///
    /// With the server stopped; a running server takes the same files on its import
    /// screen. KIND is items, members, partners, households,
    /// donations or expenses; see the README for each kind's columns. The file is checked
    /// first and every problem is listed by row and column; nothing is written until you
    /// confirm, and then everything is written at once or nothing is (Ctrl-C stops it).
    /// Importing the same file again creates nothing.
    Import {
        #[command(flatten)]
        data: DataDir,
        /// items, members, partners, households, donations or expenses.
        #[arg(value_parser = crate::import::parse_kind)]
        kind: crate::import::Kind,
        /// The CSV file (comma or semicolon, UTF-8 with or without BOM), up to 50 MB.
        file: PathBuf,
        /// The member who imports: the log names them as the actor of every event.
        #[arg(long = "as", value_name = "MEMBER")]
        actor: String,
        /// How the file writes dates like 03/04/2026: auto, dmy or mdy.
        #[arg(long, default_value = "auto")]
        dates: crate::import::DateOrder,
        /// Only check the file and list its problems.
        #[arg(long)]
        dry_run: bool,
        /// Import without asking, once the check finds no problem.
        #[arg(long)]
        yes: bool,
    },
    /// Check an audit bundle offline, with no server and no data folder.
    ///
    /// The hash chain from the first event, that the CSVs and statements are exactly what
    /// the events imply, and the manifest. Names the position, or the file and line, where
    /// it breaks.
    VerifyBundle {
        /// The bundle's folder.
        dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum MemberAction {
    /// Add a member with one or more roles and print a one-time password.
    Add {
        #[command(flatten)]
        data: DataDir,
        /// Sign-in id (a-z 0-9 . _ -).
        member_id: String,
        /// Display name; defaults to the sign-in id.
        #[arg(long)]
        name: Option<String>,
        /// coordinator, logistics, communications, finance, liaison, driver, volunteer, auditor.
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role `{text}`; one of: {}", names.join(", "))
    })
}

#[derive(clap::Args, Debug)]
struct DataDir {
    /// The data folder (created if missing or empty): the log, unless `--store` keeps it
    /// elsewhere, the members' sign-ins and the households' keys.
    #[arg(long = "data", env = "POTLUCK_DATA", default_value = "data")]
    path: PathBuf,
    /// Keep the log in a PostgreSQL database instead of the data folder
    /// (`postgres://user@host:port/database`; see `potluck migrate`).
    #[arg(long, env = "POTLUCK_STORE", value_name = "URL")]
    store: Option<String>,
}

impl DataDir {
    /// Opens the log where it is kept, creating an empty one if there is none.
    fn open_with(&self, clock: Clock) -> anyhow::Result<Log> {
        let upcasters = shared::upcast::Upcasters::domain();
        match &self.store {
            None => Ok(Log::open_with(&self.path, upcasters, clock)?),
            Some(url) => {
                crate::log::prepare_dir(&self.path)?;
                let log = tokio::task::block_in_place(|| Log::open_postgres(url, upcasters, clock));
                Ok(log?)
            }
        }
    }

    fn open(&self) -> anyhow::Result<Log> {
        self.open_with(system_clock())
    }

    /// Opens an existing log for an offline command.
    fn open_existing(&self) -> anyhow::Result<Log> {
        if self.store.is_none() && !self.path.join(crate::log::MARKER_FILE).exists() {
            anyhow::bail!("{} is not a potluck data folder", self.path.display());
        }
        self.open()
    }

    /// "data" or "data (log in PostgreSQL database potluck on host:5432)", for messages.
    fn describe(&self) -> String {
        match &self.store {
            None => self.path.display().to_string(),
            Some(_) => format!("{} (the log in PostgreSQL)", self.path.display()),
        }
    }
}

/// Runs the command line with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sled=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("potluck: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve {
                data,
                bind,
                static_dir,
                dev_endpoints,
                demo,
                days_ahead,
                public_url,
                trusted_proxies,
                migrate_first,
            } => {
                if migrate_first && let Some(url) = &data.store {
                    migrate(url)?;
                }
                if demo {
                    fill_demo(&data).await?;
                }
                let served = Served {
                    bind,
                    static_dir,
                    dev_endpoints,
                    days_ahead,
                    public_url,
                    trusted_proxies,
                };
                serve(data, served).await
            }
            Command::Verify { data } => verify(data).await,
            Command::Migrate { store } => migrate(&store).map(|()| ExitCode::SUCCESS),
            Command::Copy { from, to } => copy(&from, &to).await,
            Command::Import { data, kind, file, actor, dates, dry_run, yes } => {
                let asked = crate::import::terminal::Asked {
                    kind,
                    file: &file,
                    actor: &actor,
                    dates,
                    dry_run,
                    yes,
                };
                import(data, asked).await
            }
            Command::Init { data, member_id, name, time_zone } => {
                let first = First { time_zone: time_zone.as_deref() };
                add_member(data, &member_id, &name, vec![Role::Coordinator], Some(first)).await
            }
            Command::Member { action: MemberAction::Add { data, member_id, name, roles } } => {
                let name = name.unwrap_or_else(|| member_id.clone());
                add_member(data, &member_id, &name, roles, None).await
            }
            Command::Export { data, bundle: Some(dir), .. } => export_bundle(data, dir).await,
            Command::Export { data, out, bundle: None } => export(data, out).await,
            Command::VerifyBundle { dir } => verify_bundle(&dir),
            Command::ExportCsv { data, kind, month, from, to, out } => {
                let range = (from.as_deref(), to.as_deref());
                let log = data.open_existing().map_err(|error| {
                    error.context(format!(
                        "cannot open {}; if the server is running, it serves the same file at \
                         GET /api/exports/...",
                        data.describe()
                    ))
                })?;
                crate::exports::offline::export_csv(log, &kind, month.as_deref(), range, out).await
            }
            Command::Report { data, month, format } => report(data, &month, &format).await,
            Command::Backup { data, dir } => backup(data, dir).await,
            Command::Restore { data, dir } => restore(dir, data).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("potluck: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// How `potluck serve` was asked to serve.
struct Served {
    bind: SocketAddr,
    static_dir: Option<PathBuf>,
    dev_endpoints: bool,
    days_ahead: i64,
    public_url: Option<String>,
    trusted_proxies: Vec<std::net::IpAddr>,
}

/// An address that starts with `http://` or `https://`.
fn public_url(text: &str) -> Result<String, String> {
    let text = text.trim().trim_end_matches('/');
    if text.starts_with("https://") || text.starts_with("http://") {
        Ok(text.to_owned())
    } else {
        Err("an address such as https://pantry.example.org".to_owned())
    }
}

async fn serve(data: DataDir, served: Served) -> anyhow::Result<ExitCode> {
    let Served { bind, static_dir, dev_endpoints, public_url, trusted_proxies, .. } = served;
    let log = data.open()?;
    let data = data.path;
    // Start-up folds the whole log and checks its chain: a damaged log stops here, with the
    // position, rather than serving answers built on it.
    let options =
        Options { static_dir, dev_endpoints, public_url, trusted_proxies, ..Options::default() };
    let group = start_group(&log, &data, system_clock())?;
    tracing::info!(events = log.head().position, "log replayed and verified");
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let address = listener.local_addr()?;
    let state = http::AppState::new(group.clone(), options);
    let router = http::app(state.clone());
    tokio::spawn(crate::backup::serve_admin(group.clone(), data.clone(), group.closing()));
    group.spawn_chores(served.days_ahead);
    println!("potluck is listening on http://{address}");
    http::serve(listener, router, async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight commands, closing sockets");
        state.begin_shutdown();
    })
    .await?;
    log.close().await;
    tracing::info!("stopped cleanly");
    Ok(ExitCode::SUCCESS)
}

/// Fills an empty data folder with the demo month; leaves one with data alone.
async fn fill_demo(data: &DataDir) -> anyhow::Result<()> {
    let clock_value = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let reading = clock_value.clone();
    let clock: Clock =
        std::sync::Arc::new(move || reading.load(std::sync::atomic::Ordering::SeqCst));
    let log = data.open_with(clock.clone())?;
    if log.head().position > 0 {
        log.close().await;
        println!("The log already holds data: --demo adds nothing to it.");
        return Ok(());
    }
    let group = start_group(&log, &data.path, clock)?;
    let real_now = (system_clock())();
    let filled = crate::demo::fill(&group, &clock_value, real_now).await;
    log.close().await;
    let filled = filled?;
    println!(
        "Demo data: {} commands sent. Every demo member's password is {:?}.",
        filled.commands,
        crate::demo::DEMO_PASSWORD
    );
    let mut shown = std::collections::BTreeSet::new();
    for (member_id, roles) in filled.members {
        if roles.iter().any(|role| shown.insert(*role)) {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            println!("  sign in as {member_id:<8} ({})", names.join(", "));
        }
    }
    Ok(())
}

/// Starts the group over an open log: every command (`serve`, `init`, `member add`,
/// `import`, the demo) goes through the same service. Start-up folds the whole log and
/// checks its chain: a damaged log stops here, with the position.
fn start_group(log: &Log, data: &std::path::Path, clock: Clock) -> anyhow::Result<Group> {
    let started = tokio::task::block_in_place(|| {
        Group::start(log.clone(), data, clock, crate::group::Options::default())
    });
    Ok(started?)
}

/// Applies the database's missing migrations (`potluck migrate`, `serve --migrate`).
fn migrate(url: &str) -> anyhow::Result<()> {
    let applied = tokio::task::block_in_place(|| crate::log::migrate(url))?;
    match applied.as_slice() {
        [] => println!("The database's schema is up to date."),
        versions => println!("Applied migrations {versions:?}."),
    }
    Ok(())
}

/// `potluck copy --from A --to B`: a log from a data folder or database into an empty one.
async fn copy(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let (source_place, target_place) = (Place::parse(from), Place::parse(to));
    if let Place::Folder(path) = &source_place
        && !path.join(crate::log::MARKER_FILE).exists()
    {
        anyhow::bail!("{} is not a potluck data folder", path.display());
    }
    let source = source_place.open()?;
    let target = target_place.open()?;
    let head = source.head();
    let copied = tokio::task::block_in_place(|| -> anyhow::Result<crate::log::Verified> {
        crate::log::copy(source.store(), target.store(), head.position)
            .map_err(anyhow::Error::msg)?;
        // The sign-ins and keys go with the log: without its keys, a copy's sealed
        // contacts could never be opened.
        let (from_auth, from_keys) = stores_of(&source, source_place.folder())?;
        let (to_auth, to_keys) = stores_of(&target, target_place.folder())?;
        to_auth.import(&from_auth.export()?)?;
        to_keys.import(&from_keys.export()?)?;
        Ok(target.verify()?)
    });
    source.close().await;
    target.close().await;
    let copied = copied?;
    if copied.head_hash != head.hash || copied.count != head.position {
        anyhow::bail!(
            "the copy ends at {} events, not {}: do not use it",
            copied.count,
            head.position
        );
    }
    println!(
        "Copied {} events from {from} to {to}; both end at head hash {}",
        copied.count,
        hex::encode(copied.head_hash)
    );
    Ok(ExitCode::SUCCESS)
}

/// The sign-in and key stores kept with `log`: in its database, or in the data folder.
fn stores_of(
    log: &Log,
    folder: &std::path::Path,
) -> anyhow::Result<(crate::auth::AuthStore, crate::sealed::KeyStore)> {
    use crate::auth::AuthStore;
    use crate::sealed::KeyStore;
    Ok(match log.database() {
        Some(database) => {
            (AuthStore::in_database(database.clone())?, KeyStore::in_database(database))
        }
        None => (AuthStore::open(folder)?, KeyStore::open(folder)?),
    })
}

/// Where `potluck copy` reads or writes a log: a data folder or a database address.
enum Place {
    Folder(PathBuf),
    Database(String),
}

impl Place {
    fn parse(text: &str) -> Place {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Place::Database(text.to_owned())
        } else {
            Place::Folder(PathBuf::from(text))
        }
    }

    /// The data folder (none for a database: its stores are in it).
    fn folder(&self) -> &std::path::Path {
        match self {
            Place::Folder(path) => path,
            Place::Database(_) => std::path::Path::new(""),
        }
    }

    fn open(&self) -> anyhow::Result<Log> {
        let upcasters = shared::upcast::Upcasters::domain();
        Ok(match self {
            Place::Folder(path) => Log::open_with(path, upcasters, system_clock())?,
            Place::Database(url) => {
                tokio::task::block_in_place(|| Log::open_postgres(url, upcasters, system_clock()))?
            }
        })
    }
}

/// What `potluck init` sets besides the first member.
struct First<'a> {
    time_zone: Option<&'a str>,
}

async fn add_member(
    data: DataDir,
    member_id: &str,
    name: &str,
    roles: Vec<Role>,
    init: Option<First<'_>>,
) -> anyhow::Result<ExitCode> {
    let first = init.is_some();
    let log = data.open()?;
    let group = start_group(&log, &data.path, system_clock())?;
    let existing = group.read(|p| p.members.len());
    if first && existing > 0 {
        log.close().await;
        anyhow::bail!("this group already has members; add more with `potluck member add`");
    }
    if !first && existing == 0 {
        log.close().await;
        anyhow::bail!("this group has no members yet; start with `potluck init`");
    }
    if let Some(zone) = init.and_then(|first| first.time_zone) {
        let zoned = admin::set_time_zone(&group, admin::INIT_ACTOR.into(), zone).await;
        if let Err(error) = zoned {
            log.close().await;
            return Err(error);
        }
    }
    let actor = admin::INIT_ACTOR.into();
    let added = admin::add_member(&group, actor, member_id, name, roles).await;
    log.close().await;
    let added = added?;
    println!(
        "Added {member_id}. One-time password (hand it over, then change it): {}",
        added.password
    );
    Ok(ExitCode::SUCCESS)
}

async fn import(
    data: DataDir,
    asked: crate::import::terminal::Asked<'_>,
) -> anyhow::Result<ExitCode> {
    let log = data.open_existing()?;
    let group = start_group(&log, &data.path, system_clock())?;
    let outcome = crate::import::terminal::run(&group, asked).await;
    log.close().await;
    outcome
}

async fn export(data: DataDir, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let log = data.open_existing()?;
    let mut writer: Box<dyn Write> = match &out {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut next = 1;
    let result: anyhow::Result<()> = (|| {
        loop {
            let chunk = log.read_raw(next, 4096)?;
            let Some(last) = chunk.last() else { break };
            next = last.position + 1;
            for envelope in &chunk {
                serde_json::to_writer(&mut writer, envelope)?;
                writer.write_all(b"\n")?;
            }
        }
        writer.flush()?;
        Ok(())
    })();
    log.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn export_bundle(data: DataDir, dir: PathBuf) -> anyhow::Result<ExitCode> {
    let log = data.open_existing().map_err(|error| {
        error.context(format!(
            "cannot open {}; if the server is running, it serves the same bundle at \
             GET /api/audit/bundle",
            data.describe()
        ))
    })?;
    let now_ms = (system_clock())();
    let result = tokio::task::block_in_place(|| {
        crate::bundle::write_dir(&log, &dir, crate::bundle::EXPORTED_BY_CLI, now_ms)
    });
    log.close().await;
    let manifest = result?;
    println!(
        "Exported {} events to {}, head hash {}; check it with `potluck verify-bundle {}`",
        manifest.count,
        dir.display(),
        manifest.head_hash,
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Verifies a bundle's folder: exit 0 with a summary, or 1 naming every problem found.
fn verify_bundle(dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    match tokio::task::block_in_place(|| crate::bundle::verify(dir)) {
        Ok(verified) => {
            let m = &verified.manifest;
            println!(
                "OK: {} events, chained from the first to position {}, head hash {}; {} \
                 postings, {} stock movements and {} monthly statements are exactly what the \
                 events imply; every file matches the manifest (exported {} by {})",
                m.count,
                m.head_position,
                m.head_hash,
                verified.transaction_rows,
                verified.movement_rows,
                verified.months.len(),
                m.exported_at,
                m.exported_by
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for problem in problems {
                println!("BROKEN: {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn verify(data: DataDir) -> anyhow::Result<ExitCode> {
    let log = data.open_existing()?;
    let result = tokio::task::block_in_place(|| log.verify());
    log.close().await;
    match result {
        Ok(verified) => {
            let hash = hex::encode(verified.head_hash);
            println!("OK: {} events, head hash {hash}", verified.count);
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("BROKEN: {broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// What a backup holds besides its manifest: everything in a data folder.
const BACKED_UP: [&str; 5] =
    ["log", "auth.json", "household_keys.json", crate::log::MARKER_FILE, "HEAD_CHECKPOINT"];

async fn report(data: DataDir, month: &str, format: &str) -> anyhow::Result<ExitCode> {
    let parsed = month.split_once('-').and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?)));
    let Some((year, month_number)) = parsed else {
        anyhow::bail!("--month {month}: expected a month such as 2026-10");
    };
    let log = data.open_existing()?;
    // No snapshots are kept for a stopped server's folder: the report folds from the start.
    let history = crate::history::History::new(&data.path, crate::history::DEFAULT_EVERY);
    let result = tokio::task::block_in_place(|| {
        crate::report::month_report(&log, &history, (year, month_number), (system_clock())())
    });
    log.close().await;
    let Some(report) = result? else {
        anyhow::bail!("--month {month}: no such month");
    };
    match format {
        "csv" => print!("{}", crate::report::to_csv(&report)),
        _ => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(ExitCode::SUCCESS)
}

async fn backup(data: DataDir, dir: PathBuf) -> anyhow::Result<ExitCode> {
    // A running server holds the log: it takes the backup itself.
    if let Some(taken) = crate::backup::ask_running_server(&data.path, &dir).await {
        let taken = taken?;
        println!(
            "Backed up {} events to {} from the running server, head hash {}",
            taken.count,
            dir.display(),
            taken.head_hash
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Holding the log open keeps the folder locked: no server can write while it is copied.
    let log = data.open_existing()?;
    let in_database = data.store.is_some();
    let data = data.path;
    let result = tokio::task::block_in_place(|| -> anyhow::Result<crate::log::Verified> {
        let verified = log.verify().map_err(|broken| {
            anyhow::anyhow!("the log is damaged ({broken}); not backing it up")
        })?;
        empty_target(&dir)?;
        copy_data_folder(&data, &dir)?;
        if in_database {
            // The backup holds the log as a data folder would: restore it, then copy it into
            // a database if need be.
            let store = SledStorage::open(&dir.join("log"))?;
            crate::log::copy(log.store(), &store, verified.count).map_err(anyhow::Error::msg)?;
            crate::log::write_checkpoint(&dir, log.head())?;
            let (auth, keys) = stores_of(&log, &data)?;
            auth.write_file(&dir)?;
            keys.write_file(&dir)?;
        }
        let manifest = serde_json::json!({
            "count": verified.count, "head_hash": hex::encode(verified.head_hash)
        });
        write_synced(&dir.join(MANIFEST), manifest.to_string().as_bytes())?;
        sync_dir(&dir)?;
        Ok(verified)
    });
    log.close().await;
    let verified = result?;
    println!(
        "Backed up {} events to {}, head hash {}",
        verified.count,
        dir.display(),
        hex::encode(verified.head_hash)
    );
    Ok(ExitCode::SUCCESS)
}

async fn restore(backup: PathBuf, data: DataDir) -> anyhow::Result<ExitCode> {
    if data.store.is_some() {
        anyhow::bail!(
            "restore a backup into a data folder (--data DIR), then move its log into the \
             database with `potluck copy --from DIR --to URL`"
        );
    }
    let data = data.path;
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(backup.join(MANIFEST))
            .map_err(|e| anyhow::anyhow!("{} is not a potluck backup: {e}", backup.display()))?,
    )?;
    tokio::task::block_in_place(|| -> anyhow::Result<()> {
        empty_target(&data)?;
        copy_data_folder(&backup, &data)?;
        sync_dir(&data)
    })?;
    let log = Log::open(&data)?;
    let result = tokio::task::block_in_place(|| log.verify());
    log.close().await;
    let verified =
        result.map_err(|broken| anyhow::anyhow!("the restored log is damaged: {broken}"))?;
    let hash = hex::encode(verified.head_hash);
    if manifest["head_hash"].as_str() != Some(hash.as_str()) {
        anyhow::bail!(
            "the restored log ends at head hash {hash}, but the backup was taken at {}",
            manifest["head_hash"]
        );
    }
    println!("Restored {} events into {}, head hash {hash}", verified.count, data.display());
    Ok(ExitCode::SUCCESS)
}

fn copy_data_folder(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    for name in BACKED_UP {
        let source = from.join(name);
        if source.is_dir() {
            copy_tree(&source, &to.join(name))?;
        } else if source.exists() {
            write_synced(&to.join(name), &std::fs::read(&source)?)?;
        }
    }
    Ok(())
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            write_synced(&target, &std::fs::read(entry.path())?)?;
        }
    }
    sync_dir(to)
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
