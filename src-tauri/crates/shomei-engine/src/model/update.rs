//! What the window shows of Shomei's own updates (the shell's `updates.rs` runs
//! them; `crate::updates` decides when one may be applied).

use serde::Serialize;
use ts_rs::TS;

/// Where Shomei's own update stands. Sent whole on every change (`update-status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum UpdateStatus {
    /// This build looks for no updates (a development or demo build has no
    /// updater configuration), or the user turned checks off.
    Off,
    /// Looked, and nothing newer is offered.
    #[serde(rename_all = "camelCase")]
    UpToDate { current_version: String },
    /// A signed update may be installed once the user agrees (更新する).
    #[serde(rename_all = "camelCase")]
    Available {
        current_version: String,
        version: String,
        /// The release notes, as published.
        notes: Option<String>,
    },
    /// Downloading (bytes so far, of `total` when the server says).
    #[serde(rename_all = "camelCase")]
    Downloading {
        version: String,
        #[ts(type = "number")]
        received: u64,
        #[ts(type = "number | null")]
        total: Option<u64>,
    },
    /// Its signature checked out: being installed.
    #[serde(rename_all = "camelCase")]
    Installing { version: String },
    /// Installed: Shomei runs the new version from its next start.
    #[serde(rename_all = "camelCase")]
    Installed {
        version: String,
        /// Whether this window can restart Shomei itself (else: quit from the
        /// tray and start it again).
        can_restart: bool,
    },
    /// Refused or failed; the installed version is untouched.
    #[serde(rename_all = "camelCase")]
    Failed {
        problem: UpdateProblem,
        /// The version offered, when one was.
        version: Option<String>,
        /// For the helpdesk (English, technical); the UI words `problem`.
        detail: Option<String>,
    },
}

/// Why an update was not applied. Each is worded in both languages
/// (`update.problem.*` in ui/locales). Deserialized only from Shomei's own
/// `update-failed.json` (`crate::updates::remembered`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum UpdateProblem {
    /// The update server could not be reached (or did not answer a manifest).
    Network,
    /// An endpoint or the download is not https.
    InsecureEndpoint,
    /// The download does not match its signature under Shomei's public key
    /// (tampered, or signed with another key).
    BadSignature,
    /// The signature is Shomei's but for another version than the one announced
    /// (an older release replayed under a newer number), or names none.
    VersionMismatch,
    /// The server offers an older version than this one.
    Downgrade,
    /// A renewal is running or waiting for the user's consent.
    RenewalRunning,
    /// The journal holds an unfinished renewal: finish or discard it first.
    UnfinishedRenewal,
    /// This copy was not installed from a package the updater can replace (for
    /// example built from source): update it the way it was installed.
    NotPackaged,
    /// There is no update to apply (none found, or another version than the one
    /// the user agreed to).
    NothingToApply,
    /// The package manager did not install it.
    InstallFailed,
    Internal,
}
