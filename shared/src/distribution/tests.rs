//! Given/when/then specifications of the distribution-day rules, one test per rule, and
//! property tests over simulated days. Every rule test goes through [`check`].

mod delivery;
mod events;
mod household;
mod procurement;
mod projections;
mod properties;
mod report;
mod request;
mod reservation;
mod settings;
mod stock;

use super::*;

/// 2025-01-20, 10:00 UTC: the moment every specification is decided at.
pub(crate) const NOW_MS: i64 = TODAY * day::MS_PER_DAY + 10 * 3_600_000;
/// The day number of [`NOW_MS`].
pub(crate) const TODAY: i64 = 20_108;
pub(crate) const HOUR_MS: i64 = 3_600_000;

/// Given these events happened, when `actor` sends this command, then `decide` answers this.
/// The given events are recorded one minute apart, ending a minute before [`NOW_MS`].
pub(crate) fn check(
    given: &[Event],
    actor: &str,
    when: Command,
    then: Result<Vec<Event>, Rejection>,
) {
    let state = state_after(given);
    let ctx = Context { now_ms: NOW_MS, actor: MemberId::from(actor) };
    assert_eq!(decide(&state, &when, &ctx), then, "when {when:?}");
}

pub(crate) fn recorded(given: &[Event]) -> Vec<Recorded> {
    let n = given.len() as i64;
    given
        .iter()
        .enumerate()
        .map(|(i, event)| Recorded {
            position: i as u64 + 1,
            recorded_at_ms: NOW_MS - (n - i as i64) * 60_000,
            actor: MemberId::from(COORDINATOR),
            event: event.clone(),
        })
        .collect()
}

pub(crate) fn state_after(given: &[Event]) -> State {
    let mut state = State::new();
    for r in recorded(given) {
        evolve(&mut state, &r);
    }
    state
}

pub(crate) const COORDINATOR: &str = "lena";
pub(crate) const ANA: &str = "ana";
pub(crate) const BO: &str = "bo";

/// Rice (food, by the kg), soap, a heater; a pantry and a storage room; a food bank; two
/// drivers, Ana and Bo.
pub(crate) fn catalog() -> Vec<Event> {
    let item = |id: &str, category, unit: &str| Event::ItemRegistered {
        item_id: ItemId::from(id),
        name: id.to_owned(),
        category,
        unit: unit.to_owned(),
    };
    let location = |id: &str, kind| Event::LocationRegistered {
        location_id: LocationId::from(id),
        name: id.to_owned(),
        kind,
    };
    vec![
        item("rice", ItemCategory::Food, "kg"),
        item("soap", ItemCategory::Hygiene, "bar"),
        item("heater", ItemCategory::Equipment, "piece"),
        location("pantry", LocationKind::Pantry),
        location("storage", LocationKind::StorageRoom),
        Event::PartnerRegistered {
            partner_id: PartnerId::from("food-bank"),
            name: "Food bank".to_owned(),
            kind: PartnerKind::FoodBank,
        },
        Event::DriverRegistered { member_id: MemberId::from(ANA) },
        Event::DriverRegistered { member_id: MemberId::from(BO) },
    ]
}

/// The catalog followed by `more`.
pub(crate) fn with_catalog(more: Vec<Event>) -> Vec<Event> {
    let mut events = catalog();
    events.extend(more);
    events
}

pub(crate) fn line(item: &str, quantity: i64) -> RequestLine {
    RequestLine { item_id: ItemId::from(item), quantity }
}

pub(crate) fn received(
    item: &str,
    location: &str,
    quantity: i64,
    expires_on_day: Option<i64>,
) -> Event {
    Event::StockReceived {
        item_id: ItemId::from(item),
        location_id: LocationId::from(location),
        quantity,
        expires_on_day,
        source: StockSource::Donation { partner_id: PartnerId::from("food-bank") },
    }
}

pub(crate) fn log_request(request: &str, lines: Vec<RequestLine>) -> Command {
    Command::LogRequest {
        request_id: RequestId::from(request),
        household_id: HouseholdId::from("hh-7"),
        need_category: NeedCategory::Food,
        lines,
        household_size: 3,
        urgency: Urgency::Soon,
        zone: Zone::from("riverside"),
        preferred_language: "es".to_owned(),
        contact_channel: ContactChannel::Sms,
        personal_data: None,
    }
}

pub(crate) fn logged(request: &str, lines: Vec<RequestLine>) -> Event {
    let Command::LogRequest {
        request_id,
        household_id,
        need_category,
        lines,
        household_size,
        urgency,
        zone,
        preferred_language,
        contact_channel,
        personal_data,
    } = log_request(request, lines)
    else {
        unreachable!("log_request builds a LogRequest");
    };
    Event::RequestLogged {
        request_id,
        household_id,
        need_category,
        lines,
        household_size,
        urgency,
        zone,
        preferred_language,
        contact_channel,
        personal_data,
        // The group's first request, as every test that decides one logs it.
        number: 1,
        standing: None,
    }
}

pub(crate) fn allocation(
    item: &str,
    location: &str,
    expires_on_day: Option<i64>,
    quantity: i64,
) -> Allocation {
    Allocation {
        item_id: ItemId::from(item),
        location_id: LocationId::from(location),
        expires_on_day,
        quantity,
    }
}

pub(crate) fn reserved(request: &str, allocations: Vec<Allocation>) -> Event {
    Event::StockReserved { request_id: RequestId::from(request), allocations }
}

pub(crate) fn schedule(
    delivery: &str,
    request: &str,
    lines: Vec<RequestLine>,
    driver: Option<&str>,
) -> Command {
    Command::ScheduleDelivery {
        delivery_id: DeliveryId::from(delivery),
        request_id: RequestId::from(request),
        kind: DeliveryKind::Delivery,
        lines,
        window_start_ms: NOW_MS + HOUR_MS,
        window_end_ms: NOW_MS + 3 * HOUR_MS,
        driver_id: driver.map(MemberId::from),
        replaces_delivery_id: None,
    }
}

pub(crate) fn scheduled(
    delivery: &str,
    request: &str,
    lines: Vec<RequestLine>,
    driver: Option<&str>,
) -> Event {
    Event::DeliveryScheduled {
        delivery_id: DeliveryId::from(delivery),
        request_id: RequestId::from(request),
        kind: DeliveryKind::Delivery,
        lines,
        window_start_ms: NOW_MS + HOUR_MS,
        window_end_ms: NOW_MS + 3 * HOUR_MS,
        driver_id: driver.map(MemberId::from),
        replaces_delivery_id: None,
    }
}

/// Request `r1` for 4 kg of rice, with 10 kg (expiring in 5 days) in the pantry, 4 of them
/// reserved for it.
pub(crate) fn rice_reserved() -> Vec<Event> {
    with_catalog(vec![
        received("rice", "pantry", 10, Some(TODAY + 5)),
        logged("r1", vec![line("rice", 4)]),
        reserved("r1", vec![allocation("rice", "pantry", Some(TODAY + 5), 4)]),
    ])
}

/// [`rice_reserved`], with delivery `d1` of the 4 kg scheduled and claimed by Ana.
pub(crate) fn rice_claimed_by_ana() -> Vec<Event> {
    let mut events = rice_reserved();
    events.push(scheduled("d1", "r1", vec![line("rice", 4)], None));
    events.push(Event::DeliveryClaimed {
        delivery_id: DeliveryId::from("d1"),
        request_id: RequestId::from("r1"),
        driver_id: MemberId::from(ANA),
    });
    events
}

/// [`rice_claimed_by_ana`], with Ana out on the road.
pub(crate) fn rice_out_with_ana() -> Vec<Event> {
    let mut events = rice_claimed_by_ana();
    events.push(Event::DeliveryStarted {
        delivery_id: DeliveryId::from("d1"),
        request_id: RequestId::from("r1"),
    });
    events
}
