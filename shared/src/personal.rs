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

/// Where a command carries personal data, and whose key seals it. A client sends the data in
/// clear at `path` (an object `{name, phone, address, notes}`); the server seals it under the
/// key of the owner that `owner_field` names (`key_prefix` + its value, or for a role
/// contact the holder's own key for that card) before `decide` sees the command, so only
/// ciphertext is ever decided on or written. A household's data is sealed under the
/// household's key, a role holder's contact under the role card's, a donor's identity under
/// its transaction's or donation's: each can be erased on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealedField {
    pub command_type: &'static str,
    pub path: &'static [&'static str],
    pub owner_field: &'static str,
    pub key_prefix: &'static str,
}

/// Every command that carries personal data: the one table the server seals by and the
/// client writes by.
pub const SEALED_FIELDS: [SealedField; 7] = [
    sealed("LogRequest", &["personal_data"], "household_id", "household:"),
    sealed("RegisterHousehold", &["personal_data"], "household_id", "household:"),
    sealed("AssignRole", &["contact"], "role_card_id", "role:"),
    sealed("HandOverRole", &["contact"], "role_card_id", "role:"),
    sealed("SetRoleContact", &["contact"], "role_card_id", "role:"),
    sealed("RecordTransaction", &["donor", "personal_data"], "transaction_id", "donor:"),
    sealed("RecordGoodsDonation", &["donor", "personal_data"], "donation_id", "donor:"),
];

const fn sealed(
    command_type: &'static str,
    path: &'static [&'static str],
    owner_field: &'static str,
    key_prefix: &'static str,
) -> SealedField {
    SealedField { command_type, path, owner_field, key_prefix }
}

/// Where `command_type` carries personal data, if it does.
pub fn sealed_field(command_type: &str) -> Option<&'static SealedField> {
    SEALED_FIELDS.iter().find(|field| field.command_type == command_type)
}

/// Where a command of this kind carries personal data, if it does.
pub fn sealing(kind: crate::kind::CommandKind) -> Option<&'static SealedField> {
    sealed_field(kind.name())
}
