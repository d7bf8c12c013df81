//! Money: integer cents and a three-letter currency code. Never floats. Every sum `decide`
//! makes is checked, so an overflow is a rejection, not a wrapped balance.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::kernel::Rejection;

/// The largest amount of one posting, grant or donation: ten billion in the currency's
/// main unit. Far above anything a group handles; it keeps sums of many amounts far from
/// `i64` overflow.
pub const MAX_AMOUNT_CENTS: i64 = 1_000_000_000_000;

/// An ISO 4217-style currency code: three uppercase ASCII letters ("EUR", "USD"). Parsed,
/// not validated: a `Currency` that exists is well formed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn parse(code: &str) -> Result<Currency, String> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(format!(
                "currency `{code}` must be three uppercase letters, such as EUR or USD"
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters get in, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// Checks one amount: not zero, and at most [`MAX_AMOUNT_CENTS`] either way.
pub(crate) fn amount(field: &str, cents: i64) -> Result<(), Rejection> {
    if cents == 0 {
        return Err(Rejection::invalid(field, "must not be zero"));
    }
    if cents.unsigned_abs() > MAX_AMOUNT_CENTS.unsigned_abs() {
        return Err(Rejection::invalid(
            field,
            format!("must be at most {MAX_AMOUNT_CENTS} cents either way"),
        ));
    }
    Ok(())
}

/// Checks an amount that must be more than zero.
pub(crate) fn positive(field: &str, cents: i64) -> Result<(), Rejection> {
    if cents < 0 {
        return Err(Rejection::invalid(field, "must be more than zero"));
    }
    amount(field, cents)
}

/// `a + b`, or a rejection naming `field` when it would overflow.
pub(crate) fn add(field: &str, a: i64, b: i64) -> Result<i64, Rejection> {
    a.checked_add(b).ok_or_else(|| Rejection::invalid(field, "the sum is too large to keep"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_currency_is_three_uppercase_letters() {
        assert_eq!(Currency::parse("EUR"), Ok(Currency::EUR));
        for bad in ["eur", "EU", "EURO", "E1R", "€€€", ""] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
        let json = serde_json::to_string(&Currency::USD).unwrap();
        assert_eq!(json, "\"USD\"");
        assert!(serde_json::from_str::<Currency>("\"usd\"").is_err());
    }

    #[test]
    fn amounts_are_bounded_and_sums_are_checked() {
        assert!(amount("x", 0).is_err());
        assert!(amount("x", -MAX_AMOUNT_CENTS).is_ok());
        assert!(amount("x", MAX_AMOUNT_CENTS + 1).is_err());
        assert!(amount("x", i64::MIN).is_err());
        assert!(positive("x", -5).is_err());
        assert!(add("x", i64::MAX, 1).is_err());
    }
}
