//! Actions waiting to reach the server. Every action the page takes becomes a command with an
//! id chosen here, queued, and sent in order; a send that fails for want of a connection is
//! retried with the same id until the server answers, so an action taken offline lands once
//! (the server answers a repeated id with its first answer and writes nothing).
//!
//! The queue lives in memory only: a waiting request may carry a household's name and
//! address in clear (the server seals it), and a shared phone's storage is no place for that.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api;

/// One action not yet answered by the server.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub command_id: String,
    pub command: Value,
    /// What the person did, in their words ("Complete delivery d-12"), for messages.
    pub label: String,
}

/// What to do with a pending action after an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Durable: drop it from the queue.
    Accepted,
    /// Refused for good (rules, roles, a bad value): drop it and tell the person why.
    Refused(String),
    /// The session is over: keep it, and ask the person to sign in again.
    SignedOut,
    /// Not answered, or the server could not store it just now: send it again later.
    Retry,
}

/// Reads an HTTP answer to `POST /api/commands`.
pub fn classify(status: u16, body: &str) -> Answer {
    match status {
        200 => Answer::Accepted,
        401 => Answer::SignedOut,
        408 | 429 | 500..=599 => Answer::Retry,
        _ => Answer::Refused(api::error_words(status, body)),
    }
}

/// A message for the person: an error stays until dismissed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u64,
    pub text: String,
}

/// The queue and what the page shows of it. Cheap to copy: signals only.
#[derive(Clone, Copy, Debug)]
pub struct Outbox {
    pub pending: RwSignal<Vec<Pending>>,
    /// False once a send failed for want of a connection, true again after an answer.
    pub reachable: RwSignal<bool>,
    pub errors: RwSignal<Vec<Notice>>,
    /// The label of the last action the server accepted.
    pub last_done: RwSignal<Option<String>>,
    /// Set when the server says the session is over.
    pub signed_out: RwSignal<bool>,
    sending: StoredValue<bool>,
    next_notice: StoredValue<u64>,
}

impl Outbox {
    pub fn new() -> Outbox {
        Outbox {
            pending: RwSignal::new(Vec::new()),
            reachable: RwSignal::new(true),
            errors: RwSignal::new(Vec::new()),
            last_done: RwSignal::new(None),
            signed_out: RwSignal::new(false),
            sending: StoredValue::new(false),
            next_notice: StoredValue::new(0),
        }
    }

    /// Queues `command` (a JSON object with its `type`) and starts sending; its command id.
    pub fn send(self, label: String, command: Value) -> String {
        let command_id = new_id("c");
        let pending = Pending { command_id: command_id.clone(), command, label };
        self.pending.update(|queue| queue.push(pending));
        self.flush();
        command_id
    }

    /// Sends what is waiting, in order, unless a send is already under way.
    pub fn flush(self) {
        if self.sending.get_value() || self.signed_out.get_untracked() {
            return;
        }
        self.sending.set_value(true);
        spawn_local(async move {
            self.drain().await;
            self.sending.set_value(false);
        });
    }

    async fn drain(self) {
        while let Some(first) = self.pending.with_untracked(|queue| queue.first().cloned()) {
            let body = serde_json::json!({
                "command_id": first.command_id,
                "command": first.command,
            });
            let answer = match api::call("POST", "/api/commands", Some(&body.to_string())).await {
                Ok((status, text)) => classify(status, &text),
                Err(_) => Answer::Retry,
            };
            match answer {
                Answer::Accepted => {
                    self.reachable.set(true);
                    self.pop(&first.command_id);
                    self.last_done.set(Some(first.label));
                }
                Answer::Refused(words) => {
                    self.reachable.set(true);
                    self.pop(&first.command_id);
                    self.error(format!("{}: {words}", first.label));
                }
                Answer::SignedOut => {
                    self.signed_out.set(true);
                    return;
                }
                Answer::Retry => {
                    self.reachable.set(false);
                    // Try again soon; coming back online or the socket reopening also flush.
                    set_timeout(move || self.flush(), Duration::from_secs(2));
                    return;
                }
            }
        }
    }

    fn pop(self, command_id: &str) {
        self.pending.update(|queue| queue.retain(|p| p.command_id != command_id));
    }

    /// Shows `text` until the person dismisses it.
    pub fn error(self, text: String) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.errors.update(|errors| errors.push(Notice { id, text }));
    }

    pub fn dismiss(self, id: u64) {
        self.errors.update(|errors| errors.retain(|n| n.id != id));
    }
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

/// A fresh id with `prefix`: the time in milliseconds and 32 random bits, so two phones
/// taking an action in the same millisecond still pick different ids.
pub fn new_id(prefix: &str) -> String {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("{prefix}-{now:x}{random:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_sort_into_done_refused_retry_and_signed_out() {
        assert_eq!(classify(200, "{}"), Answer::Accepted);
        assert_eq!(classify(401, ""), Answer::SignedOut);
        assert_eq!(classify(503, ""), Answer::Retry);
        assert_eq!(classify(429, ""), Answer::Retry);
        let body =
            r#"{"error":{"code":"wrong_stage","message":"the delivery is already completed"}}"#;
        assert_eq!(
            classify(422, body),
            Answer::Refused("The delivery is already completed.".into())
        );
    }
}
