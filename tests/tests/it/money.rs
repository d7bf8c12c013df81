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
    for bad in [format!("/api/statements/{year}/13"), "/api/statements/2026/june".to_owned()] {
        let (status, body) = volunteer.get(&bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    app.stop().await;
}
