//! The exports for accountants and coordinators through a real server: the journals balance
//! and agree with the ledger and the statement, stock movements add up to the board's stock,
//! members' hours are the report's, each file goes only to the roles that may read its data,
//! none holds personal data, and `potluck export-csv` writes the same bytes offline.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{Value, json};
use server::http::Options;
use shared::access::Role;
use shared::distribution::day::{date_of_day, day_of};
use shared::ledger::AccountKind;

use super::api::{log_request, register_location, stocked};

const DONOR_NAME: &str = "Bartholomew Quince-Private";
const DONOR_PHONE: &str = "555-0111-4242";
const HOUSEHOLD_PHONE: &str = "555-0147-9911";

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn transaction(id: &str, description: &str, postings: &[(&str, i64)], donor: Value) -> Value {
    let postings: Vec<Value> =
        postings.iter().map(|(a, c)| json!({"account_id": a, "amount_cents": c})).collect();
    json!({"type": "RecordTransaction", "transaction_id": id, "on_day": day_of(now_ms()),
           "description": description, "currency": "USD", "postings": postings,
           "receipt": "R-7", "paid_for": null, "donor": donor})
}

/// Reads CSV as the server writes it (quoted fields, doubled quotes, CRLF line ends), and
/// checks the header.
fn rows(text: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = text.split_terminator("\r\n");
    assert_eq!(lines.next(), Some(header), "{text}");
    lines
        .map(|line| {
            let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut field)),
                    _ => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

/// Cents of a decimal cell; an empty cell is zero.
fn cents(cell: &str) -> i64 {
    if cell.is_empty() {
        return 0;
    }
    let (units, hundredths) = cell.split_once('.').unwrap();
    assert_eq!(hundredths.len(), 2, "{cell}");
    units.parse::<i64>().unwrap() * 100 + hundredths.parse::<i64>().unwrap()
}

/// Debits less credits per account, of the rows `keep` selects.
fn net_by_account(rows: &[Vec<String>], keep: impl Fn(&[String]) -> bool) -> BTreeMap<String, i64> {
    let mut net = BTreeMap::new();
    for row in rows.iter().filter(|r| keep(r)) {
        *net.entry(row[1].clone()).or_default() += cents(&row[3]) - cents(&row[4]);
    }
    net
}

/// A class's sign turns an account's natural balance into a debit-positive one.
fn sign(kind: &Value) -> i64 {
    serde_json::from_value::<AccountKind>(kind.clone()).unwrap().class().sign()
}

async fn download(client: &tests::Client, path: &str) -> String {
    let response = client
        .http
        .get(format!("{}{path}", client.base))
        .bearer_auth(&client.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\""), "{disposition}");
    response.text().await.unwrap()
}

fn assert_no_personal_data(text: &str, place: &str) {
    for secret in [DONOR_NAME, DONOR_PHONE, HOUSEHOLD_PHONE] {
        assert!(!text.contains(secret), "{secret} in {place}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_money_exports_balance_agree_with_the_books_and_the_cli_writes_the_same() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let hana = app.member("hana", &[Role::Finance]).await;
    let auditor = app.member("yara", &[Role::Auditor]).await;
    let volunteer = app.member("sam", &[Role::Volunteer]).await;
    let mut steps: Vec<Value> = shared::ledger::default_chart()
        .into_iter()
        .map(|open| serde_json::to_value(open).unwrap())
        .collect();
    let donor = json!({"public_name": "St Mary's parish", "personal_data":
        {"name": DONOR_NAME, "phone": DONOR_PHONE, "address": "1 Vestry Row", "notes": ""}});
    let today = day_of(now_ms());
    steps.extend([
        transaction("t-in", "Donations box", &[("cash", 25_000), ("donations", -25_000)], donor),
        transaction("t-food", "=SUM(A1)", &[("food", 1_250), ("cash", -1_250)], Value::Null),
        json!({"type": "PayExpense", "transaction_id": "t-food", "paid_on_day": today}),
        transaction("t-wait", "Fuel", &[("transport", 3_000), ("cash", -3_000)], Value::Null),
        transaction("t-twice", "Box again", &[("cash", 4_000), ("donations", -4_000)], Value::Null),
        json!({"type": "ReverseTransaction", "reversal_id": "rev-1", "transaction_id": "t-twice",
               "on_day": today, "reason": "counted twice"}),
    ]);
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = hana.command(&format!("m-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    let csv = download(&auditor, "/api/exports/transactions.csv").await;
    assert_no_personal_data(&csv, "transactions.csv");
    let lines = rows(&csv, "date,account,description,debit,credit,reference");
    // Every transaction in effect balances; the one awaiting payment is not in the books.
    let mut by_reference: BTreeMap<&str, i64> = BTreeMap::new();
    for r in &lines {
        assert!(r[3].is_empty() != r[4].is_empty(), "{r:?}");
        *by_reference.entry(&r[5]).or_default() += cents(&r[3]) - cents(&r[4]);
    }
    let references: Vec<&str> = by_reference.keys().copied().collect();
    assert_eq!(
        references,
        [
            "rev-1 / reverses t-twice",
            "t-food / receipt R-7",
            "t-in / receipt R-7",
            "t-twice / receipt R-7"
        ]
    );
    assert!(by_reference.values().all(|net| *net == 0), "{by_reference:?}");
    assert!(csv.contains(",'=SUM(A1),12.50,,"), "a formula is text: {csv}");
    assert!(csv.contains("Donations box (from St Mary's parish)"), "{csv}");
    // Per account, the journal adds up to the ledger's balance.
    let (status, ledger) = auditor.get("/api/ledger").await;
    assert_eq!(status, 200, "{ledger}");
    let ledger: shared::view::LedgerView = serde_json::from_str(&ledger).unwrap();
    let net = net_by_account(&lines, |_| true);
    for account in &ledger.accounts {
        let id = account.account_id.as_str();
        let balance = account.balance_cents * sign(&serde_json::to_value(account.kind).unwrap());
        assert_eq!(net.get(id).copied().unwrap_or(0), balance, "{id}");
    }
    // Only those who may read the ledger; a bad range is a 400 that says why.
    let (status, body) = volunteer.get("/api/exports/transactions.csv").await;
    assert_eq!(status, 403, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    for bad in ["from=yesterday", "to=2026-02-30", "from=2026-11-02&to=2026-11-01", "colour=red"] {
        let (status, body) = hana.get(&format!("/api/exports/transactions.csv?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (year, month, _) = date_of_day(today);
    let range = format!("?from={0}&to={0}", shared::distribution::day::iso_date(today));
    let (status, ranged) = hana.get(&format!("/api/exports/transactions.csv{range}")).await;
    assert_eq!((status, ranged.as_str()), (200, csv.as_str()));

    // The statement, for everyone: closing lines are the JSON statement's balances.
    let path = format!("/api/exports/statement/{year}/{month:02}.csv");
    let statement_csv = download(&volunteer, &path).await;
    assert_no_personal_data(&statement_csv, "statement csv");
    let statement_lines = rows(&statement_csv, "date,account,description,debit,credit,reference");
    let closing = net_by_account(&statement_lines, |r| r[5].ends_with(" closing"));
    let (_, json_statement) = volunteer.get(&format!("/api/statements/{year}/{month}")).await;
    let json_statement: shared::view::StatementView =
        serde_json::from_str(&json_statement).unwrap();
    for account in &json_statement.statement.accounts {
        let id = account.account_id.as_str();
        let expected = account.closing.cents * sign(&serde_json::to_value(account.kind).unwrap());
        assert_eq!(closing.get(id).copied().unwrap_or(0), expected, "{id}");
    }
    assert_eq!(closing.values().sum::<i64>(), 0);
    for bad in [format!("{year}/13.csv"), format!("{year}/june.csv"), "0/1.csv".to_owned()] {
        let (status, body) = volunteer.get(&format!("/api/exports/statement/{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // Offline, from the stopped server's folder: the same bytes.
    let dir = app.stop().await;
    let data = dir.path().join("data");
    let potluck = env!("CARGO_BIN_EXE_potluck");
    let export = |args: &[&str]| {
        let mut command = Command::new(potluck);
        command.args(["export-csv", "--data", data.to_str().unwrap()]).args(args);
        command.output().unwrap()
    };
    let offline = export(&["transactions"]);
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    assert_eq!(String::from_utf8(offline.stdout).unwrap(), csv);
    let out = dir.path().join("statement.csv");
    let month_arg = format!("{year}-{month:02}");
    let offline = export(&["statement", "--month", &month_arg, "--out", out.to_str().unwrap()]);
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), statement_csv);
    let refused = export(&["stock-movements", "--month", &month_arg]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--month applies"));
}

#[tokio::test]
async fn stock_movements_add_up_to_the_board_and_members_hours_are_the_reports() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let logistics = stocked(&app).await;
    let liaison = app.member("lia", &[Role::Liaison]).await;
    let volunteer = app.member("tess", &[Role::Volunteer]).await;
    let mut request = log_request("r1", "soap", None);
    request["personal_data"] =
        json!({"name": "Odalys", "phone": HOUSEHOLD_PHONE, "address": "77 Lane", "notes": ""});
    let (status, body) = liaison.command("log-r1", request).await;
    assert_eq!(status, 200, "{body}");
    let mut van = register_location();
    van["location_id"] = json!("van");
    van["kind"] = json!("van");
    let (hour_ago, now) = (now_ms() - 3_600_000, now_ms());
    let stock_steps = [
        van,
        json!({"type": "CheckStock", "request_id": "r1"}),
        json!({"type": "ReserveStock", "request_id": "r1", "lines": [{"item_id": "soap", "quantity": 2}], "from_location_id": null}),
        json!({"type": "TransferStock", "item_id": "soap", "from_location_id": "pantry", "to_location_id": "van", "quantity": 3}),
        json!({"type": "AdjustStock", "item_id": "soap", "location_id": "van", "expires_on_day": null,
               "change": -1, "reason": "spoilage", "note": "wet box", "corrects_position": null}),
        json!({"type": "PlanShift", "shift_id": "packing", "task": "Packing",
               "starts_at_ms": hour_ago, "ends_at_ms": now + 3_600_000, "people_needed": 3}),
    ];
    for (i, step) in stock_steps.into_iter().enumerate() {
        let (status, body) = logistics.command(&format!("s-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    for (i, kind) in ["SignUpForShift", "CheckInToShift", "CheckOutOfShift"].into_iter().enumerate()
    {
        let step = json!({"type": kind, "shift_id": "packing", "member_id": "tess"});
        let (status, body) = volunteer.command(&format!("v-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    let correct = json!({"type": "CorrectShiftTimes", "shift_id": "packing", "member_id": "tess",
        "checked_in_at_ms": hour_ago, "checked_out_at_ms": now - 60_000, "reason": "sheet"});
    let (status, body) = logistics.command("correct", correct).await;
    assert_eq!(status, 200, "{body}");

    let csv = download(&volunteer, "/api/exports/stock_movements.csv").await;
    assert_no_personal_data(&csv, "stock_movements.csv");
    let header = "position,recorded_at,actor,command_id,movement,item_id,location_id,expires_on,\
                  on_hand_change,reserved_change,on_hand_after,reserved_after,request_id,\
                  delivery_id,partner_id,reason";
    let movements = rows(&csv, header);
    let mut moved: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for m in &movements {
        let at = moved.entry((m[5].clone(), m[6].clone())).or_default();
        at.0 += m[8].parse::<i64>().unwrap();
        at.1 += m[9].parse::<i64>().unwrap();
    }
    let (_, snapshot) = volunteer.get("/api/snapshot").await;
    let snapshot: Value = serde_json::from_str(&snapshot).unwrap();
    let mut board: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (item, levels) in snapshot["board"]["stock"]["items"].as_object().unwrap() {
        for batch in levels["batches"].as_array().unwrap() {
            let at = board.entry((item.clone(), batch["location_id"].as_str().unwrap().into()));
            let at = at.or_default();
            at.0 += batch["on_hand"].as_i64().unwrap();
            at.1 += batch["reserved"].as_i64().unwrap();
        }
    }
    assert_eq!(moved, board);
    assert_eq!(board[&("soap".to_owned(), "pantry".to_owned())], (7, 2));
    let kinds: Vec<&str> = movements.iter().map(|m| m[4].as_str()).collect();
    assert_eq!(kinds, ["received", "reserved", "transferred_out", "transferred_in", "written_off"]);

    let (year, month, _) = date_of_day(day_of(hour_ago));
    let path = format!("/api/exports/members.csv?month={year}-{month:02}");
    let members_csv = download(&volunteer, &path).await;
    assert_no_personal_data(&members_csv, "members.csv");
    assert!(!members_csv.contains("Odalys"));
    let header = "member_id,name,roles,role_cards,skills,minutes,hours,shifts,absences";
    let members = rows(&members_csv, header);
    let (_, report) = volunteer.get(&format!("/api/reports/{year}/{month}")).await;
    let report: shared::view::MonthView = serde_json::from_str(&report).unwrap();
    let hours = &report.people.hours_by_member;
    for m in &members {
        let reported = hours.get(m[0].as_str()).cloned().unwrap_or_default();
        assert_eq!(m[5], reported.minutes.to_string(), "{m:?}");
        assert_eq!(m[7], reported.shifts.to_string(), "{m:?}");
    }
    let tess = members.iter().find(|m| m[0] == "tess").unwrap();
    assert_eq!(tess[..3], ["tess", "tess", "volunteer"]);
    assert_eq!((tess[5].as_str(), tess[6].as_str()), ("59", "0.98"));
    for bad in ["month=2026-13", "month=soon", "from=2026-01-01"] {
        let (status, body) = volunteer.get(&format!("/api/exports/members.csv?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    app.stop().await;
}
