//! The browser tests in `tests/e2e/`: Playwright drives Debian's Chromium against the real
//! `potluck` binary serving the freshly built bundle.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::client;
use crate::cmd::{self, cargo, project_root, target_dir};

/// Where Debian's `chromium` package puts the browser. Playwright never downloads its own:
/// only package registries are reachable from our machines.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs the browser tests; `playwright_args` (a spec, `--grep`) narrow them down.
pub fn run(playwright_args: &[String]) -> anyhow::Result<()> {
    let chromium = ensure_chromium()?;
    // The server binary the integration tests use (`tests/src/bin/potluck.rs`), built with
    // the same command and features as the tests step, so in `cargo xtask test` this is a
    // no-op. (`cargo build -p server` resolves features for the server alone and rebuilt
    // it from scratch: 2 min 46 s of a cold run.)
    cmd::run(&mut cargo(["test", "--workspace", "--no-run", "--locked"]))?;
    let server = target_dir().join("debug").join("potluck");

    let e2e = project_root().join("tests").join("e2e");
    npm(&e2e, &["ci", "--no-audit", "--no-fund"])?;
    let out = target_dir().join("e2e");
    let mut test = npm_command(&e2e, &["test", "--"]);
    test.args(playwright_args);
    test.env("POTLUCK_BIN", &server)
        .env("POTLUCK_STATIC_DIR", client::dist_dir())
        .env("POTLUCK_E2E_OUT", &out)
        .env("CHROMIUM_PATH", &chromium);
    cmd::run(&mut test)?;
    eprintln!("screenshots: {}/*.png", out.display());
    Ok(())
}

fn npm(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    cmd::run(&mut npm_command(dir, args))
}

fn npm_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("npm");
    command
        .args(args)
        .current_dir(dir)
        // Belt and braces: no package of ours downloads a browser, and none may try.
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    command
}

/// Chromium from `$CHROMIUM_PATH`, or Debian's, installed with apt when we are root.
fn ensure_chromium() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM_PATH").filter(|path| !path.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let chromium = PathBuf::from(CHROMIUM);
    if chromium.exists() {
        return Ok(chromium);
    }
    cmd::apt_install(&["chromium", "chromium-driver"])
        .with_context(|| format!("{CHROMIUM} is missing"))?;
    if !chromium.exists() {
        bail!("installing the `chromium` package did not create {CHROMIUM}");
    }
    Ok(chromium)
}
