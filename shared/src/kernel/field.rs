//! Checks of single fields, shared by every `decide_*` function so that the same mistake
//! always gets the same message.

use super::rejection::Rejection;

/// The longest name (of an item, location or partner), in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// The longest free text (a note, a reason, feedback), in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// The largest quantity of one line or one movement. Far above any real pantry, it keeps
/// sums of many movements far from `i64` overflow.
pub const MAX_QUANTITY: i64 = 1_000_000_000;
/// Expiry days must fall between 1970 and about 2243: anything else is a typo.
pub const MAX_DAY: i64 = 100_000;

pub(crate) fn quantity(field: &str, quantity: i64) -> Result<(), Rejection> {
    if quantity <= 0 {
        return Err(Rejection::invalid(field, "must be more than zero"));
    }
    if quantity > MAX_QUANTITY {
        return Err(Rejection::invalid(field, format!("must be at most {MAX_QUANTITY}")));
    }
    Ok(())
}

/// A required short label: not blank and not too long.
pub(crate) fn name(field: &str, text: &str) -> Result<(), Rejection> {
    if text.trim().is_empty() {
        return Err(Rejection::invalid(field, "must not be empty"));
    }
    limit(field, text, MAX_NAME_CHARS)
}

/// A required free text, such as the reason for an adjustment.
pub(crate) fn reason(field: &str, text: &str) -> Result<(), Rejection> {
    if text.trim().is_empty() {
        return Err(Rejection::invalid(field, "a reason is required"));
    }
    limit(field, text, MAX_TEXT_CHARS)
}

/// An optional free text: may be empty, not too long.
pub(crate) fn note(field: &str, text: &str) -> Result<(), Rejection> {
    limit(field, text, MAX_TEXT_CHARS)
}

pub(crate) fn day(field: &str, day: i64) -> Result<(), Rejection> {
    if !(0..=MAX_DAY).contains(&day) {
        return Err(Rejection::invalid(
            field,
            format!("must be a day number between 0 and {MAX_DAY}"),
        ));
    }
    Ok(())
}

fn limit(field: &str, text: &str, max_chars: usize) -> Result<(), Rejection> {
    if text.chars().count() > max_chars {
        return Err(Rejection::invalid(field, format!("must be at most {max_chars} characters")));
    }
    Ok(())
}
