//! Shared by the Windows back-end tests (run under Wine in CI, .ci/wine/run): how a
//! test tells "Wine lacks this API" from a failure, keys that are removed when the
//! test ends, unique key names, a throwaway memory store and certificates.
//!
//! Under Wine (SHOMEI_UNDER_WINE=1, set by the runner) an assertion Wine cannot
//! support is skipped LOUDLY; everywhere else the same code is a failure.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use shomei_store::signer::CsrSigner;
use shomei_store::{KeyHandle, KeySpec, NativeCode, StoreError, Token};
use windows::core::HRESULT;
use windows::Win32::Foundation::{NTE_BAD_ALGID, NTE_NOT_SUPPORTED};
use windows::Win32::Security::Cryptography::*;

pub fn under_wine() -> bool {
    std::env::var_os("SHOMEI_UNDER_WINE").is_some_and(|v| v == "1")
}

/// Whether `r` failed under Wine with one of `codes` (the typed HRESULT); if so, says
/// LOUDLY that the assertion is skipped and why. Elsewhere those codes are failures
/// like any other.
pub fn wine_lacks_api<T>(
    what: &str,
    r: &Result<T, StoreError>,
    codes: &[HRESULT],
    why: &str,
) -> bool {
    let Err(e) = r else {
        return false;
    };
    let lacking = codes
        .iter()
        .any(|c| e.native_code() == Some(NativeCode::Hresult(c.0)));
    if !lacking || !under_wine() {
        return false;
    }
    eprintln!(
        "\n*** SKIPPED ASSERTION ({what}): {e}: {why}, so this cannot be tested here. \
         That path is only compiled under Wine; it runs on real Windows. ***\n"
    );
    true
}

/// NTE_NOT_SUPPORTED under Wine: it does not persist CNG keys.
pub fn wine_lacks<T>(what: &str, r: &Result<T, StoreError>) -> bool {
    wine_lacks_api(
        what,
        r,
        &[NTE_NOT_SUPPORTED],
        "Wine 8 does not persist CNG keys (no NCryptOpenKey by name, no NCryptDeleteKey)",
    )
}

/// NTE_NOT_SUPPORTED or NTE_BAD_ALGID under Wine: its ncrypt lacks ECDSA P-256.
pub fn wine_lacks_ecdsa<T>(what: &str, r: &Result<T, StoreError>) -> bool {
    wine_lacks_api(
        what,
        r,
        &[NTE_NOT_SUPPORTED, NTE_BAD_ALGID],
        "Wine's ncrypt does not implement ECDSA P-256 keys (NCRYPT_ECDSA_P256_ALGORITHM)",
    )
}

/// A key label (and so a CNG key name) no other test, run or program uses: on real
/// Windows keys are persisted in the user's key storage provider, and a name is
/// never reused.
pub fn unique_label(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}{nanos:x}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Deletes the keys a test created when it ends, even on failure: on real Windows they
/// are persisted in the user's key storage provider.
pub struct Keys<'a>(pub &'a dyn Token, pub Vec<Vec<u8>>);

impl Keys<'_> {
    pub fn generate(&mut self) -> shomei_store::NewKey {
        self.try_generate(KeySpec::Rsa2048).unwrap()
    }

    pub fn try_generate(&mut self, spec: KeySpec) -> Result<shomei_store::NewKey, StoreError> {
        self.labelled(spec, &unique_label("shomei-test-"))
    }

    pub fn labelled(
        &mut self,
        spec: KeySpec,
        label: &str,
    ) -> Result<shomei_store::NewKey, StoreError> {
        let new = self.0.generate_key(spec, label)?;
        self.1.push(new.key_id.clone());
        Ok(new)
    }
}

impl Drop for Keys<'_> {
    fn drop(&mut self) {
        for id in &self.1 {
            let _ = self.0.delete_key(id);
        }
    }
}

/// A raw CryptoAPI memory store the test owns (never a user's store), opened like the
/// back end's own with CERT_STORE_ENUM_ARCHIVED_FLAG; the test closes its own
/// reference when done with it.
pub fn memory_store() -> HCERTSTORE {
    // SAFETY: the memory provider takes no parameter and touches no persistent store.
    unsafe {
        CertOpenStore(
            CERT_STORE_PROV_MEMORY,
            CERT_QUERY_ENCODING_TYPE(0),
            None,
            CERT_STORE_ENUM_ARCHIVED_FLAG,
            None,
        )
    }
    .unwrap()
}

/// A self-signed certificate for the key, signed through the store (rcgen adapter).
pub fn self_signed(key: &dyn KeyHandle, cn: &str) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let signer = CsrSigner::new(key).expect("RSA key");
    params.self_signed(&signer).expect("sign").der().to_vec()
}
