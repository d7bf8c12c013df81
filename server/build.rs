//! With the `embed-client` feature, lists the web client's built files for
//! `http::embedded` to carry inside the binary; without it, an empty list.

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-env-changed=POTLUCK_CLIENT_DIST");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    let mut code = String::from("&[\n");
    if std::env::var_os("CARGO_FEATURE_EMBED_CLIENT").is_some() {
        let dist = match std::env::var_os("POTLUCK_CLIENT_DIST") {
            Some(dir) => PathBuf::from(dir),
            None => {
                let manifest = std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no manifest dir")?;
                PathBuf::from(manifest).join("..").join("client").join("dist")
            }
        };
        let dist = dist.canonicalize().map_err(|e| missing(&dist, &e))?;
        if !dist.join("index.html").is_file() {
            return Err(missing(&dist, &"no index.html").into());
        }
        println!("cargo::rerun-if-changed={}", dist.display());
        let mut files = Vec::new();
        walk(&dist, &mut files)?;
        files.sort();
        for file in files {
            let name = file.strip_prefix(&dist)?.to_string_lossy().replace('\\', "/");
            writeln!(code, "    ({name:?}, include_bytes!({:?})),", file.display().to_string())?;
        }
    }
    code.push(']');
    std::fs::write(out.join("client_files.rs"), code)?;
    Ok(())
}

fn missing(dist: &Path, error: &dyn std::fmt::Display) -> String {
    format!(
        "the embed-client feature carries the built web client, not found in {} ({error}): \
         build it first with `cargo xtask build-client`",
        dist.display()
    )
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}
