//! Key layout of the log's single keyspace. Integers are big-endian, so byte order is
//! numeric order and a range scan walks positions or versions in order.

use super::Appended;
use shared::envelope::Hash;

const EVENT: u8 = b'e';
const STREAM: u8 = b's';
const COMMAND: u8 = b'c';

pub fn event(position: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(9);
    key.push(EVENT);
    key.extend_from_slice(&position.to_be_bytes());
    key
}

/// The position in an event key; 0 (never a real position) if the key is malformed.
pub fn position_of(key: &[u8]) -> u64 {
    key.get(1..).and_then(decode_u64).unwrap_or(0)
}

/// Stream ids never contain NUL (the log refuses them), so NUL ends the id unambiguously.
pub fn stream_entry(stream: &str, version: u64) -> Vec<u8> {
    let mut key = stream_prefix(stream);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

/// The first key after every entry of `stream`.
pub fn stream_end(stream: &str) -> Vec<u8> {
    let mut key = stream_prefix(stream);
    key.extend_from_slice(&[0xff; 9]);
    key
}

fn stream_prefix(stream: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(stream.len() + 10);
    key.push(STREAM);
    key.extend_from_slice(stream.as_bytes());
    key.push(0);
    key
}

pub fn command(command_id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(command_id.len() + 1);
    key.push(COMMAND);
    key.extend_from_slice(command_id.as_bytes());
    key
}

/// The first key after every command's.
pub fn command_end() -> Vec<u8> {
    vec![COMMAND + 1]
}

/// A command's stored answer: its fingerprint, then the positions and stream version.
pub fn encode_answer(fingerprint: &Hash, answer: &Appended) -> Vec<u8> {
    let mut value = Vec::with_capacity(56);
    value.extend_from_slice(fingerprint);
    value.extend_from_slice(&answer.first_position.to_be_bytes());
    value.extend_from_slice(&answer.last_position.to_be_bytes());
    value.extend_from_slice(&answer.stream_version.to_be_bytes());
    value
}

pub fn decode_answer(value: &[u8]) -> Option<(Hash, Appended)> {
    if value.len() != 56 {
        return None;
    }
    let fingerprint: Hash = value[..32].try_into().ok()?;
    let answer = Appended {
        first_position: decode_u64(&value[32..40])?,
        last_position: decode_u64(&value[40..48])?,
        stream_version: decode_u64(&value[48..56])?,
    };
    Some((fingerprint, answer))
}

pub fn decode_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}
