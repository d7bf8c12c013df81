//! Why `decide` said no. A rejection is an expected outcome, not an error in the program:
//! the caller shows the message and nothing is appended.

/// A refused command. Every variant but [`Rejection::Conflict`] is the caller's input being
/// wrong for the current state (HTTP 422); a conflict is someone else having got there first
/// (HTTP 409), so the client refreshes and shows who.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A field is malformed (empty, too long, zero or negative, out of range). The client
    /// shows the reason next to the named field.
    #[error("{field}: {reason}")]
    InvalidField { field: String, reason: String },
    /// The command names something the group has not registered or logged. The client
    /// offers to register it or to pick an existing one.
    #[error("unknown {kind} `{id}`")]
    Unknown { kind: &'static str, id: String },
    /// The id chosen for a new thing is taken. A retried command with the same id has
    /// already been applied; the client shows the existing thing.
    #[error("{kind} `{id}` already exists")]
    AlreadyExists { kind: &'static str, id: String },
    /// There is not enough unreserved, unexpired stock. The client shows what there is and
    /// suggests a smaller quantity or a procurement alert.
    #[error("not enough `{item_id}`: {requested} wanted, {available} available")]
    InsufficientStock { item_id: String, requested: i64, available: i64 },
    /// The step does not apply at this point of the workflow (completing a cancelled
    /// request, starting a pickup). The client refreshes its view of the request.
    #[error("{message}")]
    WrongStage { message: String },
    /// Someone else got there first (a second driver claiming a delivery). HTTP 409: the
    /// client refreshes and says who holds it.
    #[error("{message}")]
    Conflict { message: String },
    /// The acting member's roles allow the command, but not for this one: approving an
    /// expense they recorded themselves, signing someone else up for a shift. The client
    /// says who may do it instead.
    #[error("{message}")]
    NotPermitted { message: String },
}

impl Rejection {
    /// A stable machine-readable code, snake_case, for clients and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::InvalidField { .. } => "invalid_field",
            Rejection::Unknown { .. } => "unknown",
            Rejection::AlreadyExists { .. } => "already_exists",
            Rejection::InsufficientStock { .. } => "insufficient_stock",
            Rejection::WrongStage { .. } => "wrong_stage",
            Rejection::Conflict { .. } => "conflict",
            Rejection::NotPermitted { .. } => "not_permitted",
        }
    }

    /// What the refusal is about, by name: a screen puts them into its own words for the
    /// code (`kind` and `id` of an unknown thing, the stock wanted and available...).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Rejection::InvalidField { field, reason } => {
                vec![("field", field.clone()), ("reason", reason.clone())]
            }
            Rejection::Unknown { kind, id } | Rejection::AlreadyExists { kind, id } => {
                vec![("kind", (*kind).to_owned()), ("id", id.clone())]
            }
            Rejection::InsufficientStock { item_id, requested, available } => vec![
                ("item_id", item_id.clone()),
                ("requested", requested.to_string()),
                ("available", available.to_string()),
            ],
            Rejection::WrongStage { message }
            | Rejection::Conflict { message }
            | Rejection::NotPermitted { message } => vec![("message", message.clone())],
        }
    }

    /// Every code, for the tests that check each has words on every screen.
    pub const CODES: [&'static str; 7] = [
        "invalid_field",
        "unknown",
        "already_exists",
        "insufficient_stock",
        "wrong_stage",
        "conflict",
        "not_permitted",
    ];

    /// Every kind of thing an `unknown` or `already_exists` refusal names.
    pub const KINDS: [&'static str; 22] = [
        "item",
        "location",
        "partner",
        "driver",
        "request",
        "delivery",
        "alert",
        "household",
        "zone",
        "member",
        "role card",
        "role contact",
        "shift",
        "commitment",
        "agreement",
        "account",
        "transaction",
        "grant",
        "donation",
        "donor of",
        "standing order",
        "shift template",
    ];

    /// True when the server should answer 409 rather than 422.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Rejection::Conflict { .. })
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Rejection {
        Rejection::InvalidField { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn unknown(kind: &'static str, id: impl Into<String>) -> Rejection {
        Rejection::Unknown { kind, id: id.into() }
    }

    pub(crate) fn exists(kind: &'static str, id: impl Into<String>) -> Rejection {
        Rejection::AlreadyExists { kind, id: id.into() }
    }

    pub(crate) fn wrong_stage(message: impl Into<String>) -> Rejection {
        Rejection::WrongStage { message: message.into() }
    }

    pub(crate) fn not_permitted(message: impl Into<String>) -> Rejection {
        Rejection::NotPermitted { message: message.into() }
    }
}
