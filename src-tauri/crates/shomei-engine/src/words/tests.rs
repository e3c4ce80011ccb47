//! The catalogs agree (same keys, same placeholders, nothing empty), and every key
//! the Rust sources use exists in both with exactly the placeholders they supply.
//! `ui/src/lib/i18n/catalog.test.ts` checks the same for the UI, and that no key is
//! used nowhere (counting the Rust sources).

use std::path::{Path, PathBuf};

use super::*;

#[test]
fn both_catalogs_have_the_same_keys_and_placeholders() {
    let ja = keys(Locale::Ja);
    assert!(
        ja.len() > 100,
        "the Japanese catalog looks empty: {}",
        ja.len()
    );
    assert_eq!(keys(Locale::En), ja, "en and ja differ in keys");
    for locale in Locale::ALL {
        for key in &ja {
            let message = raw(locale, key).unwrap();
            assert!(!message.trim().is_empty(), "{locale:?} {key} is empty");
            assert_eq!(
                placeholders(message),
                placeholders(raw(Locale::Ja, key).unwrap()),
                "{locale:?} {key}: placeholders differ from ja"
            );
        }
    }
}

#[test]
fn text_fills_placeholders_once_and_falls_back() {
    assert_eq!(text(Locale::Ja, "list.days", &[("n", "12")]), "12日");
    assert_eq!(text(Locale::En, "list.days", &[("n", "{n}")]), "{n} days");
    assert_eq!(fill("{a}{b} {c", &[("a", "1"), ("b", "{a}")]), "1{a} {c");
    assert_eq!(fill("{missing}", &[]), "{missing}");
    assert_eq!(placeholders("{b}、{a}、{b} {not a name}"), ["a", "b"]);
}

#[test]
#[cfg(not(debug_assertions))]
fn a_missing_key_says_the_key_in_a_release_build() {
    assert_eq!(text(Locale::En, "no.such.key", &[]), "no.such.key");
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "no message")]
fn a_missing_key_fails_a_debug_build() {
    text(Locale::En, "no.such.key", &[]);
}

/// Every `ErrorCode` is worded in both languages as what happened and what to do:
/// at least two sentences.
#[test]
fn every_error_code_says_what_happened_and_what_to_do() {
    use ts_rs::TS;
    let decl = crate::model::ErrorCode::decl(&ts_rs::Config::new());
    let codes: Vec<&str> = decl.split('"').skip(1).step_by(2).collect();
    assert!(codes.len() > 20, "{decl}");
    for code in codes {
        for locale in Locale::ALL {
            let key = format!("errors.{code}");
            let message = raw(locale, &key).unwrap_or_else(|| panic!("{locale:?} lacks {key}"));
            let sentences = match locale {
                Locale::Ja => message.matches('。').count(),
                Locale::En => message.matches(['.', '!', '?']).count(),
            };
            assert!(
                sentences >= 2,
                "{locale:?} {key} should say what happened AND what to do: {message}"
            );
        }
    }
}

/// One call of `text` (by its path) in the sources: where, the key, the placeholders given.
#[derive(Debug)]
struct Call {
    place: String,
    key: String,
    names: Vec<String>,
}

#[test]
fn every_key_the_rust_sources_use_is_in_both_catalogs_with_its_placeholders() {
    let calls = rust_calls();
    // Not vacuous: the command line alone makes dozens of calls.
    assert!(calls.len() > 50, "only {} calls found", calls.len());
    assert!(calls.iter().any(|c| c.place.contains("src/cli/status.rs")));
    for call in &calls {
        for locale in Locale::ALL {
            let message = raw(locale, &call.key).unwrap_or_else(|| {
                panic!(
                    "{}: {:?} is not in the {locale:?} catalog",
                    call.place, call.key
                )
            });
            let mut names: Vec<&str> = call.names.iter().map(String::as_str).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names,
                placeholders(message),
                "{}: {:?} takes these placeholders in {locale:?}",
                call.place,
                call.key
            );
        }
    }
}

/// Every `.rs` file of the repository's Rust (src-tauri/, tests/), minus build output.
fn rust_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let mut files = Vec::new();
    let mut dirs = vec![root.join("src-tauri"), root.join("tests")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() && name != "target" && name != "node_modules" {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

fn rust_calls() -> Vec<Call> {
    // Spelled in two halves so that this file does not find itself.
    let needle = concat!("words::", "text");
    let mut calls = Vec::new();
    for file in rust_files() {
        let source = std::fs::read_to_string(&file).unwrap();
        for (at, _) in source.match_indices(needle) {
            let line = source[..at].matches('\n').count() + 1;
            let place = format!("{}:{line}", file.display());
            let rest = &source[at + needle.len()..];
            assert!(
                rest.starts_with('('),
                "{place}: call the words' text function by its path, with the key as a \
                 literal, so that the tests can check it"
            );
            calls.push(call(place, &rest[1..]));
        }
    }
    calls
}

/// Reads `lang, "key", &[("name", value), ...])` (the text after the opening paren).
fn call(place: String, args: &str) -> Call {
    let args = top_level_args(args);
    assert!(
        args.len() == 3,
        "{place}: the text function takes three arguments"
    );
    let key = args[1].trim();
    let literal = key.len() > 2
        && key.starts_with('"')
        && key.ends_with('"')
        && !key[1..key.len() - 1].contains(['"', '\\', '{']);
    assert!(
        literal,
        "{place}: the key must be a string literal (choose among literal calls with a match)"
    );
    let key = key[1..key.len() - 1].to_owned();
    let mut names = Vec::new();
    let mut rest = args[2].as_str();
    while let Some(open) = rest.find('(') {
        rest = &rest[open + 1..];
        let Some(inner) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = inner.find('"') else { break };
        if inner[end + 1..].trim_start().starts_with(',') {
            names.push(inner[..end].to_owned());
        }
    }
    Call { place, key, names }
}

/// The comma-separated arguments up to the call's closing paren, at depth 0,
/// skipping over string literals.
fn top_level_args(text: &str) -> Vec<String> {
    let (mut args, mut current, mut depth) = (Vec::new(), String::new(), 0usize);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                current.push(c);
                while let Some(s) = chars.next() {
                    current.push(s);
                    if s == '\\' {
                        current.extend(chars.next());
                    } else if s == '"' {
                        break;
                    }
                }
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        args.push(current);
    }
    args
}
