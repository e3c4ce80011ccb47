//! Store errors, classified so the UI and the CLI can tell them apart.
//!
//! Every variant keeps what the native layer said (the PKCS#11 return value, the
//! Win32/OSStatus code) so a helpdesk log is useful, but the UI only ever sees the
//! variant: it maps it to words in the user's language. Nothing here may carry a
//! PIN or key material.

/// What went wrong in a store. Non-exhaustive: new back ends bring new kinds.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No token with the requested label/serial is present (not plugged in).
    #[error("token not present: {0}")]
    TokenAbsent(String),
    /// The middleware (PKCS#11 module) is not installed or cannot be loaded.
    #[error("PKCS#11 module missing or unloadable: {path}: {reason}")]
    ModuleMissing { path: String, reason: String },
    /// The token was pulled out while an operation was running.
    #[error("token removed during {op}")]
    TokenRemoved { op: &'static str },
    /// Wrong PIN. `retries_left` is known only when the token says so
    /// (PKCS#11: CKF_USER_PIN_FINAL_TRY means one).
    #[error("incorrect PIN (retries left: {retries_left:?})")]
    PinIncorrect { retries_left: Option<u32> },
    /// The PIN is locked; only the token software or the bank can unlock it.
    #[error("PIN locked")]
    PinLocked,
    /// The user cancelled (a PIN pad, an OS dialog).
    #[error("cancelled by the user")]
    Cancelled,
    /// The object asked for does not exist (for example no key for a certificate).
    #[error("not found: {0}")]
    NotFound(String),
    /// A certificate uses this key: it is an identity's key, never removed as a
    /// leftover (whatever a journal record says).
    #[error("the key is in use by a certificate: {0}")]
    InUse(String),
    /// The store holds something we cannot read (a malformed certificate).
    #[error("malformed {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
    /// The operation exists in general but not on this back end or platform yet.
    #[error("not supported by this store: {0}")]
    Unsupported(&'static str),
    /// Any other native failure, with the call and its code.
    #[error("{op} failed: {code}")]
    Platform { op: &'static str, code: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
