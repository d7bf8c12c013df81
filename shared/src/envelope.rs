//! The stored record of one event and the hash chain that proves the log was not altered.
//!
//! A record's *canonical bytes* are a length-prefixed binary encoding of every field but the
//! hash. Its hash is SHA-256 over those bytes, which start with nothing secret and end with the
//! previous record's hash, so each hash covers the whole history before it. The encoding is
//! defined here, in the pure crate, so that the server, an offline bundle verifier and the
//! browser all check the chain with the same code.
//!
//! Layout (big-endian integers, strings as `u32` length then UTF-8 bytes):
//! `format:u8 position:u64 stream:str stream_version:u64 event_type:str schema_version:u32
//! recorded_at_ms:i64 actor:str command_id:str payload:str prev_hash:[u8;32]`, then, in the
//! stored value only, `hash:[u8;32]`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The "previous hash" of the first record.
pub const GENESIS_HASH: Hash = [0; 32];

/// The only record format written so far. A new layout gets a new number and a decoder arm.
const FORMAT_V1: u8 = 1;

/// Upper bound on any one string field, so a corrupt length never asks for gigabytes.
const MAX_FIELD_LEN: usize = 16 * 1024 * 1024;

/// One event as it is stored in, and read back from, the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Gapless global position, starting at 1, assigned by the log's single writer.
    pub position: u64,
    /// The stream (aggregate) the event belongs to, e.g. `request-r17`.
    pub stream: String,
    /// The stream's version after this event: its first event has version 1.
    pub stream_version: u64,
    pub event_type: String,
    /// Version of the payload's shape for this `event_type`; see [`crate::upcast`].
    pub schema_version: u32,
    /// When the log's writer accepted the event, in milliseconds since the Unix epoch.
    pub recorded_at_ms: i64,
    /// The member who caused the event.
    pub actor: String,
    /// The client-chosen id of the command that produced the event.
    pub command_id: String,
    /// The event's data as JSON text, kept byte for byte because the hash covers those bytes.
    #[serde(with = "raw_json")]
    pub payload: String,
    #[serde(with = "hex::serde")]
    pub prev_hash: Hash,
    #[serde(with = "hex::serde")]
    pub hash: Hash,
}

/// Why stored bytes are not a valid record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("record is truncated: needed {needed} more bytes at offset {offset}")]
    Truncated { offset: usize, needed: usize },
    #[error("unknown record format {0}")]
    UnknownFormat(u8),
    #[error("field at offset {offset} is not valid UTF-8")]
    NotUtf8 { offset: usize },
    #[error("field at offset {offset} claims {len} bytes, more than a record may hold")]
    FieldTooLong { offset: usize, len: usize },
    #[error("{0} unexpected bytes after the record")]
    TrailingBytes(usize),
    #[error("stored hash does not match the record's contents")]
    HashMismatch,
}

/// Why a sequence of records is not an unbroken chain.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("position {found} follows position {previous}: positions must be gapless")]
    Gap { previous: u64, found: u64 },
    #[error("record at position {0} does not point at the hash of the record before it")]
    BrokenLink(u64),
    #[error("record at position {0} has a hash that does not match its contents")]
    BadHash(u64),
}

impl Envelope {
    /// The bytes the hash is computed over: every field but `hash`.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.payload.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&self.position.to_be_bytes());
        put_str(&mut out, &self.stream);
        out.extend_from_slice(&self.stream_version.to_be_bytes());
        put_str(&mut out, &self.event_type);
        out.extend_from_slice(&self.schema_version.to_be_bytes());
        out.extend_from_slice(&self.recorded_at_ms.to_be_bytes());
        put_str(&mut out, &self.actor);
        put_str(&mut out, &self.command_id);
        put_str(&mut out, &self.payload);
        out.extend_from_slice(&self.prev_hash);
        out
    }

    /// The hash this record must carry, given its other fields.
    pub fn compute_hash(&self) -> Hash {
        Sha256::digest(self.canonical_bytes()).into()
    }

    /// Sets `hash` from the other fields. Call once, after `prev_hash` is known.
    pub fn seal(mut self) -> Self {
        self.hash = self.compute_hash();
        self
    }

    /// The stored value: canonical bytes followed by the hash.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.canonical_bytes();
        out.extend_from_slice(&self.hash);
        out
    }

    /// Parses a stored value and checks its hash. Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Envelope, DecodeError> {
        let mut r = Reader { bytes, offset: 0 };
        let format = r.u8()?;
        if format != FORMAT_V1 {
            return Err(DecodeError::UnknownFormat(format));
        }
        let envelope = Envelope {
            position: r.u64()?,
            stream: r.str()?,
            stream_version: r.u64()?,
            event_type: r.str()?,
            schema_version: r.u32()?,
            recorded_at_ms: r.u64()? as i64,
            actor: r.str()?,
            command_id: r.str()?,
            payload: r.str()?,
            prev_hash: r.hash()?,
            hash: r.hash()?,
        };
        if r.offset != bytes.len() {
            return Err(DecodeError::TrailingBytes(bytes.len() - r.offset));
        }
        if envelope.compute_hash() != envelope.hash {
            return Err(DecodeError::HashMismatch);
        }
        Ok(envelope)
    }
}

/// Checks records one at a time, in position order, against the chain so far.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    head_position: u64,
    head_hash: Hash,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { head_position: 0, head_hash: GENESIS_HASH }
    }
}

impl ChainVerifier {
    /// Continues a chain whose last checked record is known (e.g. after a snapshot).
    pub fn resume(head_position: u64, head_hash: Hash) -> Self {
        ChainVerifier { head_position, head_hash }
    }

    pub fn check(&mut self, record: &Envelope) -> Result<(), ChainError> {
        if record.position != self.head_position + 1 {
            return Err(ChainError::Gap { previous: self.head_position, found: record.position });
        }
        if record.prev_hash != self.head_hash {
            return Err(ChainError::BrokenLink(record.position));
        }
        if record.compute_hash() != record.hash {
            return Err(ChainError::BadHash(record.position));
        }
        self.head_position = record.position;
        self.head_hash = record.hash;
        Ok(())
    }

    pub fn head_position(&self) -> u64 {
        self.head_position
    }

    pub fn head_hash(&self) -> Hash {
        self.head_hash
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Fields longer than u32::MAX cannot reach here: the log refuses them before encoding.
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let rest = &self.bytes[self.offset..];
        if rest.len() < n {
            return Err(DecodeError::Truncated { offset: self.offset, needed: n - rest.len() });
        }
        self.offset += n;
        Ok(&rest[..n])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn hash(&mut self) -> Result<Hash, DecodeError> {
        self.array()
    }

    fn str(&mut self) -> Result<String, DecodeError> {
        let offset = self.offset;
        let len = self.u32()? as usize;
        if len > MAX_FIELD_LEN {
            return Err(DecodeError::FieldTooLong { offset, len });
        }
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::NotUtf8 { offset })
    }
}

/// Serializes the payload string as embedded JSON (not as a quoted string), keeping its bytes.
mod raw_json {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::value::RawValue;

    pub fn serialize<S: Serializer>(payload: &str, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(payload).map_err(serde::ser::Error::custom)?;
        // The hash covers the payload's bytes, and JSON keeps the value only: whitespace
        // around it would be lost, and the record written would no longer match its hash
        // (found by the `record` fuzz target).
        if raw.get().len() != payload.len() {
            return Err(serde::ser::Error::custom("the payload has whitespace around its value"));
        }
        raw.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(raw.get().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(position: u64, prev_hash: Hash) -> Envelope {
        Envelope {
            position,
            stream: "request-r1".into(),
            stream_version: position,
            event_type: "RequestLogged".into(),
            schema_version: 1,
            recorded_at_ms: 1_790_000_000_000,
            actor: "m-ana".into(),
            command_id: format!("c{position}"),
            payload: r#"{"request_id":"r1","items":[{"item":"rice","quantity":2}]}"#.into(),
            prev_hash,
            hash: GENESIS_HASH,
        }
        .seal()
    }

    #[test]
    fn a_payload_with_whitespace_around_its_value_is_not_written_as_json() {
        // Found by the `record` fuzz target (fuzz/regressions/record/): JSON dropped the
        // whitespace, so the line no longer matched the record's hash.
        let mut padded = record(1, GENESIS_HASH);
        padded.payload = "\r9\n".into();
        let padded = padded.seal();
        assert_eq!(Envelope::decode(&padded.encode()).as_ref(), Ok(&padded));
        let error = serde_json::to_vec(&padded).expect_err("not written");
        assert!(error.to_string().contains("whitespace"), "{error}");

        let plain = record(2, padded.hash);
        let line = serde_json::to_vec(&plain).expect("written");
        assert_eq!(serde_json::from_slice::<Envelope>(&line).expect("read"), plain);
    }

    #[test]
    fn a_record_survives_encoding_and_decoding_unchanged() {
        let original = record(1, GENESIS_HASH);
        assert_eq!(Envelope::decode(&original.encode()), Ok(original));
    }

    #[test]
    fn every_single_byte_change_is_detected() {
        let bytes = record(7, [9; 32]).encode();
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x01;
            assert!(Envelope::decode(&damaged).is_err(), "flip at byte {i} went unnoticed");
        }
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = record(3, GENESIS_HASH).encode();
        for len in 0..bytes.len() {
            assert!(Envelope::decode(&bytes[..len]).is_err());
        }
    }

    #[test]
    fn a_huge_length_prefix_is_refused_without_allocating() {
        let mut bytes = vec![FORMAT_V1];
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(Envelope::decode(&bytes), Err(DecodeError::FieldTooLong { .. })));
    }

    #[test]
    fn the_verifier_names_the_first_broken_position() {
        let first = record(1, GENESIS_HASH);
        let second = record(2, first.hash);
        let mut forged = record(3, second.hash);
        forged.payload = r#"{"request_id":"r2"}"#.into();

        let mut verifier = ChainVerifier::default();
        assert_eq!(verifier.check(&first), Ok(()));
        assert_eq!(verifier.check(&second), Ok(()));
        assert_eq!(verifier.check(&forged), Err(ChainError::BadHash(3)));
    }

    #[test]
    fn the_verifier_refuses_a_gap_and_a_reordering() {
        let first = record(1, GENESIS_HASH);
        let second = record(2, first.hash);
        let third = record(3, second.hash);
        let mut verifier = ChainVerifier::default();
        verifier.check(&first).unwrap();
        assert_eq!(verifier.check(&third), Err(ChainError::Gap { previous: 1, found: 3 }));

        let relinked = record(2, GENESIS_HASH);
        assert_eq!(verifier.check(&relinked), Err(ChainError::BrokenLink(2)));
    }

    #[test]
    fn json_form_embeds_the_payload_and_keeps_its_bytes() {
        let original = record(1, GENESIS_HASH);
        let json = serde_json::to_string(&original).unwrap();
        assert!(json.contains(r#""payload":{"request_id":"r1""#), "{json}");
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back, original);
        assert_eq!(back.compute_hash(), original.hash);
    }
}
