//! Bringing spreadsheets in, against the real server: the check lists every problem by row
//! and column and writes nothing; the import goes through the pipeline as the importing
//! member, lands whole, and the same file again creates nothing; an interrupted import
//! leaves nothing; items and stock exported and imported again give the same stock.

use std::sync::Arc;

use serde_json::Value;
use server::commands::{Submitted, Together};
use server::http::Options;
use server::import::Progress;
use shared::access::Role;
use shared::group::Command;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Posts a file to the import route; returns the status and the JSON answer.
async fn upload(client: &tests::Client, path: &str, body: Vec<u8>) -> (u16, Value) {
    let response = client
        .http
        .post(format!("{}{path}", client.base))
        .bearer_auth(&client.token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Checks, then imports for real with the check's hash; returns both answers. `kind` may
/// carry a query (`donations?dates=dmy`).
async fn check_then_import(client: &tests::Client, kind: &str, body: Vec<u8>) -> (Value, Value) {
    let (status, check) = upload(client, &format!("/api/imports/{kind}"), body.clone()).await;
    assert_eq!(status, 200, "{check}");
    let hash = check["file_hash"].as_str().unwrap();
    let then = if kind.contains('?') { "&" } else { "?" };
    let (status, done) =
        upload(client, &format!("/api/imports/{kind}{then}commit={hash}"), body).await;
    assert_eq!(status, 200, "{done}");
    (check, done)
}

/// Imports a file that must have no errors.
async fn import(client: &tests::Client, kind: &str, body: Vec<u8>) -> Value {
    let (check, done) = check_then_import(client, kind, body).await;
    assert_eq!(check["errors"], Value::Array(vec![]), "{check}");
    assert_eq!(done["committed"], true, "{done}");
    done
}

/// Imports a file again; returns what the import answered.
async fn import_again(client: &tests::Client, kind: &str, body: Vec<u8>) -> Value {
    check_then_import(client, kind, body).await.1
}

fn count(report: &Value, command: &str) -> u64 {
    let actions = report["actions"].as_array().unwrap();
    actions.iter().find(|a| a["command"] == command).map_or(0, |a| a["count"].as_u64().unwrap())
}

/// Stock on hand by item, location and expiry day.
fn on_hand(app: &tests::TestApp) -> Vec<(String, String, Option<i64>, i64)> {
    app.state.group.read(|p| {
        let mut rows = Vec::new();
        for (id, item) in &p.board.stock.items {
            for b in &item.batches {
                rows.push((id.to_string(), b.location_id.to_string(), b.expires_on_day, b.on_hand));
            }
        }
        rows.sort();
        rows
    })
}

#[tokio::test]
async fn a_real_inventory_sheet_is_checked_then_imported_once() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let sam = app.member("sam", &[Role::Logistics]).await;
    let head = app.log.head().position;
    let file = fixture("pantry-inventory.csv");

    let (status, check) = upload(&sam, "/api/imports/items", file.clone()).await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(app.log.head().position, head, "a check writes nothing");
    assert_eq!(check["rows"], 7, "blank lines and the title rows are not rows: {check}");
    assert_eq!(count(&check, "RegisterItem"), 5);
    assert_eq!(count(&check, "RegisterLocation"), 2);
    assert_eq!(count(&check, "SetLowStockThreshold"), 2);
    // Rice's two lines at the hall with the same date are one batch of 15.
    assert_eq!(count(&check, "AdjustStock"), 5);
    let notes = check["notes"].to_string();
    assert!(notes.contains("semicolons") && notes.contains("header on line 3"), "{notes}");

    let hash = check["file_hash"].as_str().unwrap().to_owned();
    let (status, done) =
        upload(&sam, &format!("/api/imports/items?commit={hash}"), file.clone()).await;
    assert_eq!(status, 200, "{done}");
    let (first, last) =
        (done["positions"][0].as_u64().unwrap(), done["positions"][1].as_u64().unwrap());
    assert_eq!(last - first + 1, 14, "one event per command: {done}");
    let rice_day = shared::distribution::day::day_of_date(2027, 1, 31).unwrap();
    let stock = on_hand(&app);
    assert!(
        stock.contains(&("rice".into(), "church-hall".into(), Some(rice_day), 15)),
        "{stock:?}"
    );
    assert!(stock.contains(&("soap".into(), "garage".into(), None, 40)), "{stock:?}");
    assert!(stock.contains(&("nappies-size-4".into(), "church-hall".into(), None, 8)), "{stock:?}");

    // The log names the file and who imported it.
    let auditor = app.member("aud", &[Role::Auditor]).await;
    let (status, events) = auditor.get(&format!("/api/events?after={}", first - 1)).await;
    assert_eq!(status, 200, "{events}");
    let prefix = format!("import-{}", &hash[..16]);
    let events: Vec<Value> = events
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["position"].as_u64().unwrap() <= last)
        .collect();
    assert_eq!(events.len(), 14);
    for event in &events {
        assert!(event["command_id"].as_str().unwrap().starts_with(&prefix), "{event}");
        assert_eq!(event["actor"], "sam");
    }

    // The same file again creates nothing.
    let again = import_again(&sam, "items", file).await;
    assert_eq!(again["actions"], Value::Array(vec![]), "{again}");
    assert_eq!(again["positions"], Value::Null);
    assert_eq!(app.log.head().position, last + 1, "only the auditor's arrival since");
}

#[tokio::test]
async fn every_problem_is_named_by_row_and_column_and_nothing_is_written() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let sam = app.member("sam", &[Role::Logistics]).await;
    let head = app.log.head().position;
    let file = fixture("inventory-with-errors.csv");
    let (status, check) = upload(&sam, "/api/imports/items", file.clone()).await;
    assert_eq!(status, 200, "{check}");
    let words: Vec<String> = check["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (column, message) = (e["column"].as_str().unwrap(), e["message"].as_str().unwrap());
            format!("row {}, {column}: {message}", e["row"])
        })
        .collect();
    assert_eq!(
        words,
        vec![
            "row 2, quantity: 'twelve' is not a number",
            "row 3, expires: '31/02/2027' is not a date in the calendar",
            "row 4, quantity: '-2' is below zero",
            "row 5, location: a quantity needs the location it is kept at",
            "row 6, expires: food needs an expiry date",
            "row 8, category: 'snacks' is not a category: food, hygiene, medical, clothing, \
             equipment or other",
        ],
        "{check}"
    );
    // Salt (row 7) is fine and would be imported with the rest.
    assert_eq!(check["errors_total"], 6);
    let hash = check["file_hash"].as_str().unwrap();
    let (status, refused) = upload(&sam, &format!("/api/imports/items?commit={hash}"), file).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["committed"], false);
    assert_eq!(app.log.head().position, head, "a file with errors writes nothing");

    // A different file than the one checked is refused.
    let other = b"item,quantity,location,expires\nSalt,2,Hall,2027-05-01\n".to_vec();
    let (status, changed) = upload(&sam, &format!("/api/imports/items?commit={hash}"), other).await;
    assert_eq!(
        (status, changed["error"]["code"].as_str()),
        (409, Some("file_changed")),
        "{changed}"
    );
}

#[tokio::test]
async fn a_thousand_rows_import_in_one_commit() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let sam = app.member("sam", &[Role::Logistics]).await;
    let file = fixture("inventory-1000.csv");
    let expected: i64 = String::from_utf8(file.clone())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse::<i64>().unwrap())
        .sum();
    let done = import(&sam, "items", file).await;
    assert_eq!(done["rows"], 1000);
    assert_eq!(count(&done, "RegisterItem"), 1000);
    let total: i64 = on_hand(&app).iter().map(|r| r.3).sum();
    assert_eq!(total, expected);
}

#[tokio::test]
async fn items_and_stock_exported_and_imported_again_give_the_same_stock() {
    let first = tests::spawn_app(Options::default()).await.unwrap();
    let sam = first.member("sam", &[Role::Logistics]).await;
    import(&sam, "items", fixture("pantry-inventory.csv")).await;
    // Stock moves after the import, as on a distribution day.
    let (status, body) = sam
        .command(
            "move-1",
            serde_json::json!({"type": "TransferStock", "item_id": "soap",
            "from_location_id": "garage", "to_location_id": "church-hall", "quantity": 15}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, exported) = sam.get("/api/exports/items.csv").await;
    assert_eq!(status, 200, "{exported}");

    let second = tests::spawn_app(Options::default()).await.unwrap();
    let kim = second.member("kim", &[Role::Coordinator]).await;
    import(&kim, "items", exported.into_bytes()).await;
    let catalog = |app: &tests::TestApp| {
        app.state.group.read(|p| {
            let stock = &p.board.stock;
            let mut items: Vec<_> = stock
                .items
                .iter()
                .map(|(id, i)| {
                    (id.clone(), i.name.clone(), i.unit.clone(), i.category, i.low_stock_threshold)
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            (items, stock.locations.clone())
        })
    };
    assert_eq!(catalog(&first), catalog(&second));
    assert_eq!(on_hand(&first), on_hand(&second));
}

#[tokio::test]
async fn people_partners_households_and_money_come_in_through_their_commands() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let kim = app.member("kim", &[Role::Coordinator, Role::Finance]).await;

    let members = import(&kim, "members", fixture("volunteers.csv")).await;
    assert_eq!(count(&members, "AddMember"), 3);
    let sign_ins = members["sign_ins"].as_array().unwrap();
    assert_eq!(sign_ins.len(), 3, "{members}");
    let ana = sign_ins.iter().find(|s| s["member_id"] == "ana.lopez").unwrap();
    let (status, _) = kim
        .http
        .post(format!("{}/api/session", kim.base))
        .json(&serde_json::json!({"member_id": "ana.lopez", "password": ana["password"]}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 200, "an imported member signs in with the one-time password");
    app.state.group.read(|p| {
        assert_eq!(p.members.roles_of("ana.lopez"), &[Role::Driver, Role::Volunteer]);
        assert_eq!(p.members.roles_of("bo.chen"), &[Role::Finance]);
        assert_eq!(p.members.roles_of("dee.okafor"), &[Role::Volunteer]);
        assert_eq!(p.people.skills_of("ana.lopez").len(), 3, "first aid, a car, Spanish");
    });

    let partners = import(&kim, "partners", fixture("partners.csv")).await;
    assert_eq!(count(&partners, "RegisterPartner"), 3);

    let households = import(&kim, "households", fixture("households.csv")).await;
    assert_eq!(count(&households, "RegisterHousehold"), 2);
    assert!(!households.to_string().contains("Haddad"), "no personal data in the report");
    // Personal data is sealed: the log holds none of it in clear.
    let mut raw = String::new();
    for envelope in app.log.read_raw(1, 10_000).unwrap() {
        raw.push_str(&envelope.payload);
    }
    for secret in ["Haddad", "07700 900123", "Mill Lane", "no pork", "Anonymous"] {
        assert!(!raw.contains(secret), "{secret} is in the log in clear");
    }
    assert!(raw.contains("Riverside"), "zones are not personal data");

    let donations = import(&kim, "donations?dates=dmy", fixture("donations.csv")).await;
    assert_eq!(
        count(&donations, "RecordTransaction"),
        4,
        "the two identical buckets are two gifts"
    );
    let expenses = import(&kim, "expenses", fixture("expenses.csv")).await;
    assert_eq!(count(&expenses, "RecordTransaction"), 2);
    assert_eq!(count(&expenses, "PayExpense"), 2);
    // Above the group's approval threshold, an expense waits for a second member.
    let freezer =
        b"Date,Amount,What,Category,Paid from\n2026-10-08,900.00,Freezer,Equipment,Bank\n";
    let big = import(&kim, "expenses", freezer.to_vec()).await;
    assert_eq!((count(&big, "RecordTransaction"), count(&big, "PayExpense")), (1, 0), "{big}");
    assert!(big["preview"].to_string().contains("waits for a second member"), "{big}");
    app.state.group.read(|p| {
        let balance = |id: &str| p.ledger.accounts[id].balance_cents;
        assert_eq!(balance("cash-box"), 2500 + 1000 + 1000 - 4210 - 1500);
        assert_eq!(balance("bank"), 125_050);
        let corner = p.ledger.transactions.values().find(|t| t.description == "Monthly gift");
        assert_eq!(corner.unwrap().donor_public_name.as_deref(), Some("Corner Shop"));
    });
    // Nothing of any of them twice.
    for (kind, file) in [
        ("members", "volunteers.csv"),
        ("partners", "partners.csv"),
        ("households", "households.csv"),
        ("donations?dates=dmy", "donations.csv"),
        ("expenses", "expenses.csv"),
    ] {
        let again = import_again(&kim, kind, fixture(file)).await;
        assert_eq!(again["positions"], Value::Null, "{kind}: {again}");
    }
}

#[tokio::test]
async fn an_import_needs_the_roles_of_its_commands_and_refuses_what_is_too_big() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let val = app.member("val", &[Role::Volunteer]).await;
    let (status, body) = upload(&val, "/api/imports/items", fixture("pantry-inventory.csv")).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = upload(&val, "/api/imports/recipes", b"a\n".to_vec()).await;
    assert_eq!(status, 400, "{body}");

    let sam = app.member("sam", &[Role::Logistics]).await;
    let mut rows = b"item\n".to_vec();
    rows.extend(b"x\n".repeat(server::import::MAX_ROWS + 1));
    let (status, body) = upload(&sam, "/api/imports/items", rows).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("200000 rows"), "{body}");
    let huge = vec![b'x'; server::import::MAX_FILE_BYTES + 1];
    let (status, body) = upload(&sam, "/api/imports/items", huge).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("50 MB"), "{body}");
}

#[tokio::test]
async fn an_interrupted_or_refused_import_leaves_nothing() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let sam = app.member("sam", &[Role::Logistics]).await;
    let head = app.log.head().position;
    // Stopped before its commit (the screen's Stop, the CLI's Ctrl-C).
    let file = fixture("inventory-1000.csv");
    let progress = Arc::new(Progress::default());
    progress.stop();
    let importer = server::import::Importer::new(&app.state.group);
    let request = server::import::Request {
        kind: server::import::Kind::Items,
        bytes: &file,
        dates: server::import::DateOrder::Auto,
        commit: Some(server::import::file_hash(&file)),
    };
    let stopped = importer.run(&"sam".into(), request, &progress).await;
    assert!(matches!(stopped, Err(server::import::ImportError::Cancelled)), "{stopped:?}");
    assert_eq!(app.log.head().position, head);

    // Refused at its last command: the ones before it, though accepted, are not written,
    // and the pipeline's state does not keep them either.
    let command = |value: Value| Command::from_json(value).unwrap();
    let together = |commands: Vec<Value>| Together {
        commands: commands
            .into_iter()
            .enumerate()
            .map(|(i, value)| Submitted::new(format!("together-{i}"), "sam".into(), command(value)))
            .collect(),
        dry_run: false,
        progress: Arc::new(Progress::default()),
    };
    let location = serde_json::json!({"type": "RegisterLocation", "location_id": "hall",
        "name": "Hall", "kind": "pantry"});
    let bad = serde_json::json!({"type": "AdjustStock", "item_id": "nothing", "location_id": "hall",
        "expires_on_day": null, "change": 1, "reason": "count_correction", "note": "x",
        "corrects_position": null});
    let outcome =
        app.state.group.submit_together(together(vec![location.clone(), bad])).await.unwrap();
    assert_eq!(outcome.refused.len(), 1);
    assert_eq!(outcome.positions, None);
    assert_eq!(app.log.head().position, head);
    let (status, body) = sam.command("hall-again", location).await;
    assert_eq!(status, 200, "the location was never registered: {body}");
    let _ = sam;
}

// The server's clock is the test's: a month passes in an instant.
#[tokio::test]
async fn imported_households_no_request_named_are_forgotten_after_the_retention_period() {
    use std::sync::atomic::{AtomicI64, Ordering};
    const DAY_MS: i64 = 86_400_000;
    let now = Arc::new(AtomicI64::new(20_700 * DAY_MS));
    let clock: server::log::Clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let app = tests::spawn_app_with_clock(Options::default(), clock).await.unwrap();
    let kim = app.member("kim", &[Role::Coordinator]).await;
    let done = import(&kim, "households", fixture("households.csv")).await;
    let ids: Vec<String> = done["preview"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().split(' ').nth(2).unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2, "{done}");
    for id in &ids {
        assert!(
            app.state.group.keys().has_key(&format!("household:{id}")).unwrap(),
            "{id} is sealed under its own key"
        );
    }
    let retain = serde_json::json!({"type": "SetHouseholdRetention", "days": 30});
    assert_eq!(kim.command("retain", retain).await.0, 200);
    now.fetch_add(29 * DAY_MS, Ordering::SeqCst);
    assert!(server::retention::sweep(&app.state.group).await.is_empty(), "not yet");
    now.fetch_add(2 * DAY_MS, Ordering::SeqCst);
    let erased = server::retention::sweep(&app.state.group).await;
    assert_eq!(erased.len(), 2, "{erased:?}");
    for id in &ids {
        assert!(
            !app.state.group.keys().has_key(&format!("household:{id}")).unwrap(),
            "{id}'s key is destroyed"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_checks_and_imports_only_a_clean_file_when_told_to() {
    use server::import::terminal::{Asked, run};
    use std::process::ExitCode;
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let _sam = app.member("sam", &[Role::Logistics]).await;
    let head = app.log.head().position;
    let dir = format!("{}/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let clean = std::path::PathBuf::from(format!("{dir}/pantry-inventory.csv"));
    let broken = std::path::PathBuf::from(format!("{dir}/inventory-with-errors.csv"));
    let asked = |file, dry_run, yes| Asked {
        kind: server::import::Kind::Items,
        file,
        actor: "sam",
        dates: server::import::DateOrder::Auto,
        dry_run,
        yes,
    };
    assert_eq!(run(&app.state.group, asked(&clean, true, false)).await.unwrap(), ExitCode::SUCCESS);
    assert_eq!(app.log.head().position, head, "--dry-run writes nothing");
    assert_eq!(
        run(&app.state.group, asked(&broken, false, true)).await.unwrap(),
        ExitCode::from(1)
    );
    assert_eq!(app.log.head().position, head, "a file with errors writes nothing");
    assert_eq!(run(&app.state.group, asked(&clean, false, true)).await.unwrap(), ExitCode::SUCCESS);
    assert_eq!(app.log.head().position, head + 14);
    let stranger = Asked { actor: "nobody", ..asked(&clean, false, true) };
    assert!(run(&app.state.group, stranger).await.is_err(), "only a member imports");
}

#[tokio::test]
async fn the_log_appends_all_of_an_import_or_none_of_it() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let head = app.log.head().position;
    let mut stale = tests::note("notes-b", "note-b");
    stale.expected = server::log::ExpectedVersion::Exact(5);
    let refused = app.log.append_all(vec![tests::note("notes-a", "note-a"), stale]).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(app.log.head().position, head, "the first append is not written either");
    let both = vec![tests::note("notes-a", "note-a"), tests::note("notes-b", "note-b")];
    let appended = app.log.append_all(both).await.unwrap();
    assert_eq!((appended.first_position, appended.last_position), (head + 1, head + 2));
    assert_eq!(app.log.command_record("note-a").unwrap().unwrap().1.first_position, head + 1);
}
