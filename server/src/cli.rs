//! The `potluck` command line: parses arguments, sets up logging and maps outcomes to exit
//! codes. `main.rs` only calls [`main`]; the end-to-end tests build the same entry point.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use crate::http::{self, AppState};
use crate::log::Log;

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
    },
    /// Check every record and the hash chain of the log; report the first broken position.
    Verify {
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(clap::Args, Debug)]
struct DataDir {
    /// The data folder (created if missing or empty).
    #[arg(long = "data", env = "POTLUCK_DATA", default_value = "data")]
    path: PathBuf,
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
            Command::Serve { data, bind, static_dir, dev_endpoints } => {
                serve(data.path, bind, static_dir, dev_endpoints).await
            }
            Command::Verify { data } => verify(data.path).await,
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

async fn serve(
    data: PathBuf,
    bind: SocketAddr,
    static_dir: Option<PathBuf>,
    dev_endpoints: bool,
) -> anyhow::Result<ExitCode> {
    let log = Log::open(&data)?;
    // Refuse to serve from a damaged log: better a clear stop than answers built on it.
    let verified = tokio::task::block_in_place(|| log.verify())?;
    tracing::info!(events = verified.count, "log verified");
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let address = listener.local_addr()?;
    let router = http::app(AppState { log: log.clone(), dev_endpoints, static_dir });
    println!("potluck is listening on http://{address}");
    http::serve(listener, router, shutdown_signal()).await?;
    log.close().await;
    tracing::info!("stopped cleanly");
    Ok(ExitCode::SUCCESS)
}

async fn verify(data: PathBuf) -> anyhow::Result<ExitCode> {
    if !data.join(crate::log::MARKER_FILE).exists() {
        anyhow::bail!("{} is not a potluck data folder", data.display());
    }
    let log = Log::open(&data)?;
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
