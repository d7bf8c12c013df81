//! Sentences every screen says the same way: why something failed or was refused, how many
//! people, how many more.

use leptos::prelude::*;
use shared::distribution::day::date_of_day;
use shared::view::ErrorDetail;

use crate::api::Failure;
use crate::i18n::I18n;

/// Why a request to the server did not work, in the page's language.
pub fn failure(i: I18n, failure: Failure) -> String {
    match failure {
        Failure::Unreachable => i.t("error.unreachable"),
        Failure::NotSignedIn => i.t("session.ended"),
        Failure::Throttled => i.t("error.throttled"),
        Failure::Server(detail) => refusal(i, &detail),
    }
}

/// A refusal in the page's language: the words for its code (`refusal.<code>` in the
/// translation files) with its parameters (a kind of thing in words too: `thing.item`),
/// else the server's own message as a sentence.
pub fn refusal(i: I18n, detail: &ErrorDetail) -> String {
    let key = format!("refusal.{}", detail.code);
    let words = i.lang.get().text(&key);
    if words.is_empty() {
        return sentence(&detail.message);
    }
    let params: Vec<(&str, String)> = detail
        .params
        .iter()
        .map(|(name, value)| {
            let value = match name.as_str() {
                "kind" => i.t(&format!("thing.{}", value.replace(' ', "_"))),
                "message" | "reason" => sentence(value),
                _ => value.clone(),
            };
            (name.as_str(), value)
        })
        .collect();
    let params: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    crate::i18n::fill(words, &params)
}

/// `message` with a capital first letter and a full stop.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut text: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    text.push_str(chars.as_str());
    if !text.is_empty() && !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// A day in the page's language: "7 Dec 2026", "7 dic 2026" (not the browser's).
pub fn date(i: I18n, day: i64) -> String {
    let (year, month, day) = date_of_day(day);
    let month = i.t(&format!("month_short.{month}"));
    i.tf("date.day", &[("d", &day.to_string()), ("month", &month), ("y", &year.to_string())])
}

/// A month in the page's language: "December 2026", "diciembre de 2026".
pub fn month(i: I18n, year: i64, month: u32) -> String {
    let name = i.t(&format!("month.{month}"));
    i.tf("date.month", &[("month", &name), ("y", &year.to_string())])
}

/// An event's type in words ("Delivered", "Expense approved"); the type's own name for one
/// the files do not have yet.
pub fn event(i: I18n, event_type: &str) -> String {
    let text = i.lang.get().text(&format!("event.{event_type}"));
    if text.is_empty() { event_type.to_owned() } else { text.to_owned() }
}

/// "1 person", "4 people".
pub fn people(i: I18n, count: i64) -> String {
    if count == 1 { i.t("people.one") } else { i.tf("people.many", &[("n", &count.to_string())]) }
}

/// "+3 more" under a list cut at `shown`, nothing when all of it fits.
pub fn more(i: I18n, total: usize, shown: usize) -> Option<impl IntoView + use<>> {
    (total > shown).then(|| {
        view! { <li class="more" data-testid="more">{i.tf("more", &[("n", &(total - shown).to_string())])}</li> }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use shared::distribution::Rejection;

    #[test]
    fn every_refusal_code_and_kind_has_words_in_every_language() {
        crate::i18n::loaded();
        for lang in Lang::ALL {
            for code in Rejection::CODES {
                assert!(
                    !lang.text(&format!("refusal.{code}")).is_empty(),
                    "{}: {code}",
                    lang.tag()
                );
            }
            for kind in Rejection::KINDS {
                let key = format!("thing.{}", kind.replace(' ', "_"));
                assert!(!lang.text(&key).is_empty(), "{}: {key}", lang.tag());
            }
        }
    }

    #[test]
    fn every_event_of_every_part_has_words_in_every_language() {
        crate::i18n::loaded();
        let types = shared::distribution::Event::TYPES
            .iter()
            .chain(shared::ledger::Event::TYPES)
            .chain(shared::people::Event::TYPES)
            .chain(shared::members::Event::TYPES)
            .chain(shared::limits::Event::TYPES)
            .chain(shared::standing::Event::TYPES);
        for event_type in types {
            for lang in Lang::ALL {
                let key = format!("event.{event_type}");
                assert!(!lang.text(&key).is_empty(), "{}: {key}", lang.tag());
            }
        }
    }

    #[test]
    fn a_refusal_is_worded_in_the_pages_language_with_its_parameters() {
        crate::i18n::loaded();
        let owner = Owner::new();
        owner.set();
        let detail = ErrorDetail {
            code: "unknown".into(),
            message: "unknown item ``".into(),
            params: [("kind".to_owned(), "item".to_owned()), ("id".to_owned(), "rice".to_owned())]
                .into_iter()
                .collect(),
        };
        let spanish = I18n { lang: RwSignal::new(Lang::Es) };
        let words = refusal(spanish, &detail);
        assert!(words.contains("rice") && !words.contains("unknown"), "{words}");
        let other =
            ErrorDetail { code: "brand_new".into(), message: "a new rule".into(), ..detail };
        assert_eq!(refusal(spanish, &other), "A new rule.");
    }

    #[test]
    fn the_servers_message_reads_as_a_sentence() {
        assert_eq!(sentence("missing field `password`"), "Missing field `password`.");
        assert_eq!(sentence("done."), "Done.");
        assert_eq!(sentence(""), "");
    }
}
