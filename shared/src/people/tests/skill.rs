//! The skills registry: a member's own record, or a coordinator's; certificates expire.

use super::*;

fn cpr_until(day: i64) -> Command {
    Command::RecordSkill { member_id: id("bo"), skill: Skill::Cpr, expires_on_day: Some(day) }
}

#[test]
fn a_member_records_their_own_skills_and_a_coordinator_anyones() {
    let recorded = Event::SkillRecorded {
        member_id: id("bo"),
        skill: Skill::Cpr,
        expires_on_day: Some(TODAY + 365),
    };
    check(&[], "bo", cpr_until(TODAY + 365), Ok(vec![recorded.clone()]));
    check(&[], "ana", cpr_until(TODAY + 365), Ok(vec![recorded]));
    assert_eq!(rejected(&[], "eve", cpr_until(TODAY + 365)), "not_permitted");
}

#[test]
fn recording_a_skill_again_replaces_the_earlier_record() {
    let given = [
        Event::SkillRecorded {
            member_id: id("bo"),
            skill: Skill::Cpr,
            expires_on_day: Some(TODAY + 3),
        },
        Event::SkillRecorded {
            member_id: id("bo"),
            skill: Skill::Language { language: "es".to_owned() },
            expires_on_day: None,
        },
        Event::SkillRecorded {
            member_id: id("bo"),
            skill: Skill::Cpr,
            expires_on_day: Some(TODAY + 400),
        },
        Event::SkillRecorded {
            member_id: id("bo"),
            skill: Skill::Language { language: "ES".to_owned() },
            expires_on_day: None,
        },
    ];
    let roster = roster_after(&given);
    let skills = roster.skills_of("bo");
    assert_eq!(skills.len(), 2, "{skills:?}");
    assert_eq!(skills[0].expires_on_day, Some(TODAY + 400));
}

#[test]
fn a_certificate_that_has_already_expired_is_not_recorded() {
    assert_eq!(rejected(&[], "bo", cpr_until(TODAY - 1)), "invalid_field");
}

#[test]
fn removing_a_skill_that_was_never_recorded_is_rejected() {
    let when = Command::RemoveSkill { member_id: id("bo"), skill: Skill::FoodHygiene };
    assert_eq!(rejected(&[], "bo", when), "wrong_stage");
}

#[test]
fn driving_with_a_vehicle_is_one_skill_whatever_the_vehicle() {
    let driving = |has_vehicle| Skill::Driving { has_vehicle };
    assert!(driving(true).same_skill(&driving(false)));
    assert!(!Skill::Cpr.same_skill(&Skill::FirstAid));
    let json = serde_json::to_value(driving(true)).unwrap();
    assert_eq!(json, serde_json::json!({"kind": "driving", "has_vehicle": true}));
}
