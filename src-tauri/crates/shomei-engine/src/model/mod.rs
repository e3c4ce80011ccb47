//! The types the UI sees. Written once here; `ui/src/lib/backend/bindings.ts` is
//! generated from them (see the `bindings` test) and CI fails when it drifts.
//!
//! Dates are RFC 3339 UTC strings: the UI formats them in Japan time with Intl.
//! Errors carry a code the UI translates, never a sentence meant for the user.

mod banks;
mod errors;
mod precheck;
mod settings;
mod update;

use serde::Serialize;
use ts_rs::TS;

pub use banks::{BankRef, ProfileIssueView, ProfileOrigin, ProfileState, ProfileView};
pub use errors::{ErrorCode, ErrorView, LastFailure};
pub use precheck::{CheckState, PinWarning, PrecheckItem, PrecheckKind, PrecheckReport};
pub use settings::{LanguageChoice, Settings};
pub use update::{UpdateProblem, UpdateStatus};

/// A support bundle the window saved (「サポート情報を保存」).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SupportBundleSaved {
    /// Where the zip is, as the user would find it.
    pub path: String,
    /// How many of its parts could not be collected (README.txt inside says why).
    pub failed_parts: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub bank_name: String,
    pub demo: bool,
    /// Only in demo mode, so anyone can walk the renewal; never a real PIN.
    pub demo_pin: Option<String>,
    pub usb_offered: bool,
    /// BCP-47 tag of the starting UI language: the user's choice, else the OS's.
    pub locale: String,
    /// No bank profile is in use: the window opens on the welcome screen.
    pub needs_profile: bool,
    /// Where the user's own bank profiles go (and where 追加 copies one to).
    pub user_profiles_dir: Option<String>,
    /// Where an administrator deploys bank profiles on this OS.
    pub administrator_profiles_dir: Option<String>,
    /// Whether the user may add and remove profiles here (not in the demo, not
    /// with `--profile FILE`).
    pub profiles_editable: bool,
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

/// Where an identity is, or is to be renewed into (an IPC argument too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
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
    /// Before its window (`valid`): when the renewal window opens (RFC 3339, the
    /// start of that day in Japan time).
    pub window_opens: Option<String>,
    pub storage: StorageKind,
    pub store_label: String,
    /// Once expired: 再取得 until a date, or 再発行 at the bank. `None` before expiry.
    pub expired: Option<ExpiredGuidance>,
    /// Why this certificate can never be renewed here; `None` when it can (in its
    /// window). Such a certificate gets no 更新 and no reminder.
    pub not_renewable: Option<NotRenewable>,
    /// The bank whose pinned CA issued it; `None`: no profile claims it (発行元不明),
    /// and it is never renewed.
    pub bank: Option<BankRef>,
    /// The stores its bank lets it be renewed into (パソコンに保存する /
    /// 専用USBに保存する): where it is, and the other one when the bank offers it.
    /// Empty when it cannot be renewed at all.
    pub renewable_into: Vec<StorageKind>,
    /// 管理者 / 利用者, where the subject says so (`role.rs`).
    pub role: Option<Role>,
    /// Its last renewal failed and was rolled back (and none has got further since);
    /// `None` too while an unfinished renewal of it is listed, which says more.
    pub last_failure: Option<LastFailure>,
}

/// The internet-banking role a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// 管理者
    Administrator,
    /// 利用者
    User,
}

/// Why a listed certificate cannot be renewed, whatever the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "reason",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum NotRenewable {
    /// The store holds the certificate but not its private key (an imported
    /// certificate, a key deleted by a tool): the bank login cannot sign with it.
    NoPrivateKey,
    /// Its issuer is not a CA the bank profile pins: not this bank's certificate.
    UnknownIssuer,
    /// A newer certificate of the same subject and issuer is in the same store (the
    /// profile keeps replaced certificates): that one is renewed, not this one.
    Superseded {
        by_fingerprint: String,
        by_not_after: String,
    },
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
    /// Every bank profile found, loaded or not (a broken one never hides the others).
    pub profiles: Vec<ProfileView>,
}

/// Where an unfinished renewal stands, as far as the user is concerned. Carrying
/// it on is renewing the same identity again; discarding it (`discard_renewal`)
/// leaves the old identity as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum UnfinishedStage {
    /// Stopped before the request was sent: carrying on undoes it and starts
    /// afresh; discarding removes the new key.
    Interrupted,
    /// Sent; the bank has not issued yet (or the answer was lost): carrying on asks
    /// again with the same request (from `next_poll_at`); discarding removes the
    /// new key, and whatever the bank issues later for it is never used.
    Pending,
    /// Issued, but valid only from `next_poll_at`, ahead of this computer's clock:
    /// carrying on checks it again then; discarding throws it away.
    NotYetValid,
    /// Issued and verified: carrying on comes back to consent 2; discarding throws
    /// the new certificate away.
    AwaitingInstall,
    /// Consent 2 was given; carrying on finishes the install; discarding removes
    /// the new certificate and key again (the old identity was never touched).
    Installing,
    /// The new identity is installed; the replaced one is still to be removed
    /// (`archive_error`: it failed). Carrying on tries again; discarding keeps both.
    /// The new identity renews normally meanwhile.
    Archiving,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnfinishedRenewal {
    pub renewal_id: String,
    /// The identity being renewed (SHA-256); it may be gone from the store.
    pub fingerprint: String,
    /// Its label when the renewal started (usually the subject's name).
    pub label: String,
    /// The new identity's fingerprint, once issued.
    pub new_fingerprint: Option<String>,
    pub store: String,
    pub store_label: String,
    /// Where it happens: whether discarding it needs the token PIN.
    pub storage: StorageKind,
    pub stage: UnfinishedStage,
    pub started_at: String,
    /// When the bank asked to be asked again (pending), or when the issued
    /// certificate becomes valid (not yet valid).
    pub next_poll_at: Option<String>,
    /// Pending for longer than the bank profile's `pending_limit_days`: ask the
    /// bank, or discard it.
    pub stuck: bool,
    /// Why removing the replaced identity failed (archiving only).
    pub archive_error: Option<String>,
    /// The bank it was started for (`None`: a record of an older version whose
    /// bank is not known).
    pub bank: Option<BankRef>,
}

impl UnfinishedRenewal {
    /// Stopped half-way where only the user can carry it on (the tray's "failed",
    /// the reminders' RenewalFailed): before the request, at or during the install,
    /// or an archive that failed. Waiting at the bank or for a start date is not.
    pub fn stopped_halfway(&self) -> bool {
        match self.stage {
            UnfinishedStage::Interrupted
            | UnfinishedStage::AwaitingInstall
            | UnfinishedStage::Installing => true,
            UnfinishedStage::Archiving => self.archive_error.is_some(),
            UnfinishedStage::Pending | UnfinishedStage::NotYetValid => false,
        }
    }

    /// The user must act on it (the tray's "failed"): stopped half-way, or waiting
    /// at the bank past the profile's limit. Waiting within it is not a failure.
    pub fn needs_user(&self) -> bool {
        match self.stage {
            UnfinishedStage::Pending => self.stuck,
            _ => self.stopped_halfway(),
        }
    }
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
    /// The new identity is installed, but the replaced one could not be removed: it
    /// stays (reported in the list, tried again later; never blocking).
    pub archive_error: Option<ErrorView>,
    /// What to do next, for the 完了 screen (`guidance::post_renewal_checklist`).
    pub checklist: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RenewalStep {
    Check,
    Login,
    /// What the bank's CA asks of the request (`/csrattrs`): the first contact
    /// with the bank, before any key exists.
    Requirements,
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
        LanguageChoice::decl(&cfg),
        Settings::decl(&cfg),
        BankRef::decl(&cfg),
        ProfileIssueView::decl(&cfg),
        ProfileOrigin::decl(&cfg),
        ProfileState::decl(&cfg),
        ProfileView::decl(&cfg),
        CertStatus::decl(&cfg),
        CertificateDetails::decl(&cfg),
        ChecklistItem::decl(&cfg),
        ErrorCode::decl(&cfg),
        ErrorView::decl(&cfg),
        LastFailure::decl(&cfg),
        ExpiredGuidance::decl(&cfg),
        IdentityListing::decl(&cfg),
        IdentityView::decl(&cfg),
        Role::decl(&cfg),
        IssuedCertificate::decl(&cfg),
        NotRenewable::decl(&cfg),
        ProgressEvent::decl(&cfg),
        RenewalOutcome::decl(&cfg),
        RenewalStep::decl(&cfg),
        StepPhase::decl(&cfg),
        StorageKind::decl(&cfg),
        UnfinishedRenewal::decl(&cfg),
        UnfinishedStage::decl(&cfg),
        SupportContactView::decl(&cfg),
        PrecheckKind::decl(&cfg),
        CheckState::decl(&cfg),
        PinWarning::decl(&cfg),
        PrecheckItem::decl(&cfg),
        PrecheckReport::decl(&cfg),
        SupportBundleSaved::decl(&cfg),
        UpdateStatus::decl(&cfg),
        UpdateProblem::decl(&cfg),
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
