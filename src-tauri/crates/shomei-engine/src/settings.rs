//! The user's settings on disk: `settings.toml` in Shomei's configuration
//! directory. The window's settings screen writes it; the tray (reminder days,
//! autostart) and the updater (update checks) read it.
//!
//! Owns: reading, checking and writing the file.
//! Must never: lose the file to a crash halfway through a write (it is replaced
//! atomically), or stop the app over a broken one (the defaults are used and the
//! problem is logged; the next save writes a good file).

use std::path::Path;

pub use crate::model::{LanguageChoice, Settings};

/// The file's name in the configuration directory.
pub const FILE_NAME: &str = "settings.toml";

/// At most this many reminder days (the bank's two, SPEC's five, and a few more).
pub const MAX_REMINDER_DAYS: usize = 8;
/// A reminder further ahead than this is not a reminder (renewal windows open at
/// 40 days at the most).
pub const MAX_REMINDER_DAY: u32 = 90;

/// A setting that cannot be kept, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct SettingsError {
    pub ja: String,
    pub en: String,
}

/// The settings in `dir`; the defaults when there is no file yet, or when it
/// cannot be read or understood (logged).
pub fn load(dir: &Path) -> Settings {
    crate::atomic_file::load(dir, FILE_NAME, "settings", |bytes| {
        std::str::from_utf8(bytes)
            .map_err(|e| e.to_string())
            .and_then(parse)
    })
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// The settings in `text` (settings.toml), checked as [`save`] checks them; the
/// English reason when they are not valid.
pub fn parse(text: &str) -> Result<Settings, String> {
    toml::from_str::<Settings>(text)
        .map_err(|e| e.to_string())
        .and_then(|s| check(s).map_err(|e| e.en))
}

/// The text [`save`] writes for `settings` (already checked).
pub fn to_text(settings: &Settings) -> Result<String, String> {
    toml::to_string(settings).map_err(|e| e.to_string())
}

/// Checks `settings` and writes them to `dir` (created if needed), replacing the
/// old file in one step. Returns what was written (reminder days sorted).
pub fn save(dir: &Path, settings: Settings) -> Result<Settings, SaveError> {
    let settings = check(settings).map_err(SaveError::Invalid)?;
    let text = to_text(&settings).map_err(|e| SaveError::Io(std::io::Error::other(e)))?;
    crate::atomic_file::replace(&dir.join(FILE_NAME), text.as_bytes()).map_err(SaveError::Io)?;
    Ok(settings)
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{0}")]
    Invalid(SettingsError),
    #[error("cannot write the settings: {0}")]
    Io(std::io::Error),
}

/// The reminder days in order, each once, within 0..=MAX_REMINDER_DAY.
fn check(mut settings: Settings) -> Result<Settings, SettingsError> {
    if let Some(days) = &mut settings.reminder_days {
        days.sort_unstable_by(|a, b| b.cmp(a));
        days.dedup();
        if days.is_empty() {
            return Err(SettingsError {
                ja: "リマインダーの日を1つ以上選んでください。".into(),
                en: "Choose at least one reminder day.".into(),
            });
        }
        if days.len() > MAX_REMINDER_DAYS {
            return Err(SettingsError {
                ja: format!("リマインダーの日は{MAX_REMINDER_DAYS}つまでです。"),
                en: format!("At most {MAX_REMINDER_DAYS} reminder days."),
            });
        }
        if let Some(far) = days.iter().find(|d| **d > MAX_REMINDER_DAY) {
            return Err(SettingsError {
                ja: format!(
                    "{far}日前は遠すぎます。有効期限の{MAX_REMINDER_DAY}日前までで選んでください。"
                ),
                en: format!(
                    "{far} days ahead is too far; choose at most {MAX_REMINDER_DAY} days before expiry."
                ),
            });
        }
    }
    Ok(settings)
}

/// The UI language to start in: the user's choice, else the OS's (`os_tag`, a
/// BCP-47 or POSIX locale such as `en_US.UTF-8`, see `words::os_locale`); Japanese
/// unless English.
pub fn locale(settings: &Settings, os_tag: Option<&str>) -> &'static str {
    match settings.language {
        LanguageChoice::Ja => "ja",
        LanguageChoice::En => "en",
        LanguageChoice::Os => match os_tag {
            Some(tag) if tag.to_ascii_lowercase().starts_with("en") => "en",
            _ => "ja",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), Settings::default());
        assert!(Settings::default().autostart && Settings::default().update_checks);
    }

    #[test]
    fn saved_settings_come_back_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let wanted = Settings {
            language: LanguageChoice::En,
            reminder_days: Some(vec![1, 30, 10, 10]),
            autostart: false,
            update_checks: false,
        };
        let saved = save(&dir.path().join("new"), wanted).unwrap();
        assert_eq!(saved.reminder_days, Some(vec![30, 10, 1]));
        assert_eq!(load(&dir.path().join("new")), saved);
    }

    #[test]
    fn refuses_what_cannot_be_a_reminder_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = save(dir.path(), Settings::default()).unwrap();
        for days in [vec![], vec![91], (0..9).collect()] {
            let bad = Settings {
                reminder_days: Some(days.clone()),
                ..Settings::default()
            };
            match save(dir.path(), bad) {
                Err(SaveError::Invalid(e)) => assert!(!e.ja.is_empty() && !e.en.is_empty()),
                other => panic!("{days:?} accepted: {other:?}"),
            }
        }
        assert_eq!(load(dir.path()), good);
    }

    #[test]
    fn a_broken_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        for text in [
            "language = 3",
            "nonsense = true",
            "reminder_days = [500]",
            "\u{0}",
        ] {
            std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
            assert_eq!(load(dir.path()), Settings::default(), "{text}");
        }
    }

    #[test]
    fn language_is_the_choice_else_the_os() {
        let mut s = Settings::default();
        assert_eq!(locale(&s, Some("en_US.UTF-8")), "en");
        assert_eq!(locale(&s, Some("ja_JP.UTF-8")), "ja");
        assert_eq!(locale(&s, Some("fr-FR")), "ja");
        assert_eq!(locale(&s, None), "ja");
        s.language = LanguageChoice::Ja;
        assert_eq!(locale(&s, Some("en-GB")), "ja");
        s.language = LanguageChoice::En;
        assert_eq!(locale(&s, Some("ja-JP")), "en");
    }
}
