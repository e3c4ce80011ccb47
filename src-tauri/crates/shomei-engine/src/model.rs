//! The types the UI sees. Written once here; `ui/src/lib/backend/bindings.ts` is
//! generated from them (see the `bindings` test) and CI fails when it drifts.
//!
//! Dates are RFC 3339 UTC strings: the UI formats them in Japan time with Intl.
//! Errors carry a code the UI translates, never a sentence meant for the user.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub bank_name: String,
    pub demo: bool,
    /// Only in demo mode, so anyone can walk the renewal; never a real PIN.
    pub demo_pin: Option<String>,
    pub usb_offered: bool,
    /// BCP-47 tag of the starting UI language.
    pub locale: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CertStatus {
    /// 有効: before the renewal window.
    Valid,
    /// 更新期間中: inside the renewal window.
    RenewalOpen,
    /// 期限切れ.
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StorageKind {
    UsbToken,
    ThisPc,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    pub fingerprint: String,
    pub subject_cn: String,
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// Calendar days in Japan time from today to the expiry date (negative after).
    pub days_left: i32,
    pub status: CertStatus,
    pub storage: StorageKind,
    pub store_label: String,
    /// Once expired: 再取得 until a date, or 再発行 at the bank. `None` before expiry.
    pub expired: Option<ExpiredGuidance>,
}

/// What an expired certificate still allows (SPEC §1), from the profile's grace days
/// and `[support]`. The UI words it; dates are Japan calendar dates, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ExpiredGuidance {
    /// 期限切れ（再取得可能）: 再取得 at the bank is possible through `until` (inclusive, JST).
    Reacquire {
        until: String,
        support: Option<SupportContactView>,
    },
    /// 期限切れ（再発行が必要）: only a reissue (再発行) at the bank; contact it.
    Reissue { support: Option<SupportContactView> },
}

/// The bank's `[support]` section as the profile gives it (free text, shown verbatim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SupportContactView {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    /// e.g. 「平日 9:00〜17:00」.
    pub hours: Option<String>,
}

/// One line of the checklist on the 完了 screen (SPEC §4), in the order shown. Data
/// only: the UI words each kind in ja and en.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ChecklistItem {
    /// Restart the browser: it keeps using the certificate it chose before.
    RestartBrowser,
    /// Update other software that uses the certificate (accounting software).
    UpdateOtherSoftware,
    /// Another certificate of the same bank (issuer), of another subject — the other
    /// role (管理者 / 利用者) — is in its renewal window or opens it within the
    /// profile's `window_opens_days`.
    RenewOther {
        fingerprint: String,
        subject_cn: String,
        subject: String,
        not_after: String,
        /// Calendar days in Japan time from today to the expiry date.
        days_left: i32,
        /// `valid` (window not open yet) or `renewalOpen`.
        status: CertStatus,
        /// When `status` is `valid`: the Japan date (`YYYY-MM-DD`) the window opens.
        renewal_opens: Option<String>,
        storage: StorageKind,
        store_label: String,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityListing {
    pub identities: Vec<IdentityView>,
    /// Partial success: what could not be read, listed beside what could.
    pub errors: Vec<ErrorView>,
    /// Renewals a previous run left unfinished (the journal). Renewing the same
    /// identity again carries them on.
    pub unfinished: Vec<UnfinishedRenewal>,
}

/// Where an unfinished renewal stands, as far as the user is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum UnfinishedStage {
    /// Stopped before the request was sent: it will be undone.
    Interrupted,
    /// Sent; the bank has not issued yet (or the answer was lost): it will be
    /// asked again with the same request.
    Pending,
    /// Issued and verified: waiting for consent 2.
    AwaitingInstall,
    /// Consent 2 was given; the install will be finished.
    Installing,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnfinishedRenewal {
    pub renewal_id: String,
    /// The identity being renewed (SHA-256).
    pub fingerprint: String,
    pub store: String,
    pub stage: UnfinishedStage,
    pub started_at: String,
    /// When the bank asked to be asked again (pending only).
    pub next_poll_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CertificateDetails {
    pub fingerprint: String,
    pub subject: String,
    pub subject_cn: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub key_algorithm: String,
    pub usages: Vec<String>,
}

/// Codes the UI translates. Add one only when the UI shows it differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    TokenAbsent,
    ModuleMissing,
    TokenRemoved,
    PinIncorrect,
    /// The token is at its final PIN try and the user has not confirmed spending it;
    /// nothing was tried.
    PinFinalTry,
    PinLocked,
    Cancelled,
    NotFound,
    BankUnreachable,
    /// The server did not prove to be the bank (not the pinned CA): typically a
    /// TLS-inspecting proxy in the way.
    BankNotTrusted,
    BankRejected,
    CertificateMismatch,
    /// The bank accepted the request but has not issued yet (HTTP 202 for longer
    /// than this session waits).
    StillPending,
    OutsideWindow,
    RenewalUnknown,
    /// A renewal of this identity that a previous run left unfinished has just
    /// been completed: the list shows the new certificate.
    AlreadyRenewed,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    pub code: ErrorCode,
    pub retries_left: Option<u32>,
    /// Technical detail for the helpdesk; shown small, never as the message.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssuedCertificate {
    pub renewal_id: String,
    pub details: CertificateDetails,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RenewalOutcome {
    pub renewal_id: String,
    pub installed: CertificateDetails,
    pub replaced_fingerprint: String,
    /// What to do next, for the 完了 screen (`guidance::post_renewal_checklist`).
    pub checklist: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RenewalStep {
    Check,
    Login,
    GenerateKey,
    Request,
    Verify,
    Install,
    ReadBack,
    Archive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StepPhase {
    Started,
    Finished,
    Failed,
}

/// Pushed to the UI as the `renewal-progress` event.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    pub renewal_id: String,
    pub step: RenewalStep,
    pub phase: StepPhase,
    pub error: Option<ErrorView>,
}

/// The TypeScript module generated from the types above, in a stable order.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new();
    let decls = [
        AppInfo::decl(&cfg),
        CertStatus::decl(&cfg),
        CertificateDetails::decl(&cfg),
        ChecklistItem::decl(&cfg),
        ErrorCode::decl(&cfg),
        ErrorView::decl(&cfg),
        ExpiredGuidance::decl(&cfg),
        IdentityListing::decl(&cfg),
        IdentityView::decl(&cfg),
        IssuedCertificate::decl(&cfg),
        ProgressEvent::decl(&cfg),
        RenewalOutcome::decl(&cfg),
        RenewalStep::decl(&cfg),
        StepPhase::decl(&cfg),
        StorageKind::decl(&cfg),
        UnfinishedRenewal::decl(&cfg),
        UnfinishedStage::decl(&cfg),
        SupportContactView::decl(&cfg),
    ];
    let mut out = String::from(
        "// GENERATED by `cargo test -p shomei-engine bindings` from the Rust types in\n\
         // src-tauri/crates/shomei-engine/src/model.rs. Do not edit: CI fails when it drifts.\n",
    );
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}
