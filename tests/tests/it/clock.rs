//! The group's time zone through the real server: the offsets come from the server's tz
//! database whatever a client sends, an unknown zone is refused and changes nothing, and the
//! board counts today's deliveries on the group's day.

use serde_json::Value;
use server::http::Options;
use shared::access::Role;
use shared::distribution::Command;
use shared::wire::{CommandRequest, Snapshot};

fn request(command_id: &str, command: Command) -> String {
    let command = serde_json::to_value(&command).unwrap();
    let request = CommandRequest { command_id: command_id.into(), expected_version: None, command };
    serde_json::to_string(&request).unwrap()
}

async fn snapshot(client: &tests::Client) -> Snapshot {
    let (status, body) = client.get("/api/snapshot").await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn a_coordinator_sets_the_zone_and_the_server_supplies_its_offsets() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let ana = app.member("ana", &[Role::Coordinator]).await;
    let sam = app.member("sam", &[Role::Volunteer]).await;
    assert_eq!(snapshot(&ana).await.board.clock.zone_name(), "UTC");

    // What a client claims the offsets are is replaced by the tz database's.
    let claimed = vec![shared::clock::Offset { from_ms: 0, seconds: 50_000 }];
    let set = Command::SetTimeZone { zone: "America/New_York".into(), offsets: claimed };
    let (status, body) = ana.post("/api/commands", &request("tz-1", set.clone())).await;
    assert_eq!(status, 200, "{body}");
    let board = snapshot(&sam).await.board;
    assert_eq!(board.clock.zone_name(), "America/New_York");
    // 2027-07-01T12:00Z is 08:00 EDT (UTC−4); 2027-01-15T12:00Z is 07:00 EST (UTC−5).
    assert_eq!(board.clock.offset_seconds(1_814_443_200_000), -4 * 3_600);
    assert_eq!(board.clock.offset_seconds(1_800_014_400_000), -5 * 3_600);

    // An unknown zone is refused in words and writes nothing.
    let position = snapshot(&ana).await.position;
    let mars = Command::SetTimeZone { zone: "Mars/Olympus_Mons".into(), offsets: Vec::new() };
    let (status, body): (u16, Value) = ana.post("/api/commands", &request("tz-2", mars)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "unknown_time_zone", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("America/New_York"), "{body}");
    assert_eq!(snapshot(&ana).await.position, position);

    // Only a coordinator sets it.
    let (status, _) = sam.post("/api/commands", &request("tz-3", set)).await;
    assert_eq!(status, 403);
    app.stop().await;
}
