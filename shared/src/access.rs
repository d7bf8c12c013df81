//! Who may do what: the one table of roles, commands and views.
//!
//! The server enforces it on every command and every projection it sends; the client uses
//! the same table to offer only the actions a member's roles allow. A command type missing
//! from the table is allowed to nobody.

use serde::{Deserialize, Serialize};

pub use crate::kernel::Role;
use crate::kind::CommandKind;

/// Every command type a member may send, in the order the matrix tests walk them: each
/// part's own list (generated from its enum), joined, without the server's own
/// `RecordContactView`.
pub const COMMAND_TYPES: [&str; 80] = concat(&[
    crate::distribution::Command::TYPES,
    crate::members::Command::TYPES,
    crate::limits::Command::TYPES,
    crate::people::Command::TYPES,
    crate::ledger::Command::TYPES,
    crate::standing::Command::TYPES,
]);

/// Joins lists at compile time, leaving out the server's own command; a wrong total length
/// fails the build.
const fn concat<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut at, mut part) = (0, 0);
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            if !same(parts[part][i], "RecordContactView") {
                out[at] = parts[part][i];
                at += 1;
            }
            i += 1;
        }
        part += 1;
    }
    assert!(at == N, "COMMAND_TYPES has the wrong length");
    out
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
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

/// The roles allowed to send a command of this kind: the one table. It is an exhaustive
/// match, so a new command does not compile until it has its roles here.
pub fn roles_for(kind: CommandKind) -> &'static [Role] {
    use crate::distribution::CommandKind as D;
    use crate::members::CommandKind as M;
    use crate::standing::CommandKind as S;
    use Role::*;
    match kind {
        CommandKind::Distribution(kind) => match kind {
            D::RegisterItem
            | D::RegisterLocation
            | D::RegisterPartner
            | D::SetLowStockThreshold => &[Coordinator, Logistics],
            D::ReceiveStock | D::AdjustStock | D::TransferStock => &[Coordinator, Logistics],
            D::LogRequest | D::RegisterHousehold => &[Coordinator, Communications, Liaison],
            D::CheckStock | D::ReserveStock | D::ReleaseStock | D::ScheduleDelivery => {
                &[Coordinator, Logistics]
            }
            D::CancelRequest => &[Coordinator, Logistics, Communications, Liaison],
            D::ConfirmWithHousehold => &[Coordinator, Communications, Liaison],
            D::ClaimDelivery => &[Driver],
            // Only the delivery's own driver among drivers (`may_take_delivery_step`).
            D::StartDelivery | D::CompleteDelivery | D::FailDelivery | D::UndoCompletion => {
                &[Driver, Coordinator, Logistics]
            }
            // The group's zones, its clock and when a request is late.
            D::AddZone | D::RemoveZone | D::SetLateAfter | D::SetTimeZone => &[Coordinator],
            D::RecordFeedback => &[Coordinator, Communications, Liaison, Driver, Volunteer],
            D::RaiseProcurementAlert | D::ResolveProcurementAlert => {
                &[Coordinator, Logistics, Finance]
            }
            D::RegisterDriver => &[Coordinator],
            // Destroys the household's key: its personal data is gone for good.
            D::EraseHousehold => &[Coordinator, Liaison],
            // The server's own record of an opening of contact details: no member sends it.
            D::RecordContactView => &[],
        },
        CommandKind::Members(kind) => match kind {
            M::AddMember | M::ChangeRoles | M::RemoveMember => &[Coordinator],
        },
        CommandKind::Limits(kind) => match kind {
            crate::limits::CommandKind::SetGroupLimits
            | crate::limits::CommandKind::SetHouseholdRetention => &[Coordinator],
        },
        CommandKind::People(kind) => roles_for_people(kind),
        CommandKind::Ledger(kind) => roles_for_money(kind),
        // A household's standing orders: those who keep in touch with households. The
        // server logs each date itself; a coordinator or logistics may log one early.
        CommandKind::Standing(kind) => match kind {
            S::StartStandingOrder
            | S::PauseStandingOrder
            | S::SkipStandingDate
            | S::ChangeStandingItems
            | S::EndStandingOrder => &[Coordinator, Communications, Liaison],
            S::LogStandingOccurrence => &[Coordinator, Logistics],
        },
    }
}

/// People: coordinators manage role cards and the agreement; everyone at work keeps their
/// own skills, commitments and shifts (`decide` checks it is their own unless a
/// coordinator, or logistics for shifts, acts).
fn roles_for_people(kind: crate::people::CommandKind) -> &'static [Role] {
    use crate::people::CommandKind as P;
    use Role::*;
    match kind {
        P::DefineRoleCard
        | P::ReviseRoleCard
        | P::AssignRole
        | P::HandOverRole
        | P::RenewRoleTerm
        | P::SetRoleBackup
        | P::SetRoleContact
        | P::EndRole
        | P::EraseRoleContact => &[Coordinator],
        P::AdoptAgreement | P::ChangeAgreement | P::ReviewAgreement => &[Coordinator],
        P::RecordSkill | P::RemoveSkill | P::MakeCommitment | P::EndCommitment => &MEMBERS_AT_WORK,
        P::SignUpForShift | P::WithdrawFromShift | P::CheckInToShift | P::CheckOutOfShift => {
            &MEMBERS_AT_WORK
        }
        P::PlanShift | P::CancelShift | P::CorrectShiftTimes | P::RecordShiftAbsence => {
            &[Coordinator, Logistics]
        }
        P::DefineShiftTemplate | P::EndShiftTemplate => &[Coordinator, Logistics],
    }
}

/// Money: finance records; finance and coordinators approve and erase a donor.
fn roles_for_money(kind: crate::ledger::CommandKind) -> &'static [Role] {
    use crate::ledger::CommandKind as L;
    use Role::*;
    match kind {
        L::OpenAccount
        | L::CloseAccount
        | L::RecordTransaction
        | L::PayExpense
        | L::ReverseTransaction
        | L::RecordGoodsDonation
        | L::ReverseGoodsDonation => &[Finance],
        L::ApplyForGrant | L::RecordGrantAward | L::RecordGrantDecline | L::ReceiveGrant => {
            &[Finance]
        }
        L::ApproveExpense | L::DeclineExpense | L::EraseDonor => &[Finance, Coordinator],
    }
}

/// The roles allowed to send a command, by its type tag; none for a type there is not.
pub fn roles_for_command(command_type: &str) -> &'static [Role] {
    CommandKind::from_name(command_type).map_or(&[], roles_for)
}

/// Whether a member holding `roles` may send a command of this kind.
pub fn may_send_kind(roles: &[Role], kind: CommandKind) -> bool {
    roles_for(kind).iter().any(|allowed| roles.contains(allowed))
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
