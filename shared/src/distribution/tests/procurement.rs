//! Procurement alerts: raised automatically by a check that finds a shortfall (once per item
//! and request), or by hand; resolved once.

use super::*;

fn check_r1() -> Command {
    Command::CheckStock { request_id: RequestId::from("r1") }
}

fn short_rice() -> Vec<Event> {
    with_catalog(vec![logged("r1", vec![line("rice", 3)])])
}

fn checked_out(outstanding: i64) -> Event {
    Event::StockChecked {
        request_id: RequestId::from("r1"),
        lines: vec![LineCheck {
            item_id: ItemId::from("rice"),
            outstanding,
            available: 0,
            availability: Availability::Out,
            shortfall: outstanding,
        }],
    }
}

fn raised(alert: &str, quantity: i64) -> Event {
    Event::ProcurementAlertRaised {
        alert_id: AlertId::from(alert),
        request_id: Some(RequestId::from("r1")),
        item_id: ItemId::from("rice"),
        quantity,
        note: "short for request r1".to_owned(),
    }
}

#[test]
fn a_stock_check_with_a_shortfall_raises_a_procurement_alert() {
    check(
        &short_rice(),
        COORDINATOR,
        check_r1(),
        Ok(vec![checked_out(3), raised("r1.alert-1", 3)]),
    );
}

#[test]
fn checking_again_does_not_raise_a_second_alert_for_the_same_item() {
    let mut given = short_rice();
    given.extend([checked_out(3), raised("r1.alert-1", 3)]);
    check(&given, COORDINATOR, check_r1(), Ok(vec![checked_out(3)]));
}

#[test]
fn a_minted_alert_id_skips_one_already_taken_by_hand() {
    let mut given = short_rice();
    given.push(Event::ProcurementAlertRaised {
        alert_id: AlertId::from("r1.alert-1"),
        request_id: None,
        item_id: ItemId::from("soap"),
        quantity: 1,
        note: String::new(),
    });
    check(&given, COORDINATOR, check_r1(), Ok(vec![checked_out(3), raised("r1.alert-2", 3)]));
}

#[test]
fn an_alert_is_raised_by_hand_and_resolved_once() {
    let when = Command::RaiseProcurementAlert {
        alert_id: AlertId::from("a1"),
        item_id: ItemId::from("heater"),
        quantity: 2,
        note: "winter".to_owned(),
    };
    let then = Event::ProcurementAlertRaised {
        alert_id: AlertId::from("a1"),
        request_id: None,
        item_id: ItemId::from("heater"),
        quantity: 2,
        note: "winter".to_owned(),
    };
    check(&catalog(), COORDINATOR, when, Ok(vec![then.clone()]));
    let resolve = Command::ResolveProcurementAlert {
        alert_id: AlertId::from("a1"),
        resolution: AlertResolution::Donated,
        note: String::new(),
    };
    let resolved = Event::ProcurementAlertResolved {
        alert_id: AlertId::from("a1"),
        request_id: None,
        item_id: ItemId::from("heater"),
        resolution: AlertResolution::Donated,
        note: String::new(),
    };
    let given = with_catalog(vec![then]);
    check(&given, COORDINATOR, resolve.clone(), Ok(vec![resolved.clone()]));
    let given = with_catalog(vec![given[8].clone(), resolved]);
    check(
        &given,
        COORDINATOR,
        resolve,
        Err(Rejection::wrong_stage("alert `a1` is already resolved")),
    );
}
