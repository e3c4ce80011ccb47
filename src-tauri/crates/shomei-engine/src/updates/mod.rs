//! When Shomei may replace itself. The shell (`src-tauri/src/updates.rs`) checks,
//! downloads and installs through Tauri's updater; what it may do, and when, is
//! decided here, without a window, so it is tested on its own.
//!
//! Owns: the rule that an update is applied only when no renewal is running and
//! the journal holds no unfinished record (an update restarts Shomei, and a
//! renewal between its steps must be carried on by the same version that began
//! it); that every update endpoint is https.
//! Must never: let an update through while a renewal could be cut in half.
//!
//! `remembered`: the last failure the user must see, for the tray after the window
//! has closed.

mod remembered;

use std::path::Path;

pub use remembered::{remember, remembered, UpdateFailure, FILE_NAME as FAILURE_FILE};

use crate::journal::Journal;
use crate::model::UpdateProblem;

/// What is going on with renewals right now, as far as an update cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenewalActivity {
    /// A renewal of this process is running a call or waiting at consent 2
    /// (`Banks::is_idle` is false).
    pub running: bool,
    /// Records in the journal directory: unfinished renewals (this process's or
    /// another's, say the command line's).
    pub unfinished: usize,
    /// Records that could not be read: they may be unfinished renewals too.
    pub unreadable: usize,
}

impl RenewalActivity {
    /// Reads the journal in `journal_dir` (no store or token is opened).
    pub fn of(running: bool, journal_dir: &Path) -> RenewalActivity {
        let (records, unreadable) = match Journal::open(journal_dir) {
            Ok(journal) => journal.load(),
            Err(e) => (Vec::new(), vec![e.to_string()]),
        };
        RenewalActivity {
            running,
            unfinished: records.len(),
            unreadable: unreadable.len(),
        }
    }
}

/// Whether an update may be applied now.
pub fn may_apply(activity: RenewalActivity) -> Result<(), UpdateProblem> {
    if activity.running {
        return Err(UpdateProblem::RenewalRunning);
    }
    if activity.unfinished > 0 || activity.unreadable > 0 {
        return Err(UpdateProblem::UnfinishedRenewal);
    }
    Ok(())
}

/// Whether every endpoint is https (the plugin itself refuses http only in
/// release builds; Shomei refuses it in every build).
pub fn endpoints_secure<'a>(
    endpoints: impl IntoIterator<Item = &'a str>,
) -> Result<(), UpdateProblem> {
    let mut any = false;
    for endpoint in endpoints {
        any = true;
        let https = endpoint
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        if !https {
            return Err(UpdateProblem::InsecureEndpoint);
        }
    }
    if any {
        Ok(())
    } else {
        Err(UpdateProblem::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Record, FORMAT};

    /// A record as a renewal writes it after generating its key.
    fn record(id: &str) -> Record {
        serde_json::from_value(serde_json::json!({
            "format": FORMAT,
            "renewalId": id,
            "stage": "keyGenerated",
            "startedAt": 1,
            "updatedAt": 1,
            "store": "USB token",
            "tokenLabel": "Shomei Demo USB",
            "oldFingerprint": "ab".repeat(32),
            "oldLabel": "株式会社デモ商事",
            "keyLabel": format!("shomei-pending-{id}"),
        }))
        .expect("a record")
    }

    const IDLE: RenewalActivity = RenewalActivity {
        running: false,
        unfinished: 0,
        unreadable: 0,
    };

    #[test]
    fn applies_only_when_no_renewal_runs_and_the_journal_is_empty() {
        assert_eq!(may_apply(IDLE), Ok(()));
        let running = RenewalActivity {
            running: true,
            ..IDLE
        };
        assert_eq!(may_apply(running), Err(UpdateProblem::RenewalRunning));
        let unfinished = RenewalActivity {
            unfinished: 1,
            ..IDLE
        };
        assert_eq!(may_apply(unfinished), Err(UpdateProblem::UnfinishedRenewal));
        let unreadable = RenewalActivity {
            unreadable: 1,
            ..IDLE
        };
        assert_eq!(may_apply(unreadable), Err(UpdateProblem::UnfinishedRenewal));
    }

    #[test]
    fn reads_unfinished_and_unreadable_records_from_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let journal_dir = dir.path().join("journal");
        assert_eq!(RenewalActivity::of(false, &journal_dir), IDLE);
        assert_eq!(may_apply(RenewalActivity::of(false, &journal_dir)), Ok(()));

        let journal = Journal::open(&journal_dir).unwrap();
        let record = record("187c5e0a9b3f2d10-0");
        journal.write(&record).unwrap();
        let activity = RenewalActivity::of(false, &journal_dir);
        assert_eq!(activity.unfinished, 1);
        assert_eq!(may_apply(activity), Err(UpdateProblem::UnfinishedRenewal));

        journal.remove(&record.renewal_id).unwrap();
        assert_eq!(may_apply(RenewalActivity::of(false, &journal_dir)), Ok(()));

        std::fs::write(journal_dir.join("broken.json"), b"{ not a record").unwrap();
        let activity = RenewalActivity::of(false, &journal_dir);
        assert_eq!(activity.unreadable, 1);
        assert_eq!(may_apply(activity), Err(UpdateProblem::UnfinishedRenewal));
    }

    #[test]
    fn every_endpoint_must_be_https() {
        assert_eq!(
            endpoints_secure(["https://updates.example.jp/shomei/{{target}}.json"]),
            Ok(())
        );
        assert_eq!(
            endpoints_secure(["HTTPS://127.0.0.1:8443/latest.json"]),
            Ok(())
        );
        for bad in [
            "http://127.0.0.1:8080/latest.json",
            "file:///tmp/latest.json",
            "ftp://x/y",
            "https:/x",
            "",
        ] {
            assert_eq!(
                endpoints_secure(["https://ok.example/a", bad]),
                Err(UpdateProblem::InsecureEndpoint),
                "{bad}"
            );
        }
        assert_eq!(endpoints_secure([]), Err(UpdateProblem::Internal));
    }
}
