//! The group's own limits and its currency, as events on the `limits` stream: how many role
//! cards one member should hold, how many hours in four weeks are too many, above what amount
//! an expense needs a second member's approval, the currency its books are kept in, and how
//! long a household with no open request is remembered before it is erased automatically
//! (off unless the group sets it).
//!
//! Until the group sets them, the defaults apply. The people and ledger parts read them as
//! arguments from [`crate::group::decide`]; they are not rules of their own state.

use serde::{Deserialize, Serialize};

use crate::kernel::{At, Evolve, Rejection, Sealing};
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
/// The shortest retention a group may set: a week, so a household is never forgotten
/// between a delivery and the feedback call.
pub const MIN_RETENTION_DAYS: u32 = 7;
/// The longest: ten years, the longest records are commonly kept.
pub const MAX_RETENTION_DAYS: u32 = 3_650;

crate::kernel::named_variants! {
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
    /// Households whose requests are all closed and that have had no activity for `days`
    /// days are erased automatically, each by an erasure event with this as its reason.
    /// `None` turns it off (the default).
    SetHouseholdRetention {
        /// Required, `null` included: a command that forgot the field must not turn
        /// retention off. (`deserialize_with` makes serde insist on the field.)
        #[serde(deserialize_with = "Option::deserialize")]
        days: Option<u32>,
    },
}
fn command_type;
kind CommandKind;
}

impl Command {
    pub fn stream(&self) -> String {
        "limits".to_owned()
    }
}

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    GroupLimitsSet {
        max_roles_per_member: u32,
        max_hours_per_4_weeks: u32,
        expense_approval_threshold_cents: i64,
        currency: Currency,
    },
    HouseholdRetentionSet {
        days: Option<u32>,
    },
}
fn event_type;
}

/// The limits in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLimits {
    pub max_roles_per_member: u32,
    pub max_hours_per_4_weeks: u32,
    /// An expense strictly above this needs approval; 0 means every expense does.
    pub expense_approval_threshold_cents: i64,
    pub currency: Currency,
    /// Days without an open request or any activity after which a household is erased
    /// automatically; `None`: never.
    #[serde(default)]
    pub household_retention_days: Option<u32>,
}

impl Default for GroupLimits {
    fn default() -> Self {
        GroupLimits {
            max_roles_per_member: DEFAULT_MAX_ROLES_PER_MEMBER,
            max_hours_per_4_weeks: DEFAULT_MAX_HOURS_PER_4_WEEKS,
            expense_approval_threshold_cents: DEFAULT_EXPENSE_APPROVAL_THRESHOLD_CENTS,
            currency: Currency::USD,
            household_retention_days: None,
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
}

/// Decides a change of limits. `books_opened` says whether the ledger has any transaction,
/// after which the currency stays.
pub fn decide(
    limits: &GroupLimits,
    command: &Command,
    books_opened: bool,
) -> Result<Vec<Event>, Rejection> {
    let (max_roles_per_member, max_hours_per_4_weeks, expense_approval_threshold_cents, currency) =
        match command {
            Command::SetGroupLimits {
                max_roles_per_member,
                max_hours_per_4_weeks,
                expense_approval_threshold_cents,
                currency,
            } => (
                max_roles_per_member,
                max_hours_per_4_weeks,
                expense_approval_threshold_cents,
                currency,
            ),
            Command::SetHouseholdRetention { days } => return retention(*days),
        };
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

fn retention(days: Option<u32>) -> Result<Vec<Event>, Rejection> {
    if let Some(days) = days
        && !(MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&days)
    {
        let reason =
            format!("must be {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days, or null for never");
        return Err(Rejection::invalid("days", reason));
    }
    Ok(vec![Event::HouseholdRetentionSet { days }])
}

impl Evolve<Event> for GroupLimits {
    fn evolve(&mut self, _at: At<'_>, event: &Event) {
        match event {
            Event::GroupLimitsSet {
                max_roles_per_member,
                max_hours_per_4_weeks,
                expense_approval_threshold_cents,
                currency,
            } => {
                self.max_roles_per_member = *max_roles_per_member;
                self.max_hours_per_4_weeks = *max_hours_per_4_weeks;
                self.expense_approval_threshold_cents = *expense_approval_threshold_cents;
                self.currency = *currency;
            }
            Event::HouseholdRetentionSet { days } => self.household_retention_days = *days,
        }
    }
}

impl CommandKind {
    /// Where a command of this kind carries personal data, and whose key seals it: the
    /// declaration beside the command (an exhaustive match, so a new command declares it or
    /// `None`). No command here carries any.
    pub const fn sealing(self) -> Option<Sealing> {
        match self {
            CommandKind::SetGroupLimits | CommandKind::SetHouseholdRetention => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_off_until_set_survives_other_limits_and_is_bounded() {
        let mut limits = GroupLimits::default();
        assert_eq!(limits.household_retention_days, None);
        let retain = |days| Command::SetHouseholdRetention { days };
        for event in decide(&limits, &retain(Some(90)), false).unwrap() {
            limits.evolve(At::position(1), &event);
        }
        assert_eq!(limits.household_retention_days, Some(90));
        for event in decide(&limits, &set(Currency::USD, 100, 30), false).unwrap() {
            limits.evolve(At::position(1), &event);
        }
        assert_eq!(limits.household_retention_days, Some(90), "other limits leave it alone");
        for bad in [Some(0), Some(6), Some(3_651)] {
            assert_eq!(decide(&limits, &retain(bad), false).unwrap_err().code(), "invalid_field");
        }
        for event in decide(&limits, &retain(None), false).unwrap() {
            limits.evolve(At::position(1), &event);
        }
        assert_eq!(limits.household_retention_days, None);
    }

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
        limits.evolve(At::position(1), &events[0]);
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
