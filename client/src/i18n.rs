//! The page's words, in translation files: `client/i18n/<language>.txt`, one `key = text`
//! per line, `{name}` for a value filled in. English is complete by definition; a test checks
//! every other language has the same keys and the same placeholders.
//!
//! The files are not compiled in: the bundle serves them as `/i18n/<language>.txt` and the
//! page fetches English and the chosen language once, before it first draws (and another
//! when the member switches). Compiled in, the two files were 14 KB of the gzipped module,
//! and every added language would have grown it.

use std::collections::HashMap;
use std::sync::OnceLock;

use leptos::prelude::*;

/// A language the page can be shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 tag, as in `<html lang>` and the saved preference.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name for itself, as the switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| tag.eq_ignore_ascii_case(lang.tag()))
    }

    fn table(self) -> Option<&'static HashMap<&'static str, &'static str>> {
        self.slot().get()
    }

    fn slot(self) -> &'static OnceLock<HashMap<&'static str, &'static str>> {
        static EN: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        static ES: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }

    /// Takes this language's words (the text of its file); the first text given stays.
    pub fn load(self, source: String) {
        // Once per language for the page's life, so the words can be `&'static`.
        let source: &'static str = Box::leak(source.into_boxed_str());
        let _ = self.slot().set(parse(source));
    }

    /// Whether this language's words are here.
    pub fn is_loaded(self) -> bool {
        self.table().is_some()
    }

    /// Fetches this language's file unless it is here already; `false` when it could not.
    pub async fn fetch(self) -> bool {
        if self.is_loaded() {
            return true;
        }
        match crate::api::call("GET", &format!("/i18n/{}.txt", self.tag()), None).await {
            Ok((200, text)) => {
                self.load(text);
                true
            }
            _ => false,
        }
    }

    /// The text of `key` in this language, falling back to English, then to nothing (and
    /// [`I18n::t`] then shows the key, so a missing text shows up on the page).
    pub fn text(self, key: &str) -> &'static str {
        let found = |lang: Lang| lang.table().and_then(|table| table.get(key).copied());
        found(self).or_else(|| found(Lang::En)).unwrap_or("")
    }
}

/// `key = text` lines; blank lines and lines starting with `#` are skipped.
fn parse(source: &'static str) -> HashMap<&'static str, &'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, text)| (key.trim(), text.trim()))
        .collect()
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The current language, shared by every component through the context.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// The text of `key` in the current language; reading it inside a reactive closure
    /// re-renders that closure when the language changes.
    pub fn t(self, key: &str) -> String {
        let text = self.lang.get().text(key);
        if text.is_empty() { key.to_owned() } else { text.to_owned() }
    }

    /// [`I18n::t`] with `{name}` placeholders filled in.
    pub fn tf(self, key: &str, values: &[(&str, &str)]) -> String {
        fill(&self.t(key), values)
    }
}

/// The page's [`I18n`], provided by the root component.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The files as the bundle serves them, for tests that run without a server.
#[cfg(test)]
pub(crate) fn loaded() {
    Lang::En.load(include_str!("../i18n/en.txt").to_owned());
    Lang::Es.load(include_str!("../i18n/es.txt").to_owned());
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(n, _)| n).collect()
    }

    #[test]
    fn every_language_has_every_english_key_with_the_same_placeholders() {
        loaded();
        let english = Lang::En.table().expect("loaded");
        assert!(english.len() > 100, "{} keys", english.len());
        for lang in Lang::ALL {
            let table = lang.table().expect("loaded");
            let missing: Vec<_> = english.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{}: missing {missing:?}", lang.tag());
            let extra: Vec<_> = table.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{}: keys English lacks {extra:?}", lang.tag());
            for (key, text) in table {
                assert!(!text.is_empty(), "{}: {key} is empty", lang.tag());
                assert_eq!(placeholders(text), placeholders(english[key]), "{}: {key}", lang.tag());
            }
        }
    }

    /// Every `.rs` file of the client, read from the source tree.
    fn sources() -> Vec<(std::path::PathBuf, String)> {
        let mut files = Vec::new();
        let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("a source folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    files.push((path, text));
                }
            }
        }
        files
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_english_file() {
        loaded();
        let english = Lang::En.table().expect("loaded");
        let files = sources();
        assert!(files.len() > 20, "{} files", files.len());
        for (path, source) in files {
            let keys = source.split(".t(\"").skip(1).chain(source.split(".tf(\"").skip(1));
            for quoted in keys {
                let key = quoted.split('"').next().unwrap_or_default();
                assert!(english.contains_key(key), "{key} ({}) is not in en.txt", path.display());
            }
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_keys_show_up() {
        loaded();
        assert_eq!(fill("{n} waiting", &[("n", "3")]), "3 waiting");
        assert_eq!(Lang::Es.text("no.such.key"), "");
        assert_eq!(Lang::from_tag("ES"), Some(Lang::Es));
    }
}
