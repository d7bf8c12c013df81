//! `cargo xtask test`: everything CI checks, in the order a failure is cheapest to find.
//! The first failing step stops the run and is named in the error.

use std::time::{Duration, Instant};

use anyhow::Context;

use crate::cmd::{self, cargo};
use crate::{client, e2e, fuzz, postgres};

pub fn test() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    steps.run("the wasm32 target", client::ensure_wasm_target)?;
    steps.run("formatting (fix: cargo fmt --all)", || {
        cmd::run(&mut cargo(["fmt", "--all", "--", "--check"]))
    })?;
    steps.run("clippy", || {
        cmd::run(&mut cargo([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    // The client has no code of its own behind `cfg(target_arch)`: the workspace clippy
    // above lints all of it natively. A second clippy for wasm32 cost 4.5 minutes of a cold
    // run, checking the dependencies again for the other target.
    steps.run("shared builds for wasm32 (so it does no I/O)", || {
        cmd::run(&mut cargo([
            "check",
            "-p",
            "shared",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ]))
    })?;
    steps.run("PostgreSQL (Debian's package) for the store's tests", postgres::ensure)?;
    steps.run("tests", unit_and_integration_tests)?;
    steps.run("fuzz targets, a short run of each (longer: cargo xtask fuzz)", || {
        fuzz::run(&fuzz::TARGETS, fuzz::CI_SECONDS, fuzz::Build::Quick)
    })?;
    steps.run("client bundle", || client::build(&client::Options { locked: true }).map(drop))?;
    // The release binary carries the bundle (`cargo xtask release`): its build script and
    // the table of files compile against this bundle (`it::headers` serves such a table).
    steps.run("the server carrying the client bundle", || {
        let check = ["check", "-p", "server", "--features", "embed-client", "--locked"];
        cmd::run(cargo(check).env("POTLUCK_CLIENT_DIST", client::dist_dir()))
    })?;
    steps.run("browser tests", || e2e::run(&[]))?;
    steps.report();
    Ok(())
}

/// `cargo nextest` when the machine has it (faster, clearer output), else `cargo test`.
/// nextest does not run doctests, so they run separately, first: nextest's summary then
/// closes the step.
fn unit_and_integration_tests() -> anyhow::Result<()> {
    let has_nextest = cmd::read(&mut cargo(["nextest", "--version"])).is_some();
    if has_nextest {
        cmd::run(&mut cargo(["test", "--workspace", "--doc", "--locked"]))?;
        cmd::run(&mut cargo(["nextest", "run", "--workspace", "--locked"]))
    } else {
        cmd::run(&mut cargo(["test", "--workspace", "--locked"]))
    }
}

/// The steps run so far and how long each took.
#[derive(Debug, Default)]
struct Steps {
    done: Vec<(&'static str, Duration)>,
}

impl Steps {
    fn run(
        &mut self,
        name: &'static str,
        step: impl FnOnce() -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        eprintln!("\n==> {name}");
        let start = Instant::now();
        step().with_context(|| format!("step `{name}` failed"))?;
        self.done.push((name, start.elapsed()));
        Ok(())
    }

    fn report(&self) {
        eprintln!("\n==> time per step");
        for (name, took) in &self.done {
            eprintln!("{:>8.1}s  {name}", took.as_secs_f64());
        }
        let total: Duration = self.done.iter().map(|(_, took)| *took).sum();
        let steps = self.done.len();
        eprintln!("xtask test: all {steps} steps passed in {:.0}s", total.as_secs_f64());
    }
}
