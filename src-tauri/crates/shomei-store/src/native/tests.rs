use std::collections::HashSet;

use cryptoki::error::{Rv, RvError};

use super::{ckr, os, NativeCode};

fn text(code: NativeCode) -> String {
    code.to_string()
}

#[test]
fn each_kind_has_its_stable_text() {
    assert_eq!(
        text(NativeCode::Pkcs11(RvError::PinIncorrect)),
        "CKR_PIN_INCORRECT (0xA0)"
    );
    assert_eq!(
        text(NativeCode::Pkcs11(RvError::TokenNotPresent)),
        "CKR_TOKEN_NOT_PRESENT (0xE0)"
    );
    assert_eq!(
        text(NativeCode::Hresult(0x8009_0016_u32 as i32)),
        "HRESULT 0x80090016 (NTE_BAD_KEYSET)"
    );
    assert_eq!(
        text(NativeCode::Hresult(0x8007_04C7_u32 as i32)),
        "HRESULT 0x800704C7 (ERROR_CANCELLED)"
    );
    assert_eq!(
        text(NativeCode::OsStatus(-25300)),
        "OSStatus -25300 (errSecItemNotFound)"
    );
    assert_eq!(
        text(NativeCode::OsStatus(-128)),
        "OSStatus -128 (errSecUserCanceled)"
    );
    assert_eq!(
        text(NativeCode::Io(std::io::ErrorKind::NotFound)),
        "io: NotFound"
    );
    assert_eq!(
        text(NativeCode::Io(std::io::ErrorKind::PermissionDenied)),
        "io: PermissionDenied"
    );
}

#[test]
fn unknown_codes_keep_their_number_and_get_no_name() {
    assert_eq!(
        text(NativeCode::Hresult(0x8765_4321_u32 as i32)),
        "HRESULT 0x87654321"
    );
    assert_eq!(text(NativeCode::Hresult(0)), "HRESULT 0x00000000");
    assert_eq!(text(NativeCode::OsStatus(-1)), "OSStatus -1");
    assert_eq!(
        text(NativeCode::Pkcs11(RvError::VendorDefined(0x8000_0123))),
        "CKR_VENDOR_DEFINED (0x80000123)"
    );
    assert_eq!(
        text(NativeCode::Pkcs11(RvError::UnknownErrorCode(0x1234))),
        "CK_RV 0x1234"
    );
}

/// Every CKR_ of the table is one of cryptoki's own variants, each exactly once, and
/// reads back as its own name and value: the table cannot name a code wrongly.
#[test]
fn every_ckr_name_is_the_value_cryptoki_decodes() {
    let mut variants = Vec::new();
    for (value, name) in ckr::CKR {
        let Rv::Error(rv) = Rv::from(*value) else {
            panic!("{name} is not an error");
        };
        assert!(
            !matches!(rv, RvError::UnknownErrorCode(_) | RvError::VendorDefined(_)),
            "{name}: cryptoki has no variant for it"
        );
        assert!(
            !variants.contains(&rv),
            "{name}: variant {rv:?} named twice"
        );
        variants.push(rv);
        assert_eq!(ckr::lookup(rv), Some((*name, *value)));
        assert_eq!(
            text(NativeCode::Pkcs11(rv)),
            format!("{name} (0x{value:X})")
        );
    }
    // cryptoki 0.12 decodes 93 CKR_ error values into variants of their own.
    assert_eq!(variants.len(), 93);
}

#[test]
fn os_names_are_unique() {
    let hresults: HashSet<_> = os::HRESULTS.iter().map(|(v, _)| v).collect();
    assert_eq!(hresults.len(), os::HRESULTS.len());
    let statuses: HashSet<_> = os::OS_STATUSES.iter().map(|(v, _)| v).collect();
    assert_eq!(statuses.len(), os::OS_STATUSES.len());
    let names: HashSet<_> = os::HRESULTS
        .iter()
        .map(|(_, n)| n)
        .chain(os::OS_STATUSES.iter().map(|(_, n)| n))
        .collect();
    assert_eq!(names.len(), os::HRESULTS.len() + os::OS_STATUSES.len());
}

/// The written-out HRESULTs are the Windows SDK's, as the `windows` crate has them.
#[cfg(windows)]
#[test]
fn hresult_names_match_the_windows_sdk() {
    use windows::Win32::Foundation::*;
    let value = |name: &str| {
        os::HRESULTS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(v, _)| *v as i32)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    macro_rules! same {
        (hresult: $($h:ident),*; win32: $($w:ident),*) => {
            let checked = [$((stringify!($h), $h.0)),* , $((stringify!($w), $w.to_hresult().0)),*];
            for (name, sdk) in checked {
                assert_eq!(value(name), sdk, "{name}");
            }
            assert_eq!(checked.len(), os::HRESULTS.len(), "every name checked");
        };
    }
    same!(hresult: E_NOTIMPL, E_POINTER, E_FAIL, E_UNEXPECTED, E_ACCESSDENIED, E_HANDLE,
        E_OUTOFMEMORY, E_INVALIDARG, NTE_BAD_UID, NTE_BAD_KEY, NTE_BAD_DATA,
        NTE_BAD_SIGNATURE, NTE_BAD_ALGID, NTE_BAD_FLAGS, NTE_BAD_TYPE, NTE_BAD_KEY_STATE,
        NTE_NO_KEY, NTE_NO_MEMORY, NTE_EXISTS, NTE_PERM, NTE_NOT_FOUND, NTE_BAD_PROVIDER,
        NTE_BAD_PUBLIC_KEY, NTE_BAD_KEYSET, NTE_KEYSET_NOT_DEF, NTE_PROVIDER_DLL_FAIL,
        NTE_FAIL, NTE_SYS_ERR, NTE_SILENT_CONTEXT, NTE_TEMPORARY_PROFILE, NTE_INVALID_HANDLE,
        NTE_INVALID_PARAMETER, NTE_BUFFER_TOO_SMALL, NTE_NOT_SUPPORTED, NTE_NO_MORE_ITEMS,
        NTE_DECRYPTION_FAILURE, NTE_INTERNAL_ERROR, NTE_UI_REQUIRED, NTE_DEVICE_NOT_READY,
        NTE_AUTHENTICATION_IGNORED, NTE_VALIDATION_FAILED, NTE_INCORRECT_PASSWORD,
        NTE_ENCRYPTION_FAILURE, NTE_DEVICE_NOT_FOUND, NTE_USER_CANCELLED,
        NTE_PASSWORD_CHANGE_REQUIRED, NTE_NOT_ACTIVE_CONSOLE, CRYPT_E_NOT_FOUND,
        CRYPT_E_EXISTS, SCARD_E_NO_SMARTCARD, SCARD_W_WRONG_CHV, SCARD_W_CHV_BLOCKED,
        SCARD_W_CANCELLED_BY_USER;
        win32: ERROR_FILE_NOT_FOUND, ERROR_NO_MORE_FILES, ERROR_NOT_FOUND, ERROR_CANCELLED);
}
