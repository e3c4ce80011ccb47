//! The UI's view of the banks: which bank an identity or a renewal belongs to,
//! and every bank profile found, loaded or not, with its problems.

use serde::Serialize;
use ts_rs::TS;

/// The bank an identity or an unfinished renewal belongs to: the profile whose
/// pinned CA issued it. `id` is the profile's file name without `.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankRef {
    pub id: String,
    pub name: String,
    /// Whom to call (the profile's `[support]`): shown wherever calling the bank is
    /// the next step.
    pub support: Option<super::SupportContactView>,
    /// The bank wants a password of its own with the renewal (its EST service's
    /// HTTP authentication, profile `est.http_user`): the PIN screen asks for it
    /// up front. A CA that asks for a challenge password only says so when asked
    /// (`bankAuthRequired`), and the screen asks then.
    pub asks_password: bool,
}

/// Where a bank profile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProfileOrigin {
    /// Deployed by an administrator (`/etc/shomei/banks.d`, `%ProgramData%\Shomei\banks`,
    /// `/Library/Application Support/Shomei/banks`): the user cannot override it.
    Administrator,
    /// The user's own `shomei/banks/` (or the older single `shomei/bank.toml`).
    User,
    /// Named on the command line (`--profile FILE`), or the demo's.
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProfileState {
    /// In use: its identities are listed and renewed.
    Loaded,
    /// Read but invalid: `issues` says where and what. Its bank is not served;
    /// the other banks are.
    Invalid,
    /// Could not be read at all (`issues` holds the reason, at 0:0).
    Unreadable,
    /// A user's profile with the name of an administrator's: the administrator's
    /// is used, this one is ignored.
    OverriddenByAdministrator,
}

/// One problem in a profile, at its line and column (1-based; 0 when the file as
/// a whole is concerned), in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileIssueView {
    pub line: u32,
    pub column: u32,
    pub field: String,
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub id: String,
    /// The bank's name, when the profile could be read that far.
    pub name: Option<String>,
    pub path: String,
    pub origin: ProfileOrigin,
    pub state: ProfileState,
    pub issues: Vec<ProfileIssueView>,
}
