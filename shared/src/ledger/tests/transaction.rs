//! Double entry: postings balance to zero in the group's currency; nothing is edited, a
//! correction is a reversal that names what it reverses, with a reason.

use super::*;

#[test]
fn a_balanced_donation_takes_effect_on_its_day() {
    let when = record("t1", TODAY - 2, vec![posting("cash", 2_500), posting("donations", -2_500)]);
    let then = Event::TransactionRecorded {
        transaction_id: tx("t1"),
        on_day: TODAY - 2,
        description: "transaction t1".to_owned(),
        currency: Currency::USD,
        postings: vec![posting("cash", 2_500), posting("donations", -2_500)],
        recorded_by: MemberId::from("dee"),
        receipt: None,
        paid_for: None,
        donor: None,
        expense_cents: 0,
        needs_approval: false,
        awaits_payment: false,
    };
    check(&chart(), "dee", when, Ok(vec![then.clone()]));
    let ledger = ledger_after(&with_chart(vec![then]));
    assert_eq!(ledger.account("cash").unwrap().balance_cents, 2_500);
    assert_eq!(ledger.account("donations").unwrap().balance_cents, 2_500);
}

#[test]
fn an_unbalanced_transaction_is_rejected() {
    let when = record("t1", TODAY, vec![posting("cash", 2_500), posting("donations", -2_000)]);
    let then = Rejection::InvalidField {
        field: "postings".to_owned(),
        reason: "debits and credits must balance, but they sum to 500 cents".to_owned(),
    };
    check(&chart(), "dee", when, Err(then));
}

#[test]
fn a_transaction_has_two_postings_on_different_open_accounts() {
    let one = record("t1", TODAY, vec![posting("cash", 0)]);
    assert_eq!(rejected(&chart(), "dee", one), "invalid_field");
    let twice = record("t1", TODAY, vec![posting("cash", 5), posting("cash", -5)]);
    assert_eq!(rejected(&chart(), "dee", twice), "invalid_field");
    let unknown = record("t1", TODAY, vec![posting("cash", 5), posting("crypto", -5)]);
    assert_eq!(rejected(&chart(), "dee", unknown), "unknown");
    let zero = record("t1", TODAY, vec![posting("cash", 0), posting("donations", 0)]);
    assert_eq!(rejected(&chart(), "dee", zero), "invalid_field");
}

#[test]
fn a_transaction_in_another_currency_is_rejected() {
    let mut when = record("t1", TODAY, vec![posting("cash", 5), posting("donations", -5)]);
    if let Command::RecordTransaction { currency, .. } = &mut when {
        *currency = Currency::EUR;
    }
    let then = Rejection::InvalidField {
        field: "currency".to_owned(),
        reason: "the group keeps its books in USD".to_owned(),
    };
    check(&chart(), "dee", when, Err(then));
}

#[test]
fn a_transaction_dated_in_the_future_is_rejected() {
    let when = record("t1", TODAY + 1, vec![posting("cash", 5), posting("donations", -5)]);
    assert_eq!(rejected(&chart(), "dee", when), "invalid_field");
}

#[test]
fn amounts_beyond_the_limit_and_balances_that_would_overflow_are_rejected() {
    let huge = MAX_AMOUNT_CENTS + 1;
    let when = record("t1", TODAY, vec![posting("cash", huge), posting("donations", -huge)]);
    assert_eq!(rejected(&chart(), "dee", when), "invalid_field");
    // A balance near the end of `i64`, as only a corrupt or hostile log could hold.
    let near = i64::MAX - 10;
    let given = with_chart(vec![Event::TransactionRecorded {
        transaction_id: tx("t0"),
        on_day: TODAY,
        description: "impossible".to_owned(),
        currency: Currency::USD,
        postings: vec![posting("cash", near), posting("donations", -near)],
        recorded_by: MemberId::from("dee"),
        receipt: None,
        paid_for: None,
        donor: None,
        expense_cents: 0,
        needs_approval: false,
        awaits_payment: false,
    }]);
    let more = record("t1", TODAY, vec![posting("cash", 100), posting("donations", -100)]);
    let then = Rejection::InvalidField {
        field: "postings".to_owned(),
        reason: "the balance of `cash` would overflow".to_owned(),
    };
    check(&given, "dee", more, Err(then));
}

#[test]
fn an_expense_waits_for_payment_and_is_in_no_balance_until_paid() {
    let bought = food_bought("t1", TODAY, 4_000);
    let Event::TransactionRecorded { expense_cents, awaits_payment, needs_approval, .. } = &bought
    else {
        unreachable!("food_bought records a transaction");
    };
    assert_eq!((*expense_cents, *awaits_payment, *needs_approval), (4_000, true, false));
    let ledger = ledger_after(&with_chart(vec![bought]));
    assert_eq!(ledger.account("bank").unwrap().balance_cents, 0);
    assert_eq!(ledger.awaiting_payment().len(), 1);
}

fn reverse(reversal: &str, of: &str, reason: &str) -> Command {
    Command::ReverseTransaction {
        reversal_id: tx(reversal),
        transaction_id: tx(of),
        on_day: TODAY,
        reason: reason.to_owned(),
    }
}

#[test]
fn a_reversal_negates_every_posting_and_names_what_it_reverses() {
    let given = with_chart(vec![donation("t1", TODAY - 3, 2_500)]);
    let then = Event::TransactionReversed {
        reversal_id: tx("t1-rev"),
        transaction_id: tx("t1"),
        on_day: TODAY,
        currency: Currency::USD,
        postings: vec![posting("cash", -2_500), posting("donations", 2_500)],
        reason: "counted twice".to_owned(),
        recorded_by: MemberId::from("fay"),
    };
    check(&given, "fay", reverse("t1-rev", "t1", "counted twice"), Ok(vec![then.clone()]));
    let mut after = given;
    after.push(then);
    let ledger = ledger_after(&after);
    assert_eq!(ledger.account("cash").unwrap().balance_cents, 0);
    assert_eq!(ledger.transaction("t1").unwrap().reversed_by, Some(tx("t1-rev")));
    assert_eq!(ledger.transaction("t1-rev").unwrap().reverses, Some(tx("t1")));
    assert_eq!(ledger.transactions.len(), 2, "nothing was deleted");
}

#[test]
fn a_reversal_of_a_reversal_is_rejected() {
    let given = with_chart(vec![donation("t1", TODAY - 3, 2_500)]);
    let reversed = decided(&given, "dee", &reverse("t1-rev", "t1", "counted twice")).unwrap();
    let mut given = given;
    given.extend(reversed);
    let then = Rejection::WrongStage {
        message: "a reversal cannot itself be reversed: record the original again".to_owned(),
    };
    check(&given, "dee", reverse("t1-rev-rev", "t1-rev", "oops"), Err(then));
}

#[test]
fn a_transaction_is_reversed_once_and_with_a_reason() {
    let given = with_chart(vec![donation("t1", TODAY - 3, 2_500)]);
    assert_eq!(rejected(&given, "dee", reverse("r", "t1", "  ")), "invalid_field");
    let mut twice = given.clone();
    twice.extend(decided(&given, "dee", &reverse("r1", "t1", "wrong")).unwrap());
    assert_eq!(rejected(&twice, "dee", reverse("r2", "t1", "wrong again")), "wrong_stage");
}

#[test]
fn an_unpaid_expense_is_declined_not_reversed() {
    let given = with_chart(vec![food_bought("t1", TODAY, 4_000)]);
    assert_eq!(rejected(&given, "dee", reverse("r1", "t1", "wrong shop")), "wrong_stage");
}

#[test]
fn an_account_closes_only_at_zero_and_then_takes_no_postings() {
    let given = with_chart(vec![donation("t1", TODAY, 500)]);
    let close = |id: &str| Command::CloseAccount {
        account_id: AccountId::from(id),
        reason: "moved to the bank".to_owned(),
    };
    assert_eq!(rejected(&given, "dee", close("cash")), "wrong_stage");
    let closed = decided(&given, "dee", &close("payment-app")).unwrap();
    let mut given = given;
    given.extend(closed);
    let via_app = record("t2", TODAY, vec![posting("payment-app", 5), posting("donations", -5)]);
    assert_eq!(rejected(&given, "dee", via_app), "wrong_stage");
}

#[test]
fn a_donor_is_named_only_if_they_chose_to_be_public() {
    let sealed = crate::kernel::SealedPersonalData::new("v1.donor");
    let mut when = record("t1", TODAY, vec![posting("cash", 5_000), posting("donations", -5_000)]);
    if let Command::RecordTransaction { donor, .. } = &mut when {
        *donor = Some(Donor { public_name: None, personal_data: Some(sealed.clone()) });
    }
    let mut events = decided(&chart(), "dee", &when).unwrap();
    assert_eq!(events[0].donor_personal_data(), Some(&sealed));
    let ledger = ledger_after(&with_chart(events.clone()));
    assert_eq!(ledger.transaction("t1").unwrap().donor_public_name, None);
    events[0].strip_personal_data();
    let json = serde_json::to_string(&events[0]).unwrap();
    assert!(!json.contains("v1.donor"), "{json}");
    // The books know only that an identity was sealed with t1 (so it can be erased), never
    // what it is: folded without it, they differ in that and nothing else.
    assert!(ledger.sealed_donors.contains("t1"));
    let mut without = ledger_after(&with_chart(events));
    assert!(without.sealed_donors.is_empty());
    without.sealed_donors.insert("t1".to_owned());
    assert_eq!(without, ledger, "the books never held it");
}

#[test]
fn a_sealed_donor_is_erased_once_and_only_a_donor_that_was_sealed() {
    let sealed = crate::kernel::SealedPersonalData::new("v1.donor");
    let mut gift = record("t1", TODAY, vec![posting("cash", 5_000), posting("donations", -5_000)]);
    if let Command::RecordTransaction { donor, .. } = &mut gift {
        *donor = Some(Donor {
            public_name: Some("Ana's bakery".to_owned()),
            personal_data: Some(sealed),
        });
    }
    let plain = record("t2", TODAY, vec![posting("cash", 100), posting("donations", -100)]);
    let mut given = chart();
    given.extend(decided(&given, "dee", &gift).unwrap());
    given.extend(decided(&given, "dee", &plain).unwrap());
    let erase =
        |of: &str| Command::EraseDonor { donor_of: of.to_owned(), reason: "asked".to_owned() };
    assert_eq!(rejected(&given, "dee", erase("t2")), "unknown", "t2 sealed nobody");
    assert_eq!(rejected(&given, "dee", erase("t9")), "unknown");
    let erased = decided(&given, "dee", &erase("t1")).unwrap();
    given.extend(erased);
    assert_eq!(rejected(&given, "dee", erase("t1")), "wrong_stage", "once only");
    let ledger = ledger_after(&given);
    assert!(ledger.erased_donors.contains("t1"));
    let t1 = ledger.transaction("t1").unwrap();
    assert_eq!(t1.donor_public_name.as_deref(), Some("Ana's bakery"), "a public name stays");
}
