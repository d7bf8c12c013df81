//! Reading a spreadsheet's CSV as the common tools write it: UTF-8 with or without a byte
//! order mark (or, failing UTF-8, Windows-1252 as older spreadsheet programs save "CSV"),
//! a comma, a semicolon or a tab between fields, quoted fields (with doubled quotes and line
//! breaks inside), CRLF, LF or CR line ends, blank lines, and title or merged-header rows
//! above the real header. The bytes are decoded by `encoding_rs` and the records split by the
//! `csv` crate; what is ours is the separator's detection, the line numbers, the trimming,
//! the blank rows left out and the header's detection.

use encoding_rs::{UTF_8, WINDOWS_1252};

/// A row as the spreadsheet numbers it (the first line is 1) and its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// The file as text, with how it was read.
#[derive(Debug)]
pub struct Text {
    pub text: String,
    /// False when the bytes were not UTF-8 and were read as Windows-1252.
    pub utf8: bool,
}

/// Decodes the file's bytes, dropping a UTF-8 byte order mark.
pub fn decode(bytes: &[u8]) -> Text {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Text { text: text.into_owned(), utf8: true },
        // Every byte is a character in Windows-1252 (0x81, 0x8D, 0x8F, 0x90 and 0x9D the C1
        // controls of the same number, as browsers read it): this never fails.
        None => Text {
            text: WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
            utf8: false,
        },
    }
}

/// The field separator: the one of `,` `;` and tab that appears most often outside quotes
/// on the first lines that hold any.
pub fn separator(text: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let mut lines = 0;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            '\n' if !quoted => {
                lines += 1;
                if lines == 20 {
                    break;
                }
            }
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    [',', ';', '\t'][best]
}

/// The rows of `text`, blank ones left out, their cells trimmed. A quoted field may span
/// lines; a row is numbered by the line it starts on (CRLF, LF and a lone CR each end a
/// line). A quote opens a quoted field only as the field's first character.
pub fn rows(text: &str, separator: char) -> impl Iterator<Item = Row> + '_ {
    let records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(u8::try_from(separator).unwrap_or(b','))
        .from_reader(text.as_bytes())
        .into_byte_records();
    let mut lines = Lines { text: text.as_bytes(), at: 0, line: 1 };
    // Reading a `&[u8]` fails in no way (and `flexible` allows rows of any length).
    records.map_while(Result::ok).filter_map(move |record| {
        let cells: Vec<String> =
            record.iter().map(|cell| String::from_utf8_lossy(cell).trim().to_owned()).collect();
        // The csv crate's position is where it began looking, before the blank lines it
        // skips: the row starts after them.
        let from = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let line = lines.of(from);
        cells.iter().any(|c| !c.is_empty()).then_some(Row { line, cells })
    })
}

/// Line numbers of byte offsets, counted forwards.
struct Lines<'t> {
    text: &'t [u8],
    /// An offset already numbered, and its line.
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the first byte at or after `from` that is not a line end.
    fn of(&mut self, from: usize) -> usize {
        let text = self.text;
        let mut start = from.clamp(self.at, text.len());
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.line += breaks(&text[self.at..start]);
        self.at = start;
        self.line
    }
}

/// The line breaks in `bytes`: CRLF, LF or a lone CR (a CR ending `bytes` counts as one).
fn breaks(bytes: &[u8]) -> usize {
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    (0..bytes.len()).filter(|&i| bytes[i] == b'\n' || lone_cr(i)).count()
}

/// How many lines `text` has, as [`rows`] numbers them (like [`str::lines`], a lone CR
/// ending a line too).
pub fn line_count(text: &str) -> usize {
    let ends_a_line = text.ends_with(['\r', '\n']);
    breaks(text.as_bytes()) + usize::from(!text.is_empty() && !ends_a_line)
}

/// A column a kind of import reads: its key (as the report names it) and the header texts
/// that mean it, compared after [`normalize`].
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub key: &'static str,
    pub names: &'static [&'static str],
    pub required: bool,
}

/// A header cell as compared: lower case, `_` and `-` as spaces, runs of spaces as one,
/// a trailing `:`, `*` or unit in brackets dropped ("Quantity (kg)" is "quantity").
pub fn normalize(header: &str) -> String {
    let header = header.split(['(', '[']).next().unwrap_or(header);
    let header = header.trim().trim_end_matches([':', '*']).to_lowercase().replace(['_', '-'], " ");
    header.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each known column is in the file.
#[derive(Debug)]
pub struct Header {
    /// The line of the header row.
    pub line: usize,
    /// For each of the kind's columns, in order, its index in a row.
    pub index: Vec<Option<usize>>,
    /// Header cells that name no column of this kind: ignored, and the preview says so.
    pub ignored: Vec<String>,
}

impl Header {
    /// The trimmed cell of `column` (by its position in the kind's list) in `row`.
    pub fn cell<'r>(&self, row: &'r Row, column: usize) -> &'r str {
        self.index[column].and_then(|i| row.cells.get(i)).map_or("", String::as_str)
    }
}

/// How many of the first non-blank rows may stand above the header (titles, merged group
/// headings, notes).
const HEADER_SEARCH_ROWS: usize = 10;

/// Finds the header: among the first rows, the one naming the most known columns (the
/// first such). Rows above it are titles or merged-header leftovers and are skipped; the
/// rows read below it are given back, to be read before the rest.
pub fn find_header(
    rows: &mut dyn Iterator<Item = Row>,
    columns: &[Column],
) -> Result<(Header, Vec<Row>), String> {
    let mut first: Vec<Row> = rows.take(HEADER_SEARCH_ROWS).collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in first.iter().enumerate() {
        let known = row.cells.iter().filter(|c| column_of(columns, c).is_some()).count();
        if known > best.map_or(0, |(n, _)| n) {
            best = Some((known, i));
        }
    }
    let Some((_, at)) = best else {
        let names: Vec<&str> = columns.iter().map(|c| c.key).collect();
        return Err(format!(
            "no header row found in the first {HEADER_SEARCH_ROWS} rows: expected columns such as {}",
            names.join(", ")
        ));
    };
    let below = first.split_off(at + 1);
    let Some(row) = first.pop() else { unreachable!("`at` is an index of `first`") };
    let mut index = vec![None; columns.len()];
    let mut ignored = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        match column_of(columns, cell) {
            Some(c) if index[c].is_some() => {
                return Err(format!(
                    "line {}: the column `{}` appears twice in the header",
                    row.line, columns[c].key
                ));
            }
            Some(c) => index[c] = Some(i),
            None if cell.is_empty() => {}
            None => ignored.push(cell.clone()),
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .zip(&index)
        .filter(|(c, i)| c.required && i.is_none())
        .map(|(c, _)| c.key)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "line {}: the header has no column for {}",
            row.line,
            missing.join(", ")
        ));
    }
    Ok((Header { line: row.line, index, ignored }, below))
}

fn column_of(columns: &[Column], cell: &str) -> Option<usize> {
    let cell = normalize(cell);
    columns.iter().position(|c| c.key == cell || c.names.contains(&cell.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(usize, Vec<String>)> {
        rows(text, separator(text)).map(|r| (r.line, r.cells)).collect()
    }

    fn cells(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn semicolons_quotes_blank_lines_and_crlf() {
        let text = "a;b;c\r\n\r\n1;\"x;y\";\"say \"\"hi\"\"\"\r\n;;\r\n2;\"two\nlines\";z\r\n";
        assert_eq!(separator(text), ';');
        assert_eq!(
            all(text),
            vec![
                (1, cells(&["a", "b", "c"])),
                (3, cells(&["1", "x;y", "say \"hi\""])),
                (5, cells(&["2", "two\nlines", "z"])),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_windows_1252_is_read() {
        assert_eq!(decode(b"\xEF\xBB\xBFitem,qty\n").text, "item,qty\n");
        let latin = decode(b"Cr\xE8me;\x80 5\n");
        assert!(!latin.utf8);
        assert_eq!(latin.text, "Crème;€ 5\n");
    }

    #[test]
    fn windows_1252_is_read_as_browsers_read_it() {
        let every: Vec<u8> = (0x80..=0xFF).collect();
        let text = decode(&every).text;
        let high: String = text.chars().take(32).collect();
        assert_eq!(high, "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8D}Ž\u{8F}\u{90}‘’“”•–—˜™š›œ\u{9D}žŸ");
        let latin_1: String = (0xA0..=0xFF_u8).map(char::from).collect();
        assert_eq!(text.chars().skip(32).collect::<String>(), latin_1);
        // A byte order mark before bytes that are not UTF-8 is still dropped.
        assert_eq!(decode(b"\xEF\xBB\xBFcaf\xE9").text, "café");
    }

    #[test]
    fn rows_after_blank_lines_and_multi_line_cells_keep_their_lines() {
        let text = "\n\nitem,notes\n  \n,\nrice,\"one\r\ntwo\n\nthree\"\n\n\nbeans,x";
        assert_eq!(
            all(text),
            vec![
                (3, cells(&["item", "notes"])),
                (6, cells(&["rice", "one\r\ntwo\n\nthree"])),
                (12, cells(&["beans", "x"])),
            ]
        );
        assert_eq!(line_count(text), text.lines().count());
    }

    #[test]
    fn a_lone_cr_ends_a_line_as_old_mac_spreadsheets_write_them() {
        let text = "item;qty\r\rrice;\"4\rkg\"\rbeans;2\r";
        assert_eq!(
            all(text),
            vec![
                (1, cells(&["item", "qty"])),
                (3, cells(&["rice", "4\rkg"])),
                (5, cells(&["beans", "2"])),
            ]
        );
        assert_eq!(line_count(text), 5);
    }

    #[test]
    fn a_quote_opens_a_quoted_field_only_as_its_first_character() {
        // As RFC 4180 and the csv crate have it; the hand-written reader before it also
        // opened one after spaces.
        assert_eq!(all("a, \"b\",5\" pipe\n"), vec![(1, cells(&["a", "\"b\"", "5\" pipe"]))]);
        assert_eq!(all("\"a\" ,\"b\"c\n"), vec![(1, cells(&["a", "bc"]))]);
    }

    /// The hand-written reader the csv crate replaced, for the property below.
    fn reader_before(text: &str, separator: char) -> Vec<(usize, Vec<String>)> {
        let mut out = Vec::new();
        let mut chars = text.chars().peekable();
        let mut line = 1;
        while chars.peek().is_some() {
            let start = line;
            let mut cells = Vec::new();
            let mut cell = String::new();
            let mut quoted = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' if quoted => quoted = false,
                    '"' if cell.trim().is_empty() => {
                        cell.clear();
                        quoted = true;
                    }
                    '\n' if !quoted => {
                        line += 1;
                        break;
                    }
                    '\r' if !quoted && chars.peek() == Some(&'\n') => {}
                    c if c == separator && !quoted => cells.push(std::mem::take(&mut cell)),
                    c => {
                        if c == '\n' {
                            line += 1;
                        }
                        cell.push(c);
                    }
                }
            }
            cells.push(cell);
            let cells: Vec<String> = cells.into_iter().map(|c| c.trim().to_owned()).collect();
            if cells.iter().any(|c| !c.is_empty()) {
                out.push((start, cells));
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2048,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// With LF or CRLF line ends and no space before an opening quote, the rows are the
        /// ones the hand-written reader read, line numbers and all.
        #[test]
        fn rows_are_the_ones_read_before(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "é€", " ", ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "=1", "x y",
                ]),
                0..60,
            ),
        ) {
            let mut text = parts.concat();
            while text.contains(" \"") || text.contains("\t\"") {
                text = text.replace(" \"", "\"").replace("\t\"", "\"");
            }
            for separator in [',', ';', '\t'] {
                let now: Vec<(usize, Vec<String>)> =
                    rows(&text, separator).map(|r| (r.line, r.cells)).collect();
                proptest::prop_assert_eq!(now, reader_before(&text, separator), "{:?}", text);
            }
        }
    }

    #[test]
    fn the_header_is_found_below_titles_and_merged_headings() {
        let columns = [
            Column { key: "item", names: &["item", "name"], required: true },
            Column { key: "quantity", names: &["qty", "on hand"], required: false },
        ];
        let text = "Pantry inventory - March,,\n,Stock,\nItem,Qty (kg),Notes\nrice,4,dry\n";
        let mut rows = rows(text, ',');
        let (header, below) = find_header(&mut rows, &columns).unwrap();
        assert_eq!(rows.next(), None);
        let mut rows = below.into_iter();
        assert_eq!(header.line, 3);
        assert_eq!(header.index, vec![Some(0), Some(1)]);
        assert_eq!(header.ignored, vec!["Notes".to_owned()]);
        let row = rows.next().unwrap();
        assert_eq!((header.cell(&row, 0), header.cell(&row, 1)), ("rice", "4"));
    }

    #[test]
    fn a_missing_or_doubled_column_is_named() {
        let columns = [
            Column { key: "item", names: &["item"], required: true },
            Column { key: "quantity", names: &["qty"], required: true },
        ];
        let error = find_header(&mut rows("Item,Where\n", ','), &columns).unwrap_err();
        assert_eq!(error, "line 1: the header has no column for quantity");
        let error = find_header(&mut rows("Item,qty,Qty\n", ','), &columns).unwrap_err();
        assert!(error.contains("`quantity` appears twice"), "{error}");
        let error = find_header(&mut rows("x,y\n", ','), &columns).unwrap_err();
        assert!(error.starts_with("no header row found"), "{error}");
    }
}
