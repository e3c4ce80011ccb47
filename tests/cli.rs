//! The IT-staff command line, run as the real binary (no window is created):
//! `status --json`, `renew`, `profile check`, `export-ical` and the exit codes.
//! The demo needs SoftHSM2; without it those tests skip loudly, unless
//! SHOMEI_REQUIRE_SOFTHSM=1 makes them fail.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_shomei");
const DEMO_PIN: &str = "123456";
const EXAMPLE_PROFILE: &str = "src-tauri/crates/shomei-engine/profiles/shinkin-example.toml";

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
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("SHOMEI_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("run shomei");
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
    if !softhsm_or_skip("demo_renewal_with_the_pin_from_the_environment") {
        return;
    }
    let tmp = TempDir::new("renew");
    let demo = tmp.demo();
    let dir = demo.to_str().unwrap();
    let before = only_identity(&status_json(&demo));
    let fp = before["fingerprint"].as_str().unwrap().to_owned();
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
    assert_eq!(
        only_identity(&status_json(&demo))["fingerprint"],
        fp.as_str()
    );

    let out = shomei(&renew, &[("SHOMEI_TEST_PIN", DEMO_PIN)], None);
    assert_eq!(code(&out), 0, "renew: {}", text(&out.stderr));
    let after = only_identity(&status_json(&demo));
    assert_ne!(after["fingerprint"], fp.as_str());
    let days = after["daysLeft"].as_i64().unwrap();
    assert!((360..=366).contains(&days), "{after:#}");
    assert_eq!(after["status"], "valid");

    // The old fingerprint is gone: renewing it again finds nothing.
    let out = shomei(&renew, &[("SHOMEI_TEST_PIN", DEMO_PIN)], None);
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("SHOMEI_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("run shomei")
}

/// Reads `child`'s stderr on a thread; `wait_for` blocks until a line holds `needle`.
struct Stderr {
    lines: std::sync::mpsc::Receiver<String>,
    seen: String,
}

impl Stderr {
    fn of(child: &mut Child) -> Stderr {
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut buf = Vec::new();
            // The consent questions end without a newline: read up to each "] ".
            loop {
                buf.clear();
                match reader.read_until(b' ', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Stderr {
            lines,
            seen: String::new(),
        }
    }

    fn wait_for(&mut self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !self.seen.contains(needle) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&chunk),
                Err(_) => panic!("never saw {needle:?} in:\n{}", self.seen),
            }
        }
    }

    fn rest(mut self) -> String {
        while let Ok(chunk) = self.lines.recv_timeout(std::time::Duration::from_secs(60)) {
            self.seen.push_str(&chunk);
        }
        self.seen
    }
}

#[test]
fn a_renewal_held_at_consent_2_is_never_touched_by_a_second_command() {
    if !softhsm_or_skip("a_renewal_held_at_consent_2_is_never_touched_by_a_second_command") {
        return;
    }
    let tmp = TempDir::new("two");
    let demo = tmp.demo();
    let dir = demo.to_str().unwrap();
    let fp = only_identity(&status_json(&demo))["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let pin = [("SHOMEI_TEST_PIN", DEMO_PIN)];

    // The first command stands for the window: it stops at consent 2.
    let mut first = spawn(
        &[
            "--demo-dir",
            dir,
            "renew",
            "--identity",
            &fp,
            "--pin-env",
            "SHOMEI_TEST_PIN",
        ],
        &pin,
    );
    let mut first_stderr = Stderr::of(&mut first);
    let mut answers = first.stdin.take().unwrap();
    writeln!(answers, "はい").unwrap();
    first_stderr.wait_for("銀行から新しい電子証明書が届きました");

    // Meanwhile `renew --yes` on the same certificate stands back and says why.
    let second = shomei(
        &[
            "--demo-dir",
            dir,
            "renew",
            "--identity",
            &fp,
            "--pin-env",
            "SHOMEI_TEST_PIN",
            "--yes",
        ],
        &pin,
        None,
    );
    assert_eq!(code(&second), 11, "{}", text(&second.stderr));
    assert!(
        text(&second.stderr).contains("別のウィンドウまたはコマンドで処理中です"),
        "{}",
        text(&second.stderr)
    );
    // Another process sees it journaled (issued, waiting for consent 2), and
    // `discard` of it is refused as well while it is held.
    let listing = status_json(&demo);
    assert_eq!(
        listing["unfinished"][0]["stage"], "awaitingInstall",
        "{listing:#}"
    );
    let held = listing["unfinished"][0]["renewalId"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "discard",
            &held,
            "--pin-env",
            "SHOMEI_TEST_PIN",
            "--yes",
        ],
        &pin,
        None,
    );
    assert_eq!(code(&out), 11, "{}", text(&out.stderr));

    // The first answers いいえ: the old certificate, with its key, is as it was.
    writeln!(answers, "いいえ").unwrap();
    drop(answers);
    let status = first.wait().unwrap();
    let said = first_stderr.rest();
    assert_eq!(status.code(), Some(9), "{said}");
    assert!(said.contains("古い電子証明書はそのままです"), "{said}");
    let after = status_json(&demo);
    assert_eq!(only_identity(&after)["fingerprint"], fp.as_str());
    assert!(
        after["unfinished"].as_array().unwrap().is_empty(),
        "{after:#}"
    );
    // Its key is still there: it renews.
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "renew",
            "--identity",
            &fp,
            "--pin-env",
            "SHOMEI_TEST_PIN",
            "--yes",
        ],
        &pin,
        None,
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}

/// A renewal the bank answered "later" an hour from now, as the journal holds it.
fn pending_record(demo: &Path, fingerprint: &str, renewal_id: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let record = serde_json::json!({
        "format": 1,
        "renewalId": renewal_id,
        "stage": "pending",
        "startedAt": now - 60,
        "updatedAt": now - 60,
        "store": "USB token",
        "tokenLabel": "Shomei Demo USB",
        "oldFingerprint": fingerprint,
        "oldLabel": "株式会社デモ商事",
        "keyLabel": format!("shomei-pending-{renewal_id}"),
        "keyId": "c2hvbWVpLXRlc3Qta2V5",
        "newPublicKey": null,
        "csr": "MAA=",
        "polls": 1,
        "nextPollAt": now + 3600,
        "issued": null,
        "newFingerprint": null,
    });
    let journal = demo.join("journal");
    std::fs::create_dir_all(&journal).unwrap();
    std::fs::write(
        journal.join(format!("{renewal_id}.json")),
        serde_json::to_vec(&record).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_pending_renewal_says_when_without_a_pin_and_can_be_discarded() {
    if !softhsm_or_skip("a_pending_renewal_says_when_without_a_pin_and_can_be_discarded") {
        return;
    }
    let tmp = TempDir::new("pending");
    let demo = tmp.demo();
    let dir = demo.to_str().unwrap();
    let fp = only_identity(&status_json(&demo))["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = "18f00000000000aa-0";
    pending_record(&demo, &fp, id);

    // status explains it: what happened, when the bank is asked again, what
    // carrying it on and discarding it do.
    let out = shomei(&["--demo-dir", dir, "status"], &[], None);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let said = text(&out.stdout);
    for words in [
        "中断された更新",
        "銀行の発行待ちです（次の問い合わせ: ",
        "（日本時間）以降）",
        &format!("shomei discard {id}"),
        &format!("shomei renew --identity {fp}"),
        "同じ申請で銀行に問い合わせます",
        "申請用の新しい鍵を削除します",
    ] {
        assert!(said.contains(words), "missing {words:?} in:\n{said}");
    }
    assert_eq!(status_json(&demo)["unfinished"][0]["stage"], "pending");

    // renew says "not before" with its own exit code, before asking for a PIN (stdin
    // is empty: reading a PIN would have failed with exit 2).
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "renew",
            "--identity",
            &fp,
            "--pin-stdin",
            "--yes",
        ],
        &[],
        Some(""),
    );
    assert_eq!(code(&out), 10, "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(
        said.contains("（日本時間）以降に、もう一度実行してください"),
        "{said}"
    );
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "--lang",
            "en",
            "renew",
            "--identity",
            &fp,
            "--pin-stdin",
            "--yes",
        ],
        &[],
        Some(""),
    );
    assert_eq!(code(&out), 10);
    assert!(
        text(&out.stderr).contains(" JST and the same request"),
        "{}",
        text(&out.stderr)
    );

    // discard: an unknown id is said so; the real one is discarded with the PIN.
    let pin = [("SHOMEI_TEST_PIN", DEMO_PIN)];
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "discard",
            "no-such-renewal",
            "--pin-env",
            "SHOMEI_TEST_PIN",
            "--yes",
        ],
        &pin,
        None,
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("その更新は見つかりません"),
        "{}",
        text(&out.stderr)
    );
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "discard",
            id,
            "--pin-env",
            "SHOMEI_TEST_PIN",
        ],
        &pin,
        Some("いいえ\n"),
    );
    assert_eq!(code(&out), 9, "declined: {}", text(&out.stderr));
    assert_eq!(
        status_json(&demo)["unfinished"].as_array().unwrap().len(),
        1
    );
    let out = shomei(
        &[
            "--demo-dir",
            dir,
            "discard",
            id,
            "--pin-env",
            "SHOMEI_TEST_PIN",
        ],
        &pin,
        Some("はい\n"),
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("中断された更新を破棄しました"));
    let after = status_json(&demo);
    assert!(
        after["unfinished"].as_array().unwrap().is_empty(),
        "{after:#}"
    );
    assert_eq!(only_identity(&after)["fingerprint"], fp.as_str());
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    if !softhsm_or_skip("a_closed_pipe_ends_the_output_quietly") {
        return;
    }
    let tmp = TempDir::new("pipe");
    let demo = tmp.demo();
    let dir = demo.to_str().unwrap();
    status_json(&demo); // the demo exists, so the command below prints at once
    for args in [
        &["--demo-dir", dir, "status"][..],
        &["--demo-dir", dir, "status", "--json"][..],
        &["--help"][..],
    ] {
        let mut child = spawn(args, &[]);
        drop(child.stdout.take()); // `| head -n 0`: the reader is gone before a byte is written
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        let said = text(&out.stderr);
        assert!(
            !said.contains("panicked") && !said.contains("Broken pipe"),
            "{args:?}: {said}"
        );
        assert_eq!(code(&out), 0, "{args:?}: {said}");
    }
}

#[cfg(unix)]
#[test]
fn a_demo_directory_others_could_tamper_with_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("demo-dir");
    let shared = tmp.0.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = shomei(
        &["--demo-dir", shared.to_str().unwrap(), "status"],
        &[],
        None,
    );
    assert_ne!(code(&out), 0);
    assert!(
        text(&out.stderr).contains("can be written by other users"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&shared).unwrap().count(),
        0,
        "nothing written into it"
    );

    let link = tmp.0.join("link");
    std::os::unix::fs::symlink(&shared, &link).unwrap();
    let out = shomei(&["--demo-dir", link.to_str().unwrap(), "status"], &[], None);
    assert_ne!(code(&out), 0);
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );

    if !softhsm_or_skip("a_demo_directory_others_could_tamper_with_is_refused (fresh directory)") {
        return;
    }
    // Without --demo-dir: a fresh owner-only directory with a name nobody can guess.
    let out = shomei(
        &["--demo", "status"],
        &[("TMPDIR", tmp.0.to_str().unwrap())],
        None,
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let made: Vec<PathBuf> = std::fs::read_dir(&tmp.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("shomei-demo-")
        })
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let mode = std::fs::metadata(&made[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let name = made[0].file_name().unwrap().to_str().unwrap();
    assert!(
        !name.contains(&std::process::id().to_string()) && name.len() >= "shomei-demo-".len() + 6,
        "{name}"
    );
}
