//! How an error crosses to the UI: a code it words in both languages, and what it
//! needs to word it (retries left, a time, the store that failed).

use serde::Serialize;
use ts_rs::TS;

use super::StorageKind;

/// Codes the UI translates. Add one only when the UI shows it differently.
/// Deserialized only from Shomei's own `failures.json` (`crate::failures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The bank's service asks for a user name and password after the client
    /// certificate (HTTP 401): none was given, or it was refused.
    BankAuthRequired,
    /// The bank's CA asks for something in the request Shomei cannot put there (a
    /// key the store cannot make, a challenge password): nothing was made or sent.
    BankRequirementUnsupported,
    /// An unfinished renewal of this certificate goes into the other store (`into`
    /// says which): carry it on there, or discard it, before choosing this one.
    UnfinishedElsewhere,
    /// No bank profile is loaded: add one (or ask the administrator to deploy it).
    NoBankProfile,
    /// The chosen store cannot be renewed into: the bank offers no USB token
    /// (media storage), so only this PC's store.
    StoreNotOffered,
    TokenAbsent,
    ModuleMissing,
    /// The demo needs SoftHSM2 (its stand-in for the bank's USB token), and its
    /// module is not installed: nothing was made.
    DemoNeedsSoftHsm,
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
    /// Another window or command (or another call of this one) is working on this
    /// renewal right now; nothing was done.
    RenewalInProgress,
    /// This certificate can never be renewed here (`NotRenewable` in the list).
    NotRenewable,
    /// The bank issued a certificate that expires no later than the one it would
    /// replace; it was not installed.
    IssuedNotLonger,
    /// The bank issued, but the certificate is valid only from `at`, later than this
    /// computer's clock allows; it is kept, and checked again then.
    IssuedNotYetValid,
    /// The settings or a bank profile could not be written (detail: why).
    NotSaved,
    /// The window asked for something no screen of it asks for: a fingerprint,
    /// renewal id, path or text that is malformed or far too long (detail: which).
    /// Nothing was done.
    InvalidRequest,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    pub code: ErrorCode,
    pub retries_left: Option<u32>,
    /// The time the error is about (RFC 3339): when the bank asked to be asked
    /// again (stillPending), when the issued certificate becomes valid
    /// (issuedNotYetValid).
    pub at: Option<String>,
    /// Technical detail for the helpdesk; shown small, never as the message.
    pub detail: Option<String>,
    /// The exact native code of the store call that failed, for the helpdesk:
    /// "CKR_PIN_INCORRECT (0xA0)", "HRESULT 0x80090016 (NTE_BAD_KEYSET)",
    /// "OSStatus -25300 (errSecItemNotFound)", "io: NotFound". Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub native_code: Option<String>,
    /// The store a renewal was to go into, when that store is what failed
    /// (tokenAbsent, moduleMissing: the manual's preparation guidance — apply to
    /// the bank for the USB token, install its software; storeNotOffered); for
    /// unfinishedElsewhere, the store the unfinished renewal goes into.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub into: Option<StorageKind>,
    /// pinIncorrect: the token says few tries are left, without a count
    /// (CKF_USER_PIN_COUNT_LOW): 「残りわずか」.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub few_left: bool,
}

impl ErrorView {
    /// An error with only a code and its technical detail.
    pub fn of(code: ErrorCode, detail: Option<String>) -> Self {
        ErrorView {
            code,
            retries_left: None,
            at: None,
            detail,
            native_code: None,
            into: None,
            few_left: false,
        }
    }
}

/// The last renewal of an identity that failed and was rolled back, remembered
/// after its window closed (`crate::failures`); the list and the tray say it until
/// a renewal of the identity ends otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastFailure {
    pub code: ErrorCode,
    /// When it failed (RFC 3339).
    pub at: String,
    /// The store's native code, for the helpdesk (as in `ErrorView`).
    pub native_code: Option<String>,
}
