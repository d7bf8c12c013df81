//! A household's personal data in clear, as a person types it and as the few roles that
//! may see it read it. The server seals it before anything is written; the web client sends
//! it and shows it, and nothing else ever holds it.

use serde::{Deserialize, Serialize};

/// Longest value of any one personal field, in characters.
pub const MAX_FIELD_CHARS: usize = 500;

/// What a household tells the group about itself, in clear. Never logged, never in an event.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    /// Health or diet notes, access instructions.
    #[serde(default)]
    pub notes: String,
}

impl std::fmt::Debug for PersonalData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalData(..)")
    }
}

impl PersonalData {
    pub fn check(&self) -> Result<(), String> {
        for (field, value) in [
            ("name", &self.name),
            ("phone", &self.phone),
            ("address", &self.address),
            ("notes", &self.notes),
        ] {
            if value.chars().count() > MAX_FIELD_CHARS {
                return Err(format!("personal_data.{field}: at most {MAX_FIELD_CHARS} characters"));
            }
        }
        Ok(())
    }
}

pub use crate::kernel::Sealing;
use crate::kind::CommandKind;

/// Where a command of this kind carries personal data, if it does: what the server seals by
/// and the client writes by, as each part declares it beside its commands.
pub fn sealing(kind: CommandKind) -> Option<Sealing> {
    match kind {
        CommandKind::Distribution(kind) => kind.sealing(),
        CommandKind::Members(kind) => kind.sealing(),
        CommandKind::People(kind) => kind.sealing(),
        CommandKind::Ledger(kind) => kind.sealing(),
        CommandKind::Limits(kind) => kind.sealing(),
        CommandKind::Standing(kind) => kind.sealing(),
    }
}
