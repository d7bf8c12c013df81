//! The command line, parsed by hand: four commands and a few flags do not need a parser crate,
//! and xtask then compiles in a second on a fresh machine.

use anyhow::{Context, bail};

pub const HELP: &str = "\
Usage: cargo xtask <command>

Commands:
  run [--data DIR] [--bind ADDR] [--demo] [-- SERVER_ARGS...]
                  build the client and the server (release) and serve on ADDR
                  (default 127.0.0.1:8080) with the data folder DIR (default ./data)
  release         build the client and the release server carrying it:
                  target/release/potluck is then the whole product, one file to copy
  build-client    build the WebAssembly client into client/dist/
  bench [quick]   durable commands side by side: potluck over HTTP against PostgreSQL's
                  bare inserts (a private cluster it starts and stops) and the disk's own
                  fdatasync rate, at 1, 8 and 64 clients (about 2 minutes; quick: 30 s)
  test            everything CI runs: fmt, clippy, the wasm check of shared, the tests,
                  a short run of each fuzz target, the client build and the browser
                  tests; stops at the first failure
  e2e [-- ARGS...] build the client and run only the browser tests; ARGS go to Playwright
                  (a spec file, `--grep TITLE`, `--headed` on a desktop)
  fuzz [TARGET] [SECONDS]
                  run one fuzz target (default: each in turn) for SECONDS (default 600);
                  targets: command, record, client_message, bundle
  help            this text
";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    BuildClient,
    /// The client, then the release server carrying it.
    Release,
    /// The side-by-side benchmark of durable commands; `true`: the quick run.
    Bench(bool),
    /// The browser tests alone, with Playwright's own arguments.
    E2e(Vec<String>),
    /// The fuzz targets: one (or every one, in turn) for some seconds each.
    Fuzz(Fuzz),
    Run(Run),
    Test,
}

/// Arguments of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub struct Fuzz {
    /// `None` for every target.
    pub target: Option<String>,
    pub seconds: u64,
}

/// Flags of `cargo xtask run`.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    /// The data folder; `None` for `data/` in the workspace.
    pub data: Option<String>,
    pub bind: String,
    pub demo: bool,
    /// Passed to `potluck serve` after ours.
    pub extra: Vec<String>,
}

impl Default for Run {
    fn default() -> Self {
        Run { data: None, bind: "127.0.0.1:8080".to_owned(), demo: false, extra: Vec::new() }
    }
}

pub fn parse(args: &[String]) -> anyhow::Result<Command> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    let command = match command.as_str() {
        "help" | "-h" | "--help" => Command::Help,
        "build-client" => no_flags(Command::BuildClient, rest)?,
        "release" => no_flags(Command::Release, rest)?,
        "bench" => match rest {
            [] => Command::Bench(false),
            [quick] if quick == "quick" => Command::Bench(true),
            _ => bail!("`bench` takes only `quick`"),
        },
        "test" => no_flags(Command::Test, rest)?,
        "run" => Command::Run(parse_run(rest)?),
        "fuzz" => Command::Fuzz(parse_fuzz(rest)?),
        "e2e" => Command::E2e(rest.strip_prefix(&["--".to_owned()][..]).unwrap_or(rest).to_vec()),
        other => bail!("unknown command `{other}`; see `cargo xtask help`"),
    };
    Ok(command)
}

fn no_flags(command: Command, rest: &[String]) -> anyhow::Result<Command> {
    match rest.first() {
        None => Ok(command),
        Some(flag) => bail!("unexpected argument `{flag}`; see `cargo xtask help`"),
    }
}

fn parse_run(args: &[String]) -> anyhow::Result<Run> {
    let mut run = Run::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => run.data = Some(value(&mut args, arg)?),
            "--bind" => run.bind = value(&mut args, arg)?,
            "--demo" => run.demo = true,
            "--" => {
                run.extra = args.cloned().collect();
                break;
            }
            other => bail!("unknown flag `{other}` for `run`; see `cargo xtask help`"),
        }
    }
    Ok(run)
}

fn parse_fuzz(args: &[String]) -> anyhow::Result<Fuzz> {
    let mut fuzz = Fuzz { target: None, seconds: 600 };
    for arg in args {
        match arg.parse::<u64>() {
            Ok(seconds) if seconds > 0 => fuzz.seconds = seconds,
            Ok(_) => bail!("`fuzz` needs a number of seconds above 0"),
            Err(_) if fuzz.target.is_none() && !arg.starts_with('-') => {
                fuzz.target = Some(arg.clone());
            }
            Err(_) => bail!("unexpected argument `{arg}` for `fuzz`; see `cargo xtask help`"),
        }
    }
    Ok(fuzz)
}

fn value<'a>(args: &mut impl Iterator<Item = &'a String>, flag: &str) -> anyhow::Result<String> {
    args.next().cloned().with_context(|| format!("`{flag}` needs a value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> anyhow::Result<Command> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn run_without_flags_serves_data_on_localhost_8080() {
        assert_eq!(parse_str("run").unwrap(), Command::Run(Run::default()));
    }

    #[test]
    fn run_passes_everything_after_the_separator_to_the_server() {
        let expected = Run {
            data: Some("/tmp/d".to_owned()),
            bind: "0.0.0.0:9000".to_owned(),
            demo: true,
            extra: vec!["--dev-endpoints".to_owned(), "--demo".to_owned()],
        };
        let parsed =
            parse_str("run --demo --bind 0.0.0.0:9000 --data /tmp/d -- --dev-endpoints --demo");
        assert_eq!(parsed.unwrap(), Command::Run(expected));
    }

    #[test]
    fn a_flag_without_its_value_is_an_error() {
        let error = parse_str("run --data").unwrap_err();
        assert_eq!(error.to_string(), "`--data` needs a value");
    }

    #[test]
    fn fuzz_takes_an_optional_target_and_an_optional_number_of_seconds() {
        let every = Fuzz { target: None, seconds: 600 };
        assert_eq!(parse_str("fuzz").unwrap(), Command::Fuzz(every));
        let one = Fuzz { target: Some("bundle".to_owned()), seconds: 60 };
        assert_eq!(parse_str("fuzz bundle 60").unwrap(), Command::Fuzz(one));
        assert!(parse_str("fuzz bundle record").is_err());
        assert!(parse_str("fuzz 0").is_err());
    }

    #[test]
    fn bench_takes_only_quick() {
        assert_eq!(parse_str("bench").unwrap(), Command::Bench(false));
        assert_eq!(parse_str("bench quick").unwrap(), Command::Bench(true));
        assert!(parse_str("bench slow").is_err());
    }

    #[test]
    fn release_takes_no_arguments() {
        assert_eq!(parse_str("release").unwrap(), Command::Release);
        assert!(parse_str("release --fast").is_err());
    }

    #[test]
    fn test_takes_no_arguments() {
        assert!(parse_str("test --fast").is_err());
        assert_eq!(parse_str("test").unwrap(), Command::Test);
    }
}
