//! Standing orders: a household that gets the same things on the same weekdays, week after
//! week (the core of delivery to homebound neighbours). Each change to an order is an event
//! on its stream `standing-<order_id>`: started, paused for a period, one date skipped,
//! items changed from a date on, ended.
//!
//! An order's dates are local days of the group ([`crate::clock`]). For each date the server
//! sends [`Command::LogStandingOccurrence`] a few days ahead (as a system actor, under a
//! command id derived from the order and the date), which logs an ordinary request, with an
//! id derived the same way ([`occurrence_request_id`]), marked with the order
//! ([`Occurrence`]): from there it goes through the same workflow as any request. Logging a
//! date twice, or a date the order does not fall on, is refused, so a restart, a crash or
//! two servers can never make one date twice.
//!
//! An order holds the household's pseudonymous id and what a request needs (size, zone,
//! language, channel), never its contact: that stays sealed with the household's own
//! request or registration.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::distribution::{
    self, ContactChannel, DeliveryKind, NeedCategory, Occurrence, RequestLine, Urgency,
};
use crate::kernel::day::{Weekday, date_of_day};
use crate::kernel::id::check_new_id;
use crate::kernel::{At, Evolve, MemberId, Rejection, Sealing, field};
use crate::kernel::{id::HouseholdId, id::RequestId, id::StandingOrderId, id::Zone};

/// An order id leaves room for the date in its requests' ids.
pub const MAX_ORDER_ID_CHARS: usize = 48;
/// "Every fourth week" is the sparsest rhythm an order keeps.
pub const MAX_INTERVAL_WEEKS: u32 = 4;
/// How many days ahead the server logs an order's dates unless told otherwise.
pub const DEFAULT_DAYS_AHEAD: i64 = 3;
/// A day has 1,440 minutes: a window ends at most at midnight.
pub const MINUTES_PER_DAY: u32 = 1_440;
/// How far ahead [`StandingOrder::next_date`] looks: more than the longest pause is rare.
const LOOK_AHEAD_DAYS: i64 = 366;

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    /// A standing order for a household, from `starts_on_day` on. It falls on each of
    /// `weekdays` every `interval_weeks` weeks (weeks counted from the Monday of the start),
    /// in the local window `window_start_minute..window_end_minute` (minutes after
    /// midnight).
    StartStandingOrder {
        order_id: StandingOrderId,
        household_id: HouseholdId,
        need_category: NeedCategory,
        lines: Vec<RequestLine>,
        household_size: i64,
        zone: Zone,
        preferred_language: String,
        contact_channel: ContactChannel,
        kind: DeliveryKind,
        weekdays: Vec<Weekday>,
        interval_weeks: u32,
        window_start_minute: u32,
        window_end_minute: u32,
        starts_on_day: i64,
    },
    /// No dates from `from_day` until the day before `until_day` (a holiday, a hospital stay).
    PauseStandingOrder { order_id: StandingOrderId, from_day: i64, until_day: i64 },
    /// No delivery on this one date.
    SkipStandingDate { order_id: StandingOrderId, day: i64 },
    /// Other items from `from_day` on; dates already logged keep theirs.
    ChangeStandingItems { order_id: StandingOrderId, from_day: i64, lines: Vec<RequestLine> },
    /// No dates from `from_day` on.
    EndStandingOrder { order_id: StandingOrderId, from_day: i64, reason: String },
    /// Logs the request for one date of the order. The server sends it ahead of each date.
    LogStandingOccurrence { order_id: StandingOrderId, day: i64 },
}
fn command_type;
kind CommandKind;
}

impl Command {
    /// The order's stream; a date's request goes to that request's own stream.
    pub fn stream(&self) -> String {
        match self {
            // A day no calendar holds is refused by `decide`; its stream is the order's.
            Command::LogStandingOccurrence { order_id, day } if field::day("day", *day).is_ok() => {
                format!("request-{}", occurrence_request_id(order_id, *day))
            }
            Command::LogStandingOccurrence { order_id, .. } => format!("standing-{order_id}"),
            Command::StartStandingOrder { order_id, .. }
            | Command::PauseStandingOrder { order_id, .. }
            | Command::SkipStandingDate { order_id, .. }
            | Command::ChangeStandingItems { order_id, .. }
            | Command::EndStandingOrder { order_id, .. } => format!("standing-{order_id}"),
        }
    }
}

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    StandingOrderStarted {
        order_id: StandingOrderId,
        household_id: HouseholdId,
        need_category: NeedCategory,
        lines: Vec<RequestLine>,
        household_size: i64,
        zone: Zone,
        preferred_language: String,
        contact_channel: ContactChannel,
        kind: DeliveryKind,
        weekdays: Vec<Weekday>,
        interval_weeks: u32,
        window_start_minute: u32,
        window_end_minute: u32,
        starts_on_day: i64,
    },
    StandingOrderPaused {
        order_id: StandingOrderId,
        from_day: i64,
        until_day: i64,
    },
    StandingDateSkipped {
        order_id: StandingOrderId,
        day: i64,
    },
    StandingItemsChanged {
        order_id: StandingOrderId,
        from_day: i64,
        lines: Vec<RequestLine>,
    },
    StandingOrderEnded {
        order_id: StandingOrderId,
        from_day: i64,
        reason: String,
    },
}
fn event_type;
}

impl Event {
    pub fn order_id(&self) -> &StandingOrderId {
        match self {
            Event::StandingOrderStarted { order_id, .. }
            | Event::StandingOrderPaused { order_id, .. }
            | Event::StandingDateSkipped { order_id, .. }
            | Event::StandingItemsChanged { order_id, .. }
            | Event::StandingOrderEnded { order_id, .. } => order_id,
        }
    }
}

/// The request id of an order's date: the order's id and the date, `<order>-YYYYMMDD`.
pub fn occurrence_request_id(order_id: &StandingOrderId, day: i64) -> RequestId {
    let (year, month, date) = date_of_day(day);
    RequestId::new(format!("{order_id}-{year:04}{month:02}{date:02}"))
}

/// The delivery id the server schedules a date's request under.
pub fn occurrence_delivery_id(order_id: &StandingOrderId, day: i64) -> distribution::DeliveryId {
    distribution::DeliveryId::new(format!("{}-d", occurrence_request_id(order_id, day)))
}

/// One standing order as its events left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingOrder {
    pub order_id: StandingOrderId,
    pub household_id: HouseholdId,
    pub need_category: NeedCategory,
    pub household_size: i64,
    pub zone: Zone,
    pub preferred_language: String,
    pub contact_channel: ContactChannel,
    pub kind: DeliveryKind,
    pub weekdays: Vec<Weekday>,
    pub interval_weeks: u32,
    pub window_start_minute: u32,
    pub window_end_minute: u32,
    pub starts_on_day: i64,
    /// The items from each day on, in order; the first is from the start.
    pub items: Vec<(i64, Vec<RequestLine>)>,
    /// Pauses, each `from_day..until_day`.
    pub pauses: Vec<(i64, i64)>,
    pub skipped: BTreeSet<i64>,
    /// No dates on or after this day.
    pub ended_from_day: Option<i64>,
    pub started_by: MemberId,
    /// The dates whose requests are logged, with their request.
    pub logged: BTreeMap<i64, RequestId>,
}

impl StandingOrder {
    /// Whether the order falls on `day`: a listed weekday of a week it runs, on or after
    /// its start, not paused, skipped or ended.
    pub fn falls_on(&self, day: i64) -> bool {
        self.rhythm_falls_on(day)
            && !self.skipped.contains(&day)
            && self.paused_on(day).is_none()
            && self.ended_from_day.is_none_or(|end| day < end)
    }

    /// The weekdays and the interval alone, ignoring pauses, skips and the end.
    fn rhythm_falls_on(&self, day: i64) -> bool {
        if day < self.starts_on_day || !self.weekdays.contains(&Weekday::of_day(day)) {
            return false;
        }
        let monday = |d: i64| d - Weekday::of_day(d).index();
        let weeks = (monday(day) - monday(self.starts_on_day)) / 7;
        weeks % i64::from(self.interval_weeks.max(1)) == 0
    }

    /// The pause `day` falls in, if any.
    pub fn paused_on(&self, day: i64) -> Option<(i64, i64)> {
        self.pauses.iter().copied().find(|(from, until)| (*from..*until).contains(&day))
    }

    /// The dates in `from_day..to_day` the order falls on, in order.
    pub fn dates(&self, from_day: i64, to_day: i64) -> Vec<i64> {
        (from_day.max(self.starts_on_day)..to_day).filter(|d| self.falls_on(*d)).collect()
    }

    /// The first date on or after `day`, within a year.
    pub fn next_date(&self, day: i64) -> Option<i64> {
        (day.max(self.starts_on_day)..day.max(self.starts_on_day) + LOOK_AHEAD_DAYS)
            .find(|d| self.falls_on(*d))
    }

    /// The items of a date.
    pub fn lines_on(&self, day: i64) -> &[RequestLine] {
        self.items
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .or(self.items.first())
            .map_or(&[], |(_, lines)| lines.as_slice())
    }

    pub fn is_ended(&self, today: i64) -> bool {
        self.ended_from_day.is_some_and(|end| end <= today)
    }

    /// The request that logs `day` for this order, with the items of that date.
    pub fn request_for(&self, day: i64) -> distribution::Command {
        distribution::Command::LogRequest {
            request_id: occurrence_request_id(&self.order_id, day),
            household_id: self.household_id.clone(),
            need_category: self.need_category,
            lines: self.lines_on(day).to_vec(),
            household_size: self.household_size,
            urgency: Urgency::Routine,
            zone: self.zone.clone(),
            preferred_language: self.preferred_language.clone(),
            contact_channel: self.contact_channel,
            personal_data: None,
        }
    }

    /// The window of `day` as local minutes.
    pub fn window(&self) -> (u32, u32) {
        (self.window_start_minute, self.window_end_minute)
    }
}

/// Every standing order of the group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingOrders {
    pub orders: BTreeMap<StandingOrderId, StandingOrder>,
}

impl StandingOrders {
    pub fn get(&self, order_id: &str) -> Option<&StandingOrder> {
        self.orders.get(order_id)
    }

    /// The orders of one household.
    pub fn of_household<'a>(
        &'a self,
        household_id: &'a str,
    ) -> impl Iterator<Item = &'a StandingOrder> + 'a {
        self.orders.values().filter(move |o| o.household_id.as_str() == household_id)
    }

    /// What the orders hear of distribution day: a date's request logged; a household
    /// erased, whose orders end that day (`clock` says which day `at_ms` is).
    pub fn hear(&mut self, event: &distribution::Event, at_ms: i64, clock: &Clock) {
        match event {
            distribution::Event::RequestLogged {
                request_id, standing: Some(occurrence), ..
            } => {
                if let Some(order) = self.orders.get_mut(occurrence.order_id.as_str()) {
                    order.logged.insert(occurrence.day, request_id.clone());
                }
            }
            distribution::Event::HouseholdErased { household_id, .. } => {
                let day = clock.day_of(at_ms);
                for order in self.orders.values_mut().filter(|o| &o.household_id == household_id) {
                    order.ended_from_day.get_or_insert(day);
                }
            }
            _ => {}
        }
    }
}

/// The whole group as a standing-order command needs it.
#[derive(Debug)]
pub struct Outside<'a> {
    pub distribution: &'a distribution::State,
    pub today: i64,
}

/// Decides a standing-order command. `LogStandingOccurrence` gives the request's event, to
/// be appended to the request's stream.
pub fn decide(
    orders: &StandingOrders,
    command: &Command,
    outside: &Outside<'_>,
    ctx: &distribution::Context,
) -> Result<Vec<Decided>, Rejection> {
    let today = outside.today;
    let order = |order_id: &StandingOrderId| {
        orders
            .get(order_id.as_str())
            .ok_or_else(|| Rejection::unknown("standing order", order_id.as_str()))
    };
    let open = |order_id: &StandingOrderId| {
        let order = order(order_id)?;
        if order.is_ended(today) {
            return Err(Rejection::wrong_stage("the standing order has ended"));
        }
        Ok(order)
    };
    let from_today = |name: &str, day: i64| {
        field::day(name, day)?;
        if day < today {
            return Err(Rejection::invalid(name, "must be today or later"));
        }
        Ok(())
    };
    let event = match command {
        Command::StartStandingOrder { .. } => start(orders, command, outside)?,
        Command::PauseStandingOrder { order_id, from_day, until_day } => {
            open(order_id)?;
            from_today("from_day", *from_day)?;
            field::day("until_day", *until_day)?;
            if until_day <= from_day {
                return Err(Rejection::invalid("until_day", "must be after from_day"));
            }
            Event::StandingOrderPaused {
                order_id: order_id.clone(),
                from_day: *from_day,
                until_day: *until_day,
            }
        }
        Command::SkipStandingDate { order_id, day } => {
            let order = open(order_id)?;
            from_today("day", *day)?;
            if !order.falls_on(*day) {
                return Err(Rejection::invalid("day", "the order does not fall on that day"));
            }
            Event::StandingDateSkipped { order_id: order_id.clone(), day: *day }
        }
        Command::ChangeStandingItems { order_id, from_day, lines } => {
            open(order_id)?;
            from_today("from_day", *from_day)?;
            check_lines(outside.distribution, lines)?;
            Event::StandingItemsChanged {
                order_id: order_id.clone(),
                from_day: *from_day,
                lines: lines.clone(),
            }
        }
        Command::EndStandingOrder { order_id, from_day, reason } => {
            open(order_id)?;
            from_today("from_day", *from_day)?;
            field::reason("reason", reason)?;
            Event::StandingOrderEnded {
                order_id: order_id.clone(),
                from_day: *from_day,
                reason: reason.trim().to_owned(),
            }
        }
        Command::LogStandingOccurrence { order_id, day } => {
            field::day("day", *day)?;
            let order = order(order_id)?;
            if !order.falls_on(*day) {
                return Err(Rejection::invalid("day", "the order does not fall on that day"));
            }
            let request = order.request_for(*day);
            let events = distribution::decide(outside.distribution, &request, ctx)?;
            let occurrence = Occurrence { order_id: order_id.clone(), day: *day };
            return Ok(events
                .into_iter()
                .map(|mut event| {
                    if let distribution::Event::RequestLogged { standing, .. } = &mut event {
                        *standing = Some(occurrence.clone());
                    }
                    Decided::Distribution(event)
                })
                .collect());
        }
    };
    Ok(vec![Decided::Standing(event)])
}

/// What a standing-order command decides: its own events, or a date's request.
#[derive(Clone, Debug, PartialEq)]
pub enum Decided {
    Standing(Event),
    Distribution(distribution::Event),
}

fn start(
    orders: &StandingOrders,
    command: &Command,
    outside: &Outside<'_>,
) -> Result<Event, Rejection> {
    let Command::StartStandingOrder {
        order_id,
        household_id,
        need_category,
        lines,
        household_size,
        zone,
        preferred_language,
        contact_channel,
        kind,
        weekdays,
        interval_weeks,
        window_start_minute,
        window_end_minute,
        starts_on_day,
    } = command
    else {
        unreachable!("`decide` routes only StartStandingOrder here");
    };
    check_new_id("order_id", order_id.as_str())?;
    if order_id.as_str().chars().count() > MAX_ORDER_ID_CHARS {
        let reason = format!("must be at most {MAX_ORDER_ID_CHARS} characters");
        return Err(Rejection::invalid("order_id", reason));
    }
    if orders.get(order_id.as_str()).is_some() {
        return Err(Rejection::exists("standing order", order_id.as_str()));
    }
    // The same checks as a request of the household's: a date's request must pass them.
    let probe = distribution::Command::LogRequest {
        request_id: RequestId::new(format!("{order_id}-probe")),
        household_id: household_id.clone(),
        need_category: *need_category,
        lines: lines.clone(),
        household_size: *household_size,
        urgency: Urgency::Routine,
        zone: zone.clone(),
        preferred_language: preferred_language.clone(),
        contact_channel: *contact_channel,
        personal_data: None,
    };
    let probe_ctx = distribution::Context { now_ms: 0, actor: MemberId::from("-") };
    let logged = distribution::decide(outside.distribution, &probe, &probe_ctx)?;
    let zone = match logged.first() {
        Some(distribution::Event::RequestLogged { zone, .. }) => zone.clone(),
        _ => zone.clone(),
    };
    if weekdays.is_empty() {
        return Err(Rejection::invalid("weekdays", "name at least one weekday"));
    }
    let mut unique = weekdays.clone();
    unique.sort();
    unique.dedup();
    if !(1..=MAX_INTERVAL_WEEKS).contains(interval_weeks) {
        let reason = format!("must be 1 to {MAX_INTERVAL_WEEKS}");
        return Err(Rejection::invalid("interval_weeks", reason));
    }
    if *window_end_minute > MINUTES_PER_DAY || window_start_minute >= window_end_minute {
        let reason = "the window must start before it ends, within one day";
        return Err(Rejection::invalid("window_end_minute", reason));
    }
    field::day("starts_on_day", *starts_on_day)?;
    if *starts_on_day < outside.today {
        return Err(Rejection::invalid("starts_on_day", "must be today or later"));
    }
    Ok(Event::StandingOrderStarted {
        order_id: order_id.clone(),
        household_id: household_id.clone(),
        need_category: *need_category,
        lines: lines.clone(),
        household_size: *household_size,
        zone,
        preferred_language: preferred_language.clone(),
        contact_channel: *contact_channel,
        kind: *kind,
        weekdays: unique,
        interval_weeks: *interval_weeks,
        window_start_minute: *window_start_minute,
        window_end_minute: *window_end_minute,
        starts_on_day: *starts_on_day,
    })
}

fn check_lines(state: &distribution::State, lines: &[RequestLine]) -> Result<(), Rejection> {
    if lines.is_empty() {
        return Err(Rejection::invalid("lines", "an order needs at least one line"));
    }
    distribution::request_lines_check(state, lines)
}

impl Evolve<Event> for StandingOrders {
    /// Folds one standing-order event.
    fn evolve(&mut self, at: At<'_>, event: &Event) {
        if let Event::StandingOrderStarted {
            order_id,
            household_id,
            need_category,
            lines,
            household_size,
            zone,
            preferred_language,
            contact_channel,
            kind,
            weekdays,
            interval_weeks,
            window_start_minute,
            window_end_minute,
            starts_on_day,
        } = event
        {
            let order = StandingOrder {
                order_id: order_id.clone(),
                household_id: household_id.clone(),
                need_category: *need_category,
                household_size: *household_size,
                zone: zone.clone(),
                preferred_language: preferred_language.clone(),
                contact_channel: *contact_channel,
                kind: *kind,
                weekdays: weekdays.clone(),
                interval_weeks: *interval_weeks,
                window_start_minute: *window_start_minute,
                window_end_minute: *window_end_minute,
                starts_on_day: *starts_on_day,
                items: vec![(*starts_on_day, lines.clone())],
                pauses: Vec::new(),
                skipped: BTreeSet::new(),
                ended_from_day: None,
                started_by: MemberId::from(at.actor),
                logged: BTreeMap::new(),
            };
            self.orders.insert(order_id.clone(), order);
            return;
        }
        let Some(order) = self.orders.get_mut(event.order_id().as_str()) else {
            return;
        };
        match event {
            Event::StandingOrderStarted { .. } => {}
            Event::StandingOrderPaused { from_day, until_day, .. } => {
                order.pauses.push((*from_day, *until_day));
            }
            Event::StandingDateSkipped { day, .. } => {
                order.skipped.insert(*day);
            }
            Event::StandingItemsChanged { from_day, lines, .. } => {
                order.items.retain(|(from, _)| from < from_day);
                order.items.push((*from_day, lines.clone()));
            }
            Event::StandingOrderEnded { from_day, .. } => order.ended_from_day = Some(*from_day),
        }
    }
}

impl CommandKind {
    /// Where a command of this kind carries personal data, and whose key seals it: the
    /// declaration beside the command (an exhaustive match, so a new command declares it or
    /// `None`). No command here carries any.
    pub const fn sealing(self) -> Option<Sealing> {
        match self {
            CommandKind::StartStandingOrder
            | CommandKind::PauseStandingOrder
            | CommandKind::SkipStandingDate
            | CommandKind::ChangeStandingItems
            | CommandKind::EndStandingOrder
            | CommandKind::LogStandingOccurrence => None,
        }
    }
}

#[cfg(test)]
mod tests;
