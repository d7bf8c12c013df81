//! The group's own limits and its currency, as events on the `limits` stream: how many role
//! cards one member should hold, how many hours in four weeks are too many, above what amount
//! an expense needs a second member's approval, and the currency its books are kept in.
//!
//! Until the group sets them, the defaults apply. The people and ledger parts read them as
//! arguments from [`crate::group::decide`]; they are not rules of their own state.

use serde::{Deserialize, Serialize};

use crate::distribution::Rejection;
use crate::ledger::{Currency, MAX_AMOUNT_CENTS};

/// Most role cards a member should hold before the roster flags it.
pub const DEFAULT_MAX_ROLES_PER_MEMBER: u32 = 2;
/// Hours in four weeks above which the roster flags a member (ten a week).
pub const DEFAULT_MAX_HOURS_PER_4_WEEKS: u32 = 40;
/// Expenses above this need a second member's approval before they are paid (100.00).
pub const DEFAULT_EXPENSE_APPROVAL_THRESHOLD_CENTS: i64 = 10_000;
/// Four weeks hold 672 hours; a limit above that could never be reached.
pub const MAX_HOURS_PER_4_WEEKS: u32 = 672;
/// More role cards than this per member is a typo.
pub const MAX_ROLES_PER_MEMBER: u32 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    /// Sets every limit at once: the client sends the current value of those it keeps.
    /// The currency may change only while the ledger has no transactions.
    SetGroupLimits {
        max_roles_per_member: u32,
        max_hours_per_4_weeks: u32,
        expense_approval_threshold_cents: i64,
        currency: Currency,
    },
}

impl Command {
    pub const TYPES: [&'static str; 1] = ["SetGroupLimits"];

    pub fn command_type(&self) -> &'static str {
        match self {
            Command::SetGroupLimits { .. } => "SetGroupLimits",
        }
    }

    pub fn stream(&self) -> String {
        "limits".to_owned()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    GroupLimitsSet {
        max_roles_per_member: u32,
        max_hours_per_4_weeks: u32,
        expense_approval_threshold_cents: i64,
        currency: Currency,
    },
}

impl Event {
    pub const TYPES: [&'static str; 1] = ["GroupLimitsSet"];

    pub fn event_type(&self) -> &'static str {
        match self {
            Event::GroupLimitsSet { .. } => "GroupLimitsSet",
        }
    }
}

/// The limits in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLimits {
    pub max_roles_per_member: u32,
    pub max_hours_per_4_weeks: u32,
    /// An expense strictly above this needs approval; 0 means every expense does.
    pub expense_approval_threshold_cents: i64,
    pub currency: Currency,
}

impl Default for GroupLimits {
    fn default() -> Self {
        GroupLimits {
            max_roles_per_member: DEFAULT_MAX_ROLES_PER_MEMBER,
            max_hours_per_4_weeks: DEFAULT_MAX_HOURS_PER_4_WEEKS,
            expense_approval_threshold_cents: DEFAULT_EXPENSE_APPROVAL_THRESHOLD_CENTS,
            currency: Currency::USD,
        }
    }
}

impl GroupLimits {
    /// The hours limit in minutes, the unit the roster counts in.
    pub fn max_minutes_per_4_weeks(&self) -> i64 {
        i64::from(self.max_hours_per_4_weeks) * 60
    }

    /// Whether an expense of this amount needs a second member's approval.
    pub fn needs_approval(&self, expense_cents: i64) -> bool {
        expense_cents > self.expense_approval_threshold_cents
    }

    pub fn evolve(&mut self, event: &Event) {
        let Event::GroupLimitsSet {
            max_roles_per_member,
            max_hours_per_4_weeks,
            expense_approval_threshold_cents,
            currency,
        } = event;
        *self = GroupLimits {
            max_roles_per_member: *max_roles_per_member,
            max_hours_per_4_weeks: *max_hours_per_4_weeks,
            expense_approval_threshold_cents: *expense_approval_threshold_cents,
            currency: *currency,
        };
    }
}

/// Decides a change of limits. `books_opened` says whether the ledger has any transaction,
/// after which the currency stays.
pub fn decide(
    limits: &GroupLimits,
    command: &Command,
    books_opened: bool,
) -> Result<Vec<Event>, Rejection> {
    let Command::SetGroupLimits {
        max_roles_per_member,
        max_hours_per_4_weeks,
        expense_approval_threshold_cents,
        currency,
    } = command;
    if !(1..=MAX_ROLES_PER_MEMBER).contains(max_roles_per_member) {
        let reason = format!("must be 1 to {MAX_ROLES_PER_MEMBER}");
        return Err(Rejection::invalid("max_roles_per_member", reason));
    }
    if !(1..=MAX_HOURS_PER_4_WEEKS).contains(max_hours_per_4_weeks) {
        let reason = format!("must be 1 to {MAX_HOURS_PER_4_WEEKS}");
        return Err(Rejection::invalid("max_hours_per_4_weeks", reason));
    }
    if !(0..=MAX_AMOUNT_CENTS).contains(expense_approval_threshold_cents) {
        let reason = format!("must be 0 to {MAX_AMOUNT_CENTS} cents");
        return Err(Rejection::invalid("expense_approval_threshold_cents", reason));
    }
    if books_opened && *currency != limits.currency {
        let message = format!(
            "the books are kept in {}: the currency cannot change once transactions are recorded",
            limits.currency
        );
        return Err(Rejection::wrong_stage(message));
    }
    Ok(vec![Event::GroupLimitsSet {
        max_roles_per_member: *max_roles_per_member,
        max_hours_per_4_weeks: *max_hours_per_4_weeks,
        expense_approval_threshold_cents: *expense_approval_threshold_cents,
        currency: *currency,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(currency: Currency, threshold: i64, hours: u32) -> Command {
        Command::SetGroupLimits {
            max_roles_per_member: 3,
            max_hours_per_4_weeks: hours,
            expense_approval_threshold_cents: threshold,
            currency,
        }
    }

    #[test]
    fn limits_start_at_their_defaults_and_are_set_by_an_event() {
        let mut limits = GroupLimits::default();
        assert_eq!(limits.max_minutes_per_4_weeks(), 40 * 60);
        assert!(limits.needs_approval(10_001) && !limits.needs_approval(10_000));
        let events = decide(&limits, &set(Currency::EUR, 5_000, 30), false).unwrap();
        limits.evolve(&events[0]);
        assert_eq!(limits.currency, Currency::EUR);
        assert_eq!(limits.max_roles_per_member, 3);
        assert!(limits.needs_approval(5_001));
    }

    #[test]
    fn limits_out_of_range_are_rejected() {
        let limits = GroupLimits::default();
        let code = |c: Command| decide(&limits, &c, false).unwrap_err().code();
        assert_eq!(code(set(Currency::USD, -1, 30)), "invalid_field");
        assert_eq!(code(set(Currency::USD, 100, 0)), "invalid_field");
        assert_eq!(code(set(Currency::USD, 100, 700)), "invalid_field");
    }

    #[test]
    fn the_currency_cannot_change_once_the_books_are_opened() {
        let limits = GroupLimits::default();
        let rejection = decide(&limits, &set(Currency::EUR, 100, 30), true).unwrap_err();
        assert_eq!(rejection.code(), "wrong_stage");
        assert!(decide(&limits, &set(Currency::USD, 100, 30), true).is_ok());
    }
}
