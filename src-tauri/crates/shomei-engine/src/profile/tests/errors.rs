//! Every kind of problem: its field, line and both languages.

use super::*;

#[test]
fn each_semantic_error_points_at_its_key() {
    let renewal = |line: &str| format!("{BASE}[renewal]\n{line}\n");
    let cases: Vec<(String, &str, usize)> = vec![
        (
            renewal("window_opens_days = 27"),
            "renewal.window_opens_days",
            6,
        ),
        (
            renewal("window_opens_days = 41"),
            "renewal.window_opens_days",
            6,
        ),
        (
            renewal("window_opens_days = \"30\""),
            "renewal.window_opens_days",
            6,
        ),
        (
            renewal("last_day_cutoff = \"9am\""),
            "renewal.last_day_cutoff",
            6,
        ),
        (
            renewal("last_day_cutoff = \"24:00\""),
            "renewal.last_day_cutoff",
            6,
        ),
        (
            renewal("reminder_days = [1, 3]"),
            "renewal.reminder_days",
            6,
        ),
        (
            renewal("reminder_days = [30, 3, 3]"),
            "renewal.reminder_days",
            6,
        ),
        (
            renewal("reminder_days = [61, 3]"),
            "renewal.reminder_days",
            6,
        ),
        (
            renewal("reminder_days = [3, -1]"),
            "renewal.reminder_days",
            6,
        ),
        (renewal("reminder_days = []"), "renewal.reminder_days", 6),
        (
            renewal("reacquire_grace_days = 401"),
            "renewal.reacquire_grace_days",
            6,
        ),
        (BASE.replace("https://est", "http://est"), "est.base_url", 3),
        (
            BASE.replace("https://est.example.jp", "https://"),
            "est.base_url",
            3,
        ),
        (
            BASE.replace("name = \"テスト信用金庫\"", "name = \"  \""),
            "name",
            1,
        ),
        (format!("{BASE}label = \"a/b\"\n"), "est.label", 5),
        (format!("{BASE}[token]\nmodule = \"/a.so\"\n"), "token", 5),
        (format!("media_storage = true\n{BASE}"), "media_storage", 1),
        (
            format!("media_storage = false\n{BASE}[token]\nlabel = \"x\"\n"),
            "token",
            6,
        ),
        (format!("key_policy = \"rsa1024\"\n{BASE}"), "key_policy", 1),
        (format!("replaced = \"archive\"\n{BASE}"), "replaced", 1),
        (
            format!("{BASE}[support]\nphone = \"call us\"\n"),
            "support.phone",
            6,
        ),
        (
            format!("{BASE}[support]\nurl = \"ftp://x\"\n"),
            "support.url",
            6,
        ),
        (
            format!("{BASE}[pc_store]\nenabled = \"yes\"\n"),
            "pc_store.enabled",
            6,
        ),
        (format!("{BASE}bogus = 1\n"), "est.bogus", 5),
        (
            BASE.replace("ca_file = \"ca.pem\"", "ca_file = []"),
            "est.ca_file",
            4,
        ),
        (BASE.replace("ca_file = \"ca.pem\"\n", ""), "est.ca_file", 2),
        (BASE.replace("name = \"テスト信用金庫\"\n", "\n"), "name", 1),
    ];
    for (text, field, line) in cases {
        one_issue(&text, field, line);
    }
}

#[test]
fn a_syntax_error_has_line_and_column() {
    let issue = one_issue(
        &format!("{BASE}[renewal]\nwindow_opens_days = = 30\n"),
        "",
        6,
    );
    assert!(issue.column > 1, "{issue}");
    assert!(issue.ja.starts_with("TOML の書き方") && issue.en.starts_with("TOML syntax error"));
}

#[test]
fn several_errors_are_reported_together_in_file_order() {
    let text = "name = 1\nmedia_storage = true\n[est]\nbase_url = \"http://x\"\nca_file = \"ca.pem\"\n\
                [renewal]\nwindow_opens_days = 14\nreminder_days = [0, 30]\nreacquire_grace_days = -1\n\
                extra = true\n";
    let found: Vec<(String, usize)> = issues(text)
        .into_iter()
        .map(|i| (i.field, i.line))
        .collect();
    let want = [
        ("name", 1),
        ("media_storage", 2),
        ("est.base_url", 4),
        ("renewal.window_opens_days", 7),
        ("renewal.reminder_days", 8),
        ("renewal.reacquire_grace_days", 9),
        ("renewal.extra", 10),
    ];
    let want: Vec<(String, usize)> = want.iter().map(|(f, l)| (f.to_string(), *l)).collect();
    assert_eq!(found, want);
}

#[test]
fn ca_file_problems_are_reported_with_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.pem"), "no certificate here\n").unwrap();
    let path = dir.path().join("bank.toml");
    let text = BASE
        .replace(
            "ca_file = \"ca.pem\"",
            "ca_file = [\"missing.pem\", \"empty.pem\"]",
        )
        .replace("https://est", "http://est");
    std::fs::write(&path, text).unwrap();
    let err = BankProfile::load(&path).unwrap_err();
    let ProfileError::Invalid { issues, .. } = &err else {
        panic!("{err}")
    };
    let found: Vec<(&str, usize)> = issues.iter().map(|i| (i.field.as_str(), i.line)).collect();
    assert_eq!(
        found,
        [("est.base_url", 3), ("est.ca_file", 4), ("est.ca_file", 4)]
    );
    assert!(issues[1].en.contains("missing.pem") && issues[2].en.contains("no PEM certificate"));
    let shown = err.to_string();
    assert!(
        shown.contains("3 件の問題") && shown.contains("3 problem(s)"),
        "{shown}"
    );
    assert!(shown.contains(&format!("{}:4:", path.display())), "{shown}");
}

/// A CA file that is a FIFO (or a device) would block the open for ever: it is
/// refused as not a plain file, with the profile's other problems.
#[cfg(unix)]
#[test]
fn a_ca_file_that_is_not_a_plain_file_is_refused_without_opening_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ca.pem");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let path = dir.path().join("bank.toml");
    let text = BASE.replace(
        "ca_file = \"ca.pem\"",
        "ca_file = [\"ca.pem\", \"/dev/null\"]",
    );
    std::fs::write(&path, text).unwrap();
    // Before the check this open() waited for a writer that never comes.
    let err = BankProfile::load(&path).unwrap_err();
    let ProfileError::Invalid { issues, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(issues.len(), 2, "{issues:#?}");
    for issue in issues {
        assert_eq!((issue.field.as_str(), issue.line), ("est.ca_file", 4));
        assert!(issue.en.contains("is not a plain file"), "{issue}");
        assert!(issue.ja.contains("通常のファイルではありません"), "{issue}");
    }
}

/// A profile (or a link to a file) bigger than a profile can be is refused
/// unread, in a directory too, and the others still load.
#[test]
fn a_profile_over_one_mebibyte_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(crate::profile::install::MAX_PROFILE_BYTES + 1)
        .unwrap();
    let err = BankProfile::load(&big).unwrap_err();
    let ProfileError::Io { source, .. } = &err else {
        panic!("{err}")
    };
    assert!(source.to_string().contains("larger than 1 MiB"), "{source}");
    assert!(
        source.to_string().contains("1 MiB を超えています"),
        "{source}"
    );
    let example = super::example_path();
    for f in ["shinkin-example.toml", "shinkin-example-ca.pem"] {
        std::fs::copy(example.with_file_name(f), dir.path().join(f)).unwrap();
    }
    let catalog = Catalog::load(&Places {
        administrator: None,
        user: Some(dir.path().to_path_buf()),
        legacy_file: None,
    });
    assert_eq!(catalog.profiles.len(), 2, "{:#?}", catalog.profiles);
    assert_eq!(
        catalog.profiles[0].state,
        crate::model::ProfileState::Unreadable
    );
    assert!(catalog.profiles[0].issues[0]
        .en
        .contains("larger than 1 MiB"));
    assert_eq!(catalog.banks.len(), 1);
    assert_eq!(catalog.banks[0].id, "shinkin-example");
}

/// Two file names that are not Unicode would both become the id "\u{FFFD}": two banks
/// with one id. Such a file is listed as unreadable (rename it), the others load.
#[cfg(unix)]
#[test]
fn a_profile_whose_file_name_is_not_unicode_is_not_loaded() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let example = super::example_path();
    let text = std::fs::read(&example).unwrap();
    for name in [&b"\xff.toml"[..], b"\xfe.toml", b"shinkin.toml"] {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), &text).unwrap();
    }
    let ca = "shinkin-example-ca.pem";
    std::fs::copy(example.with_file_name(ca), dir.path().join(ca)).unwrap();
    let catalog = Catalog::load(&Places {
        administrator: Some(dir.path().to_path_buf()),
        user: None,
        legacy_file: None,
    });
    let ids: Vec<&str> = catalog.banks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["shinkin"]);
    let unreadable: Vec<_> = catalog
        .profiles
        .iter()
        .filter(|p| p.state == crate::model::ProfileState::Unreadable)
        .collect();
    assert_eq!(unreadable.len(), 2, "{:#?}", catalog.profiles);
    for p in unreadable {
        assert!(p.issues[0].en.contains("not valid Unicode"), "{p:?}");
        assert!(
            p.issues[0].ja.contains("ファイル名を変えてください"),
            "{p:?}"
        );
    }
}
