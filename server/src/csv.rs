//! CSV as spreadsheets and accountants read it (RFC 4180, CRLF line ends), and safe to open:
//! text that a spreadsheet would run as a formula is written as text. The quoting is the
//! csv crate's; the formula safety is ours.

use std::borrow::Cow;

use ::csv::{QuoteStyle, Terminator, WriterBuilder};

/// One CSV field: quoted when it holds a comma, a quote or a line break; text (not a number)
/// starting with `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it as
/// a formula.
pub fn field(text: &str) -> String {
    let mut line = row(&[text]);
    line.truncate(line.len() - "\r\n".len());
    line
}

/// `text`, prefixed with `'` if a spreadsheet would run it as a formula.
fn safe(text: &str) -> Cow<'_, str> {
    let formula = text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err();
    if formula { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// One CSV line, ending in CRLF.
pub fn row(fields: &[&str]) -> String {
    // The csv crate writes a line whose only field is empty as `""` (so that it reads back
    // as a row, not a blank line); ours has always been an empty line.
    if matches!(fields, [] | [""]) {
        return "\r\n".to_owned();
    }
    let fields: Vec<Cow<'_, str>> = fields.iter().map(|f| safe(f)).collect();
    // At worst every byte a doubled quote, every field quoted, a comma after each, CRLF.
    let most = fields.iter().map(|f| 2 * f.len() + 3).sum::<usize>() + 2;
    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .buffer_capacity(most)
        .from_writer(Vec::with_capacity(most));
    let written = writer.write_record(fields.iter().map(|f| f.as_bytes()));
    let bytes = written.ok().and_then(|()| writer.into_inner().ok());
    // Writing text to memory fails in no way, and the csv crate writes back the UTF-8 it is
    // given, quotes added.
    let bytes = bytes.expect("a CSV line is written to memory");
    String::from_utf8(bytes).expect("a CSV line of UTF-8 fields is UTF-8")
}

/// A fieldless enum's name as serde writes it (`snake_case` where the type says so): the
/// same word in a CSV column as in the API's JSON.
pub fn name_of<T: serde::Serialize>(value: &T) -> &'static str {
    serde_variant::to_variant_name(value).unwrap_or_default()
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
    fn line_breaks_and_empty_fields_are_written_as_before() {
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        assert_eq!(field(" padded "), " padded ");
        assert_eq!(field("semi;colon\ttab#"), "semi;colon\ttab#");
        assert_eq!(field("'quoted'"), "'quoted'");
        assert_eq!(field("+1e3"), "+1e3");
        assert_eq!(field("@home, \"x\""), "\"'@home, \"\"x\"\"\"");
        // The csv crate alone writes a line of one empty field as `""`.
        assert_eq!(field(""), "");
        assert_eq!(row(&[""]), "\r\n");
        assert_eq!(row(&[]), "\r\n");
        assert_eq!(row(&["", ""]), ",\r\n");
        assert_eq!(row(&["", "", "x"]), ",,x\r\n");
    }

    /// The hand-written writer the csv crate replaced, for the property below.
    fn row_before(fields: &[&str]) -> String {
        let field = |text: &str| {
            let formula = text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err();
            let text = if formula { format!("'{text}") } else { text.to_owned() };
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text
            }
        };
        let mut line = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
        line.push_str("\r\n");
        line
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2048,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Every line is written byte for byte as before (bundles are verified by writing
        /// their CSVs again).
        #[test]
        fn lines_are_the_ones_written_before(
            fields in proptest::collection::vec("[-=+@ a1.,;\"\n\r\t#'é€]{0,8}", 0..6),
        ) {
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(row(&fields), row_before(&fields));
        }
    }

    #[test]
    fn amounts_are_decimal_with_two_places() {
        assert_eq!(amount(0), "0.00");
        assert_eq!(amount(5), "0.05");
        assert_eq!(amount(-1234), "-12.34");
        assert_eq!(amount(100_000), "1000.00");
    }
}
