//! Adding members with a first password: shared by `potluck init`, `potluck member add` and
//! `POST /api/members`, so a member added anywhere is added the same way: an `AddMember`
//! command through the pipeline, then a one-time password in the sign-in store.

use shared::access::Role;
use shared::distribution::MemberId;
use shared::group::Command;
use shared::members;

use crate::auth::one_time_password;
use crate::commands::{Accepted, Refused, Submitted};
use crate::group::Group;

/// Who acts when the command line adds the very first coordinator.
pub const INIT_ACTOR: &str = "potluck-init";

#[derive(Debug)]
pub struct Added {
    pub accepted: Accepted,
    /// Shown once, to be handed to the member, who should change it.
    pub password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{0:?}")]
    Refused(Refused),
    #[error("member {0} was already added")]
    AlreadyAdded(String),
    #[error("cannot store the password: {0}")]
    Password(String),
}

pub async fn add_member(
    group: &Group,
    actor: MemberId,
    member_id: &str,
    name: &str,
    roles: Vec<Role>,
) -> Result<Added, AddError> {
    let command = Command::Members(members::Command::AddMember {
        member_id: member_id.into(),
        name: name.to_owned(),
        roles,
    });
    let submitted = Submitted::new(format!("add-member-{member_id}"), actor, command);
    let accepted = group.submit(submitted).await.map_err(AddError::Refused)?;
    if accepted.duplicate {
        return Err(AddError::AlreadyAdded(member_id.to_owned()));
    }
    let password = one_time_password();
    let (store, id, secret) = (group.auth().clone(), member_id.to_owned(), password.clone());
    tokio::task::spawn_blocking(move || store.set_password(&id, &secret))
        .await
        .map_err(|e| AddError::Password(e.to_string()))?
        .map_err(|e| AddError::Password(e.to_string()))?;
    Ok(Added { accepted, password })
}

/// Sets the group's time zone by its IANA name, with the offsets from this machine's tz
/// database (`potluck init --time-zone`, the demo).
pub async fn set_time_zone(group: &Group, actor: MemberId, zone: &str) -> anyhow::Result<()> {
    let offsets = crate::clock::offsets(zone).map_err(anyhow::Error::msg)?;
    let command = Command::Distribution(shared::distribution::Command::SetTimeZone {
        zone: zone.trim().to_owned(),
        offsets,
    });
    let submitted = Submitted::new(format!("set-time-zone-{}", zone.trim()), actor, command);
    group
        .submit(submitted)
        .await
        .map_err(|refused| anyhow::anyhow!("the time zone was refused: {refused:?}"))?;
    Ok(())
}
