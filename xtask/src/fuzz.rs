//! The fuzz targets in `fuzz/` (cargo-fuzz and libFuzzer, on the nightly toolchain): built
//! and run briefly by `cargo xtask test`, for as long as asked by `cargo xtask fuzz`.
//!
//! The targets are built without a sanitizer (`-s none`: the code is safe Rust, so
//! AddressSanitizer finds nothing a panic does not, and the build is faster) and with debug
//! assertions (`-a`), so an arithmetic overflow panics and is found. Inputs the fuzzer finds
//! go to `fuzz/target/corpus/<target>/` (not committed); it also reads the committed seeds
//! (`fuzz/corpus/<target>/`) and every input that once crashed (`fuzz/regressions/<target>/`),
//! so a short run replays them all first. A crash stops the run with an error and leaves the
//! input in `fuzz/artifacts/<target>/`.

use std::process::Command;

use anyhow::bail;

use crate::client::ensure_nightly;
use crate::cmd::{self, project_root};

/// Every fuzz target, as named in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 4] = ["command", "record", "client_message", "bundle"];
/// Seconds each target runs in `cargo xtask test`.
pub const CI_SECONDS: u64 = 15;

const TOOLCHAIN: &str = "nightly";
/// Long runs: optimized, with debug assertions.
const OPTIMIZED: [&str; 3] = ["--sanitizer=none", "--debug-assertions", "--release"];
/// The short runs of `cargo xtask test`: unoptimized (debug assertions are on), because a
/// cold optimized build of the targets (every dependency instrumented, one codegen unit)
/// took 7 min 52 s here and an unoptimized one 3 min 26 s; 15 seconds of fuzzing need no
/// speed.
const QUICK: [&str; 2] = ["--sanitizer=none", "--dev"];

/// How the targets are built.
#[derive(Clone, Copy, Debug)]
pub enum Build {
    Optimized,
    Quick,
}

/// Builds every target, then runs `targets` one after the other, each for `seconds`, in one
/// process (the machine may be doing other work).
pub fn run(targets: &[&str], seconds: u64, build: Build) -> anyhow::Result<()> {
    let flags: &[&str] = match build {
        Build::Optimized => &OPTIMIZED,
        Build::Quick => &QUICK,
    };
    for target in targets {
        if !TARGETS.contains(target) {
            bail!("unknown fuzz target `{target}`; the targets are {}", TARGETS.join(", "));
        }
    }
    ensure_nightly()?;
    ensure_cargo_fuzz()?;
    cmd::run(cargo_fuzz("build").args(flags))?;
    let fuzz = project_root().join("fuzz");
    for target in targets {
        let found = fuzz.join("target").join("corpus").join(target);
        std::fs::create_dir_all(&found)?;
        let mut run = cargo_fuzz("run");
        run.args(flags).arg(target).arg(&found);
        for seeds in [fuzz.join("corpus").join(target), fuzz.join("regressions").join(target)] {
            if seeds.is_dir() {
                run.arg(seeds);
            }
        }
        run.arg("--").arg(format!("-max_total_time={seconds}")).arg("-print_final_stats=1");
        cmd::run(&mut run)?;
    }
    Ok(())
}

/// `cargo fuzz <subcommand>` on the nightly toolchain, from the workspace root.
fn cargo_fuzz(subcommand: &str) -> Command {
    let mut command = Command::new("rustup");
    command
        .args(["run", TOOLCHAIN, "cargo", "fuzz", subcommand])
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTFLAGS")
        .current_dir(project_root());
    command
}

/// Installs cargo-fuzz from crates.io unless cargo finds it already.
fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    if cmd::read(&mut cargo_fuzz("--version")).is_some() {
        return Ok(());
    }
    eprintln!("installing cargo-fuzz (once)");
    cmd::run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
}
