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
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityListing {
    pub identities: Vec<IdentityView>,
    /// Partial success: what could not be read, listed beside what could.
    pub errors: Vec<ErrorView>,
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
        ErrorCode::decl(&cfg),
        ErrorView::decl(&cfg),
        IdentityListing::decl(&cfg),
        IdentityView::decl(&cfg),
        IssuedCertificate::decl(&cfg),
        ProgressEvent::decl(&cfg),
        RenewalOutcome::decl(&cfg),
        RenewalStep::decl(&cfg),
        StepPhase::decl(&cfg),
        StorageKind::decl(&cfg),
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
