//! `cargo xtask run` and `cargo xtask release`: the client bundle, and the release server
//! carrying it (the `embed-client` feature), so that the one binary is the whole product.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::client;
use crate::cmd::{self, cargo, project_root, target_dir};
use crate::flags::Run;

/// Builds the client, then the release server carrying it; the binary's path.
pub fn release() -> anyhow::Result<PathBuf> {
    let dist = client::build(&client::Options::default())?;
    let mut build = cargo(["build", "-p", "server", "--release", "--features", "embed-client"]);
    cmd::run(build.env("POTLUCK_CLIENT_DIST", &dist))?;
    Ok(target_dir().join("release").join(exe("potluck")))
}

pub fn run(flags: &Run) -> anyhow::Result<()> {
    let binary = release()?;

    // `--data` is relative to where the command was typed; the default lives in the workspace
    // (and git ignores it).
    let data = match &flags.data {
        Some(dir) => std::env::current_dir()?.join(dir),
        None => project_root().join("data"),
    };
    let mut server = Command::new(binary);
    server.arg("serve").arg("--data").arg(&data).args(["--bind", &flags.bind]);
    if flags.demo {
        server.arg("--demo");
    }
    server.args(&flags.extra);

    eprintln!("\nPotluck: http://{}/  (data in {})\n", flags.bind, data.display());
    exec(server)
}

fn exe(name: &str) -> PathBuf {
    PathBuf::from(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Replaces xtask with the server, so Ctrl-C and signals reach the server directly.
#[cfg(unix)]
fn exec(mut command: Command) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    Err(error).context("cannot start the server")
}

#[cfg(not(unix))]
fn exec(mut command: Command) -> anyhow::Result<()> {
    cmd::run(&mut command)
}
