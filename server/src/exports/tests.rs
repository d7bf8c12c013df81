use shared::kernel::{At, Evolve};
use std::collections::BTreeMap;

use shared::access::Role;
use shared::distribution::MemberId;
use shared::distribution::day::{day_of_date, start_of_day_ms};
use shared::ledger::{self, AccountId, Currency, Donor, Event, Posting, TransactionId};
use shared::members;
use shared::people::{Attendance, Holder, RoleCard, RoleCardId, Shift, ShiftId};

use super::*;

/// 2025-01-`d`.
fn jan(d: u32) -> i64 {
    day_of_date(2025, 1, d).unwrap()
}

fn postings(lines: &[(&str, i64)]) -> Vec<Posting> {
    lines
        .iter()
        .map(|(a, c)| Posting { account_id: AccountId::from(*a), amount_cents: *c })
        .collect()
}

fn recorded(id: &str, day: i64, description: &str, lines: &[(&str, i64)]) -> Event {
    let postings = postings(lines);
    let expense_cents: i64 = postings
        .iter()
        .filter(|p| ["food", "transport"].contains(&p.account_id.as_str()))
        .map(|p| p.amount_cents)
        .sum();
    Event::TransactionRecorded {
        transaction_id: TransactionId::from(id),
        on_day: day,
        description: description.to_owned(),
        currency: Currency::USD,
        postings,
        recorded_by: MemberId::from("dee"),
        receipt: None,
        paid_for: None,
        donor: None,
        expense_cents,
        needs_approval: false,
        awaits_payment: expense_cents > 0,
    }
}

/// The chart; a public donor's gift on the 2nd; food bought on the 3rd and paid on the 5th
/// with a receipt; an expense still awaiting payment and one declined; the gift counted
/// twice on the 6th and reversed on the 7th; and a description that looks like a formula.
fn books() -> Ledger {
    let mut events: Vec<Event> = ledger::default_chart()
        .into_iter()
        .filter_map(|command| match command {
            ledger::Command::OpenAccount { account_id, name, kind } => {
                Some(Event::AccountOpened { account_id, name, kind })
            }
            _ => None,
        })
        .collect();
    let mut gift =
        recorded("t-gift", jan(2), "Donations box", &[("cash", 25_000), ("donations", -25_000)]);
    if let Event::TransactionRecorded { donor, .. } = &mut gift {
        *donor =
            Some(Donor { public_name: Some("St Mary's parish".to_owned()), personal_data: None });
    }
    let mut food = recorded("t-food", jan(3), "Rice", &[("food", 1_250), ("cash", -1_250)]);
    if let Event::TransactionRecorded { receipt, .. } = &mut food {
        *receipt = Some("123".to_owned());
    }
    let paid = |id: &str, day| Event::ExpensePaid {
        transaction_id: TransactionId::from(id),
        paid_on_day: day,
        paid_by: MemberId::from("fay"),
    };
    events.extend([
        gift,
        food,
        paid("t-food", jan(5)),
        recorded("t-waiting", jan(4), "Fuel", &[("transport", 3_000), ("cash", -3_000)]),
        recorded("t-declined", jan(4), "Cake", &[("food", 999), ("cash", -999)]),
        Event::ExpenseDeclined {
            transaction_id: TransactionId::from("t-declined"),
            declined_by: MemberId::from("ana"),
            reason: "not ours".to_owned(),
        },
        recorded("t-twice", jan(6), "Donations box", &[("cash", 4_000), ("donations", -4_000)]),
        Event::TransactionReversed {
            reversal_id: TransactionId::from("rev-1"),
            transaction_id: TransactionId::from("t-twice"),
            on_day: jan(7),
            currency: Currency::USD,
            postings: postings(&[("cash", -4_000), ("donations", 4_000)]),
            reason: "counted twice".to_owned(),
            recorded_by: MemberId::from("dee"),
        },
        recorded("t-odd", jan(8), "=HYPERLINK(\"http://x\")", &[("bank", 5), ("other-income", -5)]),
    ]);
    let mut ledger = Ledger::new();
    for (i, event) in events.iter().enumerate() {
        ledger.evolve(At::position(i as u64 + 1), event);
    }
    ledger
}

/// Reads CSV as `crate::csv` writes it: quoted fields, doubled quotes, CRLF line ends.
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.split_terminator("\r\n") {
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
        rows.push(fields);
    }
    rows
}

/// Cents of a decimal cell; an empty cell is zero.
fn cents(cell: &str) -> i64 {
    if cell.is_empty() {
        return 0;
    }
    let (units, hundredths) = cell.split_once('.').expect("two decimals");
    assert_eq!(hundredths.len(), 2, "{cell}");
    units.parse::<i64>().unwrap() * 100 + hundredths.parse::<i64>().unwrap()
}

/// Debits minus credits per reference.
fn net_by_reference(rows: &[Vec<String>]) -> BTreeMap<String, i64> {
    let mut net = BTreeMap::new();
    for r in rows {
        *net.entry(r[5].clone()).or_default() += cents(&r[3]) - cents(&r[4]);
    }
    net
}

#[test]
fn every_posting_in_effect_is_a_journal_line_and_each_transaction_balances() {
    let rows = parse(&transactions(&books(), Days::default()));
    assert_eq!(rows[0], ACCOUNTING_COLUMNS);
    let lines = &rows[1..];
    for r in lines {
        assert!(r[3].is_empty() != r[4].is_empty(), "one of debit and credit: {r:?}");
    }
    let net = net_by_reference(lines);
    assert!(net.values().all(|n| *n == 0), "{net:?}");
    assert_eq!(
        lines[0],
        ["2025-01-02", "cash", "Donations box (from St Mary's parish)", "250.00", "", "t-gift"]
    );
    assert_eq!(lines[1][4], "250.00");
    // Unpaid and declined expenses are in no balance.
    assert_eq!(
        net.keys().collect::<Vec<_>>(),
        ["rev-1 / reverses t-twice", "t-food / receipt 123", "t-gift", "t-odd", "t-twice"]
    );
}

#[test]
fn a_paid_expense_is_in_the_books_on_the_day_it_was_paid() {
    let rows = parse(&transactions(&books(), Days::default()));
    let food: Vec<_> = rows.iter().filter(|r| r[5] == "t-food / receipt 123").collect();
    assert_eq!(food.len(), 2);
    assert_eq!(food[0][..5], ["2025-01-05", "food", "Rice", "12.50", ""]);
    assert_eq!(food[1][..5], ["2025-01-05", "cash", "Rice", "", "12.50"]);
}

#[test]
fn a_reversal_is_its_own_transaction_with_its_reason_and_the_original_it_undoes() {
    let rows = parse(&transactions(&books(), Days::default()));
    let reversal: Vec<_> = rows.iter().filter(|r| r[5].starts_with("rev-1")).collect();
    assert_eq!(
        *reversal[0],
        [
            "2025-01-07",
            "cash",
            "Reversal of Donations box: counted twice",
            "",
            "40.00",
            "rev-1 / reverses t-twice"
        ]
    );
    assert_eq!(reversal[1][3], "40.00");
}

#[test]
fn the_range_takes_postings_by_the_day_they_took_effect_both_ends_included() {
    let days = Days::parse(Some("2025-01-05"), Some("2025-01-07")).unwrap();
    let rows = parse(&transactions(&books(), days));
    let dates: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        dates,
        ["2025-01-05", "2025-01-05", "2025-01-06", "2025-01-06", "2025-01-07", "2025-01-07"]
    );
    assert_eq!(days.file_name("transactions"), "transactions-from-2025-01-05-to-2025-01-07.csv");
}

#[test]
fn a_description_that_looks_like_a_formula_is_written_as_text() {
    let csv = transactions(&books(), Days::default());
    assert!(
        csv.contains("2025-01-08,bank,\"'=HYPERLINK(\"\"http://x\"\")\",0.05,,t-odd\r\n"),
        "{csv}"
    );
    let rows = parse(&csv);
    assert!(rows.iter().all(|r| !r[2].starts_with('=')));
}

#[test]
fn bad_dates_and_months_are_refused_with_the_field_named() {
    assert_eq!(
        Days::parse(Some("2025-02-30"), None).unwrap_err(),
        "from: `2025-02-30` is not a date like 2026-11-01"
    );
    assert!(Days::parse(Some("2025-01-09"), Some("2025-01-08")).unwrap_err().contains("after"));
    assert_eq!(parse_month("2025-01"), Ok((2025, 1)));
    assert!(parse_month("2025-13").is_err());
    assert!(parse_month("january").is_err());
    assert_eq!(Kind::parse("stock-movements"), Some(Kind::StockMovements));
    assert_eq!(Kind::parse("ledger"), None);
}

#[test]
fn the_statement_is_balanced_journals_and_each_accounts_movements_make_its_closing() {
    let january = MonthlyStatement::for_month(&books(), 2025, 1).unwrap();
    let rows = parse(&statement(&january));
    assert_eq!(rows[0], ACCOUNTING_COLUMNS);
    let net = net_by_reference(&rows[1..]);
    let references: Vec<&str> = net.keys().map(String::as_str).collect();
    // Nothing happened before January: no opening lines.
    assert_eq!(references, ["statement 2025-01 closing", "statement 2025-01 movements"]);
    assert!(net.values().all(|n| *n == 0), "{net:?}");
    // Per account: the month's debits less its credits is the closing balance.
    let mut left: BTreeMap<&str, i64> = BTreeMap::new();
    for r in &rows[1..] {
        let signed = cents(&r[3]) - cents(&r[4]);
        let closing = r[5].ends_with("closing");
        *left.entry(r[1].as_str()).or_default() += if closing { -signed } else { signed };
    }
    assert!(left.values().all(|b| *b == 0), "{left:?}");
    let cash: Vec<_> = rows.iter().filter(|r| r[1] == "cash").collect();
    assert_eq!(cash.len(), 3, "{cash:?}");
    assert_eq!(cash[0][..5], ["2025-01-31", "cash", "Debits in 2025-01: Cash box", "290.00", ""]);
    assert_eq!(cash[1][..5], ["2025-01-31", "cash", "Credits in 2025-01: Cash box", "", "52.50"]);
    // 250 + 40 - 12.50 - 40.
    assert_eq!(cash[2][..5], ["2025-01-31", "cash", "Closing balance: Cash box", "237.50", ""]);
    let donations = rows.iter().find(|r| r[1] == "donations" && r[5].ends_with("closing"));
    assert_eq!(donations.unwrap()[4], "250.00");
}

#[test]
fn a_later_month_opens_with_the_balances_the_earlier_one_closed_with() {
    let ledger = books();
    let january = parse(&statement(&MonthlyStatement::for_month(&ledger, 2025, 1).unwrap()));
    let february = parse(&statement(&MonthlyStatement::for_month(&ledger, 2025, 2).unwrap()));
    let closing: Vec<_> = january.iter().filter(|r| r[5].ends_with("closing")).collect();
    let opening: Vec<_> = february.iter().filter(|r| r[5].ends_with("opening")).collect();
    assert_eq!(closing.len(), opening.len());
    for (c, o) in closing.iter().zip(&opening) {
        assert_eq!((&c[1], &c[3], &c[4]), (&o[1], &o[3], &o[4]));
        assert_eq!(o[0], "2025-02-01");
    }
    assert!(february.iter().all(|r| !r[5].ends_with("movements")));
}

fn shift(id: &str, day: i64, attendance: &[(&str, i64)], absent: &[&str]) -> Shift {
    let start = start_of_day_ms(day) + 9 * 3_600_000;
    Shift {
        shift_id: ShiftId::from(id),
        task: "Packing".to_owned(),
        starts_at_ms: start,
        ends_at_ms: start + 4 * 3_600_000,
        people_needed: 3,
        cancelled: false,
        signed_up: Vec::new(),
        withdrawn: Vec::new(),
        attendance: attendance
            .iter()
            .map(|(m, minutes)| {
                let at = Attendance {
                    checked_in_at_ms: start,
                    checked_out_at_ms: Some(start + minutes * 60_000),
                    corrected: false,
                };
                (MemberId::from(*m), at)
            })
            .collect(),
        absent: absent.iter().map(|m| MemberId::from(*m)).collect(),
    }
}

#[test]
fn members_carry_roles_cards_current_skills_and_the_months_hours_and_absences() {
    let mut people = Members::default();
    for (id, name, roles) in [
        ("ana", "Ana Ortiz", vec![Role::Coordinator, Role::Finance]),
        ("tess", "Tess, the \"packer\"", vec![Role::Volunteer]),
    ] {
        people.evolve(
            At::position(1),
            &members::Event::MemberAdded {
                member_id: MemberId::from(id),
                name: name.to_owned(),
                roles,
            },
        );
    }
    let mut roster = Roster::new();
    for s in [
        shift("s-1", jan(10), &[("tess", 119), ("gone", 60)], &["ana"]),
        shift("s-2", jan(11), &[("tess", 90)], &[]),
        shift("s-feb", jan(31) + 1, &[("tess", 600)], &["tess"]),
    ] {
        roster.shifts.insert(s.shift_id.clone(), s);
    }
    roster.role_cards.insert(
        RoleCardId::from("treasurer"),
        RoleCard {
            role_card_id: RoleCardId::from("treasurer"),
            title: "Treasurer".to_owned(),
            key_tasks: Vec::new(),
            critical: true,
            holder: Some(Holder {
                member_id: MemberId::from("ana"),
                since_day: jan(1),
                term_ends_on_day: jan(1) + 90,
            }),
            backup_id: None,
            handovers: 0,
        },
    );
    roster.skills.insert(
        MemberId::from("tess"),
        vec![
            SkillEntry {
                skill: Skill::Language { language: "es".to_owned() },
                expires_on_day: None,
            },
            SkillEntry { skill: Skill::FoodHygiene, expires_on_day: Some(jan(1)) },
            SkillEntry { skill: Skill::Cpr, expires_on_day: Some(jan(31)) },
        ],
    );
    let rows = parse(&members(&people, &roster, (2025, 1), jan(20), &shared::clock::Clock::utc()));
    assert_eq!(rows[0], MEMBER_COLUMNS);
    assert_eq!(
        rows[1],
        ["ana", "Ana Ortiz", "coordinator finance", "treasurer", "", "0", "0.00", "0", "1"]
    );
    // A member who left keeps the hours they worked, under their id.
    assert_eq!(rows[2], ["gone", "", "", "", "", "60", "1.00", "1", "0"]);
    assert_eq!(
        rows[3],
        [
            "tess",
            "Tess, the \"packer\"",
            "volunteer",
            "",
            "language es; CPR until 2025-01-31",
            "209",
            "3.48",
            "2",
            "0"
        ]
    );
    assert_eq!(rows.len(), 4);
}
