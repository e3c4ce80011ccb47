//! The words of Shomei outside the window: the one catalog per locale
//! (`ui/locales/ja.json`, `ui/locales/en.json`) that the UI imports is embedded
//! here for the command line, the tray and the notifications.
//!
//! ```
//! use shomei_engine::words::{self, Locale};
//! assert_eq!(words::text(Locale::Ja, "list.days", &[("n", "12")]), "12日");
//! assert_eq!(words::text(Locale::En, "list.days", &[("n", "12")]), "12 days");
//! ```
//!
//! Keys are dotted paths into the catalog; placeholders are `{name}`. Every key is
//! written as a literal in a call of [`text`] by its path (`words::` then `text(`)
//! with `(lang, "section.key", &[("name", value)])`, so that the
//! tests (here and the UI's `catalog.test.ts`) can see which keys Rust uses and with
//! which placeholders. A missing key is a bug: it fails a debug build and the tests;
//! a release build falls back to Japanese, then to the key itself, and never panics.

use std::collections::HashMap;
use std::sync::OnceLock;

mod locale;
#[cfg(test)]
mod tests;

pub use locale::os_locale;

/// The languages Shomei speaks: Japanese first (the default), English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    Ja,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ja, Locale::En];

    /// `ja` or `en`: the catalog's file name, the UI's `Locale`, `AppInfo.locale`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
        }
    }

    /// Exactly `ja` or `en` (what `--lang` accepts).
    pub fn parse(word: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.tag() == word)
    }

    /// A BCP-47 tag (`en-US`) or a POSIX locale (`en_US.UTF-8`): English when it says
    /// English, Japanese for anything else (the UI's `toLocale` does the same).
    pub fn from_tag(tag: &str) -> Locale {
        let language = tag.split(['-', '_', '.', '@']).next().unwrap_or_default();
        if language.eq_ignore_ascii_case("en") {
            Locale::En
        } else {
            Locale::Ja
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

const SOURCES: [&str; 2] = [
    include_str!("../../../../../ui/locales/ja.json"),
    include_str!("../../../../../ui/locales/en.json"),
];

type Flat = HashMap<String, String>;

/// Both catalogs, flattened to dotted keys once.
fn catalogs() -> &'static [Flat; 2] {
    static CATALOGS: OnceLock<[Flat; 2]> = OnceLock::new();
    CATALOGS.get_or_init(|| SOURCES.map(parse))
}

fn parse(source: &str) -> Flat {
    let mut flat = Flat::new();
    match serde_json::from_str::<serde_json::Value>(source) {
        Ok(tree) => flatten(&tree, "", &mut flat),
        // The tests parse both files; a release build says keys rather than panic.
        Err(e) => debug_assert!(false, "a locale catalog is not JSON: {e}"),
    }
    flat
}

fn flatten(tree: &serde_json::Value, prefix: &str, out: &mut Flat) {
    match tree {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                flatten(value, &format!("{prefix}{key}."), out);
            }
        }
        serde_json::Value::String(text) => {
            out.insert(prefix.trim_end_matches('.').to_owned(), text.clone());
        }
        _ => debug_assert!(false, "{prefix}: a catalog holds only objects and strings"),
    }
}

/// The message `key` in `locale`, with each `{name}` of `params` filled in.
/// A placeholder without a value stays visible as `{name}` (never "undefined").
pub fn text(locale: Locale, key: &str, params: &[(&str, &str)]) -> String {
    let message = catalogs()[locale.index()]
        .get(key)
        .or_else(|| catalogs()[Locale::Ja.index()].get(key));
    debug_assert!(
        message.is_some(),
        "no message {key:?} in the {locale:?} catalog"
    );
    let Some(message) = message else {
        return key.to_owned();
    };
    debug_assert!(
        same_names(&placeholders(message), params),
        "{key:?} has the placeholders {:?}, given {:?}",
        placeholders(message),
        params.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    fill(message, params)
}

/// Whether the catalog of `locale` holds `key` (for words chosen at run time).
pub fn has(locale: Locale, key: &str) -> bool {
    catalogs()[locale.index()].contains_key(key)
}

/// The placeholder names of a message, sorted, each once.
pub fn placeholders(message: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            names.push(name);
            rest = &rest[close + 1..];
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

fn same_names(wanted: &[&str], given: &[(&str, &str)]) -> bool {
    let mut given: Vec<&str> = given.iter().map(|(name, _)| *name).collect();
    given.sort_unstable();
    given.dedup();
    given == wanted
}

/// One pass, so a value that itself contains `{…}` is never filled again.
fn fill(message: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every key of `locale`'s catalog (for the tests that compare the catalogs).
pub fn keys(locale: Locale) -> Vec<&'static str> {
    let mut keys: Vec<&str> = catalogs()[locale.index()]
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The raw message (placeholders unfilled), if `locale`'s catalog has `key`.
pub fn raw(locale: Locale, key: &str) -> Option<&'static str> {
    catalogs()[locale.index()].get(key).map(String::as_str)
}
