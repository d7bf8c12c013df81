//! Model-based property test of the log (sled's `prop_tree_matches_btreemap`, with restarts).
//!
//! Random appends (right and wrong expected versions, retries of a command, a command id
//! reused for something else) and restarts run against the real log in a real folder, and
//! against a plain in-memory model. After every step the answers must agree; after every
//! restart and at the end, the stored events, positions, streams and chain must agree too.

use std::collections::HashMap;
use std::path::Path;

use proptest::prelude::*;
use server::log::{AppendError, AppendRequest, Appended, ExpectedVersion, Log, NewEvent};
use tests::noted;

#[derive(Clone, Debug)]
enum Expect {
    Any,
    Right,
    Wrong,
}

#[derive(Clone, Debug)]
enum Op {
    Append {
        stream: u8,
        events: u8,
        expect: Expect,
    },
    /// Send again the `n`th successful command, unchanged.
    Retry {
        n: usize,
    },
    /// Send a different command under the `n`th successful command's id.
    Reuse {
        n: usize,
    },
    Restart,
}

fn op() -> impl Strategy<Value = Op> {
    let expect = prop_oneof![Just(Expect::Any), Just(Expect::Right), Just(Expect::Wrong)];
    prop_oneof![
        6 => (0u8..4, 1u8..4, expect)
            .prop_map(|(stream, events, expect)| Op::Append { stream, events, expect }),
        2 => any::<usize>().prop_map(|n| Op::Retry { n }),
        1 => any::<usize>().prop_map(|n| Op::Reuse { n }),
        1 => Just(Op::Restart),
    ]
}

/// What the log should hold: the simplest thing that could be right.
#[derive(Default)]
struct Model {
    /// (stream, stream version, command id, payload) per position, from position 1.
    events: Vec<(String, u64, String, String)>,
    streams: HashMap<String, u64>,
    accepted: Vec<(AppendRequest, Appended)>,
}

impl Model {
    fn append(&mut self, request: &AppendRequest) -> Result<Appended, AppendError> {
        if let Some((original, answer)) =
            self.accepted.iter().find(|(r, _)| r.command_id == request.command_id)
        {
            return if original.fingerprint == request.fingerprint {
                Ok(*answer)
            } else {
                Err(AppendError::CommandIdReused(request.command_id.clone()))
            };
        }
        let current = self.streams.get(&request.stream).copied().unwrap_or(0);
        if let ExpectedVersion::Exact(expected) = request.expected
            && expected != current
        {
            let stream = request.stream.clone();
            return Err(AppendError::WrongExpectedVersion { stream, expected, current });
        }
        let first_position = self.events.len() as u64 + 1;
        for (i, event) in request.events.iter().enumerate() {
            let version = current + 1 + i as u64;
            let command_id = request.command_id.clone();
            self.events.push((request.stream.clone(), version, command_id, event.payload.clone()));
        }
        let stream_version = current + request.events.len() as u64;
        self.streams.insert(request.stream.clone(), stream_version);
        let answer =
            Appended { first_position, last_position: self.events.len() as u64, stream_version };
        self.accepted.push((request.clone(), answer));
        Ok(answer)
    }
}

fn request_for(model: &Model, op: &Op, serial: usize) -> Option<AppendRequest> {
    let pick = |n: usize| model.accepted.get(n % model.accepted.len().max(1)).map(|(r, _)| r);
    match op {
        Op::Append { stream, events, expect } => {
            let stream = format!("s{stream}");
            let current = model.streams.get(&stream).copied().unwrap_or(0);
            let expected = match expect {
                Expect::Any => ExpectedVersion::Any,
                Expect::Right => ExpectedVersion::Exact(current),
                Expect::Wrong => ExpectedVersion::Exact(current + 1),
            };
            let events: Vec<NewEvent> =
                (0..*events).map(|i| noted(&format!("{serial}.{i}"))).collect();
            Some(AppendRequest::new(stream, expected, events, format!("c{serial}"), "tester"))
        }
        Op::Retry { n } => pick(*n).cloned(),
        Op::Reuse { n } => pick(*n).map(|original| {
            let events = vec![noted("something else")];
            AppendRequest::new(
                &original.stream,
                ExpectedVersion::Any,
                events,
                &original.command_id,
                "tester",
            )
        }),
        Op::Restart => None,
    }
}

fn assert_log_matches(log: &Log, model: &Model) {
    let stored = log.read_raw(1, usize::MAX).unwrap();
    let seen: Vec<_> = stored
        .iter()
        .map(|e| (e.stream.clone(), e.stream_version, e.command_id.clone(), e.payload.clone()))
        .collect();
    assert_eq!(seen, model.events);
    let positions: Vec<u64> = stored.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=model.events.len() as u64).collect::<Vec<_>>());
    assert_eq!(log.verify().unwrap().count, model.events.len() as u64);
    for (stream, version) in &model.streams {
        let versions: Vec<u64> =
            log.read_stream(stream, 1).unwrap().iter().map(|e| e.stream_version).collect();
        assert_eq!(versions, (1..=*version).collect::<Vec<_>>(), "stream {stream}");
    }
    for (request, answer) in &model.accepted {
        assert_eq!(log.command(&request.command_id).unwrap(), Some(*answer));
    }
}

async fn run(dir: &Path, ops: Vec<Op>) {
    let mut log = Log::open(dir).unwrap();
    let mut model = Model::default();
    for (serial, op) in ops.iter().enumerate() {
        if let Op::Restart = op {
            log.close().await;
            drop(log);
            log = Log::open(dir).unwrap();
            assert_log_matches(&log, &model);
            continue;
        }
        let Some(request) = request_for(&model, op, serial) else { continue };
        let expected = model.append(&request);
        let actual = log.append(request).await;
        assert_eq!(actual, expected, "step {serial}: {op:?}");
    }
    assert_log_matches(&log, &model);
    log.close().await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_log_behaves_like_a_vector_of_events_across_restarts(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run(&dir.path().join("data"), ops));
    }
}
