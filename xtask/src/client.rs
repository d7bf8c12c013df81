//! The WebAssembly client: `client` built for `wasm32-unknown-unknown`, then the wasm-bindgen
//! CLI writes the module and its JavaScript glue into `client/dist/` beside the static files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::cmd::{self, project_root, target_dir};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The Cargo profile for the bundle, defined in the root `Cargo.toml` (small over fast).
const PROFILE: &str = "wasm-release";
/// The bundle is built with the nightly toolchain so the standard library is compiled with
/// it, for size, and panics abort on the spot without formatting a message: 36 KB less
/// gzipped than stable with the same profile; and Leptos views are type-erased
/// (`erase_components`), 50 KB less (BENCHMARKS.md, "Web client bundle").
const TOOLCHAIN: &str = "nightly";
/// What the standard library is built with (`-Z build-std`), as `CARGO_ENCODED_RUSTFLAGS`
/// (separated by 0x1f). They apply to the wasm target only, not to build scripts.
const RUSTFLAGS: &[&str] = &[
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
    "-Zlocation-detail=none",
    "--cfg=erase_components",
    // The splitter needs the linker's relocations to move functions into other modules.
    "-Clink-arg=--emit-relocs",
];

#[derive(Debug, Default)]
pub struct Options {
    /// Pass `--locked` to cargo, as CI does.
    pub locked: bool,
}

/// The folder the server serves: `client/dist/`.
pub fn dist_dir() -> PathBuf {
    project_root().join("client").join("dist")
}

/// Builds the bundle into [`dist_dir`], installing what it needs first.
pub fn build(options: &Options) -> anyhow::Result<PathBuf> {
    ensure_nightly()?;
    let wasm_bindgen = ensure_wasm_bindgen()?;

    let mut build = Command::new("rustup");
    build
        .args(["run", TOOLCHAIN, "cargo", "build", "-p", "client", "--target", WASM_TARGET])
        .args(["--profile", PROFILE])
        .args(["-Z", "build-std=std,panic_abort", "-Z", "build-std-features=optimize_for_size"])
        .env("CARGO_ENCODED_RUSTFLAGS", RUSTFLAGS.join("\u{1f}"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTFLAGS")
        .current_dir(project_root());
    if options.locked {
        build.arg("--locked");
    }
    cmd::run(&mut build)?;

    let dist = dist_dir();
    // A clean folder each time, so a renamed or deleted file never lingers in the bundle.
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    let wasm = target_dir().join(WASM_TARGET).join(PROFILE).join("client.wasm");
    let (main, parts) = split(&wasm, &dist)?;
    // Function names are a third of the module and only serve stack traces: left out.
    // `--keep-lld-exports`: the lazy parts import the function table and the heap's bounds.
    let mut bindgen = Command::new(&wasm_bindgen);
    bindgen
        .args(["--target", "web", "--no-typescript", "--remove-name-section", "--keep-lld-exports"])
        .arg("--out-dir")
        .arg(&dist)
        .arg(&main);
    cmd::run(&mut bindgen)?;
    for from in static_files()? {
        let to = dist.join(from.file_name().context("a static file has no name")?);
        fs::copy(&from, &to)
            .with_context(|| format!("cannot copy {} into the bundle", from.display()))?;
    }

    // The translations, fetched by the page for the language it shows.
    let words = dist.join("i18n");
    fs::create_dir_all(&words)?;
    let mut compressed = vec![
        dist.join("client_bg.wasm"),
        dist.join("client.js"),
        dist.join("style.css"),
        dist.join(LOADER),
    ];
    compressed.extend(parts.iter().cloned());
    for entry in fs::read_dir(project_root().join("client").join("i18n"))? {
        let from = entry?.path();
        if from.extension().is_some_and(|ext| ext == "txt") {
            let to = words.join(from.file_name().context("a translation has no name")?);
            fs::copy(&from, &to)
                .with_context(|| format!("cannot copy {} into the bundle", from.display()))?;
            compressed.push(to);
        }
    }
    // Compressed once here, so the server sends `.gz` files as they are (`gzip -9 -k`
    // keeps the originals for browsers that do not take gzip).
    for path in compressed {
        cmd::run(Command::new("gzip").args(["-9", "-k", "-f", "-n"]).arg(path))?;
    }
    report_sizes(&dist, &parts)?;
    Ok(dist)
}

/// The module loader the splitter writes; `client.js` imports it.
const LOADER: &str = "__wasm_split.js";

/// Splits the linked module at its `#[wasm_split]` points: the first module goes to a
/// staging folder for wasm-bindgen, the lazy parts (`split_*.wasm`, shared `chunk_*.wasm`)
/// and their loader into `dist`. Returns the first module's path and the parts written.
fn split(wasm: &Path, dist: &Path) -> anyhow::Result<(PathBuf, Vec<PathBuf>)> {
    let input = fs::read(wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
    let staged = target_dir().join("wasm-split");
    if staged.exists() {
        fs::remove_dir_all(&staged)?;
    }
    fs::create_dir_all(&staged)?;
    let main = staged.join("client.wasm");
    let loader = format!("./{LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = dist;
    options.main_out_path = &main;
    // The page imports `/client.js`; the loader must import the very same module.
    options.main_module = "./client.js";
    options.link_name = &loader;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|error| anyhow::anyhow!("splitting the module failed: {error:?}"))?;
    // The splitter copies the input's function names into each part: a third of a module,
    // there only for stack traces (wasm-bindgen drops them from the first module).
    for part in &split.split_modules {
        let bytes = fs::read(part)?;
        let stripped = without_names(&bytes)
            .with_context(|| format!("{} is not a WebAssembly module", part.display()))?;
        fs::write(part, stripped)?;
    }
    let mut parts = split.split_modules;
    parts.sort();
    Ok((main, parts))
}

/// `module` without its `name` custom section. A module is an 8-byte header and then
/// sections: an id byte, the size as unsigned LEB128, the contents; a custom section (id 0)
/// starts with its name.
fn without_names(module: &[u8]) -> anyhow::Result<Vec<u8>> {
    let header = module.get(..8).context("shorter than a header")?;
    let mut out = header.to_vec();
    let mut at = 8;
    while at < module.len() {
        let (size, width) = leb128(module.get(at + 1..).context("a section is cut")?)?;
        let body = at + 1 + width;
        let end = body
            .checked_add(size)
            .filter(|end| *end <= module.len())
            .context("a section runs past the end")?;
        let is_names = module[at] == 0 && {
            let (length, width) = leb128(&module[body..end])?;
            module.get(body + width..body + width + length) == Some(b"name".as_slice())
        };
        if !is_names {
            out.extend_from_slice(&module[at..end]);
        }
        at = end;
    }
    Ok(out)
}

/// An unsigned LEB128 number and how many bytes it took.
fn leb128(bytes: &[u8]) -> anyhow::Result<(usize, usize)> {
    let mut value = 0usize;
    for (n, byte) in bytes.iter().enumerate().take(5) {
        value |= usize::from(byte & 0x7f) << (7 * n);
        if byte & 0x80 == 0 {
            return Ok((value, n + 1));
        }
    }
    bail!("a size is not LEB128")
}

/// The size of each module, raw and gzipped, and the total: the budgets in BENCHMARKS.md
/// are on the gzipped sizes.
fn report_sizes(dist: &Path, parts: &[PathBuf]) -> anyhow::Result<()> {
    eprintln!("client bundle: {}", dist.display());
    let mut total = 0;
    let first = dist.join("client_bg.wasm");
    for module in std::iter::once(&first).chain(parts) {
        let raw = fs::metadata(module)?.len();
        let mut zipped = module.clone().into_os_string();
        zipped.push(".gz");
        let gzipped = fs::metadata(&zipped)?.len();
        total += gzipped;
        let name = module.file_name().unwrap_or_default().to_string_lossy();
        eprintln!("  {name:<24} {raw:>9} bytes {gzipped:>8} gzip-compressed");
    }
    eprintln!("  {:<24} {:>9}       {total:>8} gzip-compressed", "all modules", "");
    Ok(())
}

/// The files copied from `client/` into the bundle as they are: the page, its style sheets
/// and the script that starts the app.
fn static_files() -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(project_root().join("client"))? {
        let path = entry?.path();
        let is_page = path.file_name().is_some_and(|name| name == "index.html");
        let is_asset = path.extension().is_some_and(|ext| ext == "css" || ext == "js");
        if path.is_file() && (is_page || is_asset) {
            files.push(path);
        }
    }
    Ok(files)
}

/// Installs the nightly toolchain with the standard library's source unless they are there
/// already (`-Z build-std` compiles it; no prebuilt wasm32 target is needed).
pub fn ensure_nightly() -> anyhow::Result<()> {
    let sysroot = Command::new("rustup")
        .args(["run", TOOLCHAIN, "rustc", "--print", "sysroot"])
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned());
    let Some(sysroot) = sysroot else {
        return cmd::run(Command::new("rustup").args([
            "toolchain",
            "install",
            TOOLCHAIN,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
        ]));
    };
    if !Path::new(&sysroot).join("lib/rustlib/src/rust/library").exists() {
        cmd::run(Command::new("rustup").args([
            "component",
            "add",
            "rust-src",
            "--toolchain",
            TOOLCHAIN,
        ]))?;
    }
    Ok(())
}

/// Adds the WebAssembly target to the toolchain unless it is there already.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let sysroot = cmd::read(Command::new("rustc").args(["--print", "sysroot"]))
        .context("cannot run `rustc --print sysroot`")?;
    let installed = Path::new(sysroot.trim()).join("lib/rustlib").join(WASM_TARGET).exists();
    if !installed {
        cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// The wasm-bindgen CLI at exactly the version of the `wasm-bindgen` crate in `Cargo.lock`
/// (the two must match byte for byte in what they expect), installed once under
/// `~/.cache/potluck/` when neither that folder nor `PATH` has it.
pub fn ensure_wasm_bindgen() -> anyhow::Result<PathBuf> {
    let lockfile = project_root().join("Cargo.lock");
    let lock = fs::read_to_string(&lockfile)
        .with_context(|| format!("cannot read {}: build once to create it", lockfile.display()))?;
    let version = locked_version(&lock, "wasm-bindgen")
        .context("Cargo.lock has no `wasm-bindgen` package; does `client` still depend on it?")?;

    let root = cache_dir()?.join(format!("wasm-bindgen-{version}"));
    let cached = root.join("bin").join("wasm-bindgen");
    for candidate in [cached.clone(), PathBuf::from("wasm-bindgen")] {
        if reports_version(&candidate, &version) {
            return Ok(candidate);
        }
    }

    eprintln!("installing the wasm-bindgen CLI {version} into {} (once)", root.display());
    // No `--locked`: the CLI's own lockfile pins crate versions the registry may not serve.
    let mut install = Command::new("cargo");
    install
        .args(["install", "wasm-bindgen-cli", "--version"])
        .arg(format!("={version}"))
        .arg("--root")
        .arg(&root);
    cmd::run(&mut install)?;
    if !reports_version(&cached, &version) {
        bail!("{} does not report version {version} after installing", cached.display());
    }
    Ok(cached)
}

fn reports_version(program: &Path, version: &str) -> bool {
    cmd::read(Command::new(program).arg("--version"))
        .is_some_and(|out| out.split_whitespace().nth(1) == Some(version))
}

fn cache_dir() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("potluck"))
}

/// The version `Cargo.lock` records for the package `name` (the first, if there are several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line == wanted {
            let version = lines.next()?.strip_prefix("version = \"")?;
            return Some(version.strip_suffix('"')?.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-shared"
version = "0.2.130"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn the_locked_version_is_read_for_the_exact_package_name() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(LOCK, "wasm-bindgen-macro"), None);
    }
}
