//! Sentences every screen says the same way: why something failed or was refused, how many
//! people, how many more.

use leptos::prelude::*;
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
/// translation files), else the server's own message as a sentence.
pub fn refusal(i: I18n, detail: &ErrorDetail) -> String {
    let key = format!("refusal.{}", detail.code);
    let words = i.lang.get().text(&key);
    if words.is_empty() { sentence(&detail.message) } else { words.to_owned() }
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

    #[test]
    fn the_servers_message_reads_as_a_sentence() {
        assert_eq!(sentence("missing field `password`"), "Missing field `password`.");
        assert_eq!(sentence("done."), "Done.");
        assert_eq!(sentence(""), "");
    }
}
