//! The OS's language, for the command line's default `--lang`, the window's first
//! language (`AppInfo.locale`), the tray and the notifications: Japanese unless the
//! OS says English.

use super::Locale;

/// The POSIX variables in the order the C library reads them for messages: the
/// first one set (and not empty) decides.
const VARIABLES: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// The user's language as the OS says it. `LC_ALL`, `LC_MESSAGES`, `LANG` (on every
/// OS: in a terminal they are the user's explicit choice); without them, the
/// user's preferred language on Windows and macOS; Japanese otherwise (and for `C`
/// and `POSIX`, which name no language).
pub fn os_locale() -> Locale {
    from_variables(|name| std::env::var(name).ok()).unwrap_or_else(|| {
        system_tag()
            .map(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
    })
}

/// The locale the first set POSIX variable names; `None` when none is set.
fn from_variables(var: impl Fn(&str) -> Option<String>) -> Option<Locale> {
    VARIABLES
        .into_iter()
        .filter_map(var)
        .find(|value| !value.is_empty())
        .map(|value| Locale::from_tag(&value))
}

#[cfg(any(windows, target_os = "macos"))]
fn system_tag() -> Option<String> {
    sys_locale::get_locale()
}

#[cfg(not(any(windows, target_os = "macos")))]
fn system_tag() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_first_posix_variable_set_decides() {
        assert_eq!(from_variables(env(&[])), None);
        assert_eq!(
            from_variables(env(&[("LANG", "en_US.UTF-8")])),
            Some(Locale::En)
        );
        assert_eq!(
            from_variables(env(&[
                ("LANG", "en_US.UTF-8"),
                ("LC_MESSAGES", "ja_JP.UTF-8")
            ])),
            Some(Locale::Ja)
        );
        assert_eq!(
            from_variables(env(&[("LC_ALL", "en_GB"), ("LC_MESSAGES", "ja_JP.UTF-8")])),
            Some(Locale::En)
        );
        // An empty variable is not set.
        assert_eq!(
            from_variables(env(&[("LC_ALL", ""), ("LANG", "en")])),
            Some(Locale::En)
        );
        // C and POSIX name no language: Japanese, the default.
        assert_eq!(
            from_variables(env(&[("LANG", "C.UTF-8")])),
            Some(Locale::Ja)
        );
        assert_eq!(
            from_variables(env(&[("LC_ALL", "POSIX")])),
            Some(Locale::Ja)
        );
    }

    #[test]
    fn tags_other_than_english_are_japanese() {
        for (tag, locale) in [
            ("en", Locale::En),
            ("en-US", Locale::En),
            ("EN_au.utf8", Locale::En),
            ("en@quot", Locale::En),
            ("ja-JP", Locale::Ja),
            ("fr_FR.UTF-8", Locale::Ja),
            ("eng", Locale::Ja),
            ("", Locale::Ja),
        ] {
            assert_eq!(Locale::from_tag(tag), locale, "{tag}");
        }
        assert_eq!(Locale::parse("en"), Some(Locale::En));
        assert_eq!(Locale::parse("en-US"), None);
        assert_eq!(Locale::default(), Locale::Ja);
    }
}
