//! Donated goods carry an estimated value; a wrong estimate is reversed, not edited.

use super::*;

fn record_goods(cents: i64) -> Command {
    Command::RecordGoodsDonation {
        donation_id: DonationId::from("g1"),
        on_day: TODAY - 1,
        description: "40 kg of rice".to_owned(),
        estimated_value_cents: cents,
        partner_id: None,
        donor: Some(Donor { public_name: Some("Corner shop".to_owned()), personal_data: None }),
    }
}

#[test]
fn donated_goods_are_valued_without_touching_any_balance() {
    let events = decided(&chart(), "dee", &record_goods(6_000)).unwrap();
    let ledger = ledger_after(&with_chart(events));
    assert!(ledger.entries.is_empty());
    let donation = ledger.goods_donation("g1").unwrap();
    assert_eq!(donation.estimated_value_cents, 6_000);
    assert_eq!(donation.donor_public_name.as_deref(), Some("Corner shop"));
    assert_eq!(rejected(&chart(), "dee", record_goods(0)), "invalid_field");
}

#[test]
fn a_goods_estimate_is_reversed_once_with_a_reason() {
    let mut given = with_chart(decided(&chart(), "dee", &record_goods(6_000)).unwrap());
    let reverse = |reason: &str| Command::ReverseGoodsDonation {
        donation_id: DonationId::from("g1"),
        on_day: TODAY,
        reason: reason.to_owned(),
    };
    let reversed = Event::GoodsDonationReversed {
        donation_id: DonationId::from("g1"),
        on_day: TODAY,
        estimated_value_cents: 6_000,
        reason: "it was 20 kg".to_owned(),
    };
    check(&given, "dee", reverse("it was 20 kg"), Ok(vec![reversed.clone()]));
    given.push(reversed);
    assert_eq!(rejected(&given, "dee", reverse("again")), "wrong_stage");
}
