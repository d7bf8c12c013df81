//! Fuzzes `potluck verify-bundle`: `server::bundle::verify` on a folder written from the
//! input (see `BundleInput` for its layout: the events, the manifest, the derived files).
//!
//! Two flags in the first byte take the input deeper. `reseal` renumbers the event lines
//! that parse as records and seals them into one chain, so the fuzzer's changes to the
//! events reach the derivation (the upcasters, `projections::decode`, `Ledger::evolve`,
//! the stock movements, `MonthlyStatement`) instead of stopping at the first broken hash.
//! `derive` then replaces the manifest and the derived files by what the export writes.
//!
//! Failure: any panic (a bundle is untrusted input: the verifier must list its problems,
//! never crash), or, with `derive`, a bundle written by the export's rules that does not
//! verify.

#![no_main]

use libfuzzer_sys::fuzz_target;
use potluck_fuzz::BundleInput;

fuzz_target!(|data: &[u8]| {
    let input = BundleInput::parse(data);
    let mut files = input.files();
    let mut exported = false;
    if input.reseal {
        let (records, rest) = potluck_fuzz::parse_events(&input.events);
        let records = potluck_fuzz::reseal(records);
        if input.derive
            && rest.is_empty()
            && let Some(bundle) = potluck_fuzz::bundle_files(&records)
        {
            files = bundle;
            exported = true;
        } else if let Some(mut events) = potluck_fuzz::events_file(&records) {
            events.extend_from_slice(rest);
            files[0].1 = events;
        }
    }
    let dir = tempfile::tempdir_in(potluck_fuzz::scratch_dir()).expect("a scratch folder");
    potluck_fuzz::write_files(dir.path(), &files).expect("the bundle is written");
    let verified = server::bundle::verify(dir.path());
    if exported {
        assert!(verified.is_ok(), "an exported bundle does not verify: {:?}", verified.err());
    }
});
