//! The real `potluck` binary serving the demo group on a loopback port, for the end-to-end
//! benchmarks (`benches/fanout.rs`, `benches/commands.rs`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// A `potluck serve --demo` process with its own data folder; killed when dropped.
#[derive(Debug)]
pub struct Served {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` (the benches' `CARGO_BIN_EXE_potluck`) on the demo month, with its log in
/// the database at `store` if given, and waits for it to print its address.
pub fn start(binary: &Path, store: Option<&str>) -> Served {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("data");
    let mut args =
        vec!["serve", "--demo", "--bind", "127.0.0.1:0", "--data", data.to_str().unwrap_or("")];
    if let Some(url) = store {
        args.extend(["--store", url, "--migrate"]);
    }
    let log = std::fs::File::create(dir.path().join("server.log")).expect("a log file");
    let mut child = Command::new(binary)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("the potluck binary starts");
    let mut base = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                base = line[at..].trim().to_owned();
                break;
            }
        }
    }
    if base.is_empty() {
        let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
        panic!("the server did not start:\n{log}");
    }
    Served { child, base, _dir: dir }
}

/// Signs a demo member in (password `potluck-demo`); the session token.
pub async fn sign_in(http: &reqwest::Client, base: &str, member: &str) -> String {
    let body = json!({"member_id": member, "password": "potluck-demo"});
    let response = http.post(format!("{base}/api/session")).json(&body).send().await;
    let answer: Value = response.expect("sign-in").json().await.expect("sign-in answer");
    answer["token"].as_str().expect("a token").to_owned()
}
