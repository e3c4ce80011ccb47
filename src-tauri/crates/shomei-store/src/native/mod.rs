//! Native error codes, kept as the types the native layer gave them.
//!
//! Owns: [`NativeCode`], the exact code a PKCS#11 module, Windows, macOS or the file
//! system returned, and its one stable text ("CKR_PIN_INCORRECT (0xA0)",
//! "HRESULT 0x80090016 (NTE_BAD_KEYSET)", "OSStatus -25300 (errSecItemNotFound)",
//! "io: NotFound"), which the helpdesk sees and a support bundle may quote.
//! Must never: guess a name for a code it does not know (the number is shown
//! alone), or carry anything but the code (no message text, no PIN, no key).

use std::fmt;

use cryptoki::error::RvError;

mod ckr;
mod os;

/// The exact code of a failed native call. [`StoreError`](crate::StoreError) keeps
/// it next to its classification; see `StoreError::native_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NativeCode {
    /// A PKCS#11 return value (CKR_*), as cryptoki reports it.
    Pkcs11(RvError),
    /// A Windows HRESULT: CryptoAPI, CNG's SECURITY_STATUS (NTE_*), or a Win32
    /// error as HRESULT_FROM_WIN32 (0x8007xxxx).
    Hresult(i32),
    /// A macOS OSStatus (Security.framework, errSec*).
    OsStatus(i32),
    /// A file-system failure (SoftHSM's directory, a configuration file).
    Io(std::io::ErrorKind),
}

impl fmt::Display for NativeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NativeCode::Pkcs11(rv) => match (ckr::lookup(rv), rv) {
                (Some((name, value)), _) => write!(f, "{name} (0x{value:X})"),
                (None, RvError::VendorDefined(value)) => {
                    write!(f, "CKR_VENDOR_DEFINED (0x{value:X})")
                }
                (None, RvError::UnknownErrorCode(value)) => write!(f, "CK_RV 0x{value:X}"),
                // A variant of a newer cryptoki than the table: its own name.
                (None, other) => write!(f, "{other:?}"),
            },
            NativeCode::Hresult(code) => {
                write!(f, "HRESULT 0x{:08X}", code as u32)?;
                match os::hresult_name(code) {
                    Some(name) => write!(f, " ({name})"),
                    None => Ok(()),
                }
            }
            NativeCode::OsStatus(code) => {
                write!(f, "OSStatus {code}")?;
                match os::os_status_name(code) {
                    Some(name) => write!(f, " ({name})"),
                    None => Ok(()),
                }
            }
            NativeCode::Io(kind) => write!(f, "io: {kind:?}"),
        }
    }
}

#[cfg(test)]
mod tests;
