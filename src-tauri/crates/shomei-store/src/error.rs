//! Store errors, classified so the UI and the CLI can tell them apart.
//!
//! Every variant that comes from a native call keeps what the native layer said, as
//! its typed [`NativeCode`] (the PKCS#11 return value, the HRESULT, the OSStatus, the
//! `io::ErrorKind`), never formatted into words: [`StoreError::native_code`] gives
//! it to the helpdesk view and a support bundle. The UI itself only ever acts on the
//! variant: it maps it to words in the user's language. Nothing here may carry a PIN
//! or key material.
//!
//! `PinLocked` and `Cancelled` carry no code: the variant is the whole story, and it
//! is the one the engine and the command line match on everywhere.

use std::fmt;

pub use crate::native::NativeCode;

/// What a store said about a failure: its words, and the native code when one came
/// with them. Built from plain words with `.into()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub text: String,
    pub native: Option<NativeCode>,
}

impl Detail {
    /// Words and the code of the native call they describe.
    pub fn native(text: impl Into<String>, code: NativeCode) -> Self {
        Detail {
            text: text.into(),
            native: Some(code),
        }
    }
}

impl From<String> for Detail {
    fn from(text: String) -> Self {
        Detail { text, native: None }
    }
}

impl From<&str> for Detail {
    fn from(text: &str) -> Self {
        text.to_owned().into()
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.native, self.text.is_empty()) {
            (None, _) => f.write_str(&self.text),
            (Some(code), true) => write!(f, "{code}"),
            (Some(code), false) => write!(f, "{}: {code}", self.text),
        }
    }
}

/// " [code]" after a variant's words, or nothing.
fn with_code(native: &Option<NativeCode>) -> String {
    native.map(|c| format!(" [{c}]")).unwrap_or_default()
}

/// What went wrong in a store. Non-exhaustive: new back ends bring new kinds.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No token with the requested label/serial is present (not plugged in).
    #[error("token not present: {0}")]
    TokenAbsent(Detail),
    /// The middleware (PKCS#11 module) is not installed or cannot be loaded.
    #[error("PKCS#11 module missing or unloadable: {path}: {reason}{}", with_code(.native))]
    ModuleMissing {
        path: String,
        reason: String,
        /// C_Initialize's return value, when the module loaded but refused to start.
        native: Option<NativeCode>,
    },
    /// The token was pulled out while an operation was running.
    #[error("token removed during {op}{}", with_code(.native))]
    TokenRemoved {
        op: &'static str,
        native: Option<NativeCode>,
    },
    /// Wrong PIN. `retries_left` is known only when the token says so
    /// (PKCS#11: CKF_USER_PIN_FINAL_TRY means one); `few_left`: the token says
    /// the count is low (CKF_USER_PIN_COUNT_LOW) without saying how low.
    #[error("incorrect PIN (retries left: {retries_left:?}{}){}", if *.few_left { ", few" } else { "" }, with_code(.native))]
    PinIncorrect {
        retries_left: Option<u32>,
        few_left: bool,
        native: Option<NativeCode>,
    },
    /// The PIN is locked; only the token software or the bank can unlock it.
    #[error("PIN locked")]
    PinLocked,
    /// The user cancelled (a PIN pad, an OS dialog).
    #[error("cancelled by the user")]
    Cancelled,
    /// The object asked for does not exist (for example no key for a certificate).
    #[error("not found: {0}")]
    NotFound(Detail),
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
    /// Any other failure, with the operation, the words and (from a native call)
    /// its code.
    #[error("{op} failed: {code}")]
    Platform { op: &'static str, code: Detail },
}

impl StoreError {
    /// The exact code of the native call this error came from, if it came from one.
    pub fn native_code(&self) -> Option<NativeCode> {
        match self {
            StoreError::TokenAbsent(detail)
            | StoreError::NotFound(detail)
            | StoreError::Platform { code: detail, .. } => detail.native,
            StoreError::ModuleMissing { native, .. }
            | StoreError::TokenRemoved { native, .. }
            | StoreError::PinIncorrect { native, .. } => *native,
            StoreError::PinLocked
            | StoreError::Cancelled
            | StoreError::InUse(_)
            | StoreError::Malformed { .. }
            | StoreError::Unsupported(_) => None,
        }
    }

    /// A failure of `op` described by a native code alone.
    pub fn native(op: &'static str, code: NativeCode) -> Self {
        StoreError::Platform {
            op,
            code: Detail::native("", code),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::error::RvError;

    #[test]
    fn the_code_is_kept_and_shown_after_the_words() {
        let pin = StoreError::PinIncorrect {
            retries_left: Some(1),
            few_left: true,
            native: Some(NativeCode::Pkcs11(RvError::PinIncorrect)),
        };
        assert_eq!(
            pin.to_string(),
            "incorrect PIN (retries left: Some(1), few) [CKR_PIN_INCORRECT (0xA0)]"
        );
        assert_eq!(
            pin.native_code(),
            Some(NativeCode::Pkcs11(RvError::PinIncorrect))
        );

        let keyset = NativeCode::Hresult(0x8009_0016_u32 as i32);
        let missing = StoreError::NotFound(Detail::native("key (open key)", keyset));
        assert_eq!(
            missing.to_string(),
            "not found: key (open key): HRESULT 0x80090016 (NTE_BAD_KEYSET)"
        );
        assert_eq!(missing.native_code(), Some(keyset));

        let io = StoreError::native(
            "write softhsm2.conf",
            NativeCode::Io(std::io::ErrorKind::NotFound),
        );
        assert_eq!(io.to_string(), "write softhsm2.conf failed: io: NotFound");
        assert_eq!(
            io.native_code(),
            Some(NativeCode::Io(std::io::ErrorKind::NotFound))
        );
    }

    #[test]
    fn words_alone_have_no_code() {
        let words = StoreError::Platform {
            op: "delete key",
            code: "not logged in".into(),
        };
        assert_eq!(words.to_string(), "delete key failed: not logged in");
        assert_eq!(words.native_code(), None);
        assert_eq!(
            StoreError::NotFound("certificate 00".into()).native_code(),
            None
        );
        assert_eq!(StoreError::PinLocked.native_code(), None);
        let removed = StoreError::TokenRemoved {
            op: "sign",
            native: None,
        };
        assert_eq!(removed.to_string(), "token removed during sign");
    }
}
