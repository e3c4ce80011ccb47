//! The last update that failed in a way the user must see, remembered in the data
//! directory (`update-failed.json`) by the window process that tried it, so the
//! tray (the resident, on Linux) still says it after the window has closed, until
//! a check finds Shomei up to date, an update is installed, or checks are turned off.
//!
//! Only what needs the user is remembered: a download refused for its signature,
//! version or transport, a downgrade offered, an install that failed. An update
//! server that cannot be reached is not (a laptop offline; checked again daily),
//! nor an update held back by a renewal (the window says why, and it is offered
//! again), nor a copy not installed from a package.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{UpdateProblem, UpdateStatus};

/// The file's name in the data directory (beside `journal/`, never inside it:
/// `may_apply` refuses while anything is there).
pub const FILE_NAME: &str = "update-failed.json";

/// An update that failed and was not resolved since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFailure {
    pub problem: UpdateProblem,
    /// The version offered, when one was.
    pub version: Option<String>,
    /// Unix seconds.
    pub at: i64,
}

/// What an update status does to the remembered failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Record(UpdateProblem),
    Clear,
    Keep,
}

/// Exhaustive on purpose: a new problem or status must be placed here.
fn effect(status: &UpdateStatus) -> Effect {
    use UpdateProblem as P;
    match status {
        // Up to date, installed, or checks turned off: nothing is left to resolve.
        UpdateStatus::UpToDate { .. } | UpdateStatus::Installed { .. } | UpdateStatus::Off => {
            Effect::Clear
        }
        // Offered again, or on its way: the failure stands until it is installed.
        UpdateStatus::Available { .. }
        | UpdateStatus::Downloading { .. }
        | UpdateStatus::Installing { .. } => Effect::Keep,
        UpdateStatus::Failed { problem, .. } => match problem {
            P::InsecureEndpoint
            | P::BadSignature
            | P::VersionMismatch
            | P::Downgrade
            | P::InstallFailed
            | P::Internal => Effect::Record(*problem),
            P::Network
            | P::RenewalRunning
            | P::UnfinishedRenewal
            | P::NotPackaged
            | P::NothingToApply => Effect::Keep,
        },
    }
}

/// Records, clears or keeps the remembered failure for `status` at `now`. A file
/// that cannot be written is logged: the window showed the failure already.
pub fn remember(data_dir: &Path, status: &UpdateStatus, now: i64) {
    let written = match effect(status) {
        Effect::Keep => return,
        Effect::Clear => match std::fs::remove_file(data_dir.join(FILE_NAME)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
        Effect::Record(problem) => {
            let version = match status {
                UpdateStatus::Failed { version, .. } => version.clone(),
                _ => None,
            };
            let failure = UpdateFailure {
                problem,
                version,
                at: now,
            };
            serde_json::to_vec_pretty(&failure)
                .map_err(std::io::Error::other)
                .and_then(|bytes| crate::atomic_file::replace(&data_dir.join(FILE_NAME), &bytes))
        }
    };
    if let Err(e) = written {
        tracing::warn!(dir = %data_dir.display(), error = %e, "cannot remember the update's outcome");
    }
}

/// The update failure remembered in `data_dir`, if any (a broken file is logged
/// and taken as none).
pub fn remembered(data_dir: &Path) -> Option<UpdateFailure> {
    crate::atomic_file::load(data_dir, FILE_NAME, "update failure", |bytes| {
        serde_json::from_slice::<UpdateFailure>(bytes)
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(problem: UpdateProblem) -> UpdateStatus {
        UpdateStatus::Failed {
            problem,
            version: Some("0.2.0".into()),
            detail: Some("technical".into()),
        }
    }

    #[test]
    fn a_failure_that_needs_the_user_stays_until_up_to_date_or_installed() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(remembered(dir.path()), None);
        // Offline, or held back by a renewal: not remembered.
        remember(dir.path(), &failed(UpdateProblem::Network), 1);
        remember(dir.path(), &failed(UpdateProblem::UnfinishedRenewal), 1);
        assert_eq!(remembered(dir.path()), None);

        remember(dir.path(), &failed(UpdateProblem::BadSignature), 5);
        let expected = UpdateFailure {
            problem: UpdateProblem::BadSignature,
            version: Some("0.2.0".into()),
            at: 5,
        };
        assert_eq!(remembered(dir.path()), Some(expected.clone()));
        // Offered again, a network failure, checks turned off: it stays.
        let available = UpdateStatus::Available {
            current_version: "0.1.0".into(),
            version: "0.2.0".into(),
            notes: None,
        };
        for status in [available, failed(UpdateProblem::Network)] {
            remember(dir.path(), &status, 6);
            assert_eq!(remembered(dir.path()), Some(expected.clone()), "{status:?}");
        }
        remember(dir.path(), &failed(UpdateProblem::InstallFailed), 7);
        assert_eq!(
            remembered(dir.path()).map(|f| (f.problem, f.at)),
            Some((UpdateProblem::InstallFailed, 7))
        );
        remember(
            dir.path(),
            &UpdateStatus::Installed {
                version: "0.2.0".into(),
                can_restart: false,
            },
            8,
        );
        assert_eq!(remembered(dir.path()), None);
        remember(dir.path(), &failed(UpdateProblem::Downgrade), 9);
        remember(
            dir.path(),
            &UpdateStatus::UpToDate {
                current_version: "0.2.0".into(),
            },
            10,
        );
        assert_eq!(remembered(dir.path()), None);
        // Checks turned off: an old failure is moot.
        remember(dir.path(), &failed(UpdateProblem::InstallFailed), 10);
        remember(dir.path(), &UpdateStatus::Off, 10);
        assert_eq!(remembered(dir.path()), None);
        // Clearing what is not there is no error; a broken file is none.
        remember(
            dir.path(),
            &UpdateStatus::UpToDate {
                current_version: "0.2.0".into(),
            },
            11,
        );
        std::fs::write(dir.path().join(FILE_NAME), b"{\"problem\":").unwrap();
        assert_eq!(remembered(dir.path()), None);
    }
}
