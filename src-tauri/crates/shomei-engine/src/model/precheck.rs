//! What 電子証明書更新前処理中 (the checks before a renewal) shows: each check
//! with its state, pushed as it changes and returned whole at the end.

use serde::Serialize;
use ts_rs::TS;

use super::ErrorView;

/// The checks, in the order they run and are shown (SPEC §1, screen 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PrecheckKind {
    /// The certificate is still in its store (or an unfinished renewal of it is).
    Certificate,
    /// It can be renewed now: inside the bank's window (or, carrying an unfinished
    /// renewal on, the bank's "not before" time has passed).
    Window,
    /// The bank's EST server answers and proves to be the bank (pinned CA); no
    /// client certificate and nothing secret is sent.
    Bank,
    /// The USB token is there and its PIN is not locked (token flags, no login).
    Token,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CheckState {
    /// Not run yet (or not run because an earlier check failed).
    Waiting,
    Running,
    Passed,
    Failed,
    /// Not needed for this renewal (the token check of a renewal on this PC).
    NotNeeded,
}

/// The token's PIN counter as its flags tell it, without logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PinWarning {
    /// CKF_USER_PIN_FINAL_TRY: one wrong entry locks the token.
    pub final_try: bool,
    /// CKF_USER_PIN_COUNT_LOW: a wrong entry has been made since the last login.
    pub count_low: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrecheckItem {
    pub check: PrecheckKind,
    pub state: CheckState,
    /// Why it failed (the code says what to do).
    pub error: Option<ErrorView>,
    /// Token check passed, but the PIN has few tries left: said before the PIN.
    pub pin: Option<PinWarning>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrecheckReport {
    pub fingerprint: String,
    /// Every check, in order, in its final state.
    pub checks: Vec<PrecheckItem>,
    /// All passed (or were not needed): the renewal can go on.
    pub passed: bool,
    /// Renewing it carries an unfinished renewal on rather than starting afresh.
    pub carries_on: bool,
}
