//! The raw edges of Security.framework that the safe `security-framework` API does
//! not cover: attribute keys as `CFString`s (three of them are not even declared by
//! `security-framework-sys`), reading values out of attribute dictionaries, and the
//! mapping of OSStatus / `CFError` codes to [`StoreError`], the OSStatus kept typed
//! ([`NativeCode::OsStatus`]).
//!
//! Every `unsafe` of the back end that is not a Security.framework call lives here.

use core_foundation::base::{CFType, TCFType};
use core_foundation::boolean::CFBoolean;
use core_foundation::dictionary::CFDictionary;
use core_foundation::error::{kCFErrorDomainOSStatus, kCFErrorDomainPOSIX, CFError};
use core_foundation::number::CFNumber;
use core_foundation::string::CFString;
use core_foundation::ConcreteCFType;
use security_framework_sys::base::{
    errSecAuthFailed as ERR_SEC_AUTH_FAILED, errSecItemNotFound as ERR_SEC_ITEM_NOT_FOUND,
};

use crate::error::{Detail, NativeCode, StoreError};

/// Declared in <Security/SecItem.h> (macOS 10.7+) but missing from
/// security-framework-sys 2.17; linked from the framework that crate links.
mod missing {
    use core_foundation::string::CFStringRef;

    #[link(name = "Security", kind = "framework")]
    unsafe extern "C" {
        pub static kSecAttrApplicationTag: CFStringRef;
        pub static kSecAttrIsExtractable: CFStringRef;
        pub static kSecAttrIsSensitive: CFStringRef;
    }
}

/// `userCanceledErr` (MacErrors.h): the user dismissed a keychain prompt. Not in
/// security-framework-sys either.
pub(super) const ERR_SEC_USER_CANCELED: i32 = -128;

/// One safe accessor per attribute key, named as in Apple's headers so the code
/// reads like the documentation it follows.
macro_rules! keys {
    ($($name:ident => $constant:expr),* $(,)?) => {$(
        #[allow(non_snake_case)]
        pub(super) fn $name() -> CFString {
            // SAFETY: Security.framework exports these keys as immutable, non-null
            // CFStringRef constants that live for the whole process; reading one is
            // a plain load, and the get rule takes our own retain.
            unsafe { CFString::wrap_under_get_rule($constant) }
        }
    )*};
}

keys! {
    kSecAttrApplicationLabel => security_framework_sys::item::kSecAttrApplicationLabel,
    kSecAttrApplicationTag => missing::kSecAttrApplicationTag,
    kSecAttrIsExtractable => missing::kSecAttrIsExtractable,
    kSecAttrIsSensitive => missing::kSecAttrIsSensitive,
    kSecAttrIsPermanent => security_framework_sys::item::kSecAttrIsPermanent,
    kSecAttrKeySizeInBits => security_framework_sys::item::kSecAttrKeySizeInBits,
    kSecAttrKeyType => security_framework_sys::item::kSecAttrKeyType,
    kSecAttrKeyTypeECSECPrimeRandom => security_framework_sys::item::kSecAttrKeyTypeECSECPrimeRandom,
    kSecAttrKeyTypeRSA => security_framework_sys::item::kSecAttrKeyTypeRSA,
    kSecAttrLabel => security_framework_sys::item::kSecAttrLabel,
    kSecAttrPublicKeyHash => security_framework_sys::item::kSecAttrPublicKeyHash,
    kSecPrivateKeyAttrs => security_framework_sys::item::kSecPrivateKeyAttrs,
    kSecPublicKeyAttrs => security_framework_sys::item::kSecPublicKeyAttrs,
    kSecUseKeychain => security_framework_sys::item::kSecUseKeychain,
    kSecValueRef => security_framework_sys::item::kSecValueRef,
}

/// The value under `key` in an attribute dictionary, if it has type `T`.
pub(super) fn lookup<T: ConcreteCFType>(dict: &CFDictionary, key: &CFString) -> Option<T> {
    let value = dict.find(key.as_CFTypeRef())?;
    // SAFETY: the values of a CFDictionary are CF objects retained by the dictionary,
    // which outlives this call; the get rule adds our own retain, and `downcast`
    // checks the type id before handing out a `T`.
    unsafe { CFType::wrap_under_get_rule(*value) }.downcast::<T>()
}

/// A boolean attribute. The file-based keychain reports some CSSM flags as
/// CFNumber 0/1 rather than CFBoolean, so both are accepted.
pub(super) fn flag(dict: &CFDictionary, key: &CFString) -> Option<bool> {
    lookup::<CFBoolean>(dict, key)
        .map(bool::from)
        .or_else(|| lookup::<CFNumber>(dict, key).and_then(|n| n.to_i64().map(|v| v != 0)))
}

/// An attribute that names something by a short code, such as kSecAttrKeyType,
/// as text. SecKeyCopyAttributes gives a CFString ("42" is kSecAttrKeyTypeRSA on
/// macOS), while the file-based keychain's item attributes may give the same CSSM
/// code as a CFNumber; both read as the decimal text of the code.
pub(super) fn code(dict: &CFDictionary, key: &CFString) -> Option<String> {
    lookup::<CFString>(dict, key)
        .map(|s| s.to_string())
        .or_else(|| lookup::<CFNumber>(dict, key).and_then(|n| n.to_i64().map(|v| v.to_string())))
}

/// A numeric attribute (kSecAttrKeySizeInBits), as a CFNumber or as its decimal text.
pub(super) fn number(dict: &CFDictionary, key: &CFString) -> Option<i64> {
    lookup::<CFNumber>(dict, key)
        .and_then(|n| n.to_i64())
        .or_else(|| lookup::<CFString>(dict, key).and_then(|s| s.to_string().trim().parse().ok()))
}

/// Classifies an OSStatus. The keychain asks for its own password in an OS dialog,
/// so "wrong password" and "cancelled" come back as statuses, not from `login`.
pub(super) fn status_error(op: &'static str, status: i32) -> StoreError {
    let native = NativeCode::OsStatus(status);
    match status {
        ERR_SEC_ITEM_NOT_FOUND => StoreError::NotFound(Detail::native(
            format!("{op}: no such keychain item"),
            native,
        )),
        ERR_SEC_USER_CANCELED => StoreError::Cancelled,
        // The macOS keychain does not count failed unlock attempts for us.
        ERR_SEC_AUTH_FAILED => StoreError::PinIncorrect {
            retries_left: None,
            few_left: false,
            native: Some(native),
        },
        _ => StoreError::native(op, native),
    }
}

/// Names the failed call, like `pkcs11::errors::Classify`.
pub(super) trait Classify<T> {
    fn during(self, op: &'static str) -> Result<T, StoreError>;
}

impl<T> Classify<T> for Result<T, security_framework::base::Error> {
    fn during(self, op: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| status_error(op, e.code()))
    }
}

impl<T> Classify<T> for Result<T, CFError> {
    fn during(self, op: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| cf_error(op, &e))
    }
}

/// SecKey calls report through CFError; in the OSStatus domain its code is the
/// OSStatus and classifies the same way, in the POSIX domain it is an errno (kept
/// as its `io::ErrorKind`); any other domain is kept in words.
pub(super) fn cf_error(op: &'static str, error: &CFError) -> StoreError {
    // SAFETY: kCFErrorDomainOSStatus is an immutable, non-null CFStringRef constant
    // exported by CoreFoundation for the life of the process.
    let os_status = unsafe { CFString::wrap_under_get_rule(kCFErrorDomainOSStatus) };
    // SAFETY: as above, for kCFErrorDomainPOSIX.
    let posix = unsafe { CFString::wrap_under_get_rule(kCFErrorDomainPOSIX) };
    let domain = error.domain();
    let words = format!("{domain} {}", error.code());
    match i32::try_from(error.code()) {
        Ok(status) if domain == os_status => status_error(op, status),
        Ok(errno) if domain == posix => StoreError::Platform {
            op,
            code: Detail::native(
                words,
                NativeCode::Io(std::io::Error::from_raw_os_error(errno).kind()),
            ),
        },
        _ => StoreError::Platform {
            op,
            code: words.into(),
        },
    }
}
