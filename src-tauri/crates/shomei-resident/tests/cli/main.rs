//! The IT-staff command line, run as the real binary (no window is created):
//! `status --json`, `renew`, `discard`, `profile check`, `export-ical` and the exit
//! codes (here); whole demo renewals (`demo`); unfinished renewals, two commands at
//! once and discarding (`unfinished`); a closed pipe and the demo directory (`safety`);
//! the support bundle (`support`).
//! The demo needs SoftHSM2; without it those tests skip loudly, unless
//! SHOMEI_REQUIRE_SOFTHSM=1 makes them fail.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

mod banks;
mod demo;
mod safety;
mod support;
mod unfinished;

const BIN: &str = env!("CARGO_BIN_EXE_shomei");

const DEMO_PIN: &str = "123456";

const EXAMPLE_PROFILE: &str = "../shomei-engine/profiles/shinkin-example.toml";

/// A private directory per test, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "shomei-cli-test-{test}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn demo(&self) -> PathBuf {
        self.0.join("demo")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether the demo can run here (SoftHSM2 installed); skips loudly otherwise.
fn softhsm_or_skip(test: &str) -> bool {
    let module = std::env::var_os("SHOMEI_SOFTHSM_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"));
    if module.exists() {
        return true;
    }
    let required = std::env::var_os("SHOMEI_REQUIRE_SOFTHSM").is_some_and(|v| v == "1");
    assert!(
        !required,
        "SoftHSM2 required (SHOMEI_REQUIRE_SOFTHSM=1) but {} is missing",
        module.display()
    );
    eprintln!(
        "\n*** SKIPPED {test}: SoftHSM2 is not installed ({} missing). Install softhsm2 or set \
         SHOMEI_REQUIRE_SOFTHSM=1 to fail. ***\n",
        module.display()
    );
    false
}

fn shomei(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut child = spawn(args, env);
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn status_json(demo: &Path) -> serde_json::Value {
    let out = shomei(
        &["--demo-dir", demo.to_str().unwrap(), "status", "--json"],
        &[],
        None,
    );
    assert_eq!(code(&out), 0, "status failed: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("status --json is JSON")
}

/// A demo in a fresh directory and its one identity's fingerprint; `None` after a
/// loud skip without SoftHSM.
fn demo_with_identity(test: &str) -> Option<(TempDir, PathBuf, String)> {
    if !softhsm_or_skip(test) {
        return None;
    }
    let tmp = TempDir::new(test);
    let demo = tmp.demo();
    let fp = only_identity(&status_json(&demo))["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    Some((tmp, demo, fp))
}

fn only_identity(listing: &serde_json::Value) -> serde_json::Value {
    let ids = listing["identities"].as_array().expect("identities");
    assert_eq!(ids.len(), 1, "{listing:#}");
    ids[0].clone()
}

#[test]
fn help_lists_commands_and_exit_codes() {
    let out = shomei(&["--help"], &[], None);
    assert_eq!(code(&out), 0);
    let help = text(&out.stdout);
    for word in [
        "status",
        "renew",
        "profile check",
        "export-ical",
        "--pin-env",
        "--pin-stdin",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    for n in 0..=12 {
        let line = if n < 10 {
            format!("\n  {n}  ")
        } else {
            format!("\n  {n} ")
        };
        assert!(help.contains(&line), "--help lacks exit code {n}");
    }
    assert!(help.contains("discard RENEWAL_ID"));
    assert_eq!(code(&shomei(&["frobnicate"], &[], None)), 2);
}

#[test]
fn the_words_follow_the_os_language_unless_lang_says() {
    let said = |args: &[&str], env: &[(&str, &str)]| {
        let out = shomei(args, env, None);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let check = ["profile", "check", EXAMPLE_PROFILE];
    // The shared words: the same as ui/locales/*.json say.
    assert!(said(&check, &[]).contains("問題はありません"));
    let english = said(&check, &[("LANG", "en_US.UTF-8")]);
    assert!(english.contains(": valid\n"), "{english}");
    assert!(english.contains("Pinned CA certificates"), "{english}");
    // LC_ALL before LANG; C names no language (Japanese); --lang before them all.
    assert!(said(
        &check,
        &[("LANG", "en_US.UTF-8"), ("LC_ALL", "ja_JP.UTF-8")]
    )
    .contains("問題はありません"));
    assert!(said(&check, &[("LANG", "C.UTF-8")]).contains("問題はありません"));
    let mut forced = vec!["--lang", "ja"];
    forced.extend(check);
    assert!(said(&forced, &[("LANG", "en_US.UTF-8")]).contains("問題はありません"));
}

#[test]
fn pin_in_argv_is_refused_without_touching_anything() {
    let tmp = TempDir::new("argv");
    let demo = tmp.demo();
    for pin in [&["--pin", DEMO_PIN][..], &["--pin=123456"][..]] {
        let mut args = vec![
            "--demo-dir",
            demo.to_str().unwrap(),
            "renew",
            "--identity",
            "ab",
        ];
        args.extend_from_slice(pin);
        args.push("--yes");
        let out = shomei(&args, &[], None);
        assert_eq!(code(&out), 2, "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("--pin-env"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = shomei(
        &[
            "--demo-dir",
            demo.to_str().unwrap(),
            "renew",
            "--identity",
            "ab",
            "--pin-stdin",
        ],
        &[],
        Some(DEMO_PIN),
    );
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("--yes"));
    assert!(!demo.exists(), "a refused command created the demo");
}

#[test]
fn profile_check_reports_every_problem_with_its_line() {
    let out = shomei(&["profile", "check", EXAMPLE_PROFILE], &[], None);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("しょうめい信用金庫"));

    let tmp = TempDir::new("profile");
    let broken = tmp.0.join("broken.toml");
    std::fs::write(
        &broken,
        "name = 3\n[est]\nbase_url = \"http://x\"\nbogus = 1\n",
    )
    .unwrap();
    let out = shomei(&["profile", "check", broken.to_str().unwrap()], &[], None);
    assert_eq!(code(&out), 8);
    let report = text(&out.stdout);
    for place in [":1:1 name", ":3:1 est.base_url", ":4:1 est.bogus"] {
        assert!(report.contains(place), "missing {place} in:\n{report}");
    }
    assert!(report.contains("https://"), "{report}");
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(BIN);
    // The words follow the OS's language unless --lang says: Japanese here, unless a
    // test says otherwise through `env`.
    command
        .args(args)
        .env("SHOMEI_LOG", "warn")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ja_JP.UTF-8")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("run shomei")
}
