//! The roster through the server: role cards, shifts and hours, and the signals a group acts
//! on, read by every role and never with a role holder's contact.

use serde_json::{Value, json};
use server::http::Options;
use shared::access::Role;
use shared::distribution::day::day_of;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn kinds(roster: &Value) -> Vec<String> {
    roster["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_owned())
        .collect()
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
    let roster: Value = serde_json::from_str(&body).unwrap();
    let tess =
        roster["workloads"].as_array().unwrap().iter().find(|w| w["member_id"] == "tess").unwrap();
    let minutes = tess["minutes_last_4_weeks"].as_i64().unwrap();
    assert!((119..=120).contains(&minutes), "{minutes} minutes");
    assert_eq!(kinds(&roster), ["no_backup", "shift_short_of_people"]);

    // The group lowers its hours limit below what Tess worked: a burnout signal appears.
    let limits = json!({"type": "SetGroupLimits", "max_roles_per_member": 2, "max_hours_per_4_weeks": 1,
        "expense_approval_threshold_cents": 10000, "currency": "USD"});
    let (status, body) = coordinator.command("limits", limits).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = volunteer.get("/api/roster").await;
    let roster: Value = serde_json::from_str(&body).unwrap();
    assert!(kinds(&roster).contains(&"too_many_hours".to_owned()), "{body}");
    app.stop().await;
}
