//! Windows: the CurrentUser `MY` store (CryptoAPI) and keys in the Microsoft Software
//! Key Storage Provider (CNG).
//!
//! Why this way: the bank's web login runs in Edge or Chrome, and on Windows both pick
//! client certificates from CurrentUser\MY and sign through the key that the
//! certificate's CERT_KEY_PROV_INFO_PROP_ID names. So a renewed identity is useful only
//! when it is exactly that: a certificate added to MY
//! ([CertAddEncodedCertificateToStore]) and linked by key name to a CNG key
//! ([CRYPT_KEY_PROV_INFO] with `dwProvType` 0, "If this member is zero, the key
//! container is one of the CNG key storage providers"). The key is created persisted
//! and NON-exportable ([NCryptCreatePersistedKey], [NCRYPT_EXPORT_POLICY_PROPERTY] = 0,
//! then [NCryptFinalizeKey]): the private key never leaves the provider, only the
//! public half is read, as a [BCRYPT_RSAKEY_BLOB] or a [BCRYPT_ECCKEY_BLOB] (ECDSA
//! P-256, [NCRYPT_ECDSA_P256_ALGORITHM]). Signing is [NCryptSignHash] with
//! the SHA-256 digest computed here, the way CNG asks for it. A replaced identity is
//! archived ([CERT_ARCHIVED_PROP_ID]): enumeration skips it, certmgr can bring it back.
//!
//! Owns: the OS store of this PC on Windows, through [`PcStore`]. Must never: export a
//! private key, touch a certificate other than the one named by its fingerprint, or
//! (in tests) open the user's real store: tests use [`PcStore::in_memory`].
//!
//! [CertAddEncodedCertificateToStore]: https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/nf-wincrypt-certaddencodedcertificatetostore
//! [CRYPT_KEY_PROV_INFO]: https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/ns-wincrypt-crypt_key_prov_info
//! [NCryptCreatePersistedKey]: https://learn.microsoft.com/en-us/windows/win32/api/ncrypt/nf-ncrypt-ncryptcreatepersistedkey
//! [NCRYPT_EXPORT_POLICY_PROPERTY]: https://learn.microsoft.com/en-us/windows/win32/seccng/key-storage-property-identifiers
//! [NCryptFinalizeKey]: https://learn.microsoft.com/en-us/windows/win32/api/ncrypt/nf-ncrypt-ncryptfinalizekey
//! [BCRYPT_RSAKEY_BLOB]: https://learn.microsoft.com/en-us/windows/win32/api/bcrypt/ns-bcrypt-bcrypt_rsakey_blob
//! [BCRYPT_ECCKEY_BLOB]: https://learn.microsoft.com/en-us/windows/win32/api/bcrypt/ns-bcrypt-bcrypt_ecckey_blob
//! [NCRYPT_ECDSA_P256_ALGORITHM]: https://learn.microsoft.com/en-us/windows/win32/seccng/cng-algorithm-identifiers
//! [NCryptSignHash]: https://learn.microsoft.com/en-us/windows/win32/api/ncrypt/nf-ncrypt-ncryptsignhash
//! [CERT_ARCHIVED_PROP_ID]: https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/nf-wincrypt-certsetcertificatecontextproperty

mod handles;
mod identity;
mod key;
mod token;

use windows::core::HRESULT;
use windows::Win32::Foundation::{ERROR_CANCELLED, NTE_BAD_KEYSET, NTE_USER_CANCELLED};
use windows::Win32::Security::Cryptography::HCERTSTORE;

use crate::error::{Detail, NativeCode};
use crate::{Result, StoreError, Token};
use handles::CertStore;
use token::CngToken;

/// The OS store of this PC: CurrentUser\MY and the Microsoft Software KSP.
pub struct PcStore;

impl PcStore {
    /// The user's own CurrentUser `MY` store.
    pub fn open() -> Result<Box<dyn Token>> {
        Ok(Box::new(CngToken::new(
            CertStore::current_user_my()?,
            "CurrentUser\\MY",
        )?))
    }

    /// A fresh in-memory certificate store (CERT_STORE_PROV_MEMORY), for tests and
    /// dry runs: certificates vanish with it. Keys still go to the software KSP.
    pub fn in_memory() -> Result<Box<dyn Token>> {
        Ok(Box::new(CngToken::new(CertStore::memory()?, "memory")?))
    }

    /// A token over a certificate store the caller opened (tests that need to put
    /// something odd in the store first). The token takes its own reference. Open it
    /// with CERT_STORE_ENUM_ARCHIVED_FLAG, as [`PcStore::open`] does, or the keys of
    /// archived certificates look unused to `keys_labelled`.
    ///
    /// # Safety
    /// `store` must be a valid, open certificate store handle.
    pub unsafe fn from_raw_store(store: HCERTSTORE) -> Result<Box<dyn Token>> {
        // SAFETY: forwarded from the caller's contract.
        let store = unsafe { CertStore::duplicate(store) };
        Ok(Box::new(CngToken::new(store, "caller's store")?))
    }
}

/// Classify a Win32/NTE/HRESULT failure; the code is kept typed
/// ([`NativeCode::Hresult`]).
pub(crate) fn classify(op: &'static str, code: HRESULT) -> StoreError {
    let native = NativeCode::Hresult(code.0);
    if code == NTE_BAD_KEYSET {
        StoreError::NotFound(Detail::native(format!("key ({op})"), native))
    } else if code == NTE_USER_CANCELLED || code == ERROR_CANCELLED.to_hresult() {
        StoreError::Cancelled
    } else {
        StoreError::native(op, native)
    }
}

/// `.map_err(during("op"))` for `windows::core::Result`.
pub(crate) fn during(op: &'static str) -> impl Fn(windows::core::Error) -> StoreError {
    move |e| classify(op, e.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows::Win32::Foundation::NTE_NOT_SUPPORTED;

    #[test]
    fn native_codes_are_classified_and_kept() {
        let missing = classify("open key", NTE_BAD_KEYSET);
        assert!(matches!(missing, StoreError::NotFound(_)));
        assert_eq!(
            missing.native_code(),
            Some(NativeCode::Hresult(NTE_BAD_KEYSET.0))
        );
        assert_eq!(
            missing.to_string(),
            "not found: key (open key): HRESULT 0x80090016 (NTE_BAD_KEYSET)"
        );
        assert!(matches!(
            classify("sign", NTE_USER_CANCELLED),
            StoreError::Cancelled
        ));
        assert!(matches!(
            classify("sign", ERROR_CANCELLED.to_hresult()),
            StoreError::Cancelled
        ));
        match classify("open key", NTE_NOT_SUPPORTED) {
            StoreError::Platform { op, code } => {
                assert_eq!(op, "open key");
                assert_eq!(code.native, Some(NativeCode::Hresult(NTE_NOT_SUPPORTED.0)));
                assert_eq!(code.to_string(), "HRESULT 0x80090029 (NTE_NOT_SUPPORTED)");
            }
            other => panic!("{other:?}"),
        }
    }
}
