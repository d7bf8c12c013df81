//! Fuzzes a command as `POST /api/commands` takes it, then as the pipeline decides it.
//!
//! The input is the actor and optionally the time (`actor now_ms` on the first line) and
//! the command's JSON. It goes the server's way: JSON, the `type` tag
//! (`Command::known_kind`), the role table (`access::may_send_kind`), `Command::from_json`, then
//! `group::decide` against a realistic group (the seeded simulations of a month of
//! distribution, people and money), and every event decided is folded into the decision
//! state and the server's projections, as the pipeline and the projector do.
//!
//! Failure: any panic (bad input must be a 4xx or a rejection, never a crash), a command
//! that parses as another type than its tag, a command that does not read back from its
//! own JSON, or a decided event that does not read back from the payload the log stores.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use shared::access;
use shared::distribution::Context;
use shared::group::{self, Command, Event, Recorded};

fuzz_target!(|data: &[u8]| {
    let group = potluck_fuzz::group();
    let (actor, now_ms, json) = potluck_fuzz::split_command_input(data, group.now_ms);
    let Ok(value) = serde_json::from_slice::<Value>(json) else { return };
    let Ok(kind) = Command::known_kind(&value) else { return };
    // The route refuses a member whose roles do not allow the kind; `decide` must hold up
    // whoever sends, so it runs either way.
    let _ = access::may_send_kind(group.state.members.roles_of(&actor), kind);
    let Ok(command) = Command::from_json(value) else { return };
    assert_eq!(command.kind(), kind, "a command parsed as another kind");
    let _ = command.stream();
    let written = serde_json::to_value(&command).expect("a command serializes");
    let read = Command::from_json(written);
    assert_eq!(read.as_ref(), Ok(&command), "a command does not read back from its JSON");

    let ctx = Context { now_ms, actor: actor.as_str().into() };
    let Ok(events) = group::decide(&group.state, &command, &ctx) else { return };
    let mut state = group.state.clone();
    let mut projections = group.projections.clone();
    let head = group.records.len() as u64;
    for (position, event) in (head + 1..).zip(events) {
        let payload = event.payload().to_string();
        let stored = Event::from_payload(event.event_type(), &payload);
        assert_eq!(stored.as_ref(), Ok(&event), "an event does not read back from its payload");
        let recorded =
            Recorded { position, recorded_at_ms: now_ms, actor: ctx.actor.clone(), event };
        group::evolve(&mut state, &recorded);
        projections.apply(&recorded);
    }
});
