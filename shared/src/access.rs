//! Who may do what: the one table of roles, commands and views.
//!
//! The server enforces it on every command and every projection it sends; the client uses
//! the same table to offer only the actions a member's roles allow. A command type missing
//! from the table is allowed to nobody.

use serde::{Deserialize, Serialize};

pub use crate::kernel::Role;

/// The distribution-day commands a member may send (`RecordContactView` is the server's
/// own, so it is not here).
const DISTRIBUTION_COMMANDS: [&str; 29] = [
    "RegisterItem",
    "RegisterLocation",
    "RegisterPartner",
    "SetLowStockThreshold",
    "RegisterDriver",
    "ReceiveStock",
    "AdjustStock",
    "TransferStock",
    "LogRequest",
    "CheckStock",
    "ReserveStock",
    "ReleaseStock",
    "CancelRequest",
    "RecordFeedback",
    "ScheduleDelivery",
    "ClaimDelivery",
    "ConfirmWithHousehold",
    "StartDelivery",
    "CompleteDelivery",
    "FailDelivery",
    "RaiseProcurementAlert",
    "ResolveProcurementAlert",
    "EraseHousehold",
    "RegisterHousehold",
    "AddZone",
    "RemoveZone",
    "SetLateAfter",
    "SetTimeZone",
    "UndoCompletion",
];

/// Every command type a member may send, in the order the matrix tests walk them: each
/// part's own list, joined, so a new command is listed once, beside its enum.
pub const COMMAND_TYPES: [&str; 80] = concat(&[
    &DISTRIBUTION_COMMANDS,
    crate::members::Command::TYPES,
    crate::limits::Command::TYPES,
    crate::people::Command::TYPES,
    crate::ledger::Command::TYPES,
    crate::standing::Command::TYPES,
]);

/// Joins lists at compile time; a wrong total length fails the build.
const fn concat<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut at, mut part) = (0, 0);
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            out[at] = parts[part][i];
            at += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(at == N, "COMMAND_TYPES has the wrong length");
    out
}

/// Every role that does the group's work: all but the auditor, who only reads.
const MEMBERS_AT_WORK: [Role; 7] = [
    Role::Coordinator,
    Role::Logistics,
    Role::Communications,
    Role::Finance,
    Role::Liaison,
    Role::Driver,
    Role::Volunteer,
];

/// The roles allowed to send a command, by its type tag.
pub fn roles_for_command(command_type: &str) -> &'static [Role] {
    use Role::*;
    match command_type {
        "RegisterItem" | "RegisterLocation" | "RegisterPartner" | "SetLowStockThreshold" => {
            &[Coordinator, Logistics]
        }
        "ReceiveStock" | "AdjustStock" | "TransferStock" => &[Coordinator, Logistics],
        "LogRequest" | "RegisterHousehold" => &[Coordinator, Communications, Liaison],
        "CheckStock" | "ReserveStock" | "ReleaseStock" | "ScheduleDelivery" => {
            &[Coordinator, Logistics]
        }
        "CancelRequest" => &[Coordinator, Logistics, Communications, Liaison],
        "ConfirmWithHousehold" => &[Coordinator, Communications, Liaison],
        "ClaimDelivery" => &[Driver],
        "StartDelivery" | "CompleteDelivery" | "FailDelivery" | "UndoCompletion" => {
            &[Driver, Coordinator, Logistics]
        }
        // The group's zones and when a request is late.
        "AddZone" | "RemoveZone" | "SetLateAfter" | "SetTimeZone" => &[Coordinator],
        "RecordFeedback" => &[Coordinator, Communications, Liaison, Driver, Volunteer],
        "RaiseProcurementAlert" | "ResolveProcurementAlert" => &[Coordinator, Logistics, Finance],
        "RegisterDriver" | "AddMember" | "ChangeRoles" | "RemoveMember" => &[Coordinator],
        // A household's standing orders: those who keep in touch with households.
        "StartStandingOrder"
        | "PauseStandingOrder"
        | "SkipStandingDate"
        | "ChangeStandingItems"
        | "EndStandingOrder" => &[Coordinator, Communications, Liaison],
        // The server logs each date itself; a coordinator or logistics may log one early.
        "LogStandingOccurrence" => &[Coordinator, Logistics],
        // Destroys the household's key: its personal data is gone for good.
        "EraseHousehold" => &[Coordinator, Liaison],
        _ => roles_for_people_and_money(command_type),
    }
}

/// People: coordinators manage role cards, limits and the agreement; everyone at work keeps
/// their own skills, commitments and shifts (`decide` checks it is their own unless a
/// coordinator, or logistics for shifts, acts). Money: finance records; finance and
/// coordinators approve.
fn roles_for_people_and_money(command_type: &str) -> &'static [Role] {
    use Role::*;
    match command_type {
        "SetGroupLimits"
        | "SetHouseholdRetention"
        | "DefineRoleCard"
        | "ReviseRoleCard"
        | "AssignRole"
        | "HandOverRole"
        | "RenewRoleTerm"
        | "SetRoleBackup"
        | "SetRoleContact"
        | "EndRole"
        | "EraseRoleContact" => &[Coordinator],
        "AdoptAgreement" | "ChangeAgreement" | "ReviewAgreement" => &[Coordinator],
        "RecordSkill" | "RemoveSkill" | "MakeCommitment" | "EndCommitment" => &MEMBERS_AT_WORK,
        "SignUpForShift" | "WithdrawFromShift" | "CheckInToShift" | "CheckOutOfShift" => {
            &MEMBERS_AT_WORK
        }
        "PlanShift" | "CancelShift" | "CorrectShiftTimes" | "RecordShiftAbsence" => {
            &[Coordinator, Logistics]
        }
        "DefineShiftTemplate" | "EndShiftTemplate" => &[Coordinator, Logistics],
        "OpenAccount"
        | "CloseAccount"
        | "RecordTransaction"
        | "PayExpense"
        | "ReverseTransaction"
        | "RecordGoodsDonation"
        | "ReverseGoodsDonation" => &[Finance],
        "ApplyForGrant" | "RecordGrantAward" | "RecordGrantDecline" | "ReceiveGrant" => &[Finance],
        "ApproveExpense" | "DeclineExpense" | "EraseDonor" => &[Finance, Coordinator],
        _ => &[],
    }
}

/// Whether a member holding `roles` may send a command of this type.
pub fn may_send(roles: &[Role], command_type: &str) -> bool {
    roles_for_command(command_type).iter().any(|allowed| roles.contains(allowed))
}

/// What a member may watch live or read, beyond the board everyone sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// The distribution-day board: stages, deliveries, alerts, low stock. No personal data.
    Board,
    /// Stock levels per item and location.
    Stock,
    /// The steps of requests, with who did what.
    Timelines,
    /// The raw event log (`GET /api/events`) and the chain check.
    Log,
    /// The member list with roles.
    Members,
    /// Role cards, skills, commitments, shifts, hours and burnout signals. No contacts.
    Roster,
    /// Every transaction, balance, grant and goods donation, with who recorded and approved
    /// it. Donors appear only by the public name they chose.
    Ledger,
    /// The monthly statement and yearly channel totals, shared with the whole group.
    Statement,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Board,
        View::Stock,
        View::Timelines,
        View::Log,
        View::Members,
        View::Roster,
        View::Ledger,
        View::Statement,
    ];
}

/// Whether a member holding `roles` may see a view.
pub fn may_view(roles: &[Role], view: View) -> bool {
    use Role::*;
    let allowed: &[Role] = match view {
        View::Board | View::Stock | View::Timelines | View::Members => &Role::ALL,
        View::Roster | View::Statement => &Role::ALL,
        View::Log => &[Coordinator, Auditor],
        View::Ledger => &[Finance, Coordinator, Auditor],
    };
    allowed.iter().any(|role| roles.contains(role))
}

/// Whether a member holding `roles` may open a household's contact details: the roles that
/// see them all ([`sees_all_personal_data`]), and a driver on the day of a delivery of theirs
/// to that household (`drives_it_today`, from [`crate::distribution::Board::drives_today`]),
/// who is shown the address and phone only.
pub fn sees_household_contact(roles: &[Role], drives_it_today: bool) -> bool {
    sees_all_personal_data(roles) || (roles.contains(&Role::Driver) && drives_it_today)
}

/// Whether `actor`, holding `roles`, may start, complete or fail a delivery assigned to
/// `driver` (`None`: a pickup, or a delivery nobody has claimed): its driver may, and so may
/// coordinators and logistics, who step in for a driver (the log records who did).
pub fn may_take_delivery_step(roles: &[Role], actor: &str, driver: Option<&str>) -> bool {
    driver.is_none_or(|driver| driver == actor)
        || [Role::Coordinator, Role::Logistics].iter().any(|role| roles.contains(role))
}

/// Roles that may see a household's contact details without being its driver. Everyone else
/// sees them only for deliveries assigned to them as driver; auditors, finance and
/// volunteers never do (unless they also hold one of these roles).
pub fn sees_all_personal_data(roles: &[Role]) -> bool {
    use Role::*;
    [Coordinator, Communications, Liaison].iter().any(|role| roles.contains(role))
}

/// Roles that see who opened which household's contact details, and when
/// (`ContactDetailsViewed`): the coordinator and the auditor, who watch over that access.
/// Everyone else's live feed leaves those events out.
pub fn sees_contact_views(roles: &[Role]) -> bool {
    may_view(roles, View::Log)
}

/// Roles that may open a donor's sealed identity (to thank them, to issue a receipt).
/// Everyone else, auditors included, sees a donor only by the public name they chose.
pub fn sees_donor_personal_data(roles: &[Role]) -> bool {
    roles.contains(&Role::Finance)
}

/// Roles that may open a role holder's sealed contact: the members working alongside them.
/// The auditor, who only reads the books, does not.
pub fn sees_role_contacts(roles: &[Role]) -> bool {
    MEMBERS_AT_WORK.iter().any(|role| roles.contains(role))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    #[test]
    fn an_auditor_may_send_no_command_at_all() {
        for command in ["LogRequest", "ReceiveStock", "AddMember", "CompleteDelivery"] {
            assert!(!may_send(&[Auditor], command), "{command}");
        }
    }

    #[test]
    fn every_command_type_is_allowed_to_someone_but_the_auditor() {
        for command in COMMAND_TYPES {
            assert!(!roles_for_command(command).is_empty(), "{command}");
            assert!(!may_send(&[Auditor], command), "{command}");
        }
    }

    #[test]
    fn an_unknown_command_type_is_allowed_to_nobody() {
        assert!(!may_send(&Role::ALL, "DropAllTables"));
    }

    #[test]
    fn holding_several_roles_allows_the_union() {
        assert!(!may_send(&[Volunteer], "ReserveStock"));
        assert!(may_send(&[Volunteer, Logistics], "ReserveStock"));
    }

    #[test]
    fn only_drivers_claim_deliveries() {
        let claimers: Vec<Role> =
            Role::ALL.into_iter().filter(|r| may_send(&[*r], "ClaimDelivery")).collect();
        assert_eq!(claimers, vec![Driver]);
    }

    #[test]
    fn only_finance_records_money_and_a_coordinator_may_also_approve() {
        let senders = |command: &str| -> Vec<Role> {
            Role::ALL.into_iter().filter(|r| may_send(&[*r], command)).collect()
        };
        for command in ["RecordTransaction", "PayExpense", "ReverseTransaction", "ReceiveGrant"] {
            assert_eq!(senders(command), vec![Finance], "{command}");
        }
        assert_eq!(senders("ApproveExpense"), vec![Coordinator, Finance]);
        assert_eq!(senders("DeclineExpense"), vec![Coordinator, Finance]);
    }

    #[test]
    fn coordinators_manage_role_cards_limits_and_the_agreement() {
        for command in ["AssignRole", "HandOverRole", "EndRole", "SetGroupLimits", "AdoptAgreement"]
        {
            let senders: Vec<Role> =
                Role::ALL.into_iter().filter(|r| may_send(&[*r], command)).collect();
            assert_eq!(senders, vec![Coordinator], "{command}");
        }
    }

    #[test]
    fn every_member_at_work_signs_up_and_checks_in_and_logistics_also_plans_shifts() {
        for role in Role::ALL.into_iter().filter(|r| *r != Auditor) {
            for command in ["SignUpForShift", "CheckInToShift", "CheckOutOfShift", "RecordSkill"] {
                assert!(may_send(&[role], command), "{role:?} {command}");
            }
        }
        assert!(may_send(&[Logistics], "PlanShift") && may_send(&[Logistics], "CorrectShiftTimes"));
        assert!(!may_send(&[Volunteer], "PlanShift") && !may_send(&[Driver], "RecordShiftAbsence"));
    }

    #[test]
    fn the_ledger_is_read_by_finance_coordinators_and_auditors_and_the_statement_by_all() {
        let readers: Vec<Role> =
            Role::ALL.into_iter().filter(|r| may_view(&[*r], View::Ledger)).collect();
        assert_eq!(readers, vec![Coordinator, Finance, Auditor]);
        assert!(Role::ALL.into_iter().all(|r| may_view(&[r], View::Statement)));
        assert!(Role::ALL.into_iter().all(|r| may_view(&[r], View::Roster)));
    }

    #[test]
    fn only_finance_sees_donors_and_the_auditor_sees_no_contacts() {
        let donors: Vec<Role> =
            Role::ALL.into_iter().filter(|r| sees_donor_personal_data(&[*r])).collect();
        assert_eq!(donors, vec![Finance]);
        assert!(!sees_role_contacts(&[Auditor]));
        assert!(sees_role_contacts(&[Volunteer]));
    }

    #[test]
    fn only_coordinators_and_liaisons_erase_a_household() {
        let erasers: Vec<Role> =
            Role::ALL.into_iter().filter(|r| may_send(&[*r], "EraseHousehold")).collect();
        assert_eq!(erasers, vec![Coordinator, Liaison]);
    }

    #[test]
    fn recording_a_contact_view_is_the_servers_alone() {
        assert!(!COMMAND_TYPES.contains(&"RecordContactView"));
        assert!(!may_send(&Role::ALL, "RecordContactView"));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
        }
    }

    #[test]
    fn a_driver_sees_a_household_only_on_the_day_of_their_delivery() {
        assert!(sees_household_contact(&[Liaison], false));
        assert!(sees_household_contact(&[Driver], true));
        assert!(!sees_household_contact(&[Driver], false));
        assert!(!sees_household_contact(&[Volunteer, Finance, Auditor], true));
    }

    #[test]
    fn a_delivery_is_taken_further_by_its_driver_or_those_who_step_in() {
        assert!(may_take_delivery_step(&[Driver], "quinn", Some("quinn")));
        assert!(!may_take_delivery_step(&[Driver], "omar", Some("quinn")));
        assert!(may_take_delivery_step(&[Logistics], "ben", Some("quinn")));
        assert!(may_take_delivery_step(&[Coordinator], "ana", Some("quinn")));
        assert!(may_take_delivery_step(&[Driver], "omar", None), "a pickup, or nobody's yet");
    }
}
