//! The whole group's domain behind one command type, one event type and one state: what the
//! server decides against and what it folds. Each part keeps its own enums (distribution,
//! members, people, ledger, limits); here they are joined, and a JSON command or event is
//! routed to its part by its `type` tag, so a wrong field gets the part's precise error
//! message. Rules that join parts live here too: a part gets what it needs of another as
//! arguments (the members for people; the limits and the actor's roles for the ledger).
//! [`sim`] simulates a group's people and money through [`decide`], for tests and demos.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::access::Role;
use crate::clock::Clock;
use crate::distribution::{self, Context, Rejection};
use crate::kernel::{At, Evolve};
use crate::kind::CommandKind;
use crate::ledger::{self, Ledger};
use crate::limits::{self, GroupLimits};
use crate::members::{self, Members};
use crate::people::{self, Roster};
use crate::standing::{self, StandingOrders};

pub mod ahead;
pub mod sim;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Command {
    Distribution(distribution::Command),
    Members(members::Command),
    People(people::Command),
    Ledger(ledger::Command),
    Limits(limits::Command),
    Standing(standing::Command),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Event {
    Distribution(distribution::Event),
    Members(members::Event),
    People(people::Event),
    Ledger(ledger::Event),
    Limits(limits::Event),
    Standing(standing::Event),
}

/// An event as the log recorded it, in the group's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub position: u64,
    pub recorded_at_ms: i64,
    pub actor: distribution::MemberId,
    pub event: Event,
}

#[derive(Clone, Debug, Default)]
pub struct State {
    pub distribution: distribution::State,
    pub members: Members,
    pub people: Roster,
    pub ledger: Ledger,
    pub limits: GroupLimits,
    pub standing: StandingOrders,
}

macro_rules! from_part {
    ($($part:ident => $variant:ident),*) => {
        $(impl From<$part::Command> for Command {
            fn from(command: $part::Command) -> Command {
                Command::$variant(command)
            }
        })*
    };
}

from_part!(distribution => Distribution, members => Members, people => People,
    ledger => Ledger, limits => Limits, standing => Standing);

impl Command {
    /// Which command this is, without its fields.
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Distribution(c) => CommandKind::Distribution(c.kind()),
            Command::Members(c) => CommandKind::Members(c.kind()),
            Command::People(c) => CommandKind::People(c.kind()),
            Command::Ledger(c) => CommandKind::Ledger(c.kind()),
            Command::Limits(c) => CommandKind::Limits(c.kind()),
            Command::Standing(c) => CommandKind::Standing(c.kind()),
        }
    }

    /// The type name, as written in the `type` tag.
    pub fn command_type(&self) -> &'static str {
        self.kind().name()
    }

    /// The stream the command's events are appended to.
    pub fn stream(&self) -> String {
        match self {
            Command::Distribution(c) => c.stream(),
            Command::Members(_) => "members".to_owned(),
            Command::People(c) => c.stream(),
            Command::Ledger(c) => c.stream(),
            Command::Limits(c) => c.stream(),
            Command::Standing(c) => c.stream(),
        }
    }

    /// The kind of a command in JSON (its `type` tag), checked to be one members send, so
    /// a caller can authorize before it parses the rest.
    pub fn known_kind(value: &Value) -> Result<CommandKind, String> {
        let name = type_tag(value)?;
        CommandKind::from_name(name)
            .filter(|kind| kind.is_sent_by_members())
            .ok_or_else(|| format!("unknown command type `{name}`"))
    }

    /// Parses a command from JSON, naming the problem in words a client developer can act on.
    pub fn from_json(value: Value) -> Result<Command, String> {
        let parsed = match Command::known_kind(&value)? {
            CommandKind::Distribution(_) => {
                distribution::Command::deserialize(value).map(Command::Distribution)
            }
            CommandKind::Members(_) => members::Command::deserialize(value).map(Command::Members),
            CommandKind::People(_) => people::Command::deserialize(value).map(Command::People),
            CommandKind::Ledger(_) => ledger::Command::deserialize(value).map(Command::Ledger),
            CommandKind::Limits(_) => limits::Command::deserialize(value).map(Command::Limits),
            CommandKind::Standing(_) => {
                standing::Command::deserialize(value).map(Command::Standing)
            }
        };
        parsed.map_err(|e| e.to_string())
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Command::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

impl Event {
    /// A record of who opened a household's contact details: for the roles that oversee that
    /// access only ([`crate::access::sees_contact_views`]).
    pub fn is_contact_view(&self) -> bool {
        matches!(self, Event::Distribution(distribution::Event::ContactDetailsViewed { .. }))
    }

    pub fn event_type(&self) -> &'static str {
        match self {
            Event::Distribution(e) => e.event_type(),
            Event::Members(e) => e.event_type(),
            Event::People(e) => e.event_type(),
            Event::Ledger(e) => e.event_type(),
            Event::Limits(e) => e.event_type(),
            Event::Standing(e) => e.event_type(),
        }
    }

    pub fn schema_version(&self) -> u32 {
        match self {
            Event::Distribution(e) => e.schema_version(),
            Event::Members(_)
            | Event::People(_)
            | Event::Ledger(_)
            | Event::Limits(_)
            | Event::Standing(_) => 1,
        }
    }

    /// Whether this build models events of this type (anything else in the log is skipped
    /// by the projections, e.g. notes written by tests).
    pub fn is_known_type(event_type: &str) -> bool {
        members::Event::TYPES.contains(&event_type)
            || people::Event::TYPES.contains(&event_type)
            || ledger::Event::TYPES.contains(&event_type)
            || limits::Event::TYPES.contains(&event_type)
            || standing::Event::TYPES.contains(&event_type)
            || distribution::Event::schema_version_of(event_type).is_some()
    }

    /// Removes personal data (households', role holders' contacts, donors' identities),
    /// which only their own routes may show.
    pub fn strip_personal_data(&mut self) {
        match self {
            Event::Distribution(
                distribution::Event::RequestLogged { personal_data, .. }
                | distribution::Event::HouseholdRegistered { personal_data, .. },
            ) => {
                *personal_data = None;
            }
            Event::People(event) => event.strip_personal_data(),
            Event::Ledger(event) => event.strip_personal_data(),
            Event::Distribution(_) | Event::Members(_) | Event::Limits(_) | Event::Standing(_) => {}
        }
    }

    /// Parses a stored payload of `event_type`.
    pub fn from_payload(event_type: &str, payload: &str) -> Result<Event, String> {
        let mut value: Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        if let Value::Object(map) = &mut value {
            map.insert("type".into(), Value::String(event_type.to_owned()));
        }
        Event::from_json(value)
    }

    pub fn from_json(value: Value) -> Result<Event, String> {
        let kind = type_tag(&value)?;
        let parsed = if members::Event::TYPES.contains(&kind) {
            members::Event::deserialize(value).map(Event::Members)
        } else if people::Event::TYPES.contains(&kind) {
            people::Event::deserialize(value).map(Event::People)
        } else if ledger::Event::TYPES.contains(&kind) {
            ledger::Event::deserialize(value).map(Event::Ledger)
        } else if limits::Event::TYPES.contains(&kind) {
            limits::Event::deserialize(value).map(Event::Limits)
        } else if standing::Event::TYPES.contains(&kind) {
            standing::Event::deserialize(value).map(Event::Standing)
        } else {
            distribution::Event::deserialize(value).map(Event::Distribution)
        };
        parsed.map_err(|e| e.to_string())
    }

    /// The event's fields without the `type` tag: what the log stores as payload.
    pub fn payload(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.remove("type");
        }
        value
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Event::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

fn type_tag(value: &Value) -> Result<&str, String> {
    match value.get("type") {
        Some(Value::String(kind)) => Ok(kind),
        Some(_) => Err("`type` must be a string".to_owned()),
        None if value.is_object() => Err("missing field `type`".to_owned()),
        None => Err("expected a JSON object with a `type`".to_owned()),
    }
}

/// Decides any command of the group against the whole state.
pub fn decide(state: &State, command: &Command, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::Distribution(c) => {
            takes_its_own_delivery(state, c, ctx)?;
            let events = distribution::decide(&state.distribution, c, ctx)?;
            Ok(events.into_iter().map(Event::Distribution).collect())
        }
        Command::Members(c) => {
            if let members::Command::RemoveMember { member_id } = c {
                still_needed(state, member_id)?;
            }
            let mut events: Vec<Event> =
                members::decide(&state.members, c)?.into_iter().map(Event::Members).collect();
            // A member given the driver role can be assigned deliveries from now on.
            if let members::Command::AddMember { member_id, roles, .. }
            | members::Command::ChangeRoles { member_id, roles } = c
            {
                let roster = state.distribution.roster();
                if roles.contains(&Role::Driver) && !roster.is_driver(member_id.as_str()) {
                    let registered =
                        distribution::Event::DriverRegistered { member_id: member_id.clone() };
                    events.push(Event::Distribution(registered));
                }
            }
            Ok(events)
        }
        Command::People(c) => {
            let today = state.distribution.clock.day_of(ctx.now_ms);
            let events = people::decide(&state.people, c, ctx, &state.members, today)?;
            Ok(events.into_iter().map(Event::People).collect())
        }
        Command::Ledger(c) => {
            check_ledger_links(state, c)?;
            let actor_roles = state.members.roles_of(ctx.actor.as_str());
            let today = state.distribution.clock.day_of(ctx.now_ms);
            let outside = ledger::Outside { limits: &state.limits, actor_roles, today };
            let events = ledger::decide(&state.ledger, c, ctx, &outside)?;
            Ok(events.into_iter().map(Event::Ledger).collect())
        }
        Command::Limits(c) => {
            let events = limits::decide(&state.limits, c, state.ledger.has_transactions())?;
            Ok(events.into_iter().map(Event::Limits).collect())
        }
        Command::Standing(c) => {
            let today = state.distribution.clock.day_of(ctx.now_ms);
            let outside = standing::Outside { distribution: &state.distribution, today };
            let events = standing::decide(&state.standing, c, &outside, ctx)?;
            Ok(events
                .into_iter()
                .map(|decided| match decided {
                    standing::Decided::Standing(event) => Event::Standing(event),
                    standing::Decided::Distribution(event) => Event::Distribution(event),
                })
                .collect())
        }
    }
}

/// A delivery assigned to a driver is started, completed or failed by that driver, or by a
/// coordinator or logistics ([`crate::access::may_take_delivery_step`]).
fn takes_its_own_delivery(
    state: &State,
    command: &distribution::Command,
    ctx: &Context,
) -> Result<(), Rejection> {
    let (distribution::Command::StartDelivery { delivery_id }
    | distribution::Command::CompleteDelivery { delivery_id }
    | distribution::Command::FailDelivery { delivery_id, .. }) = command
    else {
        return Ok(());
    };
    // An unknown delivery is refused by the distribution part, in its own words.
    let Some((_, _, delivery)) = state.distribution.delivery(delivery_id.as_str()) else {
        return Ok(());
    };
    let driver = delivery.driver_id.as_ref().map(|d| d.as_str());
    let roles = state.members.roles_of(ctx.actor.as_str());
    if crate::access::may_take_delivery_step(roles, ctx.actor.as_str(), driver) {
        return Ok(());
    }
    let driver = driver.unwrap_or_default();
    let message =
        format!("{delivery_id} is {driver}'s delivery: only they, a coordinator or logistics may");
    Err(Rejection::NotPermitted { message })
}

/// A member who holds or backs up a role card hands it over before leaving, so no card
/// names someone who has left.
fn still_needed(state: &State, member_id: &distribution::MemberId) -> Result<(), Rejection> {
    let cards = state.people.cards_depending_on(member_id.as_str());
    if cards.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = cards.iter().map(|c| c.as_str()).collect();
    let names = names.join(", ");
    let message = format!("{member_id} holds or backs up {names}: hand these over first");
    Err(Rejection::WrongStage { message })
}

/// What a ledger command names on the distribution side (the alert or request an expense
/// paid for, the partner who donated goods) must exist there.
fn check_ledger_links(state: &State, command: &ledger::Command) -> Result<(), Rejection> {
    let unknown = |kind, id: &str| Err(Rejection::Unknown { kind, id: id.to_owned() });
    let distribution = &state.distribution;
    match command {
        ledger::Command::RecordTransaction { paid_for: Some(paid_for), .. } => match paid_for {
            ledger::PaidFor::ProcurementAlert { alert_id }
                if distribution.alert(alert_id.as_str()).is_none() =>
            {
                unknown("alert", alert_id.as_str())
            }
            ledger::PaidFor::Request { request_id }
                if distribution.request(request_id.as_str()).is_none() =>
            {
                unknown("request", request_id.as_str())
            }
            _ => Ok(()),
        },
        ledger::Command::RecordGoodsDonation { partner_id: Some(partner_id), .. }
            if !distribution.catalog().has_partner(partner_id.as_str()) =>
        {
            unknown("partner", partner_id.as_str())
        }
        _ => Ok(()),
    }
}

/// Folds one recorded event into the state. Never fails.
pub fn evolve(state: &mut State, recorded: &Recorded) {
    state.parts().apply(recorded);
}

impl State {
    /// The decision state's parts, for [`Parts::apply`].
    pub fn parts(&mut self) -> Parts<'_> {
        Parts {
            distribution: &mut self.distribution,
            members: &mut self.members,
            people: &mut self.people,
            ledger: &mut self.ledger,
            limits: &mut self.limits,
            standing: &mut self.standing,
        }
    }
}

impl Recorded {
    /// Where the event stands in the log.
    pub fn at(&self) -> At<'_> {
        At {
            position: self.position,
            recorded_at_ms: self.recorded_at_ms,
            actor: self.actor.as_str(),
        }
    }
}

/// How a fold keeps the distribution part: the decision state, or the board (live, with
/// the timelines too). Its clock is the group's: standing orders count their dates on it.
pub trait DistributionFold: Evolve<distribution::Event> {
    fn clock(&self) -> &Clock;
}

impl DistributionFold for distribution::State {
    fn clock(&self) -> &Clock {
        &self.clock
    }
}

impl DistributionFold for distribution::Board {
    fn clock(&self) -> &Clock {
        &self.clock
    }
}

/// The group's parts as one fold holds them. The decision state ([`State::parts`]), the
/// server's live views and a past board each lend theirs, and [`Parts::apply`] is the one
/// place an event reaches its part.
#[allow(missing_debug_implementations)] // Reason: borrowed parts, shown by their owner.
pub struct Parts<'a> {
    pub distribution: &'a mut dyn DistributionFold,
    pub members: &'a mut Members,
    pub people: &'a mut Roster,
    pub ledger: &'a mut Ledger,
    pub limits: &'a mut GroupLimits,
    pub standing: &'a mut StandingOrders,
}

impl Parts<'_> {
    /// Folds one recorded event into its part. Never fails.
    pub fn apply(self, recorded: &Recorded) {
        let at = recorded.at();
        match &recorded.event {
            Event::Distribution(event) => {
                // A standing order hears of the requests logged for its dates.
                self.standing.hear(event, at.recorded_at_ms, self.distribution.clock());
                self.distribution.evolve(at, event);
            }
            Event::Members(event) => self.members.evolve(at, event),
            Event::People(event) => self.people.evolve(at, event),
            Event::Ledger(event) => self.ledger.evolve(at, event),
            Event::Limits(event) => self.limits.evolve(at, event),
            Event::Standing(event) => self.standing.evolve(at, event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_command_is_routed_to_its_part_by_type() {
        let add =
            json!({"type": "AddMember", "member_id": "bo", "name": "Bo", "roles": ["driver"]});
        assert!(matches!(Command::from_json(add), Ok(Command::Members(_))));
        let item = json!({"type": "RegisterItem", "item_id": "rice", "name": "Rice",
                          "category": "food", "unit": "kg"});
        assert!(matches!(Command::from_json(item), Ok(Command::Distribution(_))));
    }

    #[test]
    fn unknown_types_and_bad_fields_are_named() {
        assert_eq!(
            Command::from_json(json!({"type": "DropTables"})).unwrap_err(),
            "unknown command type `DropTables`"
        );
        assert_eq!(
            Command::from_json(json!([1])).unwrap_err(),
            "expected a JSON object with a `type`"
        );
        let wrong = json!({"type": "AddMember", "member_id": "bo", "name": 7, "roles": []});
        assert!(Command::from_json(wrong).unwrap_err().contains("invalid type"));
    }

    #[test]
    fn every_listed_command_type_is_a_command_of_the_domain() {
        for kind in crate::access::COMMAND_TYPES {
            let error = Command::from_json(json!({ "type": kind })).unwrap_err();
            assert!(error.starts_with("missing field"), "{kind}: {error}");
        }
    }

    #[test]
    fn granting_the_driver_role_registers_a_driver() {
        let command = Command::Members(members::Command::AddMember {
            member_id: "dee".into(),
            name: "Dee".into(),
            roles: vec![Role::Driver],
        });
        let ctx = Context { now_ms: 0, actor: "ana".into() };
        let events = decide(&State::default(), &command, &ctx).unwrap();
        let types: Vec<&str> = events.iter().map(Event::event_type).collect();
        assert_eq!(types, vec!["MemberAdded", "DriverRegistered"]);
    }

    #[test]
    fn an_event_round_trips_through_its_stored_payload() {
        let event = Event::Members(members::Event::MemberRemoved { member_id: "bo".into() });
        let payload = event.payload().to_string();
        assert_eq!(Event::from_payload(event.event_type(), &payload), Ok(event));
    }

    /// The whole group after these commands, each decided (and required to pass) in turn.
    fn state_after(commands: &[(&str, Command)]) -> (State, u64) {
        let mut state = State::default();
        let mut position = 0;
        for (actor, command) in commands {
            let ctx = Context { now_ms: NOW_MS, actor: (*actor).into() };
            let events =
                decide(&state, command, &ctx).unwrap_or_else(|r| panic!("{command:?}: {r}"));
            for event in events {
                position += 1;
                let recorded =
                    Recorded { position, recorded_at_ms: NOW_MS, actor: ctx.actor.clone(), event };
                evolve(&mut state, &recorded);
            }
        }
        (state, position)
    }

    /// 2025-01-20, 10:00 UTC.
    const NOW_MS: i64 = 20_108 * 86_400_000 + 10 * 3_600_000;

    fn member(id: &str, roles: &[Role]) -> (&'static str, Command) {
        let add = members::Command::AddMember {
            member_id: id.into(),
            name: id.to_owned(),
            roles: roles.to_vec(),
        };
        ("ana", Command::Members(add))
    }

    fn group() -> Vec<(&'static str, Command)> {
        let mut commands = vec![
            member("ana", &[Role::Coordinator]),
            member("bo", &[Role::Volunteer]),
            member("dee", &[Role::Finance]),
        ];
        commands.extend(ledger::default_chart().into_iter().map(|c| ("dee", Command::Ledger(c))));
        commands
    }

    fn decided(state: &State, actor: &str, command: Command) -> Result<Vec<Event>, Rejection> {
        decide(state, &command, &Context { now_ms: NOW_MS, actor: actor.into() })
    }

    #[test]
    fn a_member_holding_or_backing_up_a_role_card_hands_it_over_before_leaving() {
        let mut commands = group();
        commands.push((
            "ana",
            Command::People(people::Command::DefineRoleCard {
                role_card_id: "finance".into(),
                title: "Finance".to_owned(),
                key_tasks: vec!["Keep the books".to_owned()],
                critical: true,
            }),
        ));
        commands.push((
            "ana",
            Command::People(people::Command::AssignRole {
                role_card_id: "finance".into(),
                member_id: "dee".into(),
                backup_id: Some("bo".into()),
                term_ends_on_day: 20_108 + 120,
                contact: None,
            }),
        ));
        let (state, _) = state_after(&commands);
        for leaving in ["dee", "bo"] {
            let remove = members::Command::RemoveMember { member_id: leaving.into() };
            let rejection = decided(&state, "ana", Command::Members(remove)).unwrap_err();
            assert_eq!(rejection.code(), "wrong_stage", "{leaving}");
        }
    }

    #[test]
    fn an_expense_names_only_an_alert_or_request_that_exists() {
        let (state, _) = state_after(&group());
        let record = ledger::Command::RecordTransaction {
            transaction_id: "t1".into(),
            on_day: 20_108,
            description: "Rice".to_owned(),
            currency: ledger::Currency::USD,
            postings: vec![
                ledger::Posting { account_id: "food".into(), amount_cents: 900 },
                ledger::Posting { account_id: "cash".into(), amount_cents: -900 },
            ],
            receipt: Some("receipt-0042".to_owned()),
            paid_for: Some(ledger::PaidFor::ProcurementAlert { alert_id: "a9".into() }),
            donor: None,
        };
        let rejection = decided(&state, "dee", Command::Ledger(record)).unwrap_err();
        assert_eq!(rejection, Rejection::Unknown { kind: "alert", id: "a9".to_owned() });
    }

    #[test]
    fn money_is_dated_on_the_groups_own_day() {
        // At 20:00 UTC it is already tomorrow in Manila (UTC+8): a receipt dated tomorrow is
        // today's there, and still the future for a group on UTC.
        let evening = NOW_MS + 10 * 3_600_000;
        let receipt = |id: &str| {
            Command::Ledger(ledger::Command::RecordTransaction {
                transaction_id: id.into(),
                on_day: 20_109,
                description: "Bus tickets".to_owned(),
                currency: ledger::Currency::USD,
                postings: vec![
                    ledger::Posting { account_id: "transport".into(), amount_cents: 500 },
                    ledger::Posting { account_id: "cash".into(), amount_cents: -500 },
                ],
                receipt: None,
                paid_for: None,
                donor: None,
            })
        };
        let at = |state: &State, command: Command| {
            decide(state, &command, &Context { now_ms: evening, actor: "dee".into() })
        };
        let mut commands = group();
        let (utc, _) = state_after(&commands);
        assert_eq!(at(&utc, receipt("t1")).unwrap_err().code(), "invalid_field");
        let offsets = vec![crate::clock::Offset { from_ms: 0, seconds: 8 * 3_600 }];
        let zone = distribution::Command::SetTimeZone { zone: "Asia/Manila".into(), offsets };
        commands.push(("ana", Command::Distribution(zone)));
        let (manila, _) = state_after(&commands);
        assert!(at(&manila, receipt("t1")).is_ok());
    }

    #[test]
    fn the_approvers_roles_come_from_the_member_list() {
        let mut commands = group();
        commands.push(member("fay", &[Role::Finance, Role::Volunteer]));
        commands.push((
            "dee",
            Command::Ledger(ledger::Command::RecordTransaction {
                transaction_id: "t1".into(),
                on_day: 20_108,
                description: "Freezer".to_owned(),
                currency: ledger::Currency::USD,
                postings: vec![
                    ledger::Posting { account_id: "other-expenses".into(), amount_cents: 45_000 },
                    ledger::Posting { account_id: "bank".into(), amount_cents: -45_000 },
                ],
                receipt: None,
                paid_for: None,
                donor: None,
            }),
        ));
        let (state, _) = state_after(&commands);
        let approve =
            || Command::Ledger(ledger::Command::ApproveExpense { transaction_id: "t1".into() });
        assert_eq!(decided(&state, "bo", approve()).unwrap_err().code(), "not_permitted");
        assert_eq!(decided(&state, "dee", approve()).unwrap_err().code(), "not_permitted");
        assert!(decided(&state, "fay", approve()).is_ok());
        assert!(decided(&state, "ana", approve()).is_ok());
    }

    #[test]
    fn the_currency_is_set_before_the_first_transaction_and_stays() {
        let set = |code: &str| {
            Command::Limits(limits::Command::SetGroupLimits {
                max_roles_per_member: 2,
                max_hours_per_4_weeks: 40,
                expense_approval_threshold_cents: 10_000,
                currency: ledger::Currency::parse(code).unwrap(),
            })
        };
        let (state, _) = state_after(&group());
        assert!(decided(&state, "ana", set("EUR")).is_ok());
        let mut commands = group();
        commands.push((
            "dee",
            Command::Ledger(ledger::Command::RecordTransaction {
                transaction_id: "t1".into(),
                on_day: 20_108,
                description: "Gift".to_owned(),
                currency: ledger::Currency::USD,
                postings: vec![
                    ledger::Posting { account_id: "cash".into(), amount_cents: 500 },
                    ledger::Posting { account_id: "donations".into(), amount_cents: -500 },
                ],
                receipt: None,
                paid_for: None,
                donor: None,
            }),
        ));
        let (state, _) = state_after(&commands);
        assert_eq!(decided(&state, "ana", set("EUR")).unwrap_err().code(), "wrong_stage");
    }

    #[test]
    fn people_money_and_limits_events_are_known_and_round_trip_through_their_payload() {
        let events = [
            Event::People(people::Event::ShiftAbsenceRecorded {
                shift_id: "s1".into(),
                member_id: "bo".into(),
            }),
            Event::Ledger(ledger::Event::ExpenseApproved {
                transaction_id: "t1".into(),
                approved_by: "fay".into(),
            }),
            Event::Limits(limits::Event::GroupLimitsSet {
                max_roles_per_member: 2,
                max_hours_per_4_weeks: 40,
                expense_approval_threshold_cents: 10_000,
                currency: ledger::Currency::EUR,
            }),
        ];
        for event in events {
            assert!(Event::is_known_type(event.event_type()));
            assert_eq!(event.schema_version(), 1);
            let payload = event.payload().to_string();
            assert_eq!(Event::from_payload(event.event_type(), &payload), Ok(event));
        }
    }

    #[test]
    fn role_contacts_and_donors_are_stripped_for_screens_but_public_names_stay() {
        let sealed = distribution::SealedPersonalData::new("v1.secret");
        let mut assigned = Event::People(people::Event::RoleAssigned {
            role_card_id: "finance".into(),
            member_id: "dee".into(),
            backup_id: None,
            on_day: 20_108,
            term_ends_on_day: 20_200,
            contact: Some(sealed.clone()),
        });
        let mut given = Event::Ledger(ledger::Event::GoodsDonationRecorded {
            donation_id: "d1".into(),
            on_day: 20_108,
            description: "Rice".to_owned(),
            estimated_value_cents: 5_000,
            currency: ledger::Currency::USD,
            partner_id: None,
            donor: Some(ledger::Donor {
                public_name: Some("Corner shop".to_owned()),
                personal_data: Some(sealed),
            }),
            recorded_by: "dee".into(),
        });
        assigned.strip_personal_data();
        given.strip_personal_data();
        for event in [assigned, given] {
            let json = serde_json::to_string(&event).unwrap();
            assert!(!json.contains("v1.secret"), "{json}");
        }
    }

    #[test]
    fn only_its_driver_a_coordinator_or_logistics_takes_a_delivery_further() {
        use crate::distribution::{
            Command as D, ContactChannel, DeliveryKind, ItemCategory, LocationKind, NeedCategory,
            RequestLine, StockSource, Urgency,
        };
        let d = Command::Distribution;
        let rice = || vec![RequestLine { item_id: "rice".into(), quantity: 1 }];
        let mut commands = vec![
            member("ana", &[Role::Coordinator]),
            member("quinn", &[Role::Driver]),
            member("omar", &[Role::Driver]),
            member("ben", &[Role::Logistics]),
        ];
        let steps = [
            D::RegisterItem {
                item_id: "rice".into(),
                name: "Rice".into(),
                category: ItemCategory::Food,
                unit: "kg".into(),
            },
            D::RegisterLocation {
                location_id: "hall".into(),
                name: "Hall".into(),
                kind: LocationKind::Pantry,
            },
            D::ReceiveStock {
                item_id: "rice".into(),
                location_id: "hall".into(),
                quantity: 10,
                expires_on_day: Some(30_000),
                source: StockSource::Purchase { partner_id: None, alert_id: None },
            },
        ];
        commands.extend(steps.into_iter().map(|c| ("ana", d(c))));
        for n in ["1", "2"] {
            let request_id = format!("r{n}");
            commands.extend([
                (
                    "ana",
                    d(D::LogRequest {
                        request_id: request_id.as_str().into(),
                        household_id: format!("h{n}").as_str().into(),
                        need_category: NeedCategory::Food,
                        lines: rice(),
                        household_size: 1,
                        urgency: Urgency::Routine,
                        zone: "north".into(),
                        preferred_language: "en".into(),
                        contact_channel: ContactChannel::Phone,
                        personal_data: None,
                    }),
                ),
                (
                    "ben",
                    d(D::ReserveStock {
                        request_id: request_id.as_str().into(),
                        lines: rice(),
                        from_location_id: None,
                    }),
                ),
                (
                    "ben",
                    d(D::ScheduleDelivery {
                        delivery_id: format!("d{n}").as_str().into(),
                        request_id: request_id.as_str().into(),
                        kind: DeliveryKind::Delivery,
                        lines: rice(),
                        window_start_ms: NOW_MS,
                        window_end_ms: NOW_MS + 7_200_000,
                        driver_id: Some("quinn".into()),
                        replaces_delivery_id: None,
                    }),
                ),
            ]);
        }
        let (state, _) = state_after(&commands);
        let start = |id: &str| d(D::StartDelivery { delivery_id: id.into() });
        // Another driver may not; the driver may; so may logistics, for the driver.
        let refused = decided(&state, "omar", start("d1")).unwrap_err();
        assert_eq!(refused.code(), "not_permitted", "{refused}");
        assert!(refused.to_string().contains("quinn"), "{refused}");
        assert!(decided(&state, "quinn", start("d1")).is_ok());
        assert!(decided(&state, "ben", start("d2")).is_ok());
        assert!(decided(&state, "ana", start("d2")).is_ok());
    }
}
