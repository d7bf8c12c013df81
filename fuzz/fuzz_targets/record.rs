//! Fuzzes a stored record on its way from the log to the projections.
//!
//! The first byte chooses the form of the rest: 0, the bytes the log stores
//! (`Envelope::decode`, which checks the record's hash); 1, the same with the last 32 bytes
//! replaced by the hash of the others, so that changes to the fields get past the hash
//! check; 2, a line of a bundle's `events.ndjson` (the envelope's JSON). A record that
//! reads is checked against the chain (`ChainVerifier`), upcast (`Upcasters::domain`),
//! decoded as the server decodes it (`projections::decode`), and folded into the decision
//! state and the projections of a realistic group, as start-up does.
//!
//! Failure: any panic (a damaged log must be refused with an error, never crash the
//! server), a stored record that is not written back byte for byte, a record whose hash
//! checked that the chain refuses, or an envelope that does not read back from its JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use shared::envelope::{ChainVerifier, Envelope};
use shared::group;
use shared::upcast::Upcasters;

fuzz_target!(|data: &[u8]| {
    let Some((&form, bytes)) = data.split_first() else { return };
    let envelope = match form % 3 {
        0 => stored(bytes.to_vec()),
        1 => stored(with_hash(bytes)),
        _ => serde_json::from_slice::<Envelope>(bytes).ok(),
    };
    let Some(envelope) = envelope else { return };
    if let Ok(line) = serde_json::to_vec(&envelope) {
        let read = serde_json::from_slice::<Envelope>(&line).ok();
        assert_eq!(read.as_ref(), Some(&envelope), "an envelope does not read back from its JSON");
    }
    let Ok(current) = Upcasters::domain().apply(envelope) else { return };
    let Ok(Some(recorded)) = server::projections::decode(&current) else { return };
    let base = potluck_fuzz::group();
    let mut state = base.state.clone();
    let mut projections = base.projections.clone();
    group::evolve(&mut state, &recorded);
    projections.apply(&recorded);
});

/// Decodes stored bytes; a record that decodes must be written back as it was, and its
/// hash (checked by `decode`) must satisfy the chain after the hash it points at.
fn stored(bytes: Vec<u8>) -> Option<Envelope> {
    let envelope = Envelope::decode(&bytes).ok()?;
    assert_eq!(envelope.encode(), bytes, "a stored record is not written back as it was");
    if let Some(before) = envelope.position.checked_sub(1) {
        let checked = ChainVerifier::resume(before, envelope.prev_hash).check(&envelope);
        assert_eq!(checked, Ok(()), "the chain refuses a record whose hash checked");
    }
    Some(envelope)
}

/// `bytes` with its last 32 bytes replaced by the SHA-256 of the others.
fn with_hash(bytes: &[u8]) -> Vec<u8> {
    let Some(body_len) = bytes.len().checked_sub(32) else { return bytes.to_vec() };
    let mut out = bytes[..body_len].to_vec();
    out.extend_from_slice(&Sha256::digest(&out));
    out
}
