//! The server's own output never holds households' personal data: a full run at the most
//! verbose log level, with distinctive values sent in every way a client can send them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const SECRETS: [&str; 3] = ["Zebulon Quagmire-Test", "555-0142-7788", "77 Quincefield Crescent"];

#[tokio::test]
async fn a_verbose_run_logs_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let potluck = env!("CARGO_BIN_EXE_potluck");
    let data_arg = data.to_str().unwrap();
    let init = Command::new(potluck).args(["init", "--data", data_arg]).output().unwrap();
    let printed = String::from_utf8(init.stdout).unwrap();
    let password = printed.trim().rsplit(' ').next().unwrap().to_owned();

    let log_file = dir.path().join("server.log");
    let mut server = Command::new(potluck)
        .args(["serve", "--bind", "127.0.0.1:0", "--data", data_arg])
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_file).unwrap())
        .spawn()
        .unwrap();
    let mut base = String::new();
    for line in BufReader::new(server.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(at) = line.find("http://") {
            base = line[at..].trim().to_owned();
            break;
        }
    }
    let http = reqwest::Client::new();
    let signed: Value = http
        .post(format!("{base}/api/session"))
        .json(&json!({"member_id": "coordinator", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signed["token"].as_str().unwrap().to_owned();
    let send = |body: Value| {
        http.post(format!("{base}/api/commands")).bearer_auth(&token).json(&body).send()
    };
    let personal = json!({"name": SECRETS[0], "phone": SECRETS[1], "address": SECRETS[2]});
    let setup = [
        json!({"type": "RegisterItem", "item_id": "rice", "name": "Rice", "category": "hygiene", "unit": "kg"}),
        json!({"type": "LogRequest", "request_id": "r1", "household_id": "h1", "need_category": "food",
               "lines": [{"item_id": "rice", "quantity": 1}], "household_size": 2, "urgency": "soon",
               "zone": "north", "preferred_language": "en", "contact_channel": "sms", "personal_data": personal}),
        // Refused ones too: an unknown item, and personal data of the wrong shape.
        json!({"type": "LogRequest", "request_id": "r2", "household_id": "h2", "need_category": "food",
               "lines": [{"item_id": "caviar", "quantity": 1}], "household_size": 2, "urgency": "soon",
               "zone": "north", "preferred_language": "en", "contact_channel": "sms", "personal_data": personal}),
        json!({"type": "LogRequest", "request_id": "r3", "household_id": "h3", "personal_data": SECRETS[0]}),
    ];
    for (i, command) in setup.into_iter().enumerate() {
        send(json!({"command_id": format!("c{i}"), "command": command})).await.unwrap();
    }
    let contact = http.get(format!("{base}/api/requests/r1/contact")).bearer_auth(&token).send();
    assert!(contact.await.unwrap().text().await.unwrap().contains(SECRETS[1]));
    let metrics = http.get(format!("{base}/metrics")).bearer_auth(&token).send();
    let metrics = metrics.await.unwrap().text().await.unwrap();

    // SIGTERM, for a graceful stop that logs its own lines too.
    Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    server.wait().unwrap();
    let log = std::fs::read_to_string(&log_file).unwrap();
    assert!(log.contains("stopped cleanly"), "the run did not finish: {log}");
    // Trace level really was on: the libraries underneath logged the requests in detail.
    assert!(log.lines().count() > 100, "the log is too short to prove anything: {log}");
    for secret in SECRETS {
        assert!(!log.contains(secret), "{secret} is in the server's log");
        assert!(!metrics.contains(secret), "{secret} is in the metrics");
    }
}
