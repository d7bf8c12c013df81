//! Every command the web client's forms and buttons can send, built by the client's own code
//! (natively) and sent to a real server: each must parse there. A refusal by the group's
//! rules (422, 409) is fine here (these ids name nothing the group has); a 400 would mean
//! the client and the server disagree on a command's shape, and a 403 that a form is offered
//! to roles that may not use it.

use client::i18n::{I18n, Lang};
use client::outbox::Action;
use client::screens::money::{self, books};
use client::screens::people::{self, agreement, roles, shifts, skills};
use client::screens::{intake, request, settings, standing, stock};
use client::ui::delivery;
use leptos::prelude::{Owner, RwSignal};
use server::http::Options;
use shared::access::Role;
use shared::distribution::RequestLine;
use shared::distribution::day::day_of;
use shared::ledger::Command as Ledger;
use shared::people::{AgreementText, Skill};
use shared::personal::PersonalData;
use shared::wire::CommandRequest;

/// The client's words, as the bundle serves them.
fn english() -> I18n {
    let words =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../client/i18n/en.txt"));
    Lang::En.load(words.unwrap());
    let owner = Owner::new();
    owner.set();
    // The owner lives as long as the test: the signal below belongs to it.
    std::mem::forget(owner);
    I18n { lang: RwSignal::new(Lang::En) }
}

fn today() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    day_of(now.as_millis() as i64)
}

fn now_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    now.as_millis() as i64
}

/// Every action the client's forms build, named.
fn every_action(i: I18n) -> Vec<(&'static str, Result<Action, String>)> {
    let (today, now) = (today(), now_ms());
    let lines = || vec![RequestLine { item_id: "rice".into(), quantity: 2 }];
    let household = PersonalData {
        name: "Amal".into(),
        phone: "555-0100".into(),
        address: "4 Elm Street".into(),
        notes: "second floor".into(),
    };
    let intake = intake::Intake {
        need: "food".into(),
        lines: vec![("rice".into(), "2".into()), (String::new(), "1".into())],
        household_size: "3".into(),
        urgency: "urgent".into(),
        zone: "north".into(),
        language: "ar".into(),
        channel: "sms".into(),
        personal: household,
    };
    let receipt = |source: &str| stock::Receipt {
        item: "rice".into(),
        location: "hall".into(),
        quantity: "40".into(),
        expires: "2027-01-31".into(),
        source: source.into(),
        partner: "food-bank".into(),
    };
    let role = |action: &str| roles::RoleChange {
        action: action.into(),
        card: "treasurer".into(),
        title: "Treasurer".into(),
        tasks: "count the cash box\nfile receipts".into(),
        critical: true,
        member: "ana".into(),
        backup: "ben".into(),
        term: "2027-06-30".into(),
        note: "keys in the blue tin".into(),
        phone: "555-0199".into(),
        reach: "evenings".into(),
    };
    let entry = |kind: &str| money::Entry {
        kind: kind.into(),
        amount: "12,50".into(),
        description: "Bus tickets".into(),
        money_account: "cash".into(),
        category: if kind == "donation" { "donations" } else { "transport" }.into(),
        receipt: "R-1".into(),
        donor: "St Mary's".into(),
        date: String::new(),
    };
    let grant = |action: &str| books::GrantStep {
        action: action.into(),
        grant: "grant-1".into(),
        funder: "City fund".into(),
        purpose: "Winter coats".into(),
        amount: "500".into(),
        into: "bank".into(),
        note: "not this year".into(),
    };
    let text = AgreementText {
        membership: "Anyone who comes twice.".into(),
        commitments: "Say what you can do.".into(),
        communication: "The group chat.".into(),
        boundaries: "No money lent.".into(),
    };
    let shift = |make: fn(&str, &str) -> shared::people::Command| {
        shifts::shift_action(i, "shift.sign_up", &make("shift-1", "ana"))
    };
    // A receipt dated tomorrow is refused by the form, before the server sees it.
    let tomorrow = money::Entry { date: client::ui::format::date(today + 1), ..entry("expense") };
    assert!(money::record(i, today, &tomorrow).is_err());
    let mut actions = vec![
        ("log a request", intake::log_request(i, &intake).map(|(action, _)| action)),
        ("check stock", request::check_stock(i, "r-1")),
        ("reserve", request::reserve(i, "r-1", lines())),
        (
            "schedule a delivery",
            request::schedule(i, now, "r-1", lines(), ("delivery", "14:00", "chen")),
        ),
        ("schedule a pickup", request::schedule(i, now, "r-1", lines(), ("pickup", "09:30", ""))),
        ("cancel", request::cancel(i, "r-1", "moved away")),
        ("feedback", request::feedback(i, "r-1", ("household", "4", "on time"))),
        ("erase a household", request::erase(i, "h-1", "asked to be forgotten")),
        ("claim", delivery::delivery_action(i, "action.claim", "d-1", &delivery::claim("d-1"))),
        ("start", delivery::delivery_action(i, "action.start", "d-1", &delivery::start("d-1"))),
        (
            "complete",
            delivery::delivery_action(i, "action.complete", "d-1", &delivery::complete("d-1")),
        ),
        ("fail", delivery::fail(i, ("d-1", "#1"), "nobody_home", "rang twice")),
        ("confirm", delivery::confirm(i, ("d-1", "#1"), "sms", "es")),
        (
            "undo a completion",
            delivery::delivery_action(i, "action.undo", "d-1", &delivery::undo("d-1")),
        ),
        ("add a zone", settings::add_zone(i, "Riverside")),
        ("time zone", settings::set_time_zone(i, "America/New_York")),
        ("remove a zone", settings::remove_zone(i, "Riverside")),
        (
            "late rules",
            settings::set_late_after(
                i,
                [
                    ("45".into(), "minutes".into()),
                    ("3".into(), "days".into()),
                    ("1".into(), "days".into()),
                    ("4".into(), "hours".into()),
                    ("1".into(), "days".into()),
                ],
            ),
        ),
        ("receive a donation", stock::receive(i, &Default::default(), &receipt("donation"))),
        ("receive a purchase", stock::receive(i, &Default::default(), &receipt("purchase"))),
        ("adjust", stock::adjust(i, "rice|hall|20000", "-2", "spoilage", "mice")),
        ("transfer", stock::transfer(i, "rice", "hall", "van", "5")),
        ("threshold", stock::threshold(i, "rice", "10")),
        ("retention", people::retention(i, "365")),
        ("retention off", people::retention(i, "")),
        ("sign up", shift(shifts::sign_up)),
        ("withdraw", shift(shifts::withdraw)),
        ("check in", shift(shifts::check_in)),
        ("check out", shift(shifts::check_out)),
        ("plan a shift", shifts::plan(i, "packing", "2027-01-09", ("08:00", "12:00"), "4")),
        (
            "correct times",
            shifts::correct(i, ("shift-1", "ana", today), ("09:00", "11:30"), "sheet"),
        ),
        ("absent", shifts::absent(i, "shift-1", "ana")),
        ("skill removed", skills::remove_skill(i, "ana", &Skill::Cpr)),
        (
            "commitment weekly",
            skills::make_commitment(i, ("ana", today), "calls", ("2", "thursday"), "90"),
        ),
        (
            "commitment monthly",
            skills::make_commitment(i, ("ana", today), "cooking", ("m1", "saturday"), "180"),
        ),
        ("end commitment", skills::end_commitment(i, "commit-1", "moving")),
        ("adopt agreement", agreement::change_agreement(i, false, text.clone(), "")),
        ("change agreement", agreement::change_agreement(i, true, text, "new members")),
        ("review agreement", agreement::review_agreement(i, "2027-03-01", "no changes")),
        ("expense", money::record(i, today, &entry("expense"))),
        ("donation", money::record(i, today, &entry("donation"))),
        (
            "last week's receipt",
            money::record(
                i,
                today,
                &money::Entry { date: client::ui::format::date(today - 7), ..entry("expense") },
            ),
        ),
        (
            "approve",
            money::ledger_action(
                i,
                "ledger.approve",
                &Ledger::ApproveExpense { transaction_id: "t-1".into() },
            ),
        ),
        (
            "pay",
            money::ledger_action(
                i,
                "ledger.pay",
                &Ledger::PayExpense { transaction_id: "t-1".into(), paid_on_day: today },
            ),
        ),
        ("reverse", books::reverse(i, today, "t-1", "typed twice")),
        ("goods", books::record_goods(i, today, "Winter coats", "80", "Corner shop")),
        ("reverse goods", books::reverse_goods(i, today, "goods-1", "wrong estimate")),
    ];
    let order = client::ui::standing::NewOrder {
        household: "hh-1".into(),
        zone: "north".into(),
        size: "2".into(),
        language: "en".into(),
        item: "rice".into(),
        quantity: "2".into(),
        weekdays: vec!["monday".into(), "thursday".into()],
        every: "2".into(),
        from_time: "10:00".into(),
        until_time: "12:00".into(),
        starts: client::ui::format::date(today + 1),
        ..Default::default()
    };
    actions.extend([
        ("standing order", client::ui::standing::start(i, &order)),
        (
            "standing order from a request",
            client::ui::standing::start(
                i,
                &client::ui::standing::NewOrder { lines: lines(), item: String::new(), ..order },
            ),
        ),
        ("skip a date", standing::skip(i, "so-1", today + 3)),
        ("pause", standing::pause(i, "so-1", "2027-07-01", "2027-07-15")),
        ("change items", standing::change_items(i, "so-1", &lines(), ("beans", "3"), "2027-07-01")),
        ("end an order", standing::end(i, "so-1", today + 1)),
        (
            "recurring shift",
            shifts::define_template(
                i,
                "Packing",
                ("1", "saturday"),
                ("09:00", "12:00"),
                "4",
                &client::ui::format::date(today),
            ),
        ),
        ("end a recurring shift", shifts::end_template(i, "tpl-1", "summer break")),
    ]);
    for action in ["define", "assign", "hand_over", "renew", "backup", "erase_contact", "end"] {
        actions.push(("role card", roles::role_change(i, &role(action))));
    }
    for action in ["apply", "award", "decline", "receive"] {
        actions.push(("grant", books::grant_step(i, today, Some("grants"), &grant(action))));
    }
    for kind in ["language", "cpr", "first_aid", "trade", "driving", "food_hygiene", "other"] {
        actions.push((
            "skill",
            skills::record_skill(i, "ana", (kind, "plumbing", true), "2027-12-31"),
        ));
    }
    actions
}

#[tokio::test]
async fn every_command_a_form_builds_parses_on_the_server() {
    let i = english();
    let actions = every_action(i);
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let everyone = [
        Role::Coordinator,
        Role::Logistics,
        Role::Communications,
        Role::Finance,
        Role::Liaison,
        Role::Driver,
        Role::Volunteer,
    ];
    let member = app.member("ana", &everyone).await;
    let mut types = std::collections::BTreeSet::new();
    for (n, (name, action)) in actions.into_iter().enumerate() {
        let action = action.unwrap_or_else(|problem| panic!("{name}: the form refused: {problem}"));
        types.insert(action.command.command_type().to_owned());
        let request = CommandRequest {
            command_id: format!("form-{n}"),
            expected_version: None,
            command: action.command.json(),
        };
        let (status, body) =
            member.post("/api/commands", &serde_json::to_string(&request).unwrap()).await;
        assert!(
            matches!(status, 200 | 409 | 422),
            "{name} ({}): {status} {body}",
            action.command.command_type()
        );
        assert!(!action.label.contains('{'), "{name}: label {}", action.label);
    }
    // Every type the client offers a form or button for, and nothing else.
    assert_eq!(types.len(), 60, "{types:?}");
    app.stop().await;
}

#[tokio::test]
async fn personal_data_from_the_intake_form_is_sealed_before_the_log() {
    let i = english();
    let app = tests::spawn_app(Options::default()).await.unwrap();
    let member = app.member("ana", &[Role::Coordinator]).await;
    let rice = shared::distribution::Command::RegisterItem {
        item_id: "rice".into(),
        name: "Rice".into(),
        category: shared::distribution::ItemCategory::Food,
        unit: "kg bag".into(),
    };
    let (status, body) = member.command("rice", serde_json::to_value(rice).unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let intake = intake::Intake {
        need: "food".into(),
        lines: vec![("rice".into(), "1".into())],
        household_size: "2".into(),
        urgency: "soon".into(),
        zone: "east".into(),
        language: "en".into(),
        channel: "phone".into(),
        personal: PersonalData { name: "Noor Haddad".into(), ..PersonalData::default() },
    };
    let (action, request_id) = intake::log_request(i, &intake).unwrap();
    let sent: serde_json::Value = serde_json::from_str(action.command.json().get()).unwrap();
    assert_eq!(sent["personal_data"]["name"], "Noor Haddad");
    let request = CommandRequest {
        command_id: "intake".into(),
        expected_version: None,
        command: action.command.json(),
    };
    let (status, body) =
        member.post("/api/commands", &serde_json::to_string(&request).unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let (_, log) = member.get("/api/events").await;
    assert!(log.contains(&request_id), "the request is in the log");
    assert!(!log.contains("Noor Haddad"), "the name is sealed");
    let (_, contact) = member.get(&format!("/api/requests/{request_id}/contact")).await;
    let contact: shared::view::Contact = serde_json::from_str(&contact).unwrap();
    assert_eq!(contact.personal_data.unwrap().name, "Noor Haddad");
    app.stop().await;
}
