//! Feedback on a request, from the household or from the volunteer who served it.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::field;
use super::id::RequestId;
use super::rejection::Rejection;
use super::state::State;

/// Who gave the feedback. A household's feedback is relayed by whoever records it; a
/// volunteer's is the recording member's own, so the actor of the event names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackFrom {
    Household,
    Volunteer,
}

pub const MIN_RATING: i64 = 1;
pub const MAX_RATING: i64 = 5;

/// Feedback is welcome at any stage, including after delivery or cancellation.
pub(crate) fn record(
    state: &State,
    request_id: &RequestId,
    from: FeedbackFrom,
    rating: i64,
    text: &str,
) -> Result<Vec<Event>, Rejection> {
    if state.request(request_id.as_str()).is_none() {
        return Err(Rejection::unknown("request", request_id.as_str()));
    }
    if !(MIN_RATING..=MAX_RATING).contains(&rating) {
        let reason = format!("must be between {MIN_RATING} and {MAX_RATING}");
        return Err(Rejection::invalid("rating", reason));
    }
    field::note("text", text)?;
    Ok(vec![Event::FeedbackRecorded {
        request_id: request_id.clone(),
        from,
        rating,
        text: text.to_owned(),
    }])
}
