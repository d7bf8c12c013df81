//! Who the simulated group is, and what it sets up on its first day: members, the chart of
//! accounts with its opening balance, role cards and the agreement.

use super::Command;
use crate::access::Role;
use crate::ledger::{self, AccountId, Currency, Posting, TransactionId};
use crate::members;
use crate::people::{self, AgreementText, RoleCardId};

pub(super) const COORDINATOR: &str = "ana";
pub(super) const LOGISTICS: &str = "cy";
pub(super) const FINANCE: [&str; 2] = ["dee", "fay"];
/// Everyone who does the work (the auditor only reads).
pub(super) const WORKERS: [&str; 9] =
    ["ana", "bo", "cy", "dee", "eve", "fay", "gus", "hana", "ivo"];

const MEMBERS: [(&str, &str, &[Role]); 10] = [
    ("ana", "Ana", &[Role::Coordinator]),
    ("bo", "Bo", &[Role::Volunteer, Role::Driver]),
    ("cy", "Cy", &[Role::Logistics]),
    ("dee", "Dee", &[Role::Finance]),
    ("eve", "Eve", &[Role::Communications, Role::Volunteer]),
    ("fay", "Fay", &[Role::Finance, Role::Volunteer]),
    ("gus", "Gus", &[Role::Volunteer]),
    ("hana", "Hana", &[Role::Liaison, Role::Volunteer]),
    ("ivo", "Ivo", &[Role::Driver]),
    ("aud", "Aud", &[Role::Auditor]),
];

/// A role card: id, title, a key task, critical, first holder, backup.
pub(super) type Card =
    (&'static str, &'static str, &'static str, bool, &'static str, Option<&'static str>);

pub(super) const CARDS: [Card; 5] = [
    ("facilitator", "Facilitator", "Run the weekly meeting", true, "ana", Some("eve")),
    ("logistics-lead", "Logistics lead", "Keep the pantry stocked", true, "cy", None),
    ("finance-officer", "Finance & grants officer", "Keep the books", true, "dee", Some("fay")),
    ("comms-hub", "Communications hub", "Call households back", true, "eve", None),
    ("driver-rota", "Driver rota", "Plan the week's drives", false, "bo", None),
];

/// Everything the group does on day `today`, in order, with who sends it.
pub(super) fn commands(today: i64) -> Vec<(&'static str, Command)> {
    let mut commands = Vec::new();
    for (id, name, roles) in MEMBERS {
        let add = members::Command::AddMember {
            member_id: id.into(),
            name: name.to_owned(),
            roles: roles.to_vec(),
        };
        commands.push((COORDINATOR, Command::Members(add)));
    }
    for open in ledger::default_chart() {
        commands.push((FINANCE[0], Command::Ledger(open)));
    }
    let opening = ledger::Command::RecordTransaction {
        transaction_id: TransactionId::from("opening"),
        on_day: today,
        description: "Balances brought in".to_owned(),
        currency: Currency::USD,
        postings: vec![
            Posting { account_id: AccountId::from("bank"), amount_cents: 150_000 },
            Posting { account_id: AccountId::from("cash"), amount_cents: 8_000 },
            Posting { account_id: AccountId::from("opening-balances"), amount_cents: -158_000 },
        ],
        receipt: None,
        paid_for: None,
        donor: None,
    };
    commands.push((FINANCE[0], Command::Ledger(opening)));
    commands.extend(role_cards(today));
    let text = AgreementText {
        membership: "Anyone in the neighbourhood who shows up twice is a member.".to_owned(),
        commitments: "Specific and recurring; a week's notice before stopping.".to_owned(),
        communication: "The group chat; a phone call for anything urgent.".to_owned(),
        boundaries: "No cash loans, no medical advice, no eligibility checks.".to_owned(),
    };
    commands.push((COORDINATOR, Command::People(people::Command::AdoptAgreement { text })));
    commands
}

fn role_cards(today: i64) -> Vec<(&'static str, Command)> {
    let mut commands = Vec::new();
    for (id, title, task, critical, holder, backup) in CARDS {
        let define = people::Command::DefineRoleCard {
            role_card_id: RoleCardId::from(id),
            title: title.to_owned(),
            key_tasks: vec![task.to_owned()],
            critical,
        };
        let assign = people::Command::AssignRole {
            role_card_id: RoleCardId::from(id),
            member_id: holder.into(),
            backup_id: backup.map(Into::into),
            term_ends_on_day: today + 90,
            contact: None,
        };
        commands.push((COORDINATOR, Command::People(define)));
        commands.push((COORDINATOR, Command::People(assign)));
    }
    commands
}
