//! Running commands: each is echoed before it runs, and a failure names the command.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The workspace root, wherever `cargo xtask` was started from.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

/// Cargo's target folder: `$CARGO_TARGET_DIR` when set, else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => project_root().join(dir),
        _ => project_root().join("target"),
    }
}

/// `cargo` with the given arguments, run from the workspace root.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new("cargo");
    command.args(args).current_dir(project_root());
    command
}

/// Runs `command` with the terminal as its input and output; an error unless it succeeds.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = show(command);
    eprintln!("$ {shown}");
    let status = command.status().with_context(|| format!("cannot start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `command` quietly and returns its standard output; `None` if it cannot start or fails.
pub fn read(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

fn show(command: &Command) -> String {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    shown
}

/// Installs Debian packages with apt when we are root; otherwise says what to run.
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let uid = read(Command::new("id").arg("-u")).context("cannot run `id -u`")?;
    if uid.trim() != "0" {
        bail!("install it with `sudo apt-get install -y {}`", packages.join(" "));
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .arg("install")
        .arg("-y")
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
