//! Actions waiting to reach the server. Every action the page takes becomes a command with an
//! id chosen here, queued, and sent in order; a send that fails for want of a connection is
//! retried with the same id until the server answers, so an action taken offline lands once
//! (the server answers a repeated id with its first answer and writes nothing).
//!
//! Each answer is kept by command id for a while, so the form or button that sent a command
//! can say, next to itself, that it was done or why it was refused.
//!
//! The queue lives in memory only: a waiting request may carry a household's name and
//! address in clear (the server seals it), and a shared phone's storage is no place for that.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::view::ErrorDetail;
use shared::wire::{CommandRequest, Outgoing};

use crate::api;

/// Answers kept for the forms and buttons that sent them.
const ANSWERS_KEPT: usize = 64;

/// An action as a person takes it: what it says in their words, the command, and the request
/// or delivery it is about (so a screen can show that something about it is waiting).
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// "Complete delivery d-12", for messages.
    pub label: String,
    pub command: Outgoing,
    pub about: Option<String>,
}

impl Action {
    /// `command` (a value of a part's `Command` type) with its label.
    pub fn new(label: String, command: &impl serde::Serialize) -> Result<Action, String> {
        Ok(Action { label, command: Outgoing::new(command)?, about: None })
    }

    /// The request or delivery this action is about.
    pub fn about(mut self, id: impl Into<String>) -> Action {
        self.about = Some(id.into());
        self
    }
}

/// One action not yet answered by the server.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub command_id: String,
    pub action: Action,
    /// The sender shows the answer itself; no notice at the top of the page.
    pub shown_by_sender: bool,
}

/// What the server said to a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Durable: drop it from the queue.
    Accepted,
    /// Refused for good (rules, roles, a bad value): drop it and tell the person why.
    Refused(ErrorDetail),
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
        _ => Answer::Refused(api::error_detail(status, body)),
    }
}

/// A message for the person, shown until dismissed: a refusal of an action whose sender is
/// gone (or that has no place of its own to say it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u64,
    pub label: String,
    pub refusal: ErrorDetail,
}

/// The queue and what the page shows of it. Cheap to copy: signals only.
#[derive(Clone, Copy, Debug)]
pub struct Outbox {
    pub pending: RwSignal<Vec<Pending>>,
    /// False once a send failed for want of a connection, true again after an answer.
    pub reachable: RwSignal<bool>,
    pub notices: RwSignal<Vec<Notice>>,
    /// The last answers, newest last: accepted (`None`) or refused, by command id.
    pub answers: RwSignal<Vec<(String, Option<ErrorDetail>)>>,
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
            notices: RwSignal::new(Vec::new()),
            answers: RwSignal::new(Vec::new()),
            last_done: RwSignal::new(None),
            signed_out: RwSignal::new(false),
            sending: StoredValue::new(false),
            next_notice: StoredValue::new(0),
        }
    }

    /// Queues `action` and starts sending; its command id. With `shown_by_sender`, a refusal
    /// is left to the sender to show (through [`Outbox::answer`]).
    pub fn send(self, action: Action, shown_by_sender: bool) -> String {
        let command_id = new_id("c");
        let pending = Pending { command_id: command_id.clone(), action, shown_by_sender };
        self.pending.update(|queue| queue.push(pending));
        self.flush();
        command_id
    }

    /// The sender of `command_id` is gone (its form closed, its card redrawn): a refusal
    /// must then be shown at the top of the page.
    pub fn orphan(self, command_id: &str) {
        self.pending.try_update(|queue| {
            for pending in queue.iter_mut().filter(|p| p.command_id == command_id) {
                pending.shown_by_sender = false;
            }
        });
    }

    /// Whether an action about `id` (a request or delivery) is waiting to be sent.
    pub fn waiting_about(self, id: &str) -> bool {
        self.pending.with(|queue| queue.iter().any(|p| p.action.about.as_deref() == Some(id)))
    }

    /// Whether `command_id` is still waiting.
    pub fn is_waiting(self, command_id: &str) -> bool {
        self.pending.with(|queue| queue.iter().any(|p| p.command_id == command_id))
    }

    /// The answer to `command_id`, once there is one: `Ok` when accepted.
    pub fn answer(self, command_id: &str) -> Option<Result<(), ErrorDetail>> {
        self.answers.with(|answers| {
            answers.iter().rev().find(|(id, _)| id == command_id).map(
                |(_, refused)| match refused {
                    None => Ok(()),
                    Some(refusal) => Err(refusal.clone()),
                },
            )
        })
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
            let request = CommandRequest {
                command_id: first.command_id.clone(),
                expected_version: None,
                command: first.action.command.json(),
            };
            let body = serde_json::to_string(&request).unwrap_or_default();
            let answer = match api::call("POST", "/api/commands", Some(&body)).await {
                Ok((status, text)) => classify(status, &text),
                Err(_) => Answer::Retry,
            };
            match answer {
                Answer::Accepted => {
                    self.reachable.set(true);
                    self.done(&first, None);
                    self.last_done.set(Some(first.action.label));
                }
                Answer::Refused(refusal) => {
                    self.reachable.set(true);
                    if !first.shown_by_sender {
                        self.notice(first.action.label.clone(), refusal.clone());
                    }
                    self.done(&first, Some(refusal));
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

    fn done(self, pending: &Pending, refused: Option<ErrorDetail>) {
        self.answers.update(|answers| {
            answers.push((pending.command_id.clone(), refused));
            let extra = answers.len().saturating_sub(ANSWERS_KEPT);
            answers.drain(..extra);
        });
        self.pending.update(|queue| queue.retain(|p| p.command_id != pending.command_id));
    }

    /// Shows a refusal at the top of the page until the person dismisses it.
    pub fn notice(self, label: String, refusal: ErrorDetail) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|notices| notices.push(Notice { id, label, refusal }));
    }

    pub fn dismiss(self, id: u64) {
        self.notices.update(|notices| notices.retain(|n| n.id != id));
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
    let (now, random) = now_and_random();
    format!("{prefix}-{now:x}{random:08x}")
}

#[cfg(target_arch = "wasm32")]
fn now_and_random() -> (u64, u32) {
    let now = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    (now, random)
}

/// Natively (the tests that build every command a form sends) there is no browser to ask:
/// the system clock and a counter stand in.
#[cfg(not(target_arch = "wasm32"))]
fn now_and_random() -> (u64, u32) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    (now, NEXT.fetch_add(1, Ordering::Relaxed))
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
        let refusal = ErrorDetail {
            code: "wrong_stage".into(),
            message: "the delivery is already completed".into(),
            params: Default::default(),
        };
        assert_eq!(classify(422, body), Answer::Refused(refusal));
    }
}
