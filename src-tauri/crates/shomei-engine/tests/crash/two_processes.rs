//! Two real processes, one renewal (issue 9): one holds a renewal at consent 2,
//! as the window does; meanwhile a second renews the same identity, as
//! `shomei renew --yes` does. The second must touch nothing and say the renewal
//! is in progress elsewhere; then the first answers いいえ (or はい) and the store
//! ends with exactly one usable identity and no leftover key. On a SoftHSM token
//! and on a real NSS database.
//!
//! Before the journal had a lock, the second process carried the journaled
//! renewal on and installed it; the first one's いいえ then deleted the INSTALLED
//! certificate's key (its journaled key id), and two はい stored the certificate
//! twice.
//!
//! Needs the `crash-hook` feature (the child binary): `.ci/test crash-matrix`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use harness::{fresh_dir, stores_available, CHILD};
use serde_json::Value;
use shomei_testca::TestCa;

mod harness;

fn child(mode: &str, dir: &Path, store: &str) -> Command {
    let mut cmd = Command::new(CHILD);
    cmd.args([mode, dir.to_str().unwrap(), store])
        .env_remove("SOFTHSM2_CONF")
        .env_remove("SHOMEI_CRASH_AT")
        .env_remove("SHOMEI_CRASH_PENDING");
    cmd
}

fn inspect(dir: &Path, store: &str) -> Value {
    let out = child("inspect", dir, store).output().unwrap();
    assert!(
        out.status.success(),
        "inspect: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The first process, waiting at consent 2 with the renewal issued.
struct Holder {
    child: std::process::Child,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Holder {
    fn start(dir: &Path, store: &str) -> Holder {
        let mut child = child("hold", dir, store)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(
            line.starts_with("issued "),
            "{store}: the holder did not reach consent 2: {line:?}"
        );
        Holder { child, stdout }
    }

    /// Answer consent 2; what the process then did.
    fn answer(mut self, yes: bool) -> String {
        let mut stdin = self.child.stdin.take().unwrap();
        writeln!(stdin, "{}", if yes { "yes" } else { "no" }).unwrap();
        drop(stdin);
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert!(self.child.wait().unwrap().success());
        line.trim().to_owned()
    }
}

/// One usable identity, no key without a certificate or record, an empty journal.
fn assert_clean(dir: &Path, store: &str, what: &str) -> Value {
    let state = inspect(dir, store);
    let empty = |v: &Value| v.as_array().is_some_and(Vec::is_empty);
    assert_eq!(state["identities"], 1, "{store}, {what}: {state}");
    assert_eq!(
        state["usable"].as_array().map(Vec::len),
        Some(1),
        "{store}, {what}: {state}"
    );
    assert_eq!(
        state["keys"], 1,
        "{store}, {what}: a key left over or missing: {state}"
    );
    assert!(empty(&state["unnamedKeys"]), "{store}, {what}: {state}");
    assert!(
        empty(&state["journal"]) && empty(&state["journalOnToken"]),
        "{store}, {what}: {state}"
    );
    state
}

#[test]
fn a_second_process_never_touches_a_renewal_the_first_holds() {
    let ca = TestCa::generate("Two Processes Bank CA").unwrap();
    let stores = stores_available("two processes");
    assert!(!stores.is_empty(), "no store to test two processes on");
    for store in stores {
        for yes in [false, true] {
            let dir = fresh_dir(&ca);
            let before = inspect(dir.path(), store);
            let holder = Holder::start(dir.path(), store);

            // `shomei renew --yes` on the same identity, meanwhile.
            let second = child("renew", dir.path(), store).output().unwrap();
            let said = String::from_utf8_lossy(&second.stderr);
            assert!(
                !second.status.success() && said.contains("RenewalInProgress"),
                "{store}: the second process did not stand back:\n{said}"
            );

            let outcome = holder.answer(yes);
            let after = assert_clean(dir.path(), store, &format!("answered {yes}"));
            if yes {
                assert_eq!(outcome, "installed", "{store}");
                assert_ne!(after["usable"], before["usable"], "{store}: renewed");
            } else {
                assert_eq!(outcome, "cancelled", "{store}");
                assert_eq!(
                    after["usable"], before["usable"],
                    "{store}: the old identity kept"
                );
            }
        }
    }
}
