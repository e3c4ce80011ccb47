//! What the window may send, checked before a command does anything with it. The
//! webview is the least trusted part of the app: whatever script runs in it can
//! call every command its capability allows, with any arguments. So each argument
//! is checked for the shape its screen would send (a fingerprint, a renewal id,
//! an absolute path, a short text), and anything else is refused with
//! [`ErrorCode::InvalidRequest`] (the detail names the argument, never its value:
//! it may be a PIN). Wrong JSON types never get this far: Tauri refuses them when
//! it deserializes the arguments.

use std::path::PathBuf;

use shomei_engine::model::{ErrorCode, ErrorView};

/// A PIN is at most this many bytes (PKCS#11 tokens allow far fewer; the OS
/// stores' passwords too).
pub const MAX_PIN: usize = 256;
/// The bank's own password (HTTP Basic), at most.
pub const MAX_PASSWORD: usize = 1024;
/// A path from the file chooser or a drop, at most (Linux's PATH_MAX).
pub const MAX_PATH: usize = 4096;
/// A profile id is a file name without `.toml` (NAME_MAX is 255 bytes).
pub const MAX_PROFILE_ID: usize = 250;
/// The file chooser's title (a line of the UI's words).
pub const MAX_TITLE: usize = 200;

fn refuse(what: &str, why: &str) -> ErrorView {
    ErrorView::of(ErrorCode::InvalidRequest, Some(format!("{what}: {why}")))
}

/// A certificate's SHA-256 fingerprint as the engine spells it (64 lowercase hex
/// digits). Upper case and colon-separated pairs (`AB:CD:…`, as `--open` takes
/// them) are accepted and normalised.
pub fn fingerprint(value: &str) -> Result<String, ErrorView> {
    const HEX: usize = 64;
    let plain: String = if value.contains(':') {
        let pairs: Vec<&str> = value.split(':').collect();
        if pairs.len() != HEX / 2 || pairs.iter().any(|p| p.len() != 2) {
            return Err(refuse("fingerprint", "not 32 colon-separated pairs"));
        }
        pairs.concat()
    } else {
        value.to_owned()
    };
    if plain.len() != HEX || !plain.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refuse("fingerprint", "not 64 hexadecimal digits"));
    }
    Ok(plain.to_ascii_lowercase())
}

/// A renewal id as the engine makes them (`renewal::steps::new_renewal_id`): the
/// start time in nanoseconds in lowercase hex, `-`, a decimal counter.
pub fn renewal_id(value: &str) -> Result<&str, ErrorView> {
    let well_formed = value.split_once('-').is_some_and(|(time, count)| {
        (1..=32).contains(&time.len())
            && time.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && (1..=20).contains(&count.len())
            && count.bytes().all(|b| b.is_ascii_digit())
    });
    if well_formed {
        Ok(value)
    } else {
        Err(refuse("renewalId", "not a renewal id (hex-time-counter)"))
    }
}

/// A secret typed by the user (PIN, bank password): bounded, and no control
/// characters (a NUL would cut it short in a C API). The value is never echoed.
pub fn secret(what: &str, value: &str, max: usize) -> Result<(), ErrorView> {
    if value.len() > max {
        return Err(refuse(what, &format!("longer than {max} bytes")));
    }
    if value.chars().any(char::is_control) {
        return Err(refuse(what, "contains a control character"));
    }
    Ok(())
}

/// A short line of text (a dialog title): bounded, one line, no control characters.
pub fn text<'v>(what: &str, value: &'v str, max: usize) -> Result<&'v str, ErrorView> {
    if value.chars().count() > max {
        return Err(refuse(what, &format!("longer than {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(refuse(what, "contains a control character"));
    }
    Ok(value)
}

/// A bank profile's path (from the file chooser, a drop or typed in): not empty,
/// bounded, no NUL. That it is absolute without `..`, a regular file of a
/// profile's size and a valid profile is `install::add`'s to say, in words the
/// user reads beside the field (a person may type a relative path).
pub fn profile_path(value: &str) -> Result<PathBuf, ErrorView> {
    let value = value.trim();
    if value.is_empty() {
        return Err(refuse("path", "empty"));
    }
    if value.len() > MAX_PATH {
        return Err(refuse("path", &format!("longer than {MAX_PATH} bytes")));
    }
    if value.contains('\0') {
        return Err(refuse("path", "contains NUL"));
    }
    Ok(PathBuf::from(value))
}

/// A bank profile's id: a plain file name (no separators, not `.` or `..`).
pub fn profile_id(value: &str) -> Result<&str, ErrorView> {
    let plain = !value.is_empty()
        && value.len() <= MAX_PROFILE_ID
        && !value
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        && value != "."
        && value != "..";
    if plain {
        Ok(value)
    } else {
        Err(refuse("id", "not a profile's file name"))
    }
}

/// A version the window shows (the update the user agreed to): semver's
/// characters only, bounded, starting with a digit.
pub fn version(value: &str) -> Result<&str, ErrorView> {
    let well_formed = (1..=64).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_digit())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
    if well_formed {
        Ok(value)
    } else {
        Err(refuse("version", "not a version number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn refused<T: std::fmt::Debug>(r: Result<T, ErrorView>) -> String {
        let e = r.expect_err("refused");
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        e.detail.expect("a detail")
    }

    #[test]
    fn fingerprints_are_64_hex_digits_normalised() {
        assert_eq!(fingerprint(FP).unwrap(), FP);
        assert_eq!(fingerprint(&FP.to_uppercase()).unwrap(), FP);
        let pairs: Vec<String> = FP
            .as_bytes()
            .chunks(2)
            .map(|p| String::from_utf8(p.to_vec()).unwrap().to_uppercase())
            .collect();
        assert_eq!(fingerprint(&pairs.join(":")).unwrap(), FP);
        for bad in [
            "",
            &FP[1..],
            &format!("{FP}0"),
            &format!("{}g", &FP[1..]),
            &FP.replace('0', "０"),
            "../../etc/passwd",
            &"a".repeat(1 << 20),
            &format!("{}:", pairs.join(":")),
            &pairs[..31].join(":"),
            &format!("{}:ABC", pairs[..31].join(":")),
            &FP.replace('a', "\0"),
        ] {
            assert!(
                refused(fingerprint(bad)).starts_with("fingerprint: "),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn renewal_ids_have_the_engines_shape() {
        for good in [
            "187c5e0a9b3f2d10-0",
            "1-18446744073709551615",
            "ffffffffffffffffffffffffffffffff-3",
        ] {
            assert_eq!(renewal_id(good).unwrap(), good);
        }
        for bad in [
            "",
            "-",
            "abc",
            "abc-",
            "-1",
            "ABC-1",
            "abc-1-2",
            "abc-x",
            "../../etc/passwd",
            "abc-1\0",
            "fffffffffffffffffffffffffffffffff-1",
            "abc-123456789012345678901",
        ] {
            assert!(
                refused(renewal_id(bad)).starts_with("renewalId: "),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn secrets_are_bounded_and_never_echoed() {
        assert!(
            secret("pin", "", MAX_PIN).is_ok(),
            "a PIN pad token takes none"
        );
        assert!(secret("pin", "1234-ａｂｃ", MAX_PIN).is_ok());
        assert!(secret("pin", &"9".repeat(MAX_PIN), MAX_PIN).is_ok());
        for bad in ["9".repeat(MAX_PIN + 1), "12\x0034".into(), "12\n34".into()] {
            let detail = refused(secret("pin", &bad, MAX_PIN));
            assert!(
                detail.starts_with("pin: ") && !detail.contains("12"),
                "{detail}"
            );
        }
    }

    #[test]
    fn titles_are_one_short_line() {
        assert_eq!(
            text("title", "銀行プロファイルを選ぶ", MAX_TITLE).unwrap(),
            "銀行プロファイルを選ぶ"
        );
        assert!(text("title", &"字".repeat(MAX_TITLE), MAX_TITLE).is_ok());
        refused(text("title", &"字".repeat(MAX_TITLE + 1), MAX_TITLE));
        refused(text("title", "a\nb", MAX_TITLE));
    }

    #[test]
    fn profile_paths_are_bounded_without_nul() {
        let here = std::env::temp_dir().join("bank.toml");
        let s = here.to_str().unwrap();
        assert_eq!(profile_path(&format!(" {s} ")).unwrap(), here);
        // A person may type a relative path: install::add words that refusal.
        assert_eq!(
            profile_path("bank.toml").unwrap(),
            PathBuf::from("bank.toml")
        );
        let long = format!("/{}", "a".repeat(MAX_PATH));
        for bad in ["", "  ", "/tmp/a\0.toml", &long] {
            assert!(refused(profile_path(bad)).starts_with("path: "), "{bad:?}");
        }
    }

    #[test]
    fn profile_ids_are_plain_file_names() {
        assert_eq!(profile_id("みずほ-demo").unwrap(), "みずほ-demo");
        let long = "a".repeat(MAX_PROFILE_ID + 1);
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "a\0", &long] {
            refused(profile_id(bad));
        }
    }

    #[test]
    fn versions_are_short_semver_strings() {
        for good in ["0.1.1", "1.0.0-rc.1+build.5", "10.20.30"] {
            assert_eq!(version(good).unwrap(), good);
        }
        let long = format!("1.{}", "0".repeat(64));
        for bad in [
            "", "v1.0.0", "1.0.0 ", "1.0.0\0", "../1", "1;rm", "１.0", &long,
        ] {
            assert!(refused(version(bad)).starts_with("version: "), "{bad:?}");
        }
    }
}
