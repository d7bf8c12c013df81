//! `potluck serve --demo` on an empty folder: a month a newcomer can explore, built from
//! real commands, that verifies like any other log.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn the_demo_fills_a_verifiable_month_with_sign_ins_for_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let potluck = env!("CARGO_BIN_EXE_potluck");
    let mut server = Command::new(potluck)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data", data.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = Vec::new();
    for line in BufReader::new(server.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let listening = line.contains("listening on http://127.0.0.1:");
        banner.push(line);
        if listening {
            break;
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let banner = banner.join("\n");
    for role in [
        "coordinator",
        "logistics",
        "communications",
        "finance",
        "liaison",
        "driver",
        "volunteer",
        "auditor",
    ] {
        assert!(banner.contains(role), "no demo sign-in for {role}: {banner}");
    }

    let verify =
        Command::new(potluck).args(["verify", "--data", data.to_str().unwrap()]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));

    let export =
        Command::new(potluck).args(["export", "--data", data.to_str().unwrap()]).output().unwrap();
    let events: Vec<Value> = String::from_utf8(export.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let of_type = |t: &'static str| events.iter().filter(move |e| e["event_type"] == t);
    let households: HashSet<&str> =
        of_type("RequestLogged").map(|e| e["payload"]["household_id"].as_str().unwrap()).collect();
    assert!((100..=120).contains(&households.len()), "{} households", households.len());
    assert_eq!(of_type("MemberAdded").count(), 25);
    assert_eq!(of_type("ItemRegistered").count(), 40);
    assert!(of_type("DeliveryCompleted").count() > 50);
    // The books: the chart, an opening balance, four weeks of donations, food and fuel, one
    // large purchase approved by a second member and paid, one reimbursement waiting, the
    // donations box counted twice and reversed, a grant applied for, awarded and half received, and a
    // bakery's bread each week valued as goods.
    assert_eq!(of_type("AccountOpened").count(), 14);
    assert_eq!(of_type("TransactionRecorded").count(), 1 + 4 * 4 + 2 + 1 + 1);
    assert_eq!(of_type("ExpenseApproved").count(), 1);
    assert_eq!(of_type("ExpensePaid").count(), 1 + 4 * 2);
    assert_eq!(of_type("TransactionReversed").count(), 1);
    assert_eq!(of_type("GrantApplied").count(), 1);
    assert_eq!(of_type("GrantAwarded").count(), 1);
    assert_eq!(of_type("GrantReceived").count(), 1);
    assert_eq!(of_type("GoodsDonationRecorded").count(), 4);
    // Two commitments of the story, and Sam's to the Saturday packing shift that comes back.
    assert_eq!(of_type("CommitmentMade").count(), 3);
    assert_eq!(of_type("StandingOrderStarted").count(), 2);
    assert_eq!(of_type("ShiftTemplateDefined").count(), 1);
    // The roster: seven role cards, two shifts a day, the past days' times from the sheet
    // (but for one volunteer who did not come).
    assert_eq!(of_type("RoleAssigned").count(), 7);
    assert_eq!(of_type("ShiftPlanned").count(), 8);
    assert_eq!(of_type("ShiftTimesCorrected").count(), 3 * 9 - 1);
    // The month's report agrees with the events: the CLI computes it from the log alone.
    let now_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
            as i64;
    let (year, month, _) = shared::distribution::day::date_of_day(now_ms / 86_400_000);
    let month_text = format!("{year:04}-{month:02}");
    let output = Command::new(potluck)
        .args(["report", "--data", data.to_str().unwrap(), "--month", &month_text])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let in_month = |e: &&Value| {
        let day = e["recorded_at_ms"].as_i64().unwrap() / 86_400_000;
        let (y, m, _) = shared::distribution::day::date_of_day(day);
        (y, m) == (year, month)
    };
    assert_eq!(
        report["requests_logged"].as_u64().unwrap() as usize,
        of_type("RequestLogged").filter(in_month).count()
    );
    assert_eq!(
        report["deliveries_completed"].as_u64().unwrap() as usize,
        of_type("DeliveryCompleted").filter(in_month).count()
    );
    // (Just after midnight on the 1st, today's story may not have delivered anything yet.)
    let timing = &report["request_to_delivery"];
    assert!(timing["count"] == 0 || timing["median_ms"].as_i64().unwrap() > 0, "{report}");
    // Hours: the times taken from the paper sheet for shifts begun this month, each member
    // once per shift.
    let checked_in_this_month = |e: &&Value| {
        let day = e["payload"]["checked_in_at_ms"].as_i64().unwrap() / 86_400_000;
        let (y, m, _) = shared::distribution::day::date_of_day(day);
        (y, m) == (year, month)
    };
    let minutes: i64 = of_type("ShiftTimesCorrected")
        .filter(checked_in_this_month)
        .map(|e| {
            let p = &e["payload"];
            (p["checked_out_at_ms"].as_i64().unwrap() - p["checked_in_at_ms"].as_i64().unwrap())
                / 60_000
        })
        .sum();
    let hours = report["people"]["hours_by_member"].as_object().unwrap();
    let reported: i64 = hours.values().map(|h| h["minutes"].as_i64().unwrap()).sum();
    assert_eq!(reported, minutes, "{hours:?}");
    let by_task = report["people"]["hours_by_task"].as_object().unwrap();
    assert_eq!(by_task.values().map(|h| h["minutes"].as_i64().unwrap()).sum::<i64>(), minutes);
    assert_eq!(report["month"], month_text);
    // The same report as one CSV table, with the statement's closing balance in it.
    let csv = Command::new(potluck)
        .args(["report", "--data", data.to_str().unwrap(), "--month", &month_text])
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(csv.status.success(), "{}", String::from_utf8_lossy(&csv.stderr));
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.starts_with("section,key,measure,value\r\n"), "{csv}");
    let closing = report["money"]["closing"]["cents"].as_i64().unwrap();
    let closing = format!("money,all,closing,{}.{:02}", closing / 100, closing % 100);
    assert!(csv.lines().any(|line| line == closing), "{closing} not in {csv}");
    let rows = csv.lines().filter(|line| line.starts_with("hours_by_member,")).count();
    assert_eq!(rows, 2 * hours.len(), "{csv}");
    let bad = Command::new(potluck)
        .args(["report", "--data", data.to_str().unwrap(), "--month", "2026-13"])
        .output()
        .unwrap();
    assert!(!bad.status.success());

    let days: HashSet<i64> = of_type("RequestLogged")
        .map(|e| e["recorded_at_ms"].as_i64().unwrap() / 86_400_000)
        .collect();
    assert_eq!(days.len(), 4, "distribution days");
    // Personal data went into the log sealed.
    assert!(
        of_type("RequestLogged")
            .all(|e| e["payload"]["personal_data"].as_str().is_some_and(|p| p.starts_with("v1.")))
    );
}
