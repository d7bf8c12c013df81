//! A private PostgreSQL cluster for a test: `initdb` into a temporary folder, `pg_ctl start`
//! on a free loopback port, stopped (immediately) when the value is dropped. Run as root (as
//! in CI), the cluster belongs to the `postgres` user, since PostgreSQL refuses to run as
//! root. PostgreSQL must be installed (`cargo xtask test` installs Debian's `postgresql`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running cluster, with one database `potluck`.
#[derive(Debug)]
pub struct Cluster {
    /// Holds the cluster's files; removed after the cluster stops.
    _root: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// Starts a new cluster and creates the database `potluck`.
    pub fn start() -> Cluster {
        Cluster::start_with("")
    }

    /// A primary and its streaming standby; once both run, the primary's commits wait for
    /// the standby (`synchronous_standby_names`, set on the primary after the standby was
    /// copied from it, so a promoted standby does not wait for a standby of its own).
    pub fn primary_and_standby() -> (Cluster, Cluster) {
        let primary = Cluster::start_with("-c wal_level=replica");
        let standby = Cluster::standby_of(&primary);
        primary.psql("postgres", "ALTER SYSTEM SET synchronous_standby_names = 'standby'");
        primary.psql("postgres", "SELECT pg_reload_conf()");
        for _ in 0..200 {
            let state = primary.psql(
                "postgres",
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'",
            );
            if state == "sync" {
                return (primary, standby);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the standby never became synchronous");
    }

    /// Starts a new cluster with extra server settings (`-c name=value …`; a later setting
    /// of the same name wins) and creates the database `potluck`.
    pub fn start_with(settings: &str) -> Cluster {
        let cluster = Cluster::empty();
        cluster.run(
            "initdb",
            &[
                "-D",
                path(&cluster.data),
                "-U",
                "potluck",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        cluster.launch(settings);
        cluster.psql("postgres", "CREATE DATABASE potluck");
        cluster
    }

    /// A streaming standby of `primary`, copied with `pg_basebackup`, connected as
    /// `standby`.
    fn standby_of(primary: &Cluster) -> Cluster {
        let cluster = Cluster::empty();
        let source =
            format!("host=127.0.0.1 port={} user=potluck application_name=standby", primary.port);
        cluster.run(
            "pg_basebackup",
            &[
                "-d",
                &source,
                "-D",
                path(&cluster.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
        );
        // PostgreSQL refuses a data folder others may read; pg_basebackup keeps the mode
        // the folder had.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cluster.data, std::fs::Permissions::from_mode(0o700))
            .expect("chmod 700");
        cluster.launch("");
        cluster
    }

    /// A folder for a cluster, owned by `postgres` when run as root, and a free port.
    fn empty() -> Cluster {
        let bin = bin_dir();
        let root = tempfile::tempdir().expect("a temporary folder");
        let as_postgres = is_root();
        let data = root.path().join("cluster");
        std::fs::create_dir(&data).expect("the cluster's folder");
        if as_postgres {
            open_to_postgres(root.path(), &data);
        }
        Cluster { _root: root, data, bin, port: free_port(), as_postgres }
    }

    fn launch(&self, settings: &str) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=on -c max_connections=60 {settings}",
            self.port,
            path(&self.data)
        );
        let log = self.data.join("server.log");
        self.run(
            "pg_ctl",
            &["-D", path(&self.data), "-l", path(&log), "-o", &options, "-w", "start"],
        );
    }

    /// Kills every process of the cluster with SIGKILL at once, as a machine that dies
    /// would: the postmaster and its backends (a backend outlives a killed postmaster, and
    /// would go on serving the connections it has).
    pub fn kill(&self) {
        let pid =
            std::fs::read_to_string(self.data.join("postmaster.pid")).expect("postmaster.pid");
        let pid = pid.lines().next().expect("a pid").trim().to_owned();
        let status = Command::new("kill").args(["-STOP", &pid]).status().expect("kill");
        assert!(status.success(), "cannot stop the postmaster {pid}");
        let _ = Command::new("pkill").args(["-KILL", "-P", &pid]).status();
        let status = Command::new("kill").args(["-KILL", &pid]).status().expect("kill");
        assert!(status.success(), "cannot kill the postmaster {pid}");
    }

    /// Promotes a standby to primary and waits until it takes writes.
    pub fn promote(&self) {
        self.run("pg_ctl", &["-D", path(&self.data), "-w", "promote"]);
    }

    /// `postgres://potluck@127.0.0.1:PORT/potluck`.
    pub fn url(&self) -> String {
        format!("postgres://potluck@127.0.0.1:{}/potluck", self.port)
    }

    /// Runs SQL in `database` with `psql`; panics with its output if it fails.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let output = self.run(
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "potluck",
                "-d",
                database,
                "-XAtq",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Stops the cluster now, as a crash would (`pg_ctl stop -m immediate`).
    pub fn stop(&self) {
        let _ =
            self.command("pg_ctl", &["-D", path(&self.data), "-m", "immediate", "stop"]).output();
    }

    /// Starts a stopped cluster again.
    pub fn restart(&self) {
        self.launch("");
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = self
            .command(program, args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program} from {}: {e}", self.bin.display()));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command.args(args).current_dir(&self.data);
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// PostgreSQL's programs: `$PG_BIN`, else the newest `/usr/lib/postgresql/*/bin` (Debian
/// keeps `initdb` and `pg_ctl` there, off the PATH).
fn bin_dir() -> PathBuf {
    if let Some(bin) = std::env::var_os("PG_BIN") {
        return PathBuf::from(bin);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|bin| bin.join("initdb").exists());
    versions.sort();
    versions.pop().expect(
        "PostgreSQL is not installed: `cargo xtask test` installs Debian's postgresql, or set PG_BIN",
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Lets the `postgres` user reach and own the cluster's folder.
fn open_to_postgres(root: &Path, data: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let status =
        Command::new("chown").args(["postgres:postgres", path(data)]).status().expect("chown");
    assert!(status.success(), "cannot give the cluster's folder to postgres");
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}
