//! The `potluck` command line, built inside this package so that its tests can run it as a
//! child process (`CARGO_BIN_EXE_potluck` exists only for a package's own binaries).

fn main() -> std::process::ExitCode {
    server::cli::main()
}
