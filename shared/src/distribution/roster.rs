//! Who may drive. This is a stand-in: there is no member registry yet, so a member becomes a
//! driver through `RegisterDriver` / `DriverRegistered` on the `roster` stream. When the
//! member registry lands, it should emit (or be translated into) the same fact, or replace
//! [`Roster::is_driver`] with a look-up of the member's skills; nothing else here changes.

use super::event::Event;
use super::hashing::FastSet;
use super::id::{MemberId, check_new_id};
use super::rejection::Rejection;
use super::state::State;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    drivers: FastSet<MemberId>,
}

impl Roster {
    pub fn is_driver(&self, member_id: &str) -> bool {
        self.drivers.contains(member_id)
    }

    pub(crate) fn known_driver(&self, member_id: &MemberId) -> Result<(), Rejection> {
        if self.is_driver(member_id.as_str()) {
            Ok(())
        } else {
            Err(Rejection::unknown("driver", member_id.as_str()))
        }
    }

    pub(crate) fn evolve(&mut self, event: &Event) {
        if let Event::DriverRegistered { member_id } = event {
            self.drivers.insert(member_id.clone());
        }
    }
}

pub(crate) fn register_driver(
    state: &State,
    member_id: &MemberId,
) -> Result<Vec<Event>, Rejection> {
    check_new_id("member_id", member_id.as_str())?;
    if state.roster.is_driver(member_id.as_str()) {
        return Err(Rejection::exists("driver", member_id.as_str()));
    }
    Ok(vec![Event::DriverRegistered { member_id: member_id.clone() }])
}
