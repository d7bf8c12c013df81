//! PostgreSQL for the tests of the log's PostgreSQL store: each test starts a private
//! cluster of its own with `initdb` and `pg_ctl` (see `tests/src/postgres.rs`), so all that
//! is needed here is Debian's `postgresql` package.

use std::path::Path;

use crate::cmd;

/// Where Debian puts PostgreSQL's programs, one folder per major version.
const VERSIONS: &str = "/usr/lib/postgresql";

/// Installs Debian's `postgresql` when no `initdb` is found (and `$PG_BIN` is not set).
pub fn ensure() -> anyhow::Result<()> {
    if std::env::var_os("PG_BIN").is_some() || installed() {
        return Ok(());
    }
    cmd::apt_install(&["postgresql"])?;
    if !installed() {
        anyhow::bail!("installing the `postgresql` package did not put initdb in {VERSIONS}");
    }
    Ok(())
}

fn installed() -> bool {
    std::fs::read_dir(VERSIONS)
        .map(|versions| {
            versions
                .filter_map(Result::ok)
                .any(|v| Path::new(&v.path()).join("bin/initdb").exists())
        })
        .unwrap_or(false)
}
