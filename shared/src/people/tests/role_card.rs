//! Role cards: assigning, handing over, renewing and ending are events; rotation is a
//! handover, never an edit; a holder's contact is sealed and never reaches a screen.

use super::*;
use crate::kernel::SealedPersonalData;

fn assign(member: &str, backup: Option<&str>, term_ends_on_day: i64) -> Command {
    Command::AssignRole {
        role_card_id: card("facilitator"),
        member_id: id(member),
        backup_id: backup.map(id),
        term_ends_on_day,
        contact: None,
    }
}

fn hand_over(to: &str, backup: Option<&str>) -> Command {
    Command::HandOverRole {
        role_card_id: card("facilitator"),
        to_member_id: id(to),
        backup_id: backup.map(id),
        term_ends_on_day: TODAY + 120,
        note: "rotation after three months".to_owned(),
        contact: None,
    }
}

#[test]
fn defining_a_role_card_writes_a_vacant_card() {
    let when = Command::DefineRoleCard {
        role_card_id: card("facilitator"),
        title: " Facilitator ".to_owned(),
        key_tasks: vec!["Run the weekly meeting".to_owned(), "Keep the agenda ".to_owned()],
        critical: true,
    };
    check(&[], "ana", when, Ok(vec![facilitator_defined()]));
    let roster = roster_after(&[facilitator_defined()]);
    assert_eq!(roster.role_card("facilitator").and_then(|c| c.holder.as_ref()), None);
}

#[test]
fn a_role_card_lists_at_least_one_key_task() {
    let when = Command::DefineRoleCard {
        role_card_id: card("helper"),
        title: "Helper".to_owned(),
        key_tasks: vec![],
        critical: false,
    };
    assert_eq!(rejected(&[], "ana", when), "invalid_field");
}

#[test]
fn assigning_a_vacant_role_starts_a_term_today() {
    let then = facilitator_held_by("bo", Some("cy")).pop();
    check(
        &[facilitator_defined()],
        "ana",
        assign("bo", Some("cy"), TODAY + 90),
        Ok(then.into_iter().collect()),
    );
}

#[test]
fn assigning_a_held_role_is_rejected_hand_it_over_instead() {
    let given = facilitator_held_by("bo", None);
    let then = Rejection::WrongStage {
        message: "the role is held by bo: hand it over instead".to_owned(),
    };
    check(&given, "ana", assign("cy", None, TODAY + 90), Err(then));
}

#[test]
fn a_holder_cannot_be_their_own_backup() {
    let when = assign("bo", Some("bo"), TODAY + 90);
    assert_eq!(rejected(&[facilitator_defined()], "ana", when), "invalid_field");
}

#[test]
fn the_holder_and_the_backup_must_be_members() {
    let given = [facilitator_defined()];
    assert_eq!(rejected(&given, "ana", assign("zed", None, TODAY + 90)), "unknown");
    assert_eq!(rejected(&given, "ana", assign("bo", Some("zed"), TODAY + 90)), "unknown");
}

#[test]
fn a_term_ends_after_today_and_within_three_years() {
    let given = [facilitator_defined()];
    assert_eq!(rejected(&given, "ana", assign("bo", None, TODAY)), "invalid_field");
    let too_long = assign("bo", None, TODAY + MAX_TERM_DAYS + 1);
    assert_eq!(rejected(&given, "ana", too_long), "invalid_field");
}

#[test]
fn handing_over_passes_the_role_for_a_new_term_and_counts_the_rotation() {
    let mut given = facilitator_held_by("bo", Some("cy"));
    let handed = Event::RoleHandedOver {
        role_card_id: card("facilitator"),
        from_member_id: id("bo"),
        to_member_id: id("eve"),
        backup_id: Some(id("bo")),
        on_day: TODAY,
        term_ends_on_day: TODAY + 120,
        note: "rotation after three months".to_owned(),
        contact: None,
    };
    check(&given, "ana", hand_over("eve", Some("bo")), Ok(vec![handed.clone()]));
    given.push(handed);
    let roster = roster_after(&given);
    let held = roster.role_card("facilitator").unwrap();
    assert_eq!((held.holder_id(), held.handovers), (Some(&id("eve")), 1));
    assert_eq!(held.backup_id, Some(id("bo")));
}

#[test]
fn handing_over_to_the_holder_is_rejected_renew_the_term_instead() {
    let given = facilitator_held_by("bo", None);
    let then = Rejection::WrongStage {
        message: "bo already holds the role: renew the term instead".to_owned(),
    };
    check(&given, "ana", hand_over("bo", None), Err(then));
    let renew =
        Command::RenewRoleTerm { role_card_id: card("facilitator"), term_ends_on_day: TODAY + 180 };
    let renewed = Event::RoleTermRenewed {
        role_card_id: card("facilitator"),
        member_id: id("bo"),
        term_ends_on_day: TODAY + 180,
    };
    check(&given, "ana", renew, Ok(vec![renewed]));
}

#[test]
fn handing_over_a_vacant_role_is_rejected() {
    assert_eq!(rejected(&[facilitator_defined()], "ana", hand_over("eve", None)), "wrong_stage");
}

#[test]
fn ending_a_role_needs_a_reason_and_leaves_the_card_vacant() {
    let mut given = facilitator_held_by("bo", Some("cy"));
    let blank = Command::EndRole { role_card_id: card("facilitator"), reason: " ".to_owned() };
    assert_eq!(rejected(&given, "ana", blank), "invalid_field");
    let end =
        Command::EndRole { role_card_id: card("facilitator"), reason: "moving away".to_owned() };
    let ended = Event::RoleEnded {
        role_card_id: card("facilitator"),
        member_id: id("bo"),
        on_day: TODAY,
        reason: "moving away".to_owned(),
    };
    check(&given, "ana", end, Ok(vec![ended.clone()]));
    given.push(ended);
    let roster = roster_after(&given);
    assert!(roster.role_card("facilitator").unwrap().holder.is_none());
    assert!(roster.roles_held_by("bo").is_empty());
}

#[test]
fn setting_the_same_backup_again_changes_nothing_and_is_rejected() {
    let given = facilitator_held_by("bo", Some("cy"));
    let same =
        Command::SetRoleBackup { role_card_id: card("facilitator"), backup_id: Some(id("cy")) };
    assert_eq!(rejected(&given, "ana", same), "wrong_stage");
    let none = Command::SetRoleBackup { role_card_id: card("facilitator"), backup_id: None };
    let then = Event::RoleBackupSet { role_card_id: card("facilitator"), backup_id: None };
    check(&given, "ana", none, Ok(vec![then]));
}

#[test]
fn a_holders_contact_travels_sealed_and_is_stripped_for_screens() {
    let sealed = SealedPersonalData::new("v1.sealed-phone");
    let when = Command::SetRoleContact {
        role_card_id: card("facilitator"),
        contact: Some(sealed.clone()),
    };
    let mut set = Event::RoleContactSet {
        role_card_id: card("facilitator"),
        member_id: id("bo"),
        contact: Some(sealed.clone()),
    };
    check(&facilitator_held_by("bo", None), "ana", when, Ok(vec![set.clone()]));
    assert_eq!(set.role_contact(), Some((&card("facilitator"), Some(&sealed))));
    set.strip_personal_data();
    let json = serde_json::to_value(&set).unwrap();
    assert!(json.get("contact").is_none(), "{json}");
    // Nothing the roster shows depends on the contact.
    let mut stripped = facilitator_held_by("bo", None);
    stripped.push(set);
    assert_eq!(roster_after(&stripped), roster_after(&facilitator_held_by("bo", None)));
}
