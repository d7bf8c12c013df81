//! Grants: applied, awarded or declined, received (in one payment or several).

use super::*;

fn applied() -> Event {
    Event::GrantApplied {
        grant_id: GrantId::from("g1"),
        funder: "City food fund".to_owned(),
        purpose: "Winter groceries".to_owned(),
        requested_cents: 500_000,
        applied_on_day: TODAY - 60,
    }
}

fn awarded(cents: i64) -> Event {
    Event::GrantAwarded {
        grant_id: GrantId::from("g1"),
        awarded_cents: cents,
        awarded_on_day: TODAY - 20,
    }
}

fn receive(transaction: &str, cents: i64) -> Command {
    Command::ReceiveGrant {
        grant_id: GrantId::from("g1"),
        transaction_id: tx(transaction),
        amount_cents: cents,
        received_on_day: TODAY - 1,
        into_account_id: AccountId::from("bank"),
        income_account_id: AccountId::from("grants"),
    }
}

#[test]
fn a_grant_goes_from_applied_to_awarded_to_received_through_the_books() {
    let apply = Command::ApplyForGrant {
        grant_id: GrantId::from("g1"),
        funder: "City food fund".to_owned(),
        purpose: "Winter groceries".to_owned(),
        requested_cents: 500_000,
        applied_on_day: TODAY - 60,
    };
    check(&chart(), "dee", apply, Ok(vec![applied()]));
    let award = Command::RecordGrantAward {
        grant_id: GrantId::from("g1"),
        awarded_cents: 400_000,
        awarded_on_day: TODAY - 20,
    };
    check(&with_chart(vec![applied()]), "dee", award, Ok(vec![awarded(400_000)]));
    let mut given = with_chart(vec![applied(), awarded(400_000)]);
    let events = decided(&given, "dee", &receive("t1", 400_000)).unwrap();
    let types: Vec<&str> = events.iter().map(Event::event_type).collect();
    assert_eq!(types, ["TransactionRecorded", "GrantReceived"]);
    given.extend(events);
    let ledger = ledger_after(&given);
    assert_eq!(ledger.account("bank").unwrap().balance_cents, 400_000);
    assert_eq!(ledger.account("grants").unwrap().balance_cents, 400_000);
    assert!(ledger.grant("g1").unwrap().is_fully_received());
}

#[test]
fn receiving_more_than_was_awarded_is_rejected() {
    let mut given = with_chart(vec![applied(), awarded(400_000)]);
    given.extend(decided(&given, "dee", &receive("t1", 300_000)).unwrap());
    let then = Rejection::InvalidField {
        field: "amount_cents".to_owned(),
        reason: "300000 of 400000 cents already received".to_owned(),
    };
    check(&given, "dee", receive("t2", 100_001), Err(then));
    assert!(decided(&given, "dee", &receive("t2", 100_000)).is_ok());
}

#[test]
fn a_grant_not_awarded_is_not_received_and_the_funder_answers_once() {
    assert_eq!(rejected(&with_chart(vec![applied()]), "dee", receive("t1", 5)), "wrong_stage");
    let decline = Command::RecordGrantDecline {
        grant_id: GrantId::from("g1"),
        on_day: TODAY,
        note: "not this round".to_owned(),
    };
    let given = with_chart(vec![applied(), awarded(400_000)]);
    assert_eq!(rejected(&given, "dee", decline), "wrong_stage");
}

#[test]
fn grant_money_goes_into_a_channel_from_an_income_account() {
    let given = with_chart(vec![applied(), awarded(400_000)]);
    let mut wrong = receive("t1", 5);
    if let Command::ReceiveGrant { into_account_id, .. } = &mut wrong {
        *into_account_id = AccountId::from("food");
    }
    assert_eq!(rejected(&given, "dee", wrong), "invalid_field");
}
