//! What the fuzz targets share: a realistic group to decide and fold against (the seeded
//! simulations of `shared`, people and money joined with a distribution month, in one log),
//! the same events as stored records, a bundle made of them by the export's rules, and the
//! layout of one fuzz input for each target. The targets are in `fuzz_targets/`; the seed
//! corpus is written by `examples/seed_corpus.rs`.

use std::path::Path;
use std::sync::OnceLock;

use server::bundle::derive::Derivation;
use server::bundle::{EVENTS, FORMAT, MANIFEST, Manifest, sha256};
use server::projections::Projections;
use shared::distribution;
use shared::envelope::{ChainVerifier, Envelope, GENESIS_HASH};
use shared::group::{self, Recorded, State};

/// Commands each simulation decides before the base group is taken.
pub const SIM_STEPS: usize = 300;
/// The seed of both simulations.
pub const SEED: u64 = 29;

/// The group the targets decide and fold against, as the server holds it after replaying
/// its log: the decision state, the projections, the head position and the time.
#[derive(Debug)]
pub struct Group {
    pub state: State,
    pub projections: Projections,
    pub records: Vec<Recorded>,
    pub now_ms: i64,
}

/// The simulations after [`SIM_STEPS`] commands each, to go on from (the corpus does).
pub fn sims() -> (group::sim::Sim, distribution::sim::Sim) {
    let mut people = group::sim::Sim::with_chaos(SEED, 0);
    let mut month = distribution::sim::Sim::new(SEED);
    for _ in 0..SIM_STEPS {
        // A rejected command changes nothing; the simulations are built to be rejected rarely.
        let _ = people.step();
        let _ = month.step();
    }
    (people, month)
}

/// The events of both simulations after [`SIM_STEPS`] commands each, merged in time order
/// and numbered as one log.
pub fn sim_records() -> Vec<Recorded> {
    let mut people = group::sim::Sim::with_chaos(SEED, 0);
    let mut month = distribution::sim::Sim::new(SEED);
    let mut records: Vec<Recorded> = Vec::new();
    for _ in 0..SIM_STEPS {
        records.extend(people.step().unwrap_or_default());
        let events = month.step().unwrap_or_default();
        records.extend(events.into_iter().map(|r| Recorded {
            position: r.position,
            recorded_at_ms: r.recorded_at_ms,
            actor: r.actor,
            event: group::Event::Distribution(r.event),
        }));
    }
    records.sort_by_key(|r| r.recorded_at_ms);
    for (i, record) in records.iter_mut().enumerate() {
        record.position = i as u64 + 1;
    }
    records
}

/// The base group, built once per fuzzing process.
pub fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let records = sim_records();
        let mut state = State::default();
        let mut projections = Projections::default();
        for record in &records {
            group::evolve(&mut state, record);
            projections.apply(record);
        }
        let (people, month) = sims();
        let now_ms = people.now_ms().max(month.now_ms());
        Group { state, projections, records, now_ms }
    })
}

/// The records as the log stores them: one chain from genesis.
pub fn stored(records: &[Recorded]) -> Vec<Envelope> {
    let mut prev_hash = GENESIS_HASH;
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let envelope = Envelope {
            position: record.position,
            stream: "sim".to_owned(),
            stream_version: record.position,
            event_type: record.event.event_type().to_owned(),
            schema_version: record.event.schema_version(),
            recorded_at_ms: record.recorded_at_ms,
            actor: record.actor.to_string(),
            command_id: format!("c{}", record.position),
            payload: record.event.payload().to_string(),
            prev_hash,
            hash: GENESIS_HASH,
        }
        .seal();
        prev_hash = envelope.hash;
        out.push(envelope);
    }
    out
}

/// The fuzz input of the `command` target: the actor and, optionally, the time on the first
/// line (`actor now_ms`), the command's JSON after it.
pub fn command_input(actor: &str, now_ms: i64, json: &[u8]) -> Vec<u8> {
    let mut out = format!("{actor} {now_ms}\n").into_bytes();
    out.extend_from_slice(json);
    out
}

/// Splits a `command` input into actor, time (`default_now_ms` when absent) and JSON.
pub fn split_command_input(data: &[u8], default_now_ms: i64) -> (String, i64, &[u8]) {
    let (first, json) = match data.iter().position(|b| *b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (&data[..0], data),
    };
    let first = String::from_utf8_lossy(first);
    let mut words = first.split(' ');
    let actor = words.next().unwrap_or_default().to_owned();
    let now_ms = words.next().and_then(|w| w.parse().ok()).unwrap_or(default_now_ms);
    (actor, now_ms, json)
}

/// One bundle folder in one fuzz input: a flags byte, then the files separated by a NUL
/// byte (which JSON and these CSV files never hold): events, manifest, transactions, stock
/// movements, then one `name\ncontent` section per statement.
#[derive(Debug, Default)]
pub struct BundleInput {
    /// Renumber the events' lines that parse as records and seal them into one chain, as
    /// the log would have, so the fuzzer's changes reach the derivation.
    pub reseal: bool,
    /// Replace the manifest and the derived files by what the export writes for the events.
    pub derive: bool,
    pub events: Vec<u8>,
    pub manifest: Vec<u8>,
    pub transactions: Vec<u8>,
    pub movements: Vec<u8>,
    pub statements: Vec<(String, Vec<u8>)>,
}

impl BundleInput {
    pub fn parse(data: &[u8]) -> BundleInput {
        let Some((&flags, rest)) = data.split_first() else { return BundleInput::default() };
        let mut sections = rest.split(|b| *b == 0);
        let mut next = || sections.next().unwrap_or_default().to_vec();
        let (events, manifest, transactions, movements) = (next(), next(), next(), next());
        let statements = sections
            .map(|section| {
                let end = section.iter().position(|b| *b == b'\n').unwrap_or(section.len());
                let name: String = String::from_utf8_lossy(&section[..end])
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '-')
                    .take(7)
                    .collect();
                let content = section.get(end + 1..).unwrap_or_default().to_vec();
                (format!("statements/{name}.json"), content)
            })
            .collect();
        let (reseal, derive) = (flags & 1 != 0, flags & 2 != 0);
        BundleInput { reseal, derive, events, manifest, transactions, movements, statements }
    }

    /// The input of a bundle's files, as [`BundleInput::parse`] reads it.
    pub fn encode(flags: u8, files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let file = |name: &str| {
            files.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone()).unwrap_or_default()
        };
        let mut out = vec![flags];
        for name in [EVENTS, MANIFEST, "transactions.csv", "stock_movements.csv"] {
            out.extend(file(name));
            out.push(0);
        }
        for (name, content) in files.iter().filter(|(n, _)| n.starts_with("statements/")) {
            let month = name.trim_start_matches("statements/").trim_end_matches(".json");
            out.extend_from_slice(month.as_bytes());
            out.push(b'\n');
            out.extend_from_slice(content);
            out.push(0);
        }
        out.pop();
        out
    }

    /// The files as the input gives them, by their path in the bundle.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![
            (EVENTS.to_owned(), self.events.clone()),
            (MANIFEST.to_owned(), self.manifest.clone()),
            ("transactions.csv".to_owned(), self.transactions.clone()),
            ("stock_movements.csv".to_owned(), self.movements.clone()),
        ];
        files.extend(self.statements.iter().cloned());
        files
    }
}

/// The lines of an events file that parse as records, up to the first that does not, and
/// the bytes from that line on.
pub fn parse_events(text: &[u8]) -> (Vec<Envelope>, &[u8]) {
    let mut records = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let Ok(record) = serde_json::from_slice::<Envelope>(&rest[..end]) else { break };
        records.push(record);
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    (records, rest)
}

/// The records renumbered from 1 and sealed into one chain from genesis.
pub fn reseal(records: Vec<Envelope>) -> Vec<Envelope> {
    let mut prev_hash = GENESIS_HASH;
    let mut out = Vec::with_capacity(records.len());
    for (i, mut record) in records.into_iter().enumerate() {
        record.position = i as u64 + 1;
        record.prev_hash = prev_hash;
        let record = record.seal();
        prev_hash = record.hash;
        out.push(record);
    }
    out
}

/// The events file as the export writes it; `None` if a payload is not JSON.
pub fn events_file(records: &[Envelope]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for record in records {
        out.extend(serde_json::to_vec(record).ok()?);
        out.push(b'\n');
    }
    Some(out)
}

/// Every file of the bundle the export writes for `records` (a chain from genesis), with
/// the manifest; `None` when the chain breaks or an event cannot be read, which the export
/// refuses too.
pub fn bundle_files(records: &[Envelope]) -> Option<Vec<(String, Vec<u8>)>> {
    let events = events_file(records)?;
    let mut chain = ChainVerifier::default();
    let mut derivation = Derivation::new();
    for record in records {
        chain.check(record).ok()?;
        derivation.fold(record).ok()?;
    }
    let derived = derivation.finish();
    let time_zone = derived.time_zone.clone();
    let mut files = vec![(EVENTS.to_owned(), events)];
    files.extend(derived.files);
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        exported_at: "2026-11-29T00:00:00.000Z".to_owned(),
        exported_by: "fuzz".to_owned(),
        count: chain.head_position(),
        head_position: chain.head_position(),
        head_hash: hex::encode(chain.head_hash()),
        first_hash: records.first().map(|r| hex::encode(r.hash)),
        files: files.iter().map(|(name, bytes)| (name.clone(), sha256(bytes))).collect(),
        time_zone,
    };
    files.push((MANIFEST.to_owned(), manifest.to_json()));
    Some(files)
}

/// Writes `files` into the folder `dir` (which exists and is empty).
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(())
}

/// Where the bundle target writes its folders: memory when the machine has `/dev/shm`.
pub fn scratch_dir() -> std::path::PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() }
}
