//! `cargo xtask`: Potluck's build and test automation, in Rust so that it needs nothing but
//! the toolchain (the "xtask" pattern; the alias lives in `.cargo/config.toml`).
//!
//! [`flags`] parses the command line. [`client`] turns the `client` crate into `client/dist/`
//! (WebAssembly target, the exact wasm-bindgen CLI, the bundle); [`serve`] builds the server and
//! runs it on that bundle; [`ci`] is everything CI checks, in order, with the browser tests in
//! [`e2e`] and a short run of each fuzz target in [`fuzz`]. [`cmd`] runs commands, echoing
//! them first, so a failure says which one failed.

mod ci;
mod client;
mod cmd;
mod e2e;
mod flags;
mod fuzz;
mod postgres;
mod serve;

use std::process::ExitCode;

fn main() -> ExitCode {
    match try_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match flags::parse(&args)? {
        flags::Command::Help => {
            print!("{}", flags::HELP);
            Ok(())
        }
        flags::Command::BuildClient => {
            client::build(&client::Options::default())?;
            Ok(())
        }
        flags::Command::E2e(args) => {
            client::build(&client::Options::default())?;
            e2e::run(&args)
        }
        flags::Command::Fuzz(args) => match &args.target {
            Some(target) => fuzz::run(&[target.as_str()], args.seconds, fuzz::Build::Optimized),
            None => fuzz::run(&fuzz::TARGETS, args.seconds, fuzz::Build::Optimized),
        },
        flags::Command::Release => {
            let binary = serve::release()?;
            let size = std::fs::metadata(&binary)?.len();
            println!(
                "{} ({:.1} MB): the server with its web client inside",
                binary.display(),
                size as f64 / 1e6
            );
            Ok(())
        }
        flags::Command::Bench(quick) => {
            postgres::ensure()?;
            let mut bench = cmd::cargo(["bench", "-p", "tests", "--bench", "commands", "--locked"]);
            if quick {
                bench.args(["--", "quick"]);
            }
            cmd::run(&mut bench)
        }
        flags::Command::Run(run) => serve::run(&run),
        flags::Command::Test => ci::test(),
    }
}
