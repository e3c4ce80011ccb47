//! Unfinished renewals from the command line: one held at consent 2 by another
//! command, one pending at the bank ("not before", without a PIN), and discard.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Child;

use super::*;

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
    let Some((_tmp, demo, fp)) = demo_with_identity("held") else {
        return;
    };
    let dir = demo.to_str().unwrap();
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
    let Some((_tmp, demo, fp)) = demo_with_identity("pending") else {
        return;
    };
    let dir = demo.to_str().unwrap();
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
        // What 破棄 does, in the list's words (discard.pending).
        "銀行への申請に使った新しい鍵を削除します",
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
