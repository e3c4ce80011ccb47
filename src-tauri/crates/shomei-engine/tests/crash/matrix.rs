//! The crash matrix (issue 5 and 9, SPEC §4): for every crash point N (before and
//! after each journal write, and inside the install: certificate stored before the
//! key is relabelled, installed before it is read back), for both the USB token
//! (SoftHSM2) and the Linux PC store (a real NSS database), for renewals from one
//! into the other (`token>nss`, `nss>token`), and for a renewal the
//! bank answers at once or first with "pending" (202), a child process renews and
//! is aborted at point N; a fresh child then checks what a restart finds, carries
//! every unfinished renewal to its end the way the window and `shomei renew` do
//! (renewing the identity again with the PIN), and checks again. Each row must
//! show a usable identity before and after, no key that neither a certificate nor
//! a journal record names, and an empty journal (here and on the token) at the
//! end. The matrix is printed (`--nocapture`).
//!
//! Needs the `crash-hook` feature: `cargo test -p shomei-engine --features
//! crash-hook --test crash_matrix -- --nocapture` (`.ci/test crash-matrix`).

use std::path::Path;
use std::process::{Command, Output};

use harness::{fresh_dir, stores_available, CHILD};
use serde_json::Value;
use shomei_testca::TestCa;

mod harness;

fn run(mode: &str, dir: &Path, store: &str, pending: bool, crash_at: Option<u32>) -> Output {
    let mut cmd = Command::new(CHILD);
    cmd.args([mode, dir.to_str().unwrap(), store])
        .env("SHOMEI_CRASH_TRACE", "1")
        .env_remove("SOFTHSM2_CONF");
    if pending && mode == "renew" {
        cmd.env("SHOMEI_CRASH_PENDING", "1");
    } else {
        cmd.env_remove("SHOMEI_CRASH_PENDING");
    }
    match crash_at {
        Some(n) => cmd.env("SHOMEI_CRASH_AT", n.to_string()),
        None => cmd.env_remove("SHOMEI_CRASH_AT"),
    };
    cmd.output().expect("the crash child runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The journal points an uninterrupted renewal passes, by name.
fn points(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("crash-point "))
        .map(|l| l.split_once(": ").map_or(l, |(_, name)| name).to_owned())
        .collect()
}

#[test]
fn every_journal_point_ends_with_a_usable_identity() {
    let ca = TestCa::generate("Crash Matrix Bank CA").unwrap();
    let mut table = Vec::new();
    let mut problems = Vec::new();
    let mut stores = stores_available("the crash matrix");
    // Renewals into the other store, both ways, when both stores are here.
    if stores.len() == 2 {
        stores.extend(["token>nss", "nss>token"]);
    }
    let variants = stores
        .into_iter()
        .flat_map(|store| [(store, false), (store, true)]);
    for (store, pending) in variants {
        let bank = if pending { "202" } else { "200" };
        // An uninterrupted renewal names the points.
        let dir = fresh_dir(&ca);
        let out = run("renew", dir.path(), store, pending, None);
        let stderr = text(&out.stderr);
        assert!(
            out.status.success() && text(&out.stdout).contains("completed"),
            "{store}/{bank}: uninterrupted renewal failed:\n{stderr}"
        );
        let names = points(&stderr);
        assert!(
            names.len() >= 16,
            "{store}/{bank}: too few crash points: {names:?}"
        );
        for inside in [
            "install: certificate stored, key not relabelled",
            "install: stored, not read back",
        ] {
            assert!(
                names.iter().any(|n| n == inside),
                "{store}/{bank}: no point {inside:?}: {names:?}"
            );
        }
        if pending {
            assert!(
                names.iter().any(|n| n == "after writing Pending"),
                "{store}/{bank}: the bank's 202 was not journaled: {names:?}"
            );
        }

        for (i, name) in names.iter().enumerate() {
            let n = u32::try_from(i + 1).unwrap();
            let dir = fresh_dir(&ca);
            let killed = run("renew", dir.path(), store, pending, Some(n));
            let killed_err = text(&killed.stderr);
            assert!(
                !killed.status.success()
                    && killed_err.contains(&format!("aborting at journal point {n} ")),
                "{store} #{n}: the child was not aborted at this point:\n{killed_err}"
            );
            let recovered = run("recover", dir.path(), store, pending, None);
            let report: Value = match serde_json::from_slice(&recovered.stdout) {
                Ok(v) if recovered.status.success() => v,
                _ => {
                    problems.push(format!(
                        "{store}/{bank} #{n} ({name}): recovery failed:\n{}",
                        text(&recovered.stderr)
                    ));
                    continue;
                }
            };
            let (before, after) = (&report["before"], &report["after"]);
            let mut row_problems = Vec::new();
            let empty = |v: &Value| v.as_array().is_some_and(Vec::is_empty);
            if empty(&before["usable"]) {
                row_problems.push("no usable identity after the crash");
            }
            if !empty(&before["unnamedKeys"]) {
                row_problems.push("a key no journal record names after the crash");
            }
            if empty(&after["usable"]) {
                row_problems.push("no usable identity after recovery");
            }
            if !empty(&after["unnamedKeys"]) {
                row_problems.push("a key no journal record names after recovery");
            }
            if !empty(&after["journal"]) || !empty(&after["unreadableJournal"]) {
                row_problems.push("the journal is not empty after recovery");
            }
            if !empty(&after["journalOnToken"]) {
                row_problems.push("the token still holds a journal record after recovery");
            }
            if after["keys"] != after["identities"] {
                row_problems.push("keys left over after recovery");
            }
            for p in &row_problems {
                problems.push(format!("{store}/{bank} #{n} ({name}): {p}: {report}"));
            }
            let outcome = report["resumed"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .map(|o| {
                            format!(
                                "{} → {}",
                                o["stage"].as_str().unwrap_or("?"),
                                o["outcome"].as_str().unwrap_or("?")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "nothing to resume".into());
            table.push(format!(
                "| {store:<9} | {bank} | {n:>2} | {name:<48} | {:>6} | {:>6} | {outcome:<44} | {} |",
                before["usable"].as_array().map_or(0, Vec::len),
                after["usable"].as_array().map_or(0, Vec::len),
                if row_problems.is_empty() {
                    "ok"
                } else {
                    "FAIL"
                },
            ));
        }
    }
    println!("\nCrash matrix: abort at crash point N, restart, renew again with the PIN");
    println!(
        "| store     | bank |  N | point                                            | usable | usable | resumed (stage → outcome)                    | result |"
    );
    println!(
        "|           |      |    |                                                  | crash  | after  |                                              |        |"
    );
    println!("|---|---|---:|---|---:|---:|---|---|");
    for row in &table {
        println!("{row}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        !table.is_empty(),
        "no store was available for the crash matrix"
    );
}
