//! The views of what comes back: the group's standing orders with their next date, and a
//! member's week (their shifts, deliveries, commitments and roles in the next seven days).

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::distribution::day::Weekday;
use crate::distribution::{
    Board, DeliveryId, DeliveryKind, DeliveryStatus, HouseholdId, MemberId, RequestId, RequestLine,
    StandingOrderId, Zone,
};
use crate::people::template::same_task;
use crate::people::{CommitmentId, RoleCardId, Roster, ShiftId};
use crate::standing::{StandingOrder, StandingOrders};

/// `GET /api/standing`: every standing order, with what a coordinator asks of it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StandingView {
    pub today: i64,
    /// Running orders first, by next date; ended ones last.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub orders: Vec<StandingRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingRow {
    pub order_id: StandingOrderId,
    pub household_id: HouseholdId,
    pub zone: Zone,
    pub kind: DeliveryKind,
    pub weekdays: Vec<Weekday>,
    pub interval_weeks: u32,
    pub window_start_minute: u32,
    pub window_end_minute: u32,
    pub starts_on_day: i64,
    /// The items of the next date (or of today when none is left).
    pub lines: Vec<RequestLine>,
    pub next_date: Option<i64>,
    /// Paused today, until (not including) this day.
    pub paused_until: Option<i64>,
    /// The next pause still to come, `from..until`.
    pub next_pause: Option<(i64, i64)>,
    pub ended_from_day: Option<i64>,
    /// Skipped dates from today on.
    pub skipped: Vec<i64>,
    /// Dates logged so far.
    pub dates_logged: u64,
}

impl StandingView {
    pub fn build(orders: &StandingOrders, today: i64) -> StandingView {
        let mut rows: Vec<StandingRow> = orders.orders.values().map(|o| row(o, today)).collect();
        rows.sort_by_key(|r| (r.next_date.is_none(), r.next_date, r.order_id.clone()));
        StandingView { today, orders: rows }
    }
}

fn row(order: &StandingOrder, today: i64) -> StandingRow {
    let next_date = order.next_date(today);
    StandingRow {
        order_id: order.order_id.clone(),
        household_id: order.household_id.clone(),
        zone: order.zone.clone(),
        kind: order.kind,
        weekdays: order.weekdays.clone(),
        interval_weeks: order.interval_weeks,
        window_start_minute: order.window_start_minute,
        window_end_minute: order.window_end_minute,
        starts_on_day: order.starts_on_day,
        lines: order.lines_on(next_date.unwrap_or(today)).to_vec(),
        next_date,
        paused_until: order.paused_on(today).map(|(_, until)| until),
        next_pause: order.pauses.iter().copied().filter(|(from, _)| *from > today).min(),
        ended_from_day: order.ended_from_day,
        skipped: order.skipped.range(today..).copied().collect(),
        dates_logged: order.logged.len() as u64,
    }
}

/// How many days "my week" covers, today included.
pub const WEEK_DAYS: i64 = 7;

/// `GET /api/week`: the signed-in member's next seven days, in order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekView {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub member_id: MemberId,
    pub today: i64,
    /// By day, then time.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub items: Vec<WeekItem>,
    /// The roles they hold, with the key tasks that come with them.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub roles: Vec<WeekRole>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum WeekItem {
    Shift {
        day: i64,
        shift_id: ShiftId,
        task: String,
        starts_at_ms: i64,
        ends_at_ms: i64,
        checked_in: bool,
    },
    Delivery {
        day: i64,
        delivery_id: DeliveryId,
        request_id: RequestId,
        number: u64,
        kind: DeliveryKind,
        zone: Zone,
        window_start_ms: i64,
        window_end_ms: i64,
        status: DeliveryStatus,
    },
    /// A commitment that falls on the day and no shift of theirs stands for.
    Commitment { day: i64, commitment_id: CommitmentId, task: String, minutes: u32 },
    /// A role's term ends that day.
    TermEnds { day: i64, role_card_id: RoleCardId, title: String },
}

impl WeekItem {
    pub fn day(&self) -> i64 {
        match self {
            WeekItem::Shift { day, .. }
            | WeekItem::Delivery { day, .. }
            | WeekItem::Commitment { day, .. }
            | WeekItem::TermEnds { day, .. } => *day,
        }
    }

    fn at_ms(&self) -> i64 {
        match self {
            WeekItem::Shift { starts_at_ms, .. } => *starts_at_ms,
            WeekItem::Delivery { window_start_ms, .. } => *window_start_ms,
            WeekItem::Commitment { .. } | WeekItem::TermEnds { .. } => i64::MIN,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRole {
    pub role_card_id: RoleCardId,
    pub title: String,
    pub key_tasks: Vec<String>,
    pub term_ends_on_day: i64,
}

impl WeekView {
    /// `member_id`'s week from `now_ms`'s day on, on the group's clock.
    pub fn build(
        member_id: &MemberId,
        now_ms: i64,
        clock: &Clock,
        board: &Board,
        roster: &Roster,
    ) -> WeekView {
        let today = clock.day_of(now_ms);
        let end = today + WEEK_DAYS;
        let in_week = |day: i64| (today..end).contains(&day);
        let mut items = Vec::new();
        for shift in roster.shifts.values() {
            let day = clock.day_of(shift.starts_at_ms);
            if !shift.cancelled && in_week(day) && shift.is_signed_up(member_id) {
                items.push(WeekItem::Shift {
                    day,
                    shift_id: shift.shift_id.clone(),
                    task: shift.task.clone(),
                    starts_at_ms: shift.starts_at_ms,
                    ends_at_ms: shift.ends_at_ms,
                    checked_in: shift.attendance.contains_key(member_id),
                });
            }
        }
        for delivery in board.deliveries.values() {
            let day = clock.day_of(delivery.window_start_ms);
            if delivery.driver_id.as_ref() == Some(member_id)
                && in_week(day)
                && delivery.status != DeliveryStatus::Cancelled
            {
                items.push(WeekItem::Delivery {
                    day,
                    delivery_id: delivery.delivery_id.clone(),
                    request_id: delivery.request_id.clone(),
                    number: delivery.request_number,
                    kind: delivery.kind,
                    zone: delivery.zone.clone(),
                    window_start_ms: delivery.window_start_ms,
                    window_end_ms: delivery.window_end_ms,
                    status: delivery.status,
                });
            }
        }
        for commitment in roster.commitments.values().filter(|c| &c.member_id == member_id) {
            for day in commitment.occurrences(today, end) {
                let covered = items.iter().any(|item| {
                    matches!(item, WeekItem::Shift { day: d, task, .. }
                        if *d == day && same_task(task, &commitment.task))
                });
                if !covered {
                    items.push(WeekItem::Commitment {
                        day,
                        commitment_id: commitment.commitment_id.clone(),
                        task: commitment.task.clone(),
                        minutes: commitment.minutes,
                    });
                }
            }
        }
        let mut roles = Vec::new();
        for card in roster.role_cards.values() {
            let Some(holder) = card.holder.as_ref().filter(|h| &h.member_id == member_id) else {
                continue;
            };
            if in_week(holder.term_ends_on_day) {
                items.push(WeekItem::TermEnds {
                    day: holder.term_ends_on_day,
                    role_card_id: card.role_card_id.clone(),
                    title: card.title.clone(),
                });
            }
            roles.push(WeekRole {
                role_card_id: card.role_card_id.clone(),
                title: card.title.clone(),
                key_tasks: card.key_tasks.clone(),
                term_ends_on_day: holder.term_ends_on_day,
            });
        }
        items.sort_by_key(|item| (item.day(), item.at_ms()));
        WeekView { member_id: member_id.clone(), today, items, roles }
    }
}
