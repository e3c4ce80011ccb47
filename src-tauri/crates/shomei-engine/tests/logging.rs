//! The log file as a helpdesk reads it: one line per renewal step of a real
//! renewal (SoftHSM token, EST test CA over TLS), with the bank, the identity's
//! fingerprint, the timing and, for a failure, its code and the token's native
//! code; a line for the installed renewal; no ANSI colour codes and no PIN, even
//! with the console coloured and logging at debug.
//!
//! One test: the subscriber and the log folder belong to the whole process.

mod common;

use common::{demo, pin, recorder};
use shomei_engine::logging::{self, Config};
use shomei_engine::Engine;

/// A wrong PIN nobody could mistake for anything else in the file.
const WRONG_PIN: &str = "WrongPin-7c1d";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_leaves_one_line_per_step_in_the_log_file() {
    logging::init(Config {
        console: true,
        // Coloured on the console: the file must still have none.
        console_ansi: true,
        filter: "debug".into(),
    });
    // Before the folder is known: held, then written, span fields included.
    tracing::info_span!("starting", data = "early").in_scope(|| {
        tracing::warn!(what = "held", "an early line");
    });
    let Some((dir, demo)) = demo("a_renewal_leaves_one_line_per_step_in_the_log_file").await else {
        return;
    };
    let logs = logging::set_directory(dir.path()).expect("log folder");
    assert_eq!(logs, dir.path().join("logs"));
    assert_eq!(logging::directory(), Some(logs.clone()));

    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone()).with_bank_id("demo");
    let old = engine.list().identities[0].fingerprint.clone();
    let (sink, _) = recorder();
    let wrong = secrecy::SecretString::from(WRONG_PIN.to_owned());
    engine
        .start_renewal(&old, wrong, false, sink.clone())
        .await
        .expect_err("a wrong PIN");
    let issued = engine
        .start_renewal(&old, pin(), false, sink.clone())
        .await
        .expect("issued");
    let outcome = engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .expect("installed");

    let files: Vec<_> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        name.starts_with("shomei.") && name.ends_with(".log"),
        "{name}"
    );
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains('\u{1b}'), "ANSI codes in the file:\n{text}");
    assert!(
        text.contains("an early line") && text.contains("data=\"early\""),
        "{text}"
    );

    let line = |needle: &[&str]| -> &str {
        text.lines()
            .find(|l| needle.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
    };
    let fp = format!("fingerprint={old}");
    let failed = line(&["renewal step failed", "step=login"]);
    for part in [
        " WARN ",
        fp.as_str(),
        "bank=demo",
        "code=pinIncorrect",
        "CKR_PIN_INCORRECT",
        " ms=",
    ] {
        assert!(failed.contains(part), "{part} missing in: {failed}");
    }
    for step in [
        "check",
        "login",
        "requirements",
        "generateKey",
        "request",
        "verify",
        "install",
        "readBack",
        "archive",
    ] {
        let done = line(&["renewal step done", &format!("step={step} ")]);
        for part in [" INFO ", fp.as_str(), "bank=demo", " ms=", "renewal="] {
            assert!(done.contains(part), "{part} missing in: {done}");
        }
    }
    let installed = line(&["renewal installed"]);
    assert!(
        installed.contains(&format!(
            "new_fingerprint={}",
            outcome.installed.fingerprint
        )),
        "{installed}"
    );

    // No PIN in any line (the timestamp, whose digits could match by chance, aside).
    for l in text.lines() {
        let after_time = l.split_once(' ').map_or(l, |(_, rest)| rest);
        assert!(!after_time.contains(WRONG_PIN), "PIN in: {l}");
        assert!(
            !after_time.contains(shomei_engine::demo::DEMO_PIN),
            "PIN in: {l}"
        );
    }
}
