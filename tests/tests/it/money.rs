//! The books through the server: recording, the second member's approval, payment, and what
//! each role reads of the ledger and the monthly statement, as JSON and as CSV.

use serde_json::{Value, json};
use server::http::Options;
use shared::access::Role;
use shared::distribution::day::{date_of_day, day_of};

const DONOR_NAME: &str = "Bartholomew Quince-Private";

fn today() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    day_of(now.as_millis() as i64)
}

fn transaction(id: &str, description: &str, postings: &[(&str, i64)], donor: Value) -> Value {
    let postings: Vec<Value> =
        postings.iter().map(|(a, c)| json!({"account_id": a, "amount_cents": c})).collect();
    json!({"type": "RecordTransaction", "transaction_id": id, "on_day": today(),
           "description": description, "currency": "USD", "postings": postings,
           "receipt": null, "paid_for": null, "donor": donor})
}

#[tokio::test]
async fn an_expense_over_the_threshold_needs_another_member_and_every_role_reads_what_it_should() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let hana = app.member("hana", &[Role::Finance]).await;
    let ivan = app.member("ivan", &[Role::Finance]).await;
    let auditor = app.member("yara", &[Role::Auditor]).await;
    let volunteer = app.member("sam", &[Role::Volunteer]).await;
    for (i, open) in shared::ledger::default_chart().into_iter().enumerate() {
        let (status, body) =
            hana.command(&format!("open-{i}"), serde_json::to_value(open).unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
    let donor = json!({"public_name": "St Mary's parish",
        "personal_data": {"name": DONOR_NAME, "phone": "555-0111", "address": "1 Vestry Row", "notes": ""}});
    let steps = [
        transaction("t-in", "Donations box", &[("cash", 25_000), ("donations", -25_000)], donor),
        transaction(
            "t-big",
            "Rice, wholesale",
            &[("food", 15_000), ("cash", -15_000)],
            Value::Null,
        ),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = hana.command(&format!("t-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    // Over the threshold (100.00): unpaid until someone else approves.
    let pay = json!({"type": "PayExpense", "transaction_id": "t-big", "paid_on_day": today()});
    let (status, body) = hana.command("pay-early", pay.clone()).await;
    assert_eq!(status, 422, "{body}");
    let approve = json!({"type": "ApproveExpense", "transaction_id": "t-big"});
    let (status, body) = hana.command("self-approve", approve.clone()).await;
    assert_eq!(status, 422, "the recorder cannot approve: {body}");
    let (status, body) = volunteer.command("volunteer-approve", approve.clone()).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = ivan.command("approve", approve).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = hana.command("pay", pay).await;
    assert_eq!(status, 200, "{body}");

    // The ledger: finance, coordinators and auditors; a public donor by name, no one's
    // personal data.
    let (status, body) = volunteer.get("/api/ledger").await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = auditor.get("/api/ledger").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("St Mary's parish") && !body.contains(DONOR_NAME), "{body}");
    let ledger: Value = serde_json::from_str(&body).unwrap();
    let big = ledger["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["transaction_id"] == "t-big")
        .unwrap();
    assert_eq!(big["approved_by"], "ivan");
    assert_eq!(big["status"]["status"], "paid");
    assert_eq!(ledger["approval_threshold_cents"], 10_000);

    let (status, body) = auditor.get("/api/ledger?account=food&format=csv").await;
    assert_eq!(status, 200, "{body}");
    let rows: Vec<&str> = body.lines().collect();
    assert_eq!(rows[0].split(',').next(), Some("transaction_id"));
    assert_eq!(rows.len(), 3, "a header and the two postings of t-big: {body}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("t-big,")
                && r.contains(",food,Food purchases,150.00,USD,hana,ivan,")),
        "{body}"
    );
    let (status, body) = hana.get("/api/ledger?status=awaiting_payment").await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["transactions"], json!([]));
    for bad in [
        "/api/ledger?from=yesterday",
        "/api/ledger?status=lost",
        "/api/ledger?format=xml",
        "/api/ledger?colour=red",
    ] {
        let (status, body) = hana.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(serde_json::from_str::<Value>(&body).unwrap()["error"]["message"].is_string());
    }

    // The month's statement: everyone; closing = opening + income - expenses.
    let (year, month, _) = date_of_day(today());
    let (status, body) = volunteer.get(&format!("/api/statements/{year}/{month}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(DONOR_NAME));
    let statement = &serde_json::from_str::<Value>(&body).unwrap()["statement"];
    let cents = |line: &Value| line["cents"].as_i64().unwrap();
    let sum =
        |lines: &Value| lines.as_array().unwrap().iter().map(|c| cents(&c["line"])).sum::<i64>();
    assert_eq!(sum(&statement["income"]), 25_000);
    assert_eq!(sum(&statement["expenses"]), 15_000);
    assert_eq!(
        cents(&statement["closing"]),
        cents(&statement["opening"]) + 25_000 - 15_000 + cents(&statement["other"])
    );
    assert!(
        !statement["closing"]["positions"].as_array().unwrap().is_empty(),
        "every line traces to the log"
    );
    let (status, csv) = volunteer.get(&format!("/api/statements/{year}/{month}?format=csv")).await;
    assert_eq!(status, 200, "{csv}");
    assert!(csv.lines().any(|r| r.starts_with("expense,food_purchases,150.00,USD,")), "{csv}");
    assert!(csv.lines().any(|r| r.starts_with("closing,money held,100.00,USD,")), "{csv}");
    // The month's retrospective report: everyone, like the statement (no requests here).
    let (status, body) = volunteer.get(&format!("/api/reports/{year}/{month}")).await;
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["requests_logged"], 0);
    assert_eq!(report["money"]["closing"]["cents"], 10_000, "{report}");
    let (status, csv) = volunteer.get(&format!("/api/reports/{year}/{month}?format=csv")).await;
    assert_eq!(status, 200, "{csv}");
    assert!(csv.lines().any(|r| r == "money,all,closing,100.00"), "{csv}");
    assert!(csv.lines().any(|r| r == "money_expenses,food_purchases,net,150.00"), "{csv}");
    assert_eq!(volunteer.get(&format!("/api/reports/{year}/13")).await.0, 400);
    for bad in [format!("/api/statements/{year}/13"), "/api/statements/2026/june".to_owned()] {
        let (status, body) = volunteer.get(&bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    app.stop().await;
}

#[tokio::test]
async fn grants_goods_and_reversals_reach_the_ledger_and_a_reversal_cannot_be_reversed() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let hana = app.member("hana", &[Role::Finance]).await;
    let auditor = app.member("yara", &[Role::Auditor]).await;
    for (i, open) in shared::ledger::default_chart().into_iter().enumerate() {
        let (status, body) =
            hana.command(&format!("open-{i}"), serde_json::to_value(open).unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
    let day = today();
    let donor = json!({"public_name": null,
        "personal_data": {"name": DONOR_NAME, "phone": "555-0112", "address": "2 Vestry Row", "notes": ""}});
    let steps = [
        json!({"type": "ApplyForGrant", "grant_id": "city", "funder": "City fund",
               "purpose": "A freezer", "requested_cents": 50_000, "applied_on_day": day}),
        json!({"type": "RecordGrantAward", "grant_id": "city", "awarded_cents": 40_000,
               "awarded_on_day": day}),
        json!({"type": "ReceiveGrant", "grant_id": "city", "transaction_id": "t-grant",
               "amount_cents": 40_000, "received_on_day": day, "into_account_id": "bank",
               "income_account_id": "grants"}),
        json!({"type": "RecordGoodsDonation", "donation_id": "coats", "on_day": day,
               "description": "Winter coats", "estimated_value_cents": 24_000,
               "partner_id": null, "donor": donor}),
        transaction(
            "t-box",
            "Donations box",
            &[("cash", 5_000), ("donations", -5_000)],
            Value::Null,
        ),
        json!({"type": "ReverseTransaction", "reversal_id": "t-box-rev", "transaction_id": "t-box",
               "on_day": day, "reason": "Counted twice"}),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let (status, body) = hana.command(&format!("step-{i}"), step).await;
        assert_eq!(status, 200, "{body}");
    }
    let again = json!({"type": "ReverseTransaction", "reversal_id": "t-box-rev-rev",
                       "transaction_id": "t-box-rev", "on_day": day, "reason": "Undo"});
    let (status, body) = hana.command("reverse-the-reversal", again).await;
    assert_eq!(status, 422, "{body}");

    let (status, body) = auditor.get("/api/ledger").await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(DONOR_NAME) && !body.contains("555-0112"), "{body}");
    let ledger: Value = serde_json::from_str(&body).unwrap();
    let grant = &ledger["grants"][0];
    assert_eq!(grant["grant_id"], "city");
    assert_eq!(grant["stage"]["stage"], "awarded");
    assert_eq!(grant["received_cents"], 40_000);
    assert_eq!(ledger["goods"][0]["estimated_value_cents"], 24_000);
    let find = |id: &str| {
        ledger["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["transaction_id"] == id)
            .cloned()
    };
    assert_eq!(find("t-box").unwrap()["reversed_by"], "t-box-rev");
    assert_eq!(find("t-box-rev").unwrap()["reason"], "Counted twice");
    assert!(find("t-box-rev-rev").is_none());

    // The statement shows goods beside cash, and the reversed box nets to nothing.
    let (year, month, _) = date_of_day(day);
    let (_, body) = auditor.get(&format!("/api/statements/{year}/{month}")).await;
    let statement = &serde_json::from_str::<Value>(&body).unwrap()["statement"];
    assert_eq!(statement["goods_donated"]["cents"], 24_000);
    let income: i64 = statement["income"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["line"]["cents"].as_i64().unwrap())
        .sum();
    assert_eq!(income, 40_000, "{statement}");
    app.stop().await;
}

#[tokio::test]
async fn a_donor_who_asks_to_be_forgotten_has_their_key_destroyed_and_the_books_stay() {
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let hana = app.member("hana", &[Role::Finance]).await;
    let volunteer = app.member("sam", &[Role::Volunteer]).await;
    for (i, open) in shared::ledger::default_chart().into_iter().enumerate() {
        let (status, body) =
            hana.command(&format!("open-{i}"), serde_json::to_value(open).unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
    let donor = json!({"public_name": null,
        "personal_data": {"name": DONOR_NAME, "phone": "555-0113", "address": "3 Vestry Row", "notes": ""}});
    let gift = transaction("t-gift", "Gift", &[("bank", 30_000), ("donations", -30_000)], donor);
    let (status, body) = hana.command("gift", gift).await;
    assert_eq!(status, 200, "{body}");
    assert!(app.state.group.keys().has_key("donor:t-gift").unwrap());

    let erase =
        |of: &str| json!({"type": "EraseDonor", "donor_of": of, "reason": "asked to be forgotten"});
    assert_eq!(volunteer.command("erase-v", erase("t-gift")).await.0, 403);
    let (status, body) = hana.command("erase-unknown", erase("t-nothing")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown")), "{body}");
    let (status, body) = hana.command("erase", erase("t-gift")).await;
    assert_eq!(status, 200, "{body}");
    // Answered only once the key is gone; a second erasure is refused.
    assert!(!app.state.group.keys().has_key("donor:t-gift").unwrap());
    let (status, body) = hana.command("erase-again", erase("t-gift")).await;
    assert_eq!(status, 422, "{body}");

    // The money is still in the books, and the chain still verifies.
    let (status, body) = hana.get("/api/ledger").await;
    assert_eq!(status, 200);
    let ledger: Value = serde_json::from_str(&body).unwrap();
    assert!(
        ledger["transactions"].as_array().unwrap().iter().any(|t| t["transaction_id"] == "t-gift")
    );
    let auditor = app.member("yara", &[Role::Auditor]).await;
    let (status, body) = auditor.get("/api/verify").await;
    assert_eq!(status, 200, "{body}");
    app.stop().await;
}
