//! Given/when/then specifications of the people rules, one test per rule, and properties of
//! the roster over simulated months. Every rule test goes through [`check`].

mod agreement;
mod commitment;
mod month;
mod properties;
mod role_card;
mod shift;
mod signals;
mod skill;

use super::*;
use crate::kernel::Role;
use crate::kernel::day::{MS_PER_DAY, day_of};
use crate::kernel::{At, Evolve};
use crate::members;

/// The day number of [`NOW_MS`]: 2025-01-20, a Monday.
pub(crate) const TODAY: i64 = 20_108;
/// 2025-01-20, 10:00 UTC: the moment every specification is decided at.
pub(crate) const NOW_MS: i64 = TODAY * MS_PER_DAY + 10 * HOUR_MS;
pub(crate) const HOUR_MS: i64 = 3_600_000;

/// Ana coordinates, Bo and Eve volunteer, Cy runs logistics, Dee does the money and drives.
pub(crate) fn members() -> Members {
    let mut members = Members::default();
    let people = [
        ("ana", vec![Role::Coordinator]),
        ("bo", vec![Role::Volunteer]),
        ("cy", vec![Role::Logistics]),
        ("dee", vec![Role::Driver, Role::Finance]),
        ("eve", vec![Role::Volunteer]),
    ];
    for (id, roles) in people {
        members.evolve(
            At::position(1),
            &members::Event::MemberAdded {
                member_id: MemberId::from(id),
                name: id.to_uppercase(),
                roles,
            },
        );
    }
    members
}

pub(crate) fn roster_after(given: &[Event]) -> Roster {
    let mut roster = Roster::new();
    given.iter().for_each(|event| roster.evolve(At::position(1), event));
    roster
}

/// Given these events happened, when `actor` sends this command at [`NOW_MS`], then
/// `decide` answers this.
pub(crate) fn check(
    given: &[Event],
    actor: &str,
    when: Command,
    then: Result<Vec<Event>, Rejection>,
) {
    check_at(NOW_MS, given, actor, when, then);
}

/// [`check`], at another moment.
pub(crate) fn check_at(
    now_ms: i64,
    given: &[Event],
    actor: &str,
    when: Command,
    then: Result<Vec<Event>, Rejection>,
) {
    let ctx = Context { now_ms, actor: MemberId::from(actor) };
    let answer = decide(&roster_after(given), &when, &ctx, &members(), day_of(ctx.now_ms));
    assert_eq!(answer, then, "when {when:?}");
}

/// The code of the rejection `decide` gives, for rules where the message is incidental.
pub(crate) fn rejected(given: &[Event], actor: &str, when: Command) -> &'static str {
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(actor) };
    match decide(&roster_after(given), &when, &ctx, &members(), day_of(ctx.now_ms)) {
        Ok(events) => panic!("{when:?} was accepted: {events:?}"),
        Err(rejection) => rejection.code(),
    }
}

pub(crate) fn id(member: &str) -> MemberId {
    MemberId::from(member)
}

pub(crate) fn card(role: &str) -> RoleCardId {
    RoleCardId::from(role)
}

/// A critical "facilitator" card, vacant.
pub(crate) fn facilitator_defined() -> Event {
    Event::RoleCardDefined {
        role_card_id: card("facilitator"),
        title: "Facilitator".to_owned(),
        key_tasks: vec!["Run the weekly meeting".to_owned(), "Keep the agenda".to_owned()],
        critical: true,
    }
}

/// The facilitator card, held by `holder` since today for 90 days, with `backup`.
pub(crate) fn facilitator_held_by(holder: &str, backup: Option<&str>) -> Vec<Event> {
    vec![
        facilitator_defined(),
        Event::RoleAssigned {
            role_card_id: card("facilitator"),
            member_id: id(holder),
            backup_id: backup.map(id),
            on_day: TODAY,
            term_ends_on_day: TODAY + 90,
            contact: None,
        },
    ]
}

pub(crate) fn shift_id(s: &str) -> ShiftId {
    ShiftId::from(s)
}

/// Shift `s1`: packing, from an hour after [`NOW_MS`] for three hours, needing `needed`.
pub(crate) fn packing_planned(needed: u32) -> Event {
    Event::ShiftPlanned {
        shift_id: shift_id("s1"),
        task: "Packing".to_owned(),
        starts_at_ms: NOW_MS + HOUR_MS,
        ends_at_ms: NOW_MS + 4 * HOUR_MS,
        people_needed: needed,
    }
}
