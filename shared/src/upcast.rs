//! Reading events written in older shapes.
//!
//! Events are never rewritten in the log: the hash chain covers their stored bytes. When an
//! event's payload changes shape, its `schema_version` goes up and a step from the old version
//! to the new one is registered here; reads apply the steps in order, so `decide` and `evolve`
//! only ever see the current shape. Verifying the chain reads the stored bytes, never the
//! upcast ones.

use serde_json::Value;

use crate::envelope::Envelope;

/// Turns a payload of one schema version into the next version's shape.
pub type Step = fn(Value) -> Result<Value, String>;

#[derive(Clone, Debug)]
struct Registered {
    event_type: &'static str,
    from_version: u32,
    step: Step,
}

/// The set of upcasting steps known to this build.
#[derive(Clone, Debug, Default)]
pub struct Upcasters {
    steps: Vec<Registered>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UpcastError {
    #[error("payload of {event_type} at position {position} is not JSON: {reason}")]
    NotJson { event_type: String, position: u64, reason: String },
    #[error("cannot upcast {event_type} v{from_version} at position {position}: {reason}")]
    StepFailed { event_type: String, from_version: u32, position: u64, reason: String },
}

impl Upcasters {
    /// The steps for the events this build writes. Every event is still at version 1; the
    /// first change of shape adds its step here, with a test that reads the old bytes.
    pub fn domain() -> Self {
        Upcasters::default()
    }

    /// Registers the step from `from_version` to `from_version + 1` of `event_type`.
    pub fn with(mut self, event_type: &'static str, from_version: u32, step: Step) -> Self {
        self.steps.push(Registered { event_type, from_version, step });
        self
    }

    /// Brings an event's payload to the newest version this build knows. The returned
    /// envelope keeps the stored `hash`, which no longer matches the rewritten payload.
    pub fn apply(&self, mut envelope: Envelope) -> Result<Envelope, UpcastError> {
        let mut next = self.step_for(&envelope.event_type, envelope.schema_version);
        if next.is_none() {
            return Ok(envelope);
        }
        let mut value: Value =
            serde_json::from_str(&envelope.payload).map_err(|e| UpcastError::NotJson {
                event_type: envelope.event_type.clone(),
                position: envelope.position,
                reason: e.to_string(),
            })?;
        while let Some(step) = next {
            value = step(value).map_err(|reason| UpcastError::StepFailed {
                event_type: envelope.event_type.clone(),
                from_version: envelope.schema_version,
                position: envelope.position,
                reason,
            })?;
            envelope.schema_version += 1;
            next = self.step_for(&envelope.event_type, envelope.schema_version);
        }
        envelope.payload = value.to_string();
        Ok(envelope)
    }

    fn step_for(&self, event_type: &str, version: u32) -> Option<Step> {
        self.steps
            .iter()
            .find(|s| s.event_type == event_type && s.from_version == version)
            .map(|s| s.step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::GENESIS_HASH;

    fn stored(schema_version: u32, payload: &str) -> Envelope {
        Envelope {
            position: 4,
            stream: "request-r1".into(),
            stream_version: 1,
            event_type: "RequestLogged".into(),
            schema_version,
            recorded_at_ms: 0,
            actor: "m1".into(),
            command_id: "c1".into(),
            payload: payload.into(),
            prev_hash: GENESIS_HASH,
            hash: GENESIS_HASH,
        }
    }

    fn urgent_flag_to_level(mut v: Value) -> Result<Value, String> {
        let urgent = v.get("urgent").and_then(Value::as_bool).ok_or("no `urgent` flag")?;
        let map = v.as_object_mut().ok_or("payload is not an object")?;
        map.remove("urgent");
        map.insert("urgency".into(), (if urgent { "high" } else { "normal" }).into());
        Ok(v)
    }

    fn add_zone(mut v: Value) -> Result<Value, String> {
        v["zone"] = "unknown".into();
        Ok(v)
    }

    #[test]
    fn steps_apply_in_order_until_the_newest_version() {
        let upcasters = Upcasters::default().with("RequestLogged", 2, add_zone).with(
            "RequestLogged",
            1,
            urgent_flag_to_level,
        );
        let read = upcasters.apply(stored(1, r#"{"urgent":true}"#)).unwrap();
        assert_eq!(read.schema_version, 3);
        let payload: Value = serde_json::from_str(&read.payload).unwrap();
        assert_eq!(payload, serde_json::json!({"urgency": "high", "zone": "unknown"}));
    }

    #[test]
    fn a_current_event_is_left_byte_for_byte() {
        let upcasters = Upcasters::default().with("RequestLogged", 1, urgent_flag_to_level);
        let current = stored(2, r#"{ "urgency":"high" }"#);
        assert_eq!(upcasters.apply(current.clone()), Ok(current));
    }

    #[test]
    fn a_step_that_cannot_read_the_old_shape_is_an_error_naming_the_position() {
        let upcasters = Upcasters::default().with("RequestLogged", 1, urgent_flag_to_level);
        let err = upcasters.apply(stored(1, r#"{"urgent":"maybe"}"#)).unwrap_err();
        assert!(matches!(err, UpcastError::StepFailed { position: 4, from_version: 1, .. }));
    }
}
