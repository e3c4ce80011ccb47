//! Names for the OS codes a store back end meets: HRESULTs (CryptoAPI, CNG's
//! SECURITY_STATUS, Win32 errors as HRESULT_FROM_WIN32) and OSStatus values of
//! Security.framework. Only codes these back ends can plausibly return are named;
//! any other code is shown by its number alone, never guessed.
//!
//! The values are written out so that a code reads the same on every platform (a
//! support bundle made on one machine is read on another). On Windows a unit test
//! checks every HRESULT here against the `windows` crate's constant of that name.

/// HRESULT values by name (as `u32`: the documented hexadecimal form).
pub(super) const HRESULTS: &[(u32, &str)] = &[
    (0x8000_4001, "E_NOTIMPL"),
    (0x8000_4003, "E_POINTER"),
    (0x8000_4005, "E_FAIL"),
    (0x8000_FFFF, "E_UNEXPECTED"),
    (0x8007_0002, "ERROR_FILE_NOT_FOUND"),
    (0x8007_0005, "E_ACCESSDENIED"),
    (0x8007_0006, "E_HANDLE"),
    (0x8007_000E, "E_OUTOFMEMORY"),
    (0x8007_0012, "ERROR_NO_MORE_FILES"),
    (0x8007_0057, "E_INVALIDARG"),
    (0x8007_0490, "ERROR_NOT_FOUND"),
    (0x8007_04C7, "ERROR_CANCELLED"),
    (0x8009_0001, "NTE_BAD_UID"),
    (0x8009_0003, "NTE_BAD_KEY"),
    (0x8009_0005, "NTE_BAD_DATA"),
    (0x8009_0006, "NTE_BAD_SIGNATURE"),
    (0x8009_0008, "NTE_BAD_ALGID"),
    (0x8009_0009, "NTE_BAD_FLAGS"),
    (0x8009_000A, "NTE_BAD_TYPE"),
    (0x8009_000B, "NTE_BAD_KEY_STATE"),
    (0x8009_000D, "NTE_NO_KEY"),
    (0x8009_000E, "NTE_NO_MEMORY"),
    (0x8009_000F, "NTE_EXISTS"),
    (0x8009_0010, "NTE_PERM"),
    (0x8009_0011, "NTE_NOT_FOUND"),
    (0x8009_0013, "NTE_BAD_PROVIDER"),
    (0x8009_0015, "NTE_BAD_PUBLIC_KEY"),
    (0x8009_0016, "NTE_BAD_KEYSET"),
    (0x8009_0019, "NTE_KEYSET_NOT_DEF"),
    (0x8009_001D, "NTE_PROVIDER_DLL_FAIL"),
    (0x8009_0020, "NTE_FAIL"),
    (0x8009_0021, "NTE_SYS_ERR"),
    (0x8009_0022, "NTE_SILENT_CONTEXT"),
    (0x8009_0024, "NTE_TEMPORARY_PROFILE"),
    (0x8009_0026, "NTE_INVALID_HANDLE"),
    (0x8009_0027, "NTE_INVALID_PARAMETER"),
    (0x8009_0028, "NTE_BUFFER_TOO_SMALL"),
    (0x8009_0029, "NTE_NOT_SUPPORTED"),
    (0x8009_002A, "NTE_NO_MORE_ITEMS"),
    (0x8009_002C, "NTE_DECRYPTION_FAILURE"),
    (0x8009_002D, "NTE_INTERNAL_ERROR"),
    (0x8009_002E, "NTE_UI_REQUIRED"),
    (0x8009_0030, "NTE_DEVICE_NOT_READY"),
    (0x8009_0031, "NTE_AUTHENTICATION_IGNORED"),
    (0x8009_0032, "NTE_VALIDATION_FAILED"),
    (0x8009_0033, "NTE_INCORRECT_PASSWORD"),
    (0x8009_0034, "NTE_ENCRYPTION_FAILURE"),
    (0x8009_0035, "NTE_DEVICE_NOT_FOUND"),
    (0x8009_0036, "NTE_USER_CANCELLED"),
    (0x8009_0037, "NTE_PASSWORD_CHANGE_REQUIRED"),
    (0x8009_0038, "NTE_NOT_ACTIVE_CONSOLE"),
    (0x8009_2004, "CRYPT_E_NOT_FOUND"),
    (0x8009_2005, "CRYPT_E_EXISTS"),
    (0x8010_000C, "SCARD_E_NO_SMARTCARD"),
    (0x8010_006B, "SCARD_W_WRONG_CHV"),
    (0x8010_006C, "SCARD_W_CHV_BLOCKED"),
    (0x8010_006E, "SCARD_W_CANCELLED_BY_USER"),
];

/// OSStatus values by name (<Security/SecBase.h>).
pub(super) const OS_STATUSES: &[(i32, &str)] = &[
    (-4, "errSecUnimplemented"),
    (-34, "errSecDiskFull"),
    (-36, "errSecIO"),
    (-50, "errSecParam"),
    (-61, "errSecWrPerm"),
    (-108, "errSecAllocate"),
    (-128, "errSecUserCanceled"),
    (-909, "errSecBadReq"),
    (-2070, "errSecInternalComponent"),
    (-25240, "errSecACLNotSimple"),
    (-25241, "errSecPolicyNotFound"),
    (-25243, "errSecNoAccessForItem"),
    (-25244, "errSecInvalidOwnerEdit"),
    (-25256, "errSecUnsupportedFormat"),
    (-25257, "errSecUnknownFormat"),
    (-25258, "errSecKeyIsSensitive"),
    (-25259, "errSecMultiplePrivKeys"),
    (-25260, "errSecPassphraseRequired"),
    (-25263, "errSecNoTrustSettings"),
    (-25291, "errSecNotAvailable"),
    (-25292, "errSecReadOnly"),
    (-25293, "errSecAuthFailed"),
    (-25294, "errSecNoSuchKeychain"),
    (-25295, "errSecInvalidKeychain"),
    (-25296, "errSecDuplicateKeychain"),
    (-25299, "errSecDuplicateItem"),
    (-25300, "errSecItemNotFound"),
    (-25301, "errSecBufferTooSmall"),
    (-25302, "errSecDataTooLarge"),
    (-25303, "errSecNoSuchAttr"),
    (-25304, "errSecInvalidItemRef"),
    (-25305, "errSecInvalidSearchRef"),
    (-25306, "errSecNoSuchClass"),
    (-25307, "errSecNoDefaultKeychain"),
    (-25308, "errSecInteractionNotAllowed"),
    (-25309, "errSecReadOnlyAttr"),
    (-25310, "errSecWrongSecVersion"),
    (-25311, "errSecKeySizeNotAllowed"),
    (-25315, "errSecInteractionRequired"),
    (-25316, "errSecDataNotAvailable"),
    (-25317, "errSecDataNotModifiable"),
    (-25318, "errSecCreateChainFailed"),
    (-26275, "errSecDecode"),
    (-34018, "errSecMissingEntitlement"),
];

pub(super) fn hresult_name(code: i32) -> Option<&'static str> {
    let code = code as u32; // the same 32 bits, in the documented form
    HRESULTS.iter().find(|(v, _)| *v == code).map(|(_, n)| *n)
}

pub(super) fn os_status_name(code: i32) -> Option<&'static str> {
    OS_STATUSES
        .iter()
        .find(|(v, _)| *v == code)
        .map(|(_, n)| *n)
}
