//! CSV as spreadsheets and accountants read it (RFC 4180, CRLF line ends), and safe to open:
//! text that a spreadsheet would run as a formula is written as text.

/// One CSV field: quoted when it holds a comma, a quote or a line break; text (not a number)
/// starting with `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it as
/// a formula.
pub fn field(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err();
    let text = if formula { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// One CSV line, ending in CRLF.
pub fn row(fields: &[&str]) -> String {
    let mut line = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// Cents as a decimal amount: `-1234` is `-12.34`.
pub fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_never_formulas() {
        assert_eq!(field("rice"), "rice");
        assert_eq!(field("rice, beans"), "\"rice, beans\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-12.34"), "-12.34");
        assert_eq!(field("-cmd"), "'-cmd");
        assert_eq!(row(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn amounts_are_decimal_with_two_places() {
        assert_eq!(amount(0), "0.00");
        assert_eq!(amount(5), "0.05");
        assert_eq!(amount(-1234), "-12.34");
        assert_eq!(amount(100_000), "1000.00");
    }
}
