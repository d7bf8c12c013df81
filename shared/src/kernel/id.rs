//! Identifiers. New ids are chosen by the caller (the client mints them so a retried click
//! names the same thing twice), carried in the command and checked by `decide`; ids that
//! `decide` mints itself, like an automatic procurement alert's, are derived from state.

use super::rejection::Rejection;

/// The longest id a caller may choose, in characters. Ids end up in stream names and URLs.
pub const MAX_ID_CHARS: usize = 64;

/// Declares an id newtype. Other parts of the crate (people, ledger) declare theirs with it,
/// so every id behaves the same on the wire and in maps. Paths are spelled out in full so
/// the macro works wherever it is invoked.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Shared, immutable text: cloning it (which folds do for every event) copies a
        /// pointer, not the characters. On the wire it is a plain JSON string.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(::std::sync::Arc<str>);

        impl $name {
            /// Wraps a string without checking it: `decide` checks ids of new things.
            pub fn new(id: impl Into<::std::sync::Arc<str>>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(::std::sync::Arc::from(id))
            }
        }

        // Lets maps keyed by the id be searched with a `&str`, without allocating.
        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer)
                    .map(|id| Self(::std::sync::Arc::from(id)))
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// A household's request for help.
    RequestId
);
id_type!(
    /// A pseudonymous household: it links requests and feedback without naming anyone.
    HouseholdId
);
id_type!(
    /// One delivery or pickup of some of a request's reserved lines.
    DeliveryId
);
id_type!(
    /// A procurement alert: something to buy, ask a partner for, or wait on.
    AlertId
);
id_type!(
    /// A kind of goods in the catalog (rice 1 kg, nappies size 3, a freezer).
    ItemId
);
id_type!(
    /// A place stock is kept: a pantry, a storage room, a van.
    LocationId
);
id_type!(
    /// A donor, food bank or business that gives or sells goods.
    PartnerId
);
id_type!(
    /// A member of the group: whoever acts, drives or records.
    MemberId
);
id_type!(
    /// A household's standing order: the same items on the same weekdays, week after week
    /// (see [`crate::standing`]).
    StandingOrderId
);
id_type!(
    /// A neighbourhood the group delivers to ("riverside"). Checked as a name, not an id:
    /// it may hold spaces.
    Zone
);

/// Checks an id the caller chose for a new thing.
pub(crate) fn check_new_id(field: &str, id: &str) -> Result<(), Rejection> {
    let reason = if id.is_empty() {
        "must not be empty".to_owned()
    } else if id.chars().count() > MAX_ID_CHARS {
        format!("must be at most {MAX_ID_CHARS} characters")
    } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "must not contain spaces or control characters".to_owned()
    } else {
        return Ok(());
    };
    Err(Rejection::invalid(field, reason))
}
