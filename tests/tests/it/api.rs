//! The command API over real HTTP: status codes, idempotency, roles, and the log staying
//! unchanged whenever a command is refused.

use serde_json::{Value, json};
use server::http::Options;
use shared::access::{COMMAND_TYPES, Role, may_send};
use tests::{Client, TestApp};

pub fn register_location() -> Value {
    json!({"type": "RegisterLocation", "location_id": "pantry", "name": "Church pantry", "kind": "pantry"})
}

pub fn register_item(item_id: &str) -> Value {
    json!({"type": "RegisterItem", "item_id": item_id, "name": item_id, "category": "hygiene", "unit": "pack"})
}

pub fn register_partner() -> Value {
    json!({"type": "RegisterPartner", "partner_id": "foodbank", "name": "City food bank", "kind": "food_bank"})
}

pub fn receive(item_id: &str, quantity: i64) -> Value {
    json!({"type": "ReceiveStock", "item_id": item_id, "location_id": "pantry", "quantity": quantity,
           "expires_on_day": null, "source": {"kind": "donation", "partner_id": "foodbank"}})
}

pub fn log_request(request_id: &str, item_id: &str, personal: Option<&str>) -> Value {
    let mut command = json!({"type": "LogRequest", "request_id": request_id, "household_id": "h-17",
        "need_category": "hygiene", "lines": [{"item_id": item_id, "quantity": 2}],
        "household_size": 3, "urgency": "soon", "zone": "north", "preferred_language": "es",
        "contact_channel": "sms"});
    if let Some(personal) = personal {
        command["personal_data"] = json!(personal);
    }
    command
}

/// Logistics sets up a pantry with 10 packs of `soap`.
pub async fn stocked(app: &TestApp) -> Client {
    let logistics = app.member("lou", &[Role::Logistics]).await;
    for (i, command) in
        [register_location(), register_item("soap"), register_partner(), receive("soap", 10)]
            .into_iter()
            .enumerate()
    {
        let (status, body) = logistics.command(&format!("setup-{i}"), command).await;
        assert_eq!(status, 200, "{body}");
    }
    logistics
}

#[tokio::test]
async fn an_accepted_command_answers_with_its_positions_and_a_retry_writes_nothing() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let head = app.log.head().position;

    let (status, first) = logistics.command("c-soap-2", register_item("shampoo")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["first_position"], head + 1);
    assert_eq!(first["duplicate"], false);

    let (status, again) = logistics.command("c-soap-2", register_item("shampoo")).await;
    assert_eq!(status, 200);
    assert_eq!(again["first_position"], first["first_position"]);
    assert_eq!(again["duplicate"], true);
    assert_eq!(app.log.head().position, head + 1);

    let (status, reused) = logistics.command("c-soap-2", register_item("towels")).await;
    assert_eq!((status, reused["error"]["code"].as_str()), (422, Some("command_id_reused")));
    assert_eq!(app.log.head().position, head + 1);
    app.stop().await;
}

#[tokio::test]
async fn refused_commands_get_their_status_and_leave_the_log_unchanged() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let head = app.log.head().position;
    let huge = format!(
        r#"{{"command_id":"x","command":{{"type":"RegisterItem","name":"{}"}}}}"#,
        "a".repeat(70_000)
    );
    let stale = json!({"command_id": "c-stale", "expected_version": 0,
                       "command": register_item("towels")})
    .to_string();
    let cases: Vec<(&str, String, u16, &str)> = vec![
        (
            "rule",
            json!({"command_id": "c1", "command": receive("soap", -3)}).to_string(),
            422,
            "invalid_field",
        ),
        (
            "duplicate id of thing",
            json!({"command_id": "c2", "command": register_item("soap")}).to_string(),
            422,
            "already_exists",
        ),
        ("stale version", stale, 409, "wrong_expected_version"),
        ("malformed", "{\"command_id\": ".into(), 400, "malformed_json"),
        (
            "unknown command",
            json!({"command_id": "c3", "command": {"type": "DropTables"}}).to_string(),
            400,
            "unknown_command",
        ),
        (
            "wrong type",
            json!({"command_id": "c4", "command": {"type": "ReceiveStock", "item_id": "soap",
            "location_id": "pantry", "quantity": "ten", "expires_on_day": null,
            "source": {"kind": "donation", "partner_id": "foodbank"}}})
            .to_string(),
            400,
            "invalid_command",
        ),
        (
            "unknown field",
            json!({"command_id": "c5", "command": register_item("x"), "extra": 1}).to_string(),
            400,
            "invalid_field",
        ),
        (
            "empty id",
            json!({"command_id": "", "command": register_item("x")}).to_string(),
            400,
            "invalid_command_id",
        ),
        ("oversized", huge, 413, "too_large"),
    ];
    for (what, body, status, code) in cases {
        let (got, answer) = logistics.post("/api/commands", &body).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{what}: {answer}"
        );
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}");
    }
    assert_eq!(app.log.head().position, head);

    let anonymous = reqwest::Client::new()
        .post(app.url("/api/commands"))
        .json(&json!({"command_id": "c9", "command": register_item("x")}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(app.log.head().position, head);
    app.stop().await;
}

#[tokio::test]
async fn every_role_may_send_exactly_the_commands_the_table_allows() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    for role in Role::ALL {
        let member = app.member(&format!("m-{}", role.as_str()), &[role]).await;
        for kind in COMMAND_TYPES {
            // Only the type: an allowed member gets past authorization to a 400 for the
            // missing fields; a forbidden one is stopped at 403.
            let (status, body) =
                member.command(&format!("{role:?}-{kind}"), json!({ "type": kind })).await;
            let expected = if may_send(&[role], kind) { 400 } else { 403 };
            assert_eq!(status, expected, "{role:?} sending {kind}: {body}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_cookie_write_from_another_site_is_refused_and_from_our_page_accepted() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let cookie = format!("{}={}", server::http::COOKIE, logistics.token);
    let body = json!({"command_id": "c-cookie", "command": register_item("towels")});
    let send = |origin: String| {
        reqwest::Client::new()
            .post(app.url("/api/commands"))
            .header("cookie", cookie.clone())
            .header("origin", origin)
            .json(&body)
            .send()
    };
    assert_eq!(send("http://evil.example".into()).await.unwrap().status(), 403);
    assert_eq!(send(format!("http://{}", app.address)).await.unwrap().status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn wrong_passwords_are_throttled() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    app.member("ana", &[Role::Coordinator]).await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let response = client
            .post(app.url("/api/session"))
            .json(&json!({"member_id": "ana", "password": "guess"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429, 429]);
    app.stop().await;
}

#[tokio::test]
async fn the_log_is_for_coordinators_and_auditors_and_streams_as_ndjson() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let auditor = app.member("audrey", &[Role::Auditor]).await;
    assert_eq!(logistics.get("/api/events").await.0, 403);
    let (status, text) = auditor.get("/api/events?after=2&limit=3").await;
    assert_eq!(status, 200);
    let positions: Vec<u64> = text
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["position"].as_u64().unwrap())
        .collect();
    assert_eq!(positions, vec![3, 4, 5]);
    let (status, verify) = auditor.get("/api/verify").await;
    assert_eq!(status, 200);
    let verify: Value = serde_json::from_str(&verify).unwrap();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["count"], app.log.head().position);
    let (status, metrics) = auditor.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("potluck_commands_total{outcome=\"accepted\"}"), "{metrics}");
    app.stop().await;
}

#[tokio::test]
async fn the_audit_view_asks_the_log_by_actor_stream_type_command_value_and_time() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let (status, body) = logistics.command("shampoo", register_item("shampoo")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = logistics.command("more-shampoo", receive("shampoo", 4)).await;
    assert_eq!(status, 200, "{body}");
    let auditor = app.member("audrey", &[Role::Auditor]).await;
    let ask = async |query: &str| -> Vec<Value> {
        let (status, text) = auditor.get(&format!("/api/events?{query}")).await;
        assert_eq!(status, 200, "{query}: {text}");
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    };
    let types = |events: &[Value]| -> Vec<String> {
        events.iter().map(|e| e["event_type"].as_str().unwrap().to_owned()).collect()
    };
    // Every stock movement of one item, from its registration to its receipts.
    let soap = ask("mentions=soap").await;
    assert_eq!(types(&soap), ["ItemRegistered", "StockReceived"]);
    let received = ask("type=StockReceived").await;
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|e| e["actor"] == "lou" && e["stream"] == "stock"));
    // The command behind an event, and who recorded it.
    let command = received[1]["command_id"].as_str().unwrap();
    assert_eq!(command, "more-shampoo");
    assert_eq!(types(&ask(&format!("command={command}")).await), ["StockReceived"]);
    assert_eq!(ask("actor=lou&type=StockReceived&limit=1").await.len(), 1);
    assert!(ask("actor=nobody").await.is_empty());
    assert_eq!(ask("stream=catalog&mentions=shampoo").await.len(), 1);
    // A time range: from the first receipt's moment on, and before it.
    let at = received[0]["recorded_at_ms"].as_i64().unwrap();
    let from = ask(&format!("from_ms={at}")).await;
    assert!(from.iter().all(|e| e["recorded_at_ms"].as_i64().unwrap() >= at));
    assert!(from.iter().any(|e| e["position"] == received[0]["position"]));
    let before = ask(&format!("to_ms={at}")).await;
    assert!(before.iter().all(|e| e["recorded_at_ms"].as_i64().unwrap() < at));
    assert_eq!(from.len() + before.len(), app.log.head().position as usize);
    for bad in ["from_ms=soon", "colour=red", "limit=-1"] {
        assert_eq!(auditor.get(&format!("/api/events?{bad}")).await.0, 400, "{bad}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_names_every_route_and_command_type() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let document: Value =
        reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    for path in [
        "/api/commands",
        "/api/session",
        "/api/events",
        "/api/verify",
        "/api/snapshot",
        "/api/members",
        "/api/requests/{request_id}/contact",
        "/metrics",
        "/api/me",
        "/api/history",
        "/api/history/events",
        "/api/audit/bundle",
        "/api/reports/{year}/{month}",
    ] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
    let types = &document["components"]["schemas"]["CommandBody"]["properties"]["command"]["properties"]
        ["type"]["enum"];
    assert_eq!(types.as_array().unwrap().len(), COMMAND_TYPES.len());
    app.stop().await;
}

#[tokio::test]
async fn a_role_holders_contact_is_sealed_before_it_reaches_the_log() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let coordinator = app.member("ana", &[Role::Coordinator]).await;
    app.member("lee", &[Role::Logistics]).await;
    let card = json!({"type": "DefineRoleCard", "role_card_id": "logistics-lead",
                      "title": "Logistics lead", "key_tasks": ["stock", "van"], "critical": true});
    let (status, body) = coordinator.command("card", card).await;
    assert_eq!(status, 200, "{body}");
    let today =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
            / 86_400;
    let assign = json!({"type": "AssignRole", "role_card_id": "logistics-lead", "member_id": "lee",
                        "backup_id": null, "term_ends_on_day": today + 90,
                        "contact": {"phone": "555-777-0123", "notes": "evenings only"}});
    let (status, body) = coordinator.command("assign", assign).await;
    assert_eq!(status, 200, "{body}");
    let bad = json!({"type": "SetRoleContact", "role_card_id": "logistics-lead", "contact": "clear text"});
    let (status, _) = coordinator.command("bad-contact", bad).await;
    assert_eq!(status, 400);

    let (_, log) = coordinator.get("/api/events").await;
    assert!(log.contains("AssignRole") || log.contains("RoleAssigned"), "{log}");
    assert!(!log.contains("555-777-0123") && !log.contains("evenings only"), "{log}");
    app.stop().await;
}

#[tokio::test]
async fn the_client_is_served_gzipped_to_browsers_that_take_it_and_routes_fall_back_to_the_page() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>Potluck</title>")
        .unwrap();
    std::fs::write(dist.path().join("client_bg.wasm"), b"\0asm plain module").unwrap();
    std::fs::write(dist.path().join("client_bg.wasm.gz"), b"gzipped module bytes").unwrap();
    let options = Options { static_dir: Some(dist.path().to_owned()), ..Options::default() };
    let app = tests::spawn_app(options).await.unwrap();
    let http = reqwest::Client::builder().no_gzip().build().unwrap();

    let gzipped = http
        .get(app.url("/client_bg.wasm"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), 200);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["content-type"], "application/wasm");
    assert_eq!(gzipped.bytes().await.unwrap().as_ref(), b"gzipped module bytes");

    let plain = http.get(app.url("/client_bg.wasm")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm plain module");

    // The client's own routes live in the address's hash, but a path it does not know still
    // gets the page rather than an error.
    let page = http.get(app.url("/board")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<title>Potluck</title>"));
    app.stop().await;
}
