//! Writes the seed corpus of every fuzz target into `fuzz/corpus/<target>/` from the seeded
//! simulations (the same group the targets work against): the next commands the
//! simulations would send, their events as stored records and bundle lines, small bundles,
//! and the messages a screen sends. Run from `fuzz/`:
//! `cargo run --example seed_corpus`. The same build writes the same files.

use std::path::{Path, PathBuf};

use potluck_fuzz::{BundleInput, bundle_files, command_input, sim_records, sims, stored};
use shared::group::Command;

/// Commands of each simulation in the corpus.
const COMMANDS: usize = 60;
/// Records of each form in the corpus.
const RECORDS: usize = 40;
/// Events per bundle, and bundles.
const BUNDLE_EVENTS: usize = 24;
const BUNDLES: usize = 3;

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    commands(&root.join("command"))?;
    records(&root.join("record"))?;
    bundles(&root.join("bundle"))?;
    let messages = [
        r#"{"type":"subscribe","after":null}"#,
        r#"{"type":"subscribe","after":0}"#,
        r#"{"type":"subscribe","after":18446744073709551615}"#,
        r#"{"type":"subscribe"}"#,
    ];
    let dir = root.join("client_message");
    for (i, message) in messages.iter().enumerate() {
        write(&dir, &format!("subscribe-{i}"), message.as_bytes())?;
    }
    Ok(())
}

fn commands(dir: &Path) -> std::io::Result<()> {
    let (mut people, mut month) = sims();
    for i in 0..COMMANDS {
        let (command, ctx) = people.next_command();
        let json = serde_json::to_vec(&command).unwrap_or_default();
        write(
            dir,
            &format!("people-{i:03}"),
            &command_input(ctx.actor.as_str(), ctx.now_ms, &json),
        )?;
        if let Ok(events) = shared::group::decide(people.state(), &command, &ctx) {
            people.record(&ctx, events);
        }
        let (command, ctx) = month.next_command();
        let json = serde_json::to_vec(&Command::Distribution(command.clone())).unwrap_or_default();
        write(
            dir,
            &format!("month-{i:03}"),
            &command_input(ctx.actor.as_str(), ctx.now_ms, &json),
        )?;
        if let Ok(events) = shared::distribution::decide(month.state(), &command, &ctx) {
            month.record(&ctx, events);
        }
    }
    Ok(())
}

fn records(dir: &Path) -> std::io::Result<()> {
    let records = sim_records();
    let envelopes = stored(&records);
    // Every event type the simulations produce, then the rest up to the count.
    let mut seen = std::collections::BTreeSet::new();
    let mut chosen: Vec<usize> =
        (0..envelopes.len()).filter(|&i| seen.insert(envelopes[i].event_type.clone())).collect();
    chosen.extend((0..envelopes.len()).step_by(envelopes.len() / RECORDS + 1));
    chosen.sort();
    chosen.dedup();
    for i in chosen.into_iter().take(RECORDS) {
        let envelope = &envelopes[i];
        let mut bytes = vec![0];
        bytes.extend(envelope.encode());
        write(dir, &format!("stored-{i:04}"), &bytes)?;
        let mut line = vec![2];
        line.extend(serde_json::to_vec(envelope).unwrap_or_default());
        write(dir, &format!("line-{i:04}"), &line)?;
    }
    Ok(())
}

fn bundles(dir: &Path) -> std::io::Result<()> {
    let records = sim_records();
    let envelopes = stored(&records);
    let step = envelopes.len() / BUNDLES;
    for b in 0..BUNDLES {
        let from = b * step;
        let chunk = potluck_fuzz::reseal(envelopes[from..from + BUNDLE_EVENTS].to_vec());
        let Some(files) = bundle_files(&chunk) else { continue };
        for flags in [0, 3] {
            write(dir, &format!("bundle-{b}-{flags}"), &BundleInput::encode(flags, &files))?;
        }
    }
    write(dir, "empty", &BundleInput::encode(3, &bundle_files(&[]).unwrap_or_default()))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(name), bytes)
}
