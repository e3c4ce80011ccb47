//! The demo bank end to end: status, the calendar, a renewal with the PIN from the
//! environment.

use super::*;

#[test]
fn demo_status_and_calendar() {
    if !softhsm_or_skip("demo_status_and_calendar") {
        return;
    }
    let tmp = TempDir::new("status");
    let demo = tmp.demo();
    let id = only_identity(&status_json(&demo));
    let days = id["daysLeft"].as_i64().unwrap();
    assert!((11..=12).contains(&days), "{id:#}");
    assert_eq!(id["status"], "renewalOpen");
    assert_eq!(id["storage"], "usbToken");

    let out = shomei(&["--demo-dir", demo.to_str().unwrap(), "status"], &[], None);
    assert_eq!(code(&out), 0);
    let ja = text(&out.stdout);
    for word in [
        "発行先",
        "有効期限",
        "残り日数",
        "保管場所: 専用USB",
        "状態: 更新期間中",
    ] {
        assert!(ja.contains(word), "missing {word} in:\n{ja}");
    }

    let ics = tmp.0.join("demo.ics");
    let args = [
        "--demo-dir",
        demo.to_str().unwrap(),
        "export-ical",
        "--out",
        ics.to_str().unwrap(),
    ];
    assert_eq!(code(&shomei(&args, &[], None)), 0);
    let cal = std::fs::read_to_string(&ics).unwrap();
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\n") && cal.ends_with("END:VCALENDAR\r\n"));
    assert!(!cal.replace("\r\n", "").contains('\n'), "a bare LF");
    let lines: Vec<&str> = cal.split_terminator("\r\n").collect();
    assert!(
        lines.iter().all(|l| l.len() <= 75),
        "a line longer than 75 octets"
    );
    assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 2);
    assert_eq!(lines.iter().filter(|l| **l == "END:VEVENT").count(), 2);
    let unfolded = cal.replace("\r\n ", "");
    assert!(unfolded.contains("SUMMARY:電子証明書の有効期限: 株式会社デモ商事\r\n"));
    assert!(unfolded.contains("SUMMARY:電子証明書の更新期間開始: 株式会社デモ商事\r\n"));
    let fp = id["fingerprint"].as_str().unwrap();
    assert!(
        unfolded.contains(&format!("UID:shomei-expiry-{fp}@")),
        "{unfolded}"
    );
}

#[test]
fn demo_renewal_with_the_pin_from_the_environment() {
    let Some((_tmp, demo, fp)) = demo_with_identity("renew") else {
        return;
    };
    let dir = demo.to_str().unwrap();
    let renew = [
        "--demo-dir",
        dir,
        "renew",
        "--identity",
        &fp,
        "--pin-env",
        "SHOMEI_TEST_PIN",
        "--yes",
    ];

    let out = shomei(&renew, &[("SHOMEI_TEST_PIN", "zq-wrong-pin")], None);
    assert_eq!(code(&out), 3, "wrong PIN: {}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("zq-wrong-pin"),
        "the PIN was echoed"
    );
    // The terminal gets the command line's words; the log file gets the log.
    let log = log_text(&demo);
    assert!(
        !text(&out.stderr).contains("WARN") && !text(&out.stderr).contains("renewal step"),
        "log lines on the terminal: {}",
        text(&out.stderr)
    );
    assert!(
        log.contains("renewal step failed")
            && log.contains(&format!("fingerprint={fp}"))
            && log.contains("CKR_PIN_INCORRECT"),
        "{log}"
    );
    assert!(
        !log.contains("zq-wrong-pin") && !log.contains('\u{1b}'),
        "{log}"
    );
    // The next process (the tray, `status`) still says it: remembered in the data
    // directory, with the token's native code, until a renewal gets further.
    let still = only_identity(&status_json(&demo));
    assert_eq!(still["fingerprint"], fp.as_str());
    assert_eq!(still["lastFailure"]["code"], "pinIncorrect", "{still:#}");
    assert!(
        still["lastFailure"]["nativeCode"]
            .as_str()
            .is_some_and(|c| c.contains("CKR_PIN_INCORRECT")),
        "{still:#}"
    );
    let out = shomei(&["--demo-dir", dir, "status"], &[], None);
    let said = text(&out.stdout);
    assert!(
        said.contains("前回の更新: 前回の更新（")
            && said.contains("）は失敗しました。元の電子証明書は変更されていません。 パスワードが正しくありません。"),
        "{said}"
    );
    let remembered = std::fs::read_to_string(demo.join("failures.json")).unwrap();
    assert!(!remembered.contains("zq-wrong-pin"), "{remembered}");

    // A bank that issues at once: --wait changes nothing but is accepted.
    let waiting = [&renew[..], &["--wait", "10m"]].concat();
    let out = shomei(
        &waiting,
        &[("SHOMEI_TEST_PIN", DEMO_PIN), ("SHOMEI_LOG", "info")],
        None,
    );
    assert_eq!(code(&out), 0, "renew: {}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("INFO"), "{}", text(&out.stderr));
    let log = log_text(&demo);
    assert!(
        log.contains("step=archive") && log.contains("renewal installed"),
        "{log}"
    );
    let after = only_identity(&status_json(&demo));
    assert_ne!(after["fingerprint"], fp.as_str());
    let days = after["daysLeft"].as_i64().unwrap();
    assert!((360..=366).contains(&days), "{after:#}");
    assert_eq!(after["status"], "valid");
    assert!(after["lastFailure"].is_null(), "{after:#}");
    let remembered = std::fs::read_to_string(demo.join("failures.json")).unwrap();
    assert!(
        !remembered.contains(fp.as_str()),
        "renewed, still remembered: {remembered}"
    );

    // The old fingerprint is gone: renewing it again finds nothing.
    let out = shomei(&renew, &[("SHOMEI_TEST_PIN", DEMO_PIN)], None);
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
}

/// Every log file of the demo directory, oldest first.
fn log_text(demo: &std::path::Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(demo.join("logs"))
        .expect("the log folder")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// Without SoftHSM2 (the .deb only recommends it) the demo says, in both languages, what
/// is missing and how to install it, exits as a store error, and makes nothing.
#[test]
fn demo_without_softhsm_says_what_to_install() {
    let tmp = TempDir::new("no-softhsm");
    let demo = tmp.0.join("demo");
    let missing = tmp.0.join("no/libsofthsm2.so");
    let env = [("SHOMEI_SOFTHSM_MODULE", missing.to_str().unwrap())];
    for (lang, words) in [
        (
            "en",
            ["The demo needs SoftHSM2", "sudo apt install softhsm2"],
        ),
        (
            "ja",
            [
                "SoftHSM2（専用USBの代わりになるソフトウェア）が必要",
                "sudo apt install softhsm2",
            ],
        ),
    ] {
        let args = [
            "--demo-dir",
            demo.to_str().unwrap(),
            "--lang",
            lang,
            "status",
        ];
        let out = shomei(&args, &env, None);
        assert_eq!(code(&out), 5, "{}", text(&out.stderr));
        let said = text(&out.stderr);
        for word in words {
            assert!(said.contains(word), "missing {word:?} in:\n{said}");
        }
        assert!(said.contains(missing.to_str().unwrap()), "{said}");
    }
    assert!(
        !demo.exists(),
        "the demo made its directory without SoftHSM2"
    );
}
