//! The group's members and the roles they hold, as events on the `members` stream.
//!
//! Passwords are not here: they are kept by the server outside the log, because the log is
//! kept forever and exported to auditors. Granting the driver role also registers the member
//! as a driver for distribution day ([`crate::distribution::Roster`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kernel::Role;
use crate::kernel::{At, Evolve, MemberId, Rejection, Sealing};

/// Longest display name, in characters.
pub const MAX_MEMBER_NAME_CHARS: usize = 80;

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    /// A new member joins with a sign-in id (`member_id`, e.g. "ana"), a display name and
    /// at least one role.
    AddMember { member_id: MemberId, name: String, roles: Vec<Role> },
    /// Replaces a member's roles: a handover is one member losing a role and another
    /// gaining it, each a `ChangeRoles`.
    ChangeRoles { member_id: MemberId, roles: Vec<Role> },
    /// The member leaves the group; they can no longer sign in. Their past actions stay.
    RemoveMember { member_id: MemberId },
}
fn command_type;
kind CommandKind;
}

crate::kernel::named_variants! {
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    MemberAdded { member_id: MemberId, name: String, roles: Vec<Role> },
    RolesChanged { member_id: MemberId, roles: Vec<Role> },
    MemberRemoved { member_id: MemberId },
}
fn event_type;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub member_id: MemberId,
    pub name: String,
    pub roles: Vec<Role>,
}

/// Current members by id; removed members are gone from here (but not from the log).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    by_id: BTreeMap<String, Member>,
}

impl Members {
    pub fn get(&self, member_id: &str) -> Option<&Member> {
        self.by_id.get(member_id)
    }

    pub fn roles_of(&self, member_id: &str) -> &[Role] {
        self.by_id.get(member_id).map_or(&[], |m| &m.roles)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Member> {
        self.by_id.values()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    fn coordinators_other_than(&self, member_id: &str) -> usize {
        self.by_id
            .values()
            .filter(|m| m.member_id.as_str() != member_id && m.roles.contains(&Role::Coordinator))
            .count()
    }
}

/// What the members command becomes, or why not. `is_driver` says whether the distribution
/// roster already knows the member as a driver.
pub fn decide(members: &Members, command: &Command) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::AddMember { member_id, name, roles } => {
            check_member_id(member_id)?;
            if members.get(member_id.as_str()).is_some() {
                return Err(Rejection::exists("member", member_id.as_str()));
            }
            let name = name.trim();
            if name.is_empty() || name.chars().count() > MAX_MEMBER_NAME_CHARS {
                let reason = format!("must be 1 to {MAX_MEMBER_NAME_CHARS} characters");
                return Err(Rejection::invalid("name", reason));
            }
            let roles = normalized(roles)?;
            let member_id = member_id.clone();
            Ok(vec![Event::MemberAdded { member_id, name: name.to_owned(), roles }])
        }
        Command::ChangeRoles { member_id, roles } => {
            let member = known(members, member_id)?;
            let roles = normalized(roles)?;
            if member.roles.contains(&Role::Coordinator)
                && !roles.contains(&Role::Coordinator)
                && members.coordinators_other_than(member_id.as_str()) == 0
            {
                return Err(last_coordinator());
            }
            Ok(vec![Event::RolesChanged { member_id: member_id.clone(), roles }])
        }
        Command::RemoveMember { member_id } => {
            let member = known(members, member_id)?;
            if member.roles.contains(&Role::Coordinator)
                && members.coordinators_other_than(member_id.as_str()) == 0
            {
                return Err(last_coordinator());
            }
            Ok(vec![Event::MemberRemoved { member_id: member_id.clone() }])
        }
    }
}

fn known<'a>(members: &'a Members, member_id: &MemberId) -> Result<&'a Member, Rejection> {
    members.get(member_id.as_str()).ok_or_else(|| Rejection::unknown("member", member_id.as_str()))
}

fn last_coordinator() -> Rejection {
    Rejection::wrong_stage("the group needs a coordinator: hand the role to someone else first")
}

/// Sign-in ids are typed on phones: lowercase letters, digits, `.`, `-` and `_`.
/// Ids that begin so are the server's own actors (set-up, retention, the scheduler): no
/// member may take one, so the log never confuses a person with the server.
pub const SERVER_ACTOR_PREFIX: &str = "potluck-";

/// The actor the server plans ahead under: standing orders' dates, templates' shifts and
/// commitments' sign-ups.
pub const SCHEDULER_ACTOR: &str = "potluck-scheduler";

/// Whether `actor` is one of the server's own.
pub fn is_server_actor(actor: &str) -> bool {
    actor.starts_with(SERVER_ACTOR_PREFIX)
}

fn check_member_id(member_id: &MemberId) -> Result<(), Rejection> {
    let id = member_id.as_str();
    if is_server_actor(id) {
        let reason = format!("ids beginning `{SERVER_ACTOR_PREFIX}` are the server's own");
        return Err(Rejection::invalid("member_id", reason));
    }
    let ok = !id.is_empty()
        && id.len() <= 32
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Rejection::invalid("member_id", "must be 1 to 32 of a-z 0-9 . _ -"))
    }
}

/// Sorted, without repeats, and not empty.
fn normalized(roles: &[Role]) -> Result<Vec<Role>, Rejection> {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(Rejection::invalid("roles", "a member holds at least one role"));
    }
    Ok(roles)
}

impl Evolve<Event> for Members {
    fn evolve(&mut self, _at: At<'_>, event: &Event) {
        match event {
            Event::MemberAdded { member_id, name, roles } => {
                let member = Member {
                    member_id: member_id.clone(),
                    name: name.clone(),
                    roles: roles.clone(),
                };
                self.by_id.insert(member_id.as_str().to_owned(), member);
            }
            Event::RolesChanged { member_id, roles } => {
                if let Some(member) = self.by_id.get_mut(member_id.as_str()) {
                    member.roles = roles.clone();
                }
            }
            Event::MemberRemoved { member_id } => {
                self.by_id.remove(member_id.as_str());
            }
        }
    }
}

impl CommandKind {
    /// Where a command of this kind carries personal data, and whose key seals it: the
    /// declaration beside the command (an exhaustive match, so a new command declares it or
    /// `None`). No command here carries any.
    pub const fn sealing(self) -> Option<Sealing> {
        match self {
            CommandKind::AddMember | CommandKind::ChangeRoles | CommandKind::RemoveMember => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> MemberId {
        MemberId::from(s)
    }

    fn given(events: &[Event]) -> Members {
        let mut members = Members::default();
        for event in events {
            members.evolve(At::position(1), event);
        }
        members
    }

    fn ana_coordinator() -> Event {
        Event::MemberAdded {
            member_id: id("ana"),
            name: "Ana".into(),
            roles: vec![Role::Coordinator],
        }
    }

    #[test]
    fn adding_a_member_sorts_and_dedups_their_roles() {
        let command = Command::AddMember {
            member_id: id("bo"),
            name: " Bo ".into(),
            roles: vec![Role::Driver, Role::Volunteer, Role::Driver],
        };
        let events = decide(&given(&[]), &command).unwrap();
        assert_eq!(
            events,
            vec![Event::MemberAdded {
                member_id: id("bo"),
                name: "Bo".into(),
                roles: vec![Role::Driver, Role::Volunteer]
            }]
        );
    }

    #[test]
    fn a_member_id_is_taken_once() {
        let command = Command::AddMember {
            member_id: id("ana"),
            name: "Ana".into(),
            roles: vec![Role::Driver],
        };
        let rejection = decide(&given(&[ana_coordinator()]), &command).unwrap_err();
        assert_eq!(rejection.code(), "already_exists");
    }

    #[test]
    fn a_member_without_roles_or_with_a_bad_id_is_rejected() {
        let no_roles = Command::AddMember { member_id: id("bo"), name: "Bo".into(), roles: vec![] };
        assert_eq!(decide(&given(&[]), &no_roles).unwrap_err().code(), "invalid_field");
        let bad_id = Command::AddMember {
            member_id: id("Bo Smith"),
            name: "Bo".into(),
            roles: vec![Role::Driver],
        };
        assert_eq!(decide(&given(&[]), &bad_id).unwrap_err().code(), "invalid_field");
    }

    #[test]
    fn the_last_coordinator_cannot_step_down_or_leave() {
        let members = given(&[ana_coordinator()]);
        let step_down = Command::ChangeRoles { member_id: id("ana"), roles: vec![Role::Driver] };
        assert_eq!(decide(&members, &step_down).unwrap_err().code(), "wrong_stage");
        let leave = Command::RemoveMember { member_id: id("ana") };
        assert_eq!(decide(&members, &leave).unwrap_err().code(), "wrong_stage");
    }

    #[test]
    fn a_coordinator_can_hand_over_once_someone_else_holds_the_role() {
        let members = given(&[
            ana_coordinator(),
            Event::MemberAdded {
                member_id: id("bo"),
                name: "Bo".into(),
                roles: vec![Role::Coordinator],
            },
        ]);
        let step_down = Command::ChangeRoles { member_id: id("ana"), roles: vec![Role::Driver] };
        assert!(decide(&members, &step_down).is_ok());
    }

    #[test]
    fn changing_the_roles_of_an_unknown_member_is_rejected() {
        let command = Command::ChangeRoles { member_id: id("zed"), roles: vec![Role::Driver] };
        assert_eq!(decide(&given(&[]), &command).unwrap_err().code(), "unknown");
    }
}
