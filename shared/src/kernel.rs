//! What every part of the domain shares, below all of them: ids and the macro that makes
//! them, calendar days, field checks, the one `Rejection`, who acts and when (`Context`),
//! and the roles (`Role`, re-exported by [`crate::access`], which holds the table of who may
//! do what). The parts (distribution, people, ledger, members, limits, standing) import
//! from here, never from each other's insides.

pub mod day;
pub mod field;
pub mod id;
pub mod rejection;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use id::MemberId;

/// Declares a part's command or event enum and, from its one list of variants, the type
/// names (`TYPES`, as written in the `type` tag) and each value's (the function named after
/// `fn`), so no name is written twice. With `kind`, also the enum's kinds: a fieldless
/// twin enum (`Kind::ALL`, `Kind::name`) and each value's (`kind()`), which the access
/// table is keyed by.
macro_rules! named_variants {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident { $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)? }
            ),* $(,)?
        }
        fn $name_fn:ident;
        kind $kind:ident;
    ) => {
        crate::kernel::named_variants! {
            $(#[$meta])*
            pub enum $name {
                $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $ty ),* } ),*
            }
            fn $name_fn;
        }

        /// Which command this is, without its fields.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $kind {
            $( $variant ),*
        }

        impl $kind {
            /// Every kind, in the order the enum declares them.
            pub const ALL: &'static [$kind] = &[$($kind::$variant),*];

            /// The type name, as written in the `type` tag.
            pub fn name(self) -> &'static str {
                match self {
                    $( $kind::$variant => stringify!($variant), )*
                }
            }
        }

        impl $name {
            /// Which command this is.
            pub fn kind(&self) -> $kind {
                match self {
                    $( $name::$variant { .. } => $kind::$variant, )*
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident { $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)? }
            ),* $(,)?
        }
        fn $name_fn:ident;
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $ty ),* } ),*
        }

        impl $name {
            /// Every type name, as written in the `type` tag.
            pub const TYPES: &'static [&'static str] = &[$(stringify!($variant)),*];

            /// This value's type name.
            pub fn $name_fn(&self) -> &'static str {
                match self {
                    $( $name::$variant { .. } => stringify!($variant), )*
                }
            }
        }
    };
}
pub(crate) use named_variants;
pub use rejection::Rejection;

/// Where an event stands in the log: what a fold may need besides the event itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At<'a> {
    /// The event's position in the group's log, from 1.
    pub position: u64,
    pub recorded_at_ms: i64,
    /// Who recorded it.
    pub actor: &'a str,
}

impl At<'static> {
    /// At `position`, with no time or actor: for folds that need only the order.
    pub const fn position(position: u64) -> At<'static> {
        At { position, recorded_at_ms: 0, actor: "" }
    }
}

/// A state folded from one part's events. Every part's state folds with this one
/// signature; the group hands each event to its part in one place
/// ([`crate::group::Parts::apply`]). A fold never fails and holds no rules: `decide` already
/// made them.
pub trait Evolve<E> {
    fn evolve(&mut self, at: At<'_>, event: &E);
}

/// Where a command carries personal data, and whose key seals it: each part declares it
/// for each of its commands (`CommandKind::sealing`). A client sends the data in clear at
/// `path` (an object `{name, phone, address, notes}`); the server seals it under the key of
/// the owner that `owner_field` names (`key_prefix` + its value, or for a role contact the
/// holder's own key for that card) before `decide` sees the command, so only ciphertext is
/// ever decided on or written. Each owner's data can be erased on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sealing {
    pub path: &'static [&'static str],
    pub owner_field: &'static str,
    pub key_prefix: &'static str,
}

/// Personal data (a household's name, phone, address and notes; a role holder's contact; a
/// donor's identity), as ciphertext produced outside this crate. Opaque here: nothing in the domain reads it, so erasing it later
/// changes no count, stock level or stage. `Debug` prints only its length, so it cannot
/// leak into logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SealedPersonalData(String);

impl SealedPersonalData {
    /// The largest sealed payload, in bytes.
    pub const MAX_BYTES: usize = 16 * 1024;

    pub fn new(ciphertext: impl Into<String>) -> Self {
        Self(ciphertext.into())
    }

    pub fn ciphertext(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SealedPersonalData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealedPersonalData({} bytes)", self.0.len())
    }
}

/// What `decide` is told about the moment: when, and who acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// Milliseconds since the Unix epoch; "today" is the group's day of it (its clock).
    pub now_ms: i64,
    pub actor: MemberId,
}

/// The roles a member can hold; a member may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Facilitates the group; manages members and roles.
    Coordinator,
    /// Stock, storage and transport.
    Logistics,
    /// Calls households back; outreach.
    Communications,
    /// Money and grants.
    Finance,
    /// The bridge between the group and the households it serves.
    Liaison,
    Driver,
    /// Food distribution and other hands-on work.
    Volunteer,
    /// Reads everything except households' personal data; writes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Coordinator,
        Role::Logistics,
        Role::Communications,
        Role::Finance,
        Role::Liaison,
        Role::Driver,
        Role::Volunteer,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Logistics => "logistics",
            Role::Communications => "communications",
            Role::Finance => "finance",
            Role::Liaison => "liaison",
            Role::Driver => "driver",
            Role::Volunteer => "volunteer",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}
