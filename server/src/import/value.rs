//! Cell values as people type them into spreadsheets, each read into what a command needs
//! or refused in words the user can act on ("'twelve' is not a number").

use shared::distribution::day::day_of_date;

/// How the file writes dates like 03/04/2026: the user says so when the file cannot tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// ISO dates, or day/month/year versus month/day/year told apart by the file itself
    /// (a first number above 12 means day first, a second above 12 month first).
    #[default]
    Auto,
    DayMonthYear,
    MonthDayYear,
}

impl std::str::FromStr for DateOrder {
    type Err = String;

    fn from_str(text: &str) -> Result<DateOrder, String> {
        match text {
            "auto" | "" => Ok(DateOrder::Auto),
            "dmy" => Ok(DateOrder::DayMonthYear),
            "mdy" => Ok(DateOrder::MonthDayYear),
            other => Err(format!("dates: `{other}` is not one of auto, dmy, mdy")),
        }
    }
}

/// A date's numbers as written, before the order is known.
enum Written {
    Iso(i64, u32, u32),
    /// Two numbers and a year, in the order written.
    Slashed(u32, u32, i64),
}

fn written(text: &str) -> Option<Written> {
    // "2026-03-04", "2026-03-04T10:00", "2026-03-04 00:00:00"
    let date = text.split(['T', ' ']).next().unwrap_or(text);
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let number = |t: &str| t.chars().all(|c| c.is_ascii_digit()).then(|| t.parse::<i64>().ok())?;
    let (a_n, b_n, c_n) = (number(a)?, number(b)?, number(c)?);
    if a.len() == 4 {
        return Some(Written::Iso(a_n, u32::try_from(b_n).ok()?, u32::try_from(c_n).ok()?));
    }
    let year = match c.len() {
        4 => c_n,
        2 => 2000 + c_n,
        _ => return None,
    };
    Some(Written::Slashed(u32::try_from(a_n).ok()?, u32::try_from(b_n).ok()?, year))
}

/// What a file's dates say about their order: `Some(DayMonthYear)` if one starts above 12.
pub fn order_evidence(text: &str) -> Option<DateOrder> {
    match written(text)? {
        Written::Slashed(a, b, _) if a > 12 && b <= 12 => Some(DateOrder::DayMonthYear),
        Written::Slashed(a, b, _) if b > 12 && a <= 12 => Some(DateOrder::MonthDayYear),
        _ => None,
    }
}

/// A date as a day number ([`shared::distribution::day`]).
pub fn date(text: &str, order: DateOrder) -> Result<i64, String> {
    let not_a_date = || format!("'{text}' is not a date: write it as 2026-03-31 or 31/03/2026");
    let (year, month, day) = match written(text).ok_or_else(not_a_date)? {
        Written::Iso(y, m, d) => (y, m, d),
        Written::Slashed(a, b, y) => match order {
            DateOrder::DayMonthYear => (y, b, a),
            DateOrder::MonthDayYear => (y, a, b),
            DateOrder::Auto if a > 12 => (y, b, a),
            DateOrder::Auto if b > 12 || a == b => (y, a, b),
            DateOrder::Auto => {
                return Err(format!(
                    "'{text}' could be day/month/year or month/day/year: say which the file uses"
                ));
            }
        },
    };
    day_of_date(year, month, day)
        .filter(|_| (1900..=2200).contains(&year))
        .ok_or_else(|| format!("'{text}' is not a date in the calendar"))
}

/// A whole number such as a quantity: "12", "1 200"; not "12.5" or "twelve".
pub fn whole(text: &str) -> Result<i64, String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    if let Ok(n) = digits.parse::<i64>() {
        return Ok(n);
    }
    // "12.0" or "12,00" as spreadsheets write whole numbers.
    if let Some((whole, fraction)) = digits.split_once(['.', ',']) {
        if !fraction.is_empty()
            && fraction.chars().all(|c| c == '0')
            && let Ok(n) = whole.parse::<i64>()
        {
            return Ok(n);
        }
        if whole.parse::<i64>().is_ok() && fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{text}' is not a whole number"));
        }
    }
    Err(format!("'{text}' is not a number"))
}

/// An amount of money in cents: "12.50", "12,50", "£1,234.50", "1.234,50 €", "EUR 5".
/// A single separator followed by exactly three digits ("1,234") could be either a
/// thousands separator or a decimal one, so it is refused rather than guessed.
pub fn amount(text: &str) -> Result<i64, String> {
    let not_an_amount = || format!("'{text}' is not an amount: write it as 12.50 or 12,50");
    let mut negative = false;
    let mut kept = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' | '.' | ',' => kept.push(c),
            '-' | '(' => negative = true,
            c if c.is_whitespace() || c == '\'' || c == ')' || c == '+' => {}
            c if c.is_alphabetic() || "£$€¥₹₩".contains(c) => {}
            _ => return Err(not_an_amount()),
        }
    }
    if kept.is_empty() || kept.len() > 24 {
        return Err(not_an_amount());
    }
    let last_sep = kept.rfind(['.', ',']);
    let (whole, fraction) = match last_sep {
        None => (kept.as_str(), ""),
        Some(i) => (&kept[..i], &kept[i + 1..]),
    };
    let separators = kept.matches(['.', ',']).count();
    let sep_char = last_sep.map(|i| &kept[i..=i]);
    let whole: String = match (separators, fraction.len()) {
        (0, _) => whole.to_owned(),
        // "1,234": thousands or decimal? Refused.
        (1, 3) => {
            return Err(format!(
                "'{text}' is ambiguous: write 1234 or 1234.00 (or 1.234,00 for a decimal comma)"
            ));
        }
        (1, 1 | 2) => whole.to_owned(),
        // "1,234.50" or "1.234,50": every earlier separator is a thousands one.
        (_, 1 | 2) if !whole.contains(sep_char.unwrap_or("")) => whole.replace(['.', ','], ""),
        // "1,234,567": thousands separators only.
        (_, 3) if kept.matches(sep_char.unwrap_or("")).count() == separators => {
            return Ok(sign(negative, cents_of(&kept.replace(['.', ','], ""), "")?));
        }
        _ => return Err(not_an_amount()),
    };
    Ok(sign(negative, cents_of(&whole, fraction).map_err(|_| not_an_amount())?))
}

fn sign(negative: bool, cents: i64) -> i64 {
    if negative { -cents } else { cents }
}

fn cents_of(whole: &str, fraction: &str) -> Result<i64, String> {
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| String::new())? };
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| String::new())? * 10,
        _ => fraction.parse().map_err(|_| String::new())?,
    };
    whole.checked_mul(100).and_then(|c| c.checked_add(fraction)).ok_or_else(String::new)
}

/// Yes or no, as sheets write it: yes/no, y/n, true/false, 1/0, x (ticked), and blank as no.
pub fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "-" => Ok(false),
        "yes" | "y" | "true" | "1" | "x" | "✓" | "✔" => Ok(true),
        _ => Err(format!("'{text}' is not yes or no")),
    }
}

/// A list in one cell: "driver, volunteer", "driver; volunteer", "driver / volunteer".
pub fn list(text: &str) -> Vec<String> {
    text.split([',', ';', '/', '|', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An id made from a name: "Rice (long grain)" is "rice-long-grain". Ids keep letters of
/// any script, digits, `.` and `_`; everything else becomes one `-`.
pub fn slug(name: &str) -> String {
    let mut id = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_alphanumeric() || c == '.' || c == '_' {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    id.chars().take(48).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::distribution::day::iso_date;

    fn on(text: &str, order: DateOrder) -> Result<String, String> {
        date(text, order).map(iso_date)
    }

    #[test]
    fn dates_in_iso_and_either_order() {
        assert_eq!(on("2026-03-04", DateOrder::Auto).unwrap(), "2026-03-04");
        assert_eq!(on("2026-03-04 00:00:00", DateOrder::Auto).unwrap(), "2026-03-04");
        assert_eq!(on("31/03/2026", DateOrder::Auto).unwrap(), "2026-03-31");
        assert_eq!(on("03/31/2026", DateOrder::Auto).unwrap(), "2026-03-31");
        assert_eq!(on("4.3.26", DateOrder::DayMonthYear).unwrap(), "2026-03-04");
        assert_eq!(on("4/3/2026", DateOrder::MonthDayYear).unwrap(), "2026-04-03");
        assert!(on("04/03/2026", DateOrder::Auto).unwrap_err().contains("say which"));
        assert!(on("31/02/2026", DateOrder::Auto).unwrap_err().contains("not a date in"));
        assert!(on("next friday", DateOrder::Auto).unwrap_err().contains("is not a date"));
        assert_eq!(order_evidence("25/12/2026"), Some(DateOrder::DayMonthYear));
        assert_eq!(order_evidence("12/25/2026"), Some(DateOrder::MonthDayYear));
        assert_eq!(order_evidence("2026-12-25"), None);
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(whole("12"), Ok(12));
        assert_eq!(whole(" 1 200 "), Ok(1200));
        assert_eq!(whole("12.0"), Ok(12));
        assert_eq!(whole("-3"), Ok(-3));
        assert_eq!(whole("twelve").unwrap_err(), "'twelve' is not a number");
        assert_eq!(whole("12.5").unwrap_err(), "'12.5' is not a whole number");
    }

    #[test]
    fn amounts_with_a_decimal_comma_or_point() {
        assert_eq!(amount("12.50"), Ok(1250));
        assert_eq!(amount("12,5"), Ok(1250));
        assert_eq!(amount("£1,234.50"), Ok(123_450));
        assert_eq!(amount("1.234,50 €"), Ok(123_450));
        assert_eq!(amount("EUR 5"), Ok(500));
        assert_eq!(amount("1,234,567"), Ok(123_456_700));
        assert_eq!(amount("(7.25)"), Ok(-725));
        assert!(amount("1,234").unwrap_err().contains("ambiguous"));
        assert!(amount("ten pounds").unwrap_err().contains("not an amount"));
        assert!(amount("1.2.3,4.5").is_err());
        assert!(amount("99999999999999999999").is_err());
    }

    #[test]
    fn yes_no_lists_and_slugs() {
        assert_eq!(yes_no("Yes"), Ok(true));
        assert_eq!(yes_no(""), Ok(false));
        assert!(yes_no("maybe").is_err());
        assert_eq!(list("driver; Volunteer / finance"), vec!["driver", "Volunteer", "finance"]);
        assert_eq!(slug("Rice (long grain)"), "rice-long-grain");
        assert_eq!(slug("  Crème fraîche "), "crème-fraîche");
    }
}
