//! Owning wrappers for the CryptoAPI and CNG handles: each one is freed exactly once,
//! on drop (CertCloseStore, CertFreeCertificateContext, NCryptFreeObject), and so is
//! every buffer a provider hands out (NCryptFreeBuffer).

use std::ptr;

use windows::core::{w, PCWSTR};
use windows::Win32::Foundation::{CRYPT_E_NOT_FOUND, ERROR_NO_MORE_FILES, NTE_NO_MORE_ITEMS};
use windows::Win32::Security::Cryptography::*;

use super::during;
use crate::error::{Result, StoreError};

/// An open certificate store.
pub(super) struct CertStore(HCERTSTORE);

// SAFETY: a store handle is an opaque reference owned by crypt32, whose store functions
// may be called from any thread; the token serialises its own use behind a mutex.
unsafe impl Send for CertStore {}

impl CertStore {
    /// Opened with CERT_STORE_ENUM_ARCHIVED_FLAG, like [`CertStore::memory`]: archived
    /// certificates still link their keys (see `keys_labelled`); listing skips them
    /// by their property.
    pub(super) fn current_user_my() -> Result<Self> {
        let flags =
            CERT_OPEN_STORE_FLAGS(CERT_SYSTEM_STORE_CURRENT_USER | CERT_STORE_ENUM_ARCHIVED_FLAG.0);
        // SAFETY: a system store by name; pvPara is a NUL-terminated UTF-16 string.
        let store = unsafe {
            CertOpenStore(
                CERT_STORE_PROV_SYSTEM_W,
                CERT_QUERY_ENCODING_TYPE(0),
                None,
                flags,
                Some(w!("MY").as_ptr().cast()),
            )
        };
        store.map(CertStore).map_err(during("open CurrentUser\\MY"))
    }

    pub(super) fn memory() -> Result<Self> {
        // SAFETY: the memory provider takes no parameter.
        let store = unsafe {
            CertOpenStore(
                CERT_STORE_PROV_MEMORY,
                CERT_QUERY_ENCODING_TYPE(0),
                None,
                CERT_STORE_ENUM_ARCHIVED_FLAG,
                None,
            )
        };
        store.map(CertStore).map_err(during("open memory store"))
    }

    /// # Safety
    /// `store` must be a valid, open store handle.
    pub(super) unsafe fn duplicate(store: HCERTSTORE) -> Self {
        // SAFETY: the caller guarantees the handle; duplication adds a reference that
        // our drop releases.
        CertStore(unsafe { CertDuplicateStore(store) })
    }

    /// Every certificate the store enumerates (archived ones too when the store was
    /// opened with CERT_STORE_ENUM_ARCHIVED_FLAG, as ours are: callers check
    /// `is_archived`), plus the error that ended the enumeration early, if one did.
    pub(super) fn certificates(&self) -> (Vec<CertContext>, Option<StoreError>) {
        let mut out = Vec::new();
        let mut prev: *const CERT_CONTEXT = ptr::null();
        loop {
            // SAFETY: `prev` is null or the context this enumeration returned last; the
            // call frees it, so only the duplicates we keep stay referenced.
            let next = unsafe { CertEnumCertificatesInStore(self.0, Some(prev)) };
            if next.is_null() {
                let end = windows::core::Error::from_thread().code();
                let normal = end == CRYPT_E_NOT_FOUND || end == ERROR_NO_MORE_FILES.to_hresult();
                let error = (!normal).then(|| super::classify("enumerate certificates", end));
                return (out, error);
            }
            // SAFETY: `next` is a valid context; the duplicate is ours to free.
            out.push(CertContext(unsafe {
                CertDuplicateCertificateContext(Some(next))
            }));
            prev = next;
        }
    }

    /// Add (or replace) an encoded X.509 certificate; returns the store's context.
    pub(super) fn add_encoded(&self, der: &[u8]) -> Result<CertContext> {
        let mut added: *mut CERT_CONTEXT = ptr::null_mut();
        // SAFETY: `der` outlives the call; the returned context is ours to free.
        unsafe {
            CertAddEncodedCertificateToStore(
                Some(self.0),
                X509_ASN_ENCODING | PKCS_7_ASN_ENCODING,
                der,
                CERT_STORE_ADD_REPLACE_EXISTING,
                Some(&mut added),
            )
        }
        .map_err(during("add certificate"))?;
        Ok(CertContext(added))
    }
}

impl Drop for CertStore {
    fn drop(&mut self) {
        // SAFETY: we own one reference to the store; contexts we hold keep it alive.
        let _ = unsafe { CertCloseStore(Some(self.0), 0) };
    }
}

/// One referenced certificate context.
pub(super) struct CertContext(*mut CERT_CONTEXT);

impl CertContext {
    /// The encoded certificate as the store holds it.
    pub(super) fn der(&self) -> &[u8] {
        // SAFETY: a live context's pbCertEncoded/cbCertEncoded describe its encoding,
        // which lives as long as the context.
        unsafe {
            let c = &*self.0;
            std::slice::from_raw_parts(c.pbCertEncoded, c.cbCertEncoded as usize)
        }
    }

    /// A property's raw bytes and their length, `None` when the certificate does not
    /// have it. The buffer is 8-byte aligned so structures (CRYPT_KEY_PROV_INFO) can be
    /// read in place.
    pub(super) fn property(&self, id: u32) -> Result<Option<(Vec<u64>, usize)>> {
        let mut size = 0u32;
        // SAFETY: size query with no buffer.
        let first = unsafe { CertGetCertificateContextProperty(self.0, id, None, &mut size) };
        match first {
            Err(e) if e.code() == CRYPT_E_NOT_FOUND => return Ok(None),
            other => other.map_err(during("read certificate property"))?,
        }
        let mut buf = vec![0u64; (size as usize).div_ceil(8).max(1)];
        // SAFETY: `buf` holds at least `size` bytes.
        unsafe {
            CertGetCertificateContextProperty(self.0, id, Some(buf.as_mut_ptr().cast()), &mut size)
        }
        .map_err(during("read certificate property"))?;
        Ok(Some((buf, size as usize)))
    }

    /// Set a property; `data` points to what CertSetCertificateContextProperty expects
    /// for `id` (a CRYPT_DATA_BLOB, a CRYPT_KEY_PROV_INFO…).
    ///
    /// # Safety
    /// `data` must be valid for `id`'s type for the duration of the call.
    pub(super) unsafe fn set_property(
        &self,
        id: u32,
        data: *const std::ffi::c_void,
        op: &'static str,
    ) -> Result<()> {
        // SAFETY: forwarded from the caller's contract; the context is live.
        unsafe { CertSetCertificateContextProperty(self.0, id, 0, Some(data)) }.map_err(during(op))
    }
}

impl Drop for CertContext {
    fn drop(&mut self) {
        // SAFETY: we own exactly one reference to this context.
        let _ = unsafe { CertFreeCertificateContext(Some(self.0)) };
    }
}

/// An open key storage provider.
pub(super) struct Provider(pub(super) NCRYPT_PROV_HANDLE);

impl Provider {
    pub(super) fn software() -> Result<Self> {
        let mut handle = NCRYPT_PROV_HANDLE::default();
        // SAFETY: out-pointer to a local; the provider name is a static wide string.
        unsafe { NCryptOpenStorageProvider(&mut handle, MS_KEY_STORAGE_PROVIDER, 0) }
            .map_err(during("open Microsoft Software Key Storage Provider"))?;
        Ok(Provider(handle))
    }
}

/// More keys than anyone's key storage holds: the enumeration stops there rather
/// than trust a provider that never says "no more".
const MAX_KEYS: usize = 100_000;

impl Provider {
    /// The names of this user's keys in the provider (NCryptEnumKeys, user scope,
    /// silent). A name that is not valid UTF-16 is not one of ours and is skipped.
    pub(super) fn key_names(&self) -> Result<Vec<String>> {
        let mut names = Vec::new();
        let mut state: *mut std::ffi::c_void = ptr::null_mut();
        let result = loop {
            let mut item: *mut NCryptKeyName = ptr::null_mut();
            // SAFETY: out-pointers to locals; `state` is null on the first call and
            // then whatever this enumeration returned, as NCryptEnumKeys requires.
            let next = unsafe {
                NCryptEnumKeys(
                    self.0,
                    PCWSTR::null(),
                    &mut item,
                    &mut state,
                    NCRYPT_SILENT_FLAG,
                )
            };
            match next {
                Ok(()) => {
                    // SAFETY: on success `item` is a provider-allocated NCryptKeyName
                    // whose pszName is NUL-terminated; it is freed once, right after.
                    let name = unsafe { (*item).pszName.to_string() };
                    let _ = unsafe { NCryptFreeBuffer(item.cast()) };
                    names.extend(name.ok());
                    if names.len() >= MAX_KEYS {
                        tracing::warn!("more than {MAX_KEYS} CNG keys: enumeration stopped");
                        break Ok(names);
                    }
                }
                Err(e) if e.code() == NTE_NO_MORE_ITEMS => break Ok(names),
                Err(e) => break Err(during("enumerate keys")(e)),
            }
        };
        if !state.is_null() {
            // SAFETY: the enumeration state this enumeration allocated, freed once.
            let _ = unsafe { NCryptFreeBuffer(state) };
        }
        result
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        let _ = unsafe { NCryptFreeObject(self.0.into()) };
    }
}

/// An open CNG key handle, freed on drop unless [`KeyObject::take`] handed it to
/// NCryptDeleteKey (which frees it itself).
pub(super) struct KeyObject(pub(super) NCRYPT_KEY_HANDLE);

impl KeyObject {
    pub(super) fn take(mut self) -> NCRYPT_KEY_HANDLE {
        std::mem::take(&mut self.0)
    }
}

impl Drop for KeyObject {
    fn drop(&mut self) {
        if !self.0.is_invalid() {
            // SAFETY: we own the handle and nobody freed it (take() leaves 0 behind).
            let _ = unsafe { NCryptFreeObject(self.0.into()) };
        }
    }
}

/// NUL-terminated UTF-16 for the W functions.
pub(super) fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// A wide string pointer into `w` (which must outlive its use).
pub(super) fn pcwstr(w: &[u16]) -> PCWSTR {
    PCWSTR(w.as_ptr())
}
