//! The roster through the server: role cards, shifts and hours, and the signals a group acts
//! on, read by every role and never with a role holder's contact.

use serde_json::json;
use server::http::Options;
use shared::access::Role;
use shared::distribution::day::day_of;
use shared::view::RosterView;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn kinds(roster: &RosterView) -> Vec<String> {
    // The name a signal's kind goes by on the wire.
    let kind = |signal| serde_json::to_value(signal).unwrap()["kind"].as_str().unwrap().to_owned();
    roster.signals.iter().map(kind).collect()
}

#[tokio::test]
async fn shifts_worked_become_hours_and_the_roster_signals_what_needs_attention() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let coordinator = app.member("ana", &[Role::Coordinator]).await;
    let logistics = app.member("ben", &[Role::Logistics]).await;
    let volunteer = app.member("tess", &[Role::Volunteer]).await;
    let today = day_of(now_ms());
    let steps = [
        (
            &coordinator,
            json!({"type": "DefineRoleCard", "role_card_id": "finance", "title": "Treasurer",
            "key_tasks": ["Keeps the books"], "critical": true}),
        ),
        (
            &coordinator,
            json!({"type": "AssignRole", "role_card_id": "finance", "member_id": "ana",
            "backup_id": null, "term_ends_on_day": today + 90,
            "contact": {"name": "Ana Role-Contact", "phone": "555-0177", "address": "", "notes": ""}}),
        ),
        (
            &logistics,
            json!({"type": "PlanShift", "shift_id": "packing", "task": "Packing",
            "starts_at_ms": now_ms() - 3_600_000, "ends_at_ms": now_ms() + 3_600_000, "people_needed": 3}),
        ),
    ];
    for (i, (member, step)) in steps.into_iter().enumerate() {
        let (status, body) = member.command(&format!("step-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }

    // The volunteer signs up, checks in and out; someone else cannot do it for them.
    let sign_up = json!({"type": "SignUpForShift", "shift_id": "packing", "member_id": "tess"});
    let (status, body) = volunteer.command("sign-up", sign_up).await;
    assert_eq!(status, 200, "{body}");
    let for_someone = json!({"type": "CheckInToShift", "shift_id": "packing", "member_id": "ben"});
    let (status, body) = volunteer.command("check-in-ben", for_someone).await;
    assert_eq!(status, 422, "{body}");
    for (i, kind) in ["CheckInToShift", "CheckOutOfShift"].into_iter().enumerate() {
        let (status, body) = volunteer
            .command(
                &format!("attend-{i}"),
                json!({"type": kind, "shift_id": "packing", "member_id": "tess"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    // Logistics corrects the times from the paper sheet: two hours. Hours come from the times.
    let correct = json!({"type": "CorrectShiftTimes", "shift_id": "packing", "member_id": "tess",
        "checked_in_at_ms": now_ms() - 3_600_000 - 60_000, "checked_out_at_ms": now_ms() + 3_600_000 - 60_000,
        "reason": "From the paper sign-in sheet"});
    let (status, body) = logistics.command("correct", correct).await;
    assert_eq!(status, 422, "a check-out in the future is refused: {body}");
    let correct = json!({"type": "CorrectShiftTimes", "shift_id": "packing", "member_id": "tess",
        "checked_in_at_ms": now_ms() - 2 * 3_600_000, "checked_out_at_ms": now_ms() - 60_000,
        "reason": "From the paper sign-in sheet"});
    let (status, body) = logistics.command("correct-2", correct).await;
    assert_eq!(status, 200, "{body}");

    let (status, body) = volunteer.get("/api/roster").await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("Role-Contact") && !body.contains("555-0177"), "no contact: {body}");
    // Read as the web client reads it: `shared::view::RosterView`.
    let roster: RosterView = serde_json::from_str(&body).unwrap();
    let tess = roster.workloads.iter().find(|w| w.member_id.as_str() == "tess").unwrap();
    let minutes = tess.minutes_last_4_weeks;
    assert!((119..=120).contains(&minutes), "{minutes} minutes");
    assert_eq!(kinds(&roster), ["no_backup", "shift_short_of_people"]);

    // The group lowers its hours limit below what Tess worked: a burnout signal appears.
    let limits = json!({"type": "SetGroupLimits", "max_roles_per_member": 2, "max_hours_per_4_weeks": 1,
        "expense_approval_threshold_cents": 10000, "currency": "USD"});
    let (status, body) = coordinator.command("limits", limits).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = volunteer.get("/api/roster").await;
    let roster: RosterView = serde_json::from_str(&body).unwrap();
    assert!(kinds(&roster).contains(&"too_many_hours".to_owned()), "{body}");
    app.stop().await;
}

/// A role holder's contact: sealed under a key of that holder's own for the card, shown to
/// members at work (not auditors), and forgotten on its own when the coordinator erases it,
/// leaving the next holder's.
#[tokio::test]
async fn a_role_holders_contact_is_shown_to_the_group_and_erased_without_the_next_holders() {
    use serde_json::json;
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let coordinator = app.member("cora", &[Role::Coordinator]).await;
    let volunteer = app.member("vic", &[Role::Volunteer]).await;
    let auditor = app.member("aud", &[Role::Auditor]).await;
    app.member("hana", &[Role::Finance]).await;
    app.member("ivan", &[Role::Finance]).await;
    let term = now_ms() / 86_400_000 + 100;
    let contact =
        |phone: &str| json!({"name": "", "phone": phone, "address": "", "notes": "evenings"});
    let steps = [
        json!({"type": "DefineRoleCard", "role_card_id": "treasurer", "title": "Treasurer",
               "key_tasks": ["Keeps the books"], "critical": true}),
        json!({"type": "AssignRole", "role_card_id": "treasurer", "member_id": "hana",
               "backup_id": null, "term_ends_on_day": term, "contact": contact("555-0400-1111")}),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = coordinator.command(&format!("s{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = volunteer.get("/api/roles/treasurer/contact").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("555-0400-1111") && body.contains("\"hana\""), "{body}");
    assert_eq!(auditor.get("/api/roles/treasurer/contact").await.0, 403);
    let (_, roster) = volunteer.get("/api/roster").await;
    assert!(!roster.contains("555-0400-1111"), "never in the roster");
    assert!(app.state.group.keys().has_key("role:treasurer:hana").unwrap());

    // Rotation: Ivan takes over with his own contact; then Hana's is forgotten.
    let hand_over = json!({"type": "HandOverRole", "role_card_id": "treasurer", "to_member_id": "ivan",
        "backup_id": null, "term_ends_on_day": term + 365, "note": "Receipts in the green box",
        "contact": contact("555-0400-2222")});
    let (status, body) = coordinator.command("hand-over", hand_over).await;
    assert_eq!(status, 200, "{body}");
    let erase = |member: &str| {
        json!({"type": "EraseRoleContact", "role_card_id": "treasurer",
        "member_id": member, "reason": "left the group"})
    };
    assert_eq!(volunteer.command("erase-v", erase("hana")).await.0, 403);
    let (status, body) = coordinator.command("erase-hana", erase("hana")).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !app.state.group.keys().has_key("role:treasurer:hana").unwrap(),
        "her key is destroyed before the answer"
    );
    assert!(app.state.group.keys().has_key("role:treasurer:ivan").unwrap());
    let (status, body) = coordinator.command("erase-hana-again", erase("hana")).await;
    assert_eq!(status, 422, "{body}");
    let (_, body) = volunteer.get("/api/roles/treasurer/contact").await;
    assert!(body.contains("555-0400-2222") && !body.contains("555-0400-1111"), "{body}");
    app.stop().await;
}
