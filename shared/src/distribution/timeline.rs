//! A request's timeline: every step, when, by whom, and the stage it left the request in.
//! The retrospective reads these to see which requests waited longest and at which step.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::Recorded;
use super::delivery::UNDO_COMPLETION_MS;
use super::event::Event;
use super::hashing::FastMap;
use super::id::{DeliveryId, MemberId, RequestId};
use super::progress::{RequestProgress, Stage};
use crate::kernel::{At, Evolve};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: MemberId,
    /// The event's type tag, such as `StockReserved`.
    pub event_type: Cow<'static, str>,
    /// The delivery the step was about, if any.
    pub delivery_id: Option<DeliveryId>,
    /// The request's stage after the step.
    pub stage: Stage,
}

/// The steps of one request. Events of other requests are ignored, so a timeline can be
/// built by folding the whole log or only the request's streams.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub request_id: RequestId,
    /// The request's short number ("#142").
    #[serde(default)]
    pub number: u64,
    pub steps: Vec<Step>,
    /// While the request is open, how far it has got. Dropped once it is closed: a closed
    /// stage is final, and most of a year's requests are closed.
    pub progress: Option<RequestProgress>,
}

impl Timeline {
    pub fn new(request_id: RequestId) -> Timeline {
        Timeline {
            request_id,
            number: 0,
            // Enough for the usual life of a request, so the steps are allocated once.
            steps: Vec::with_capacity(12),
            progress: None,
        }
    }

    /// The current stage, once the request is logged.
    pub fn stage(&self) -> Option<Stage> {
        self.steps.last().map(|step| step.stage)
    }

    /// How long the request spent in each step's resulting stage, until the next step (or
    /// until `now_ms` for the last): `(step, duration_ms)`.
    pub fn durations(&self, now_ms: i64) -> Vec<(&Step, i64)> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let until_ms = self.steps.get(i + 1).map_or(now_ms, |next| next.recorded_at_ms);
                (step, until_ms.saturating_sub(step.recorded_at_ms).max(0))
            })
            .collect()
    }

    /// Folds one event of this request (the tests' way in; [`Timeline::step`] is the fold).
    pub fn apply(&mut self, recorded: &Recorded) {
        self.step(recorded.at(), &recorded.event);
    }

    fn step(&mut self, at: At<'_>, event: &Event) {
        if event.request_id() != Some(&self.request_id) {
            return;
        }
        let stage = match (&mut self.progress, event) {
            (None, Event::RequestLogged { lines, .. }) if self.steps.is_empty() => {
                self.progress.insert(RequestProgress::logged(lines)).stage()
            }
            (Some(progress), _) => {
                progress.apply(event);
                progress.stage()
            }
            // Closed for good: later steps (feedback) leave the stage where it was.
            (None, _) => match self.steps.last() {
                Some(step) => step.stage,
                None => return,
            },
        };
        if !stage.is_open() {
            self.progress = None;
        }
        self.steps.push(Step {
            position: at.position,
            recorded_at_ms: at.recorded_at_ms,
            actor: at.actor.into(),
            event_type: Cow::Borrowed(event.event_type()),
            delivery_id: delivery_of(event).cloned(),
            stage,
        });
    }
}

/// The timelines of every request, for the retrospective. A hash map: there is one entry
/// per request ever logged, and an ordered map's string comparisons dominated the fold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timelines {
    pub requests: FastMap<RequestId, Timeline>,
    /// The progress of requests a completion closed within [`KEPT_FOR_UNDO_MS`] of the
    /// latest event, with when: taking the completion back reopens them from here.
    #[serde(default)]
    pub just_closed: FastMap<RequestId, (RequestProgress, i64)>,
}

/// How long, in the log's own time, a closed request's progress is kept for taking its
/// completion back: twice the undo's own window, so an undo decided at its last second
/// and recorded a moment later still finds it.
pub const KEPT_FOR_UNDO_MS: i64 = 2 * UNDO_COMPLETION_MS;

impl Timelines {
    pub fn new() -> Timelines {
        Timelines::default()
    }

    pub fn get(&self, request_id: &str) -> Option<&Timeline> {
        self.requests.get(request_id)
    }

    /// Folds one recorded event (the client's and tests' way in; [`Evolve`] is the fold).
    pub fn apply(&mut self, recorded: &Recorded) {
        self.evolve(recorded.at(), &recorded.event);
    }

    fn fold(&mut self, at: At<'_>, event: &Event) {
        let now_ms = at.recorded_at_ms;
        if !self.just_closed.is_empty() {
            self.just_closed.retain(|_, (_, at_ms)| *at_ms + KEPT_FOR_UNDO_MS >= now_ms);
        }
        let Some(request_id) = event.request_id() else {
            return;
        };
        if let Event::RequestLogged { number, .. } = *event {
            let mut timeline = Timeline::new(request_id.clone());
            // Events from before numbers were given are numbered in the order logged.
            timeline.number = if number > 0 { number } else { self.requests.len() as u64 + 1 };
            timeline.step(at, event);
            self.requests.insert(request_id.clone(), timeline);
        } else if let Some(timeline) = self.requests.get_mut(request_id) {
            if let Event::DeliveryCompletionUndone { .. } = event
                && timeline.progress.is_none()
                && let Some((progress, _)) = self.just_closed.remove(request_id)
            {
                timeline.progress = Some(progress);
            }
            let open_before = timeline.progress.clone();
            timeline.step(at, event);
            if let (Event::DeliveryCompleted { .. }, Some(mut progress), None) =
                (event, open_before, &timeline.progress)
            {
                progress.apply(event);
                self.just_closed.insert(request_id.clone(), (progress, now_ms));
            }
        }
    }
}

fn delivery_of(event: &Event) -> Option<&DeliveryId> {
    match event {
        Event::DeliveryScheduled { delivery_id, .. }
        | Event::DeliveryClaimed { delivery_id, .. }
        | Event::HouseholdConfirmed { delivery_id, .. }
        | Event::DeliveryStarted { delivery_id, .. }
        | Event::DeliveryCompleted { delivery_id, .. }
        | Event::DeliveryCompletionUndone { delivery_id, .. }
        | Event::DeliveryFailed { delivery_id, .. } => Some(delivery_id),
        _ => None,
    }
}

impl Evolve<Event> for Timelines {
    fn evolve(&mut self, at: At<'_>, event: &Event) {
        self.fold(at, event);
    }
}
