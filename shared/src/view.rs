//! What the server computes for a screen and sends over HTTP, as types both sides share: the
//! server builds these values and serializes them, the web client decodes them and reads
//! fields. A field renamed here is renamed on both sides, or neither compiles.
//!
//! Like [`crate::wire`], these are a stability boundary: fields are added, never renamed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::distribution::MemberId;
use crate::distribution::report::MonthReport;
use crate::ledger::{
    Account, GoodsDonation, Grant, MonthlyStatement, Transaction, YearlyChannelTotals,
};
use crate::limits::GroupLimits;
use crate::members::Member;
use crate::people::{
    Agreement, Commitment, PeopleMonth, RoleCard, Shift, ShiftTemplate, Signal, SkillEntry,
    Workload,
};
use crate::personal::PersonalData;
use crate::wire::{Snapshot, WireEvent};

mod plans;
pub use plans::{StandingRow, StandingView, WEEK_DAYS, WeekItem, WeekRole, WeekView};

/// `POST /api/session`: who signed in, and the session token (also set as a cookie).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub member: Member,
    pub token: String,
}

/// The body of every error answer: `{"error": {"code", "message", ...}}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A refusal in a form a screen can put into its own words: `code` names the reason
/// (`insufficient_stock`, `wrong_stage`, ...), `message` says it in English.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// What a refusal is about, by name (`kind`, `id`, `item_id`, `requested`...): a screen
    /// words the code with these in its own language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: BTreeMap<String, String>,
}

/// `GET /api/requests/{id}/contact`: a household's contact details, for the roles whose work
/// needs them; `erased` when the household was forgotten (no data left).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub request_id: String,
    pub household_id: String,
    pub erased: bool,
    pub personal_data: Option<PersonalData>,
}

/// `GET /api/roles/{id}/contact`: how to reach a role's holder in that role; `None` when they
/// left nothing or it was erased.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleContact {
    pub role_card_id: String,
    pub member_id: String,
    pub personal_data: Option<PersonalData>,
}

/// `GET /api/roster`: the roster as its screen shows it, as of `now_ms`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterView {
    pub now_ms: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub limits: GroupLimits,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub signals: Vec<Signal>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub role_cards: Vec<RoleCard>,
    /// Every member with a role, a backup duty, a shift or a commitment.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub workloads: Vec<Workload>,
    /// By start time.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub shifts: Vec<Shift>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub skills: BTreeMap<MemberId, Vec<SkillEntry>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub agreement: Option<Agreement>,
    /// Commitments still running, by member.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub commitments: Vec<Commitment>,
    /// Shift templates still running: the shifts that come back.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub templates: Vec<ShiftTemplate>,
}

/// `GET /api/ledger`: the books as the money screen shows them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerView {
    pub currency: Option<String>,
    /// An expense strictly above this needs a second member's approval.
    pub approval_threshold_cents: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub accounts: Vec<Account>,
    /// Newest first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub transactions: Vec<Transaction>,
    /// Every grant applied for, newest application first (not filtered).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub grants: Vec<Grant>,
    /// Donated goods with their estimated value, newest first (filtered by `from` and `to`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub goods: Vec<GoodsDonation>,
}

/// `GET /api/statements/{year}/{month}`: a month's statement and the year's totals per
/// payment channel.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementView {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub statement: MonthlyStatement,
    /// Money received per cash, bank and payment-app account in the statement's year, up to
    /// the end of its month: payment apps report to tax authorities above thresholds.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub channels: YearlyChannelTotals,
}

/// `GET /api/reports/{year}/{month}`: everything the retrospective shows for one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthView {
    /// `2026-10`.
    pub month: String,
    #[serde(flatten)]
    pub distribution: MonthReport,
    pub people: PeopleMonth,
    pub money: Option<MonthlyStatement>,
}

/// `GET /api/history`: the board at a past position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastBoard {
    /// The position answered and when its event was recorded.
    pub position: u64,
    pub recorded_at_ms: i64,
    /// The log's head now, so a timeline knows how far it can go.
    pub head: u64,
    /// What a screen folds: the board, the timelines of its requests, the members.
    pub snapshot: Snapshot,
}

/// `GET /api/history/events`: events after a position, as the live feed sends them. A client
/// that reads events its own way (the web client decodes only what it folds) names its own
/// event type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastEvents<E = WireEvent> {
    pub events: Vec<E>,
    /// The last position read, whether or not its event is shown: ask again after it.
    pub last: u64,
    pub head: u64,
}

pub mod import {
    //! `POST /api/imports/{kind}` and `GET /api/imports/progress`.

    use serde::{Deserialize, Serialize};

    use crate::kind::CommandKind;

    /// What a spreadsheet can hold, as the import's path names it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Kind {
        Items,
        Members,
        Partners,
        Households,
        Donations,
        Expenses,
    }

    impl Kind {
        pub const ALL: [Kind; 6] = [
            Kind::Items,
            Kind::Members,
            Kind::Partners,
            Kind::Households,
            Kind::Donations,
            Kind::Expenses,
        ];

        /// The name in paths and on the command line: `items`, `members`, ...
        pub fn name(self) -> &'static str {
            match self {
                Kind::Items => "items",
                Kind::Members => "members",
                Kind::Partners => "partners",
                Kind::Households => "households",
                Kind::Donations => "donations",
                Kind::Expenses => "expenses",
            }
        }

        pub fn from_name(name: &str) -> Option<Kind> {
            Kind::ALL.into_iter().find(|kind| kind.name() == name)
        }

        /// The commands an import of this kind may send: the importing member must be
        /// allowed every one of them (and a screen offers the kind only then).
        pub fn command_kinds(self) -> &'static [CommandKind] {
            use crate::distribution::CommandKind as D;
            use crate::ledger::CommandKind as L;
            use CommandKind::{Distribution, Ledger};
            match self {
                Kind::Items => &[
                    Distribution(D::RegisterItem),
                    Distribution(D::RegisterLocation),
                    Distribution(D::SetLowStockThreshold),
                    Distribution(D::AdjustStock),
                ],
                Kind::Members => &[
                    CommandKind::Members(crate::members::CommandKind::AddMember),
                    CommandKind::Members(crate::members::CommandKind::ChangeRoles),
                    CommandKind::People(crate::people::CommandKind::RecordSkill),
                ],
                Kind::Partners => &[Distribution(D::RegisterPartner)],
                Kind::Households => &[Distribution(D::RegisterHousehold)],
                Kind::Donations => &[Ledger(L::OpenAccount), Ledger(L::RecordTransaction)],
                Kind::Expenses => {
                    &[Ledger(L::OpenAccount), Ledger(L::RecordTransaction), Ledger(L::PayExpense)]
                }
            }
        }
    }

    /// One problem, where the spreadsheet shows it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RowError {
        /// The line as the spreadsheet numbers it (the header is a line too); 0 for the file.
        pub row: usize,
        /// The column's key, or empty when the problem is the row's.
        pub column: String,
        pub message: String,
    }

    impl RowError {
        /// "row 14, quantity: 'twelve' is not a number".
        pub fn words(&self) -> String {
            match (self.row, self.column.as_str()) {
                (0, _) => self.message.clone(),
                (row, "") => format!("row {row}: {}", self.message),
                (row, column) => format!("row {row}, {column}: {}", self.message),
            }
        }
    }

    /// Commands planned of one type.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Action {
        pub command: String,
        pub count: usize,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PreviewLine {
        pub row: usize,
        pub text: String,
    }

    /// A member the import added, with the one-time password to give them.
    #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SignIn {
        pub member_id: String,
        pub password: String,
    }

    impl std::fmt::Debug for SignIn {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SignIn").field("member_id", &self.member_id).finish_non_exhaustive()
        }
    }

    /// What an import did or, for a dry run, would do.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Report {
        pub kind: Kind,
        /// SHA-256 of the file's bytes, hex: confirm an import with it.
        pub file_hash: String,
        /// Rows read below the header, blank ones not counted.
        pub rows: usize,
        pub errors: Vec<RowError>,
        pub errors_total: usize,
        /// Commands planned, by type, in first-seen order.
        pub actions: Vec<Action>,
        /// Rows (or stock counts) already as the file says.
        pub unchanged: usize,
        pub preview: Vec<PreviewLine>,
        /// How the file was read: separator, header line, ignored columns, encoding.
        pub notes: Vec<String>,
        pub committed: bool,
        /// First and last log positions written.
        pub positions: Option<(u64, u64)>,
        /// One-time passwords of members this import added: shown once.
        pub sign_ins: Vec<SignIn>,
    }

    impl Report {
        pub fn has_errors(&self) -> bool {
            self.errors_total > 0
        }

        /// A check with no errors, not yet imported: the file may be imported as checked.
        pub fn importable(&self) -> bool {
            !self.committed && !self.has_errors()
        }
    }

    /// Where an import stands.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Phase {
        #[default]
        Idle,
        Reading,
        Checking,
        Writing,
        Done,
        Cancelled,
    }

    /// `GET /api/imports/progress`: the member's running import, for a progress bar.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Progress {
        /// idle, reading, checking, writing, done or cancelled.
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        pub phase: Phase,
        pub done: usize,
        pub total: usize,
    }
}
