//! CNG keys in the Microsoft Software Key Storage Provider: creation, opening by
//! name, the public half, the export policy, signing and deletion.
//!
//! A key is named `Shomei-<32 hex digits>` (random, so a renewal never overwrites a
//! key); that name is what the certificate's CERT_KEY_PROV_INFO_PROP_ID points at.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use windows::Win32::Security::Cryptography::*;
use windows::Win32::Security::OBJECT_SECURITY_INFORMATION;

use super::during;
use super::handles::{pcwstr, wide, KeyObject, Provider};
use crate::cert::KeyAlgorithm;
use crate::error::{Result, StoreError};
use crate::key::{KeyHandle, KeySpec, SignatureScheme};
use crate::rsa::encode_rsa_public_key;

/// A key handle shared by every [`CngKey`] made from it; `None` once deleted.
pub(super) struct SharedKey {
    handle: Mutex<Option<KeyObject>>,
    // Keeps the provider open while a key from it is.
    _provider: Arc<Provider>,
}

impl SharedKey {
    fn with<T>(&self, f: impl FnOnce(NCRYPT_KEY_HANDLE) -> Result<T>) -> Result<T> {
        let guard = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(key) => f(key.0),
            None => Err(StoreError::NotFound("key (deleted)".into())),
        }
    }

    /// NCryptDeleteKey: removes the key from the provider and frees the handle.
    pub(super) fn delete(&self) -> Result<()> {
        let mut guard = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        let key = guard
            .take()
            .ok_or_else(|| StoreError::NotFound("key (deleted)".into()))?;
        let handle = key.take();
        // SAFETY: we own `handle`; on success NCryptDeleteKey frees it.
        match unsafe { NCryptDeleteKey(handle, 0) } {
            Ok(()) => Ok(()),
            Err(e) => {
                // Not deleted, so not freed either: keep it usable and owned.
                *guard = Some(KeyObject(handle));
                Err(during("delete key")(e))
            }
        }
    }

    /// Export policy flags (NCRYPT_ALLOW_EXPORT_FLAG, …); 0 means never exportable.
    pub(super) fn export_policy(&self) -> Result<u32> {
        self.with(|key| {
            let mut value = [0u8; 4];
            let mut size = 0u32;
            // SAFETY: a 4-byte buffer for a DWORD property; `size` is a local.
            unsafe {
                NCryptGetProperty(
                    key.into(),
                    NCRYPT_EXPORT_POLICY_PROPERTY,
                    Some(&mut value),
                    &mut size,
                    OBJECT_SECURITY_INFORMATION(0),
                )
            }
            .map_err(during("read export policy"))?;
            Ok(u32::from_le_bytes(value))
        })
    }

    /// RSAPublicKey DER, from NCryptExportKey(BCRYPT_RSAPUBLIC_BLOB).
    pub(super) fn rsa_public_key(&self) -> Result<Vec<u8>> {
        self.with(|key| {
            let mut size = 0u32;
            // SAFETY: size query, no output buffer.
            unsafe {
                NCryptExportKey(
                    key,
                    None,
                    BCRYPT_RSAPUBLIC_BLOB,
                    None,
                    None,
                    &mut size,
                    NCRYPT_FLAGS(0),
                )
            }
            .map_err(during("export public key"))?;
            let mut blob = vec![0u8; size as usize];
            // SAFETY: `blob` holds `size` bytes.
            unsafe {
                NCryptExportKey(
                    key,
                    None,
                    BCRYPT_RSAPUBLIC_BLOB,
                    None,
                    Some(&mut blob),
                    &mut size,
                    NCRYPT_FLAGS(0),
                )
            }
            .map_err(during("export public key"))?;
            blob.truncate(size as usize);
            rsa_public_blob_to_der(&blob)
        })
    }
}

/// BCRYPT_RSAKEY_BLOB (Magic, BitLength, cbPublicExp, cbModulus, cbPrime1, cbPrime2:
/// little-endian u32s) followed by the big-endian exponent and modulus.
pub(super) fn rsa_public_blob_to_der(blob: &[u8]) -> Result<Vec<u8>> {
    let malformed = |reason: &str| StoreError::Malformed {
        what: "BCRYPT_RSAPUBLIC_BLOB",
        reason: reason.into(),
    };
    let field = |i: usize| -> Result<usize> {
        blob.get(i * 4..i * 4 + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
            .ok_or_else(|| malformed("short header"))
    };
    if field(0)? != BCRYPT_RSAPUBLIC_MAGIC.0 as usize {
        return Err(malformed("not an RSA public key blob"));
    }
    let (exp_len, mod_len) = (field(2)?, field(3)?);
    let e = blob
        .get(24..24 + exp_len)
        .ok_or_else(|| malformed("short exponent"))?;
    let n = blob
        .get(24 + exp_len..24 + exp_len + mod_len)
        .ok_or_else(|| malformed("short modulus"))?;
    encode_rsa_public_key(n, e)
}

/// Create a persisted, non-exportable RSA key named `name`; returns it finalized.
pub(super) fn create_rsa(
    provider: &Arc<Provider>,
    name: &str,
    spec: KeySpec,
) -> Result<Arc<SharedKey>> {
    let bits: u32 = match spec {
        KeySpec::Rsa2048 => 2048,
        KeySpec::Rsa3072 => 3072,
    };
    let wname = wide(name);
    let mut handle = NCRYPT_KEY_HANDLE::default();
    // SAFETY: out-pointer to a local; `wname` outlives the call. No legacy key spec,
    // no flags: a per-user key, failing (NTE_EXISTS) rather than overwriting.
    unsafe {
        NCryptCreatePersistedKey(
            provider.0,
            &mut handle,
            NCRYPT_RSA_ALGORITHM,
            pcwstr(&wname),
            CERT_KEY_SPEC(0),
            NCRYPT_FLAGS(0),
        )
    }
    .map_err(during("create key"))?;
    // Until NCryptFinalizeKey the key is not persisted: dropping the handle is the
    // whole rollback.
    let pending = KeyObject(handle);
    // SAFETY: DWORD properties as 4 little-endian bytes on a live, unfinalized key.
    unsafe {
        NCryptSetProperty(
            pending.0.into(),
            NCRYPT_LENGTH_PROPERTY,
            &bits.to_le_bytes(),
            NCRYPT_FLAGS(0),
        )
        .map_err(during("set key length"))?;
        NCryptSetProperty(
            pending.0.into(),
            NCRYPT_EXPORT_POLICY_PROPERTY,
            &0u32.to_le_bytes(),
            NCRYPT_FLAGS(0),
        )
        .map_err(during("set export policy"))?;
        NCryptFinalizeKey(pending.0, NCRYPT_FLAGS(0)).map_err(during("finalize key"))?;
    }
    Ok(shared(provider, pending))
}

/// Open an existing key of this provider by name (NCryptOpenKey).
pub(super) fn open(provider: &Arc<Provider>, name: &str) -> Result<Arc<SharedKey>> {
    let wname = wide(name);
    let mut handle = NCRYPT_KEY_HANDLE::default();
    // SAFETY: out-pointer to a local; `wname` outlives the call.
    unsafe {
        NCryptOpenKey(
            provider.0,
            &mut handle,
            pcwstr(&wname),
            CERT_KEY_SPEC(0),
            NCRYPT_FLAGS(0),
        )
    }
    .map_err(during("open key"))?;
    Ok(shared(provider, KeyObject(handle)))
}

fn shared(provider: &Arc<Provider>, key: KeyObject) -> Arc<SharedKey> {
    Arc::new(SharedKey {
        handle: Mutex::new(Some(key)),
        _provider: provider.clone(),
    })
}

/// A CNG private key with its public half, signing through NCryptSignHash.
pub(super) struct CngKey {
    pub(super) key: Arc<SharedKey>,
    pub(super) public_key: Vec<u8>,
    pub(super) algorithm: KeyAlgorithm,
}

impl std::fmt::Debug for CngKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CngKey")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl KeyHandle for CngKey {
    fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>> {
        let digest = Sha256::digest(message);
        let pkcs1 = BCRYPT_PKCS1_PADDING_INFO {
            pszAlgId: BCRYPT_SHA256_ALGORITHM,
        };
        let pss = BCRYPT_PSS_PADDING_INFO {
            pszAlgId: BCRYPT_SHA256_ALGORITHM,
            cbSalt: 32,
        };
        // NCRYPT_PAD_*_FLAG are BCRYPT_PAD_PKCS1 / BCRYPT_PAD_PSS under their NCrypt names.
        let (padding, flags): (*const std::ffi::c_void, _) = match scheme {
            SignatureScheme::RsaPkcs1Sha256 => {
                (std::ptr::from_ref(&pkcs1).cast(), NCRYPT_PAD_PKCS1_FLAG)
            }
            SignatureScheme::RsaPssSha256 => (std::ptr::from_ref(&pss).cast(), NCRYPT_PAD_PSS_FLAG),
        };
        self.key.with(|key| {
            let mut size = 0u32;
            // SAFETY: the padding info matches `flags` and outlives both calls; the
            // first call only asks for the signature size.
            unsafe { NCryptSignHash(key, Some(padding), &digest, None, &mut size, flags) }
                .map_err(during("sign"))?;
            let mut signature = vec![0u8; size as usize];
            // SAFETY: as above, with a buffer of the size CNG asked for.
            unsafe {
                NCryptSignHash(
                    key,
                    Some(padding),
                    &digest,
                    Some(&mut signature),
                    &mut size,
                    flags,
                )
            }
            .map_err(during("sign"))?;
            signature.truncate(size as usize);
            Ok(signature)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_public_blob_becomes_pkcs1_der() {
        let mut blob = Vec::new();
        for v in [BCRYPT_RSAPUBLIC_MAGIC.0, 16, 3, 2, 0, 0] {
            blob.extend_from_slice(&v.to_le_bytes());
        }
        blob.extend_from_slice(&[0x01, 0x00, 0x01, 0xC3, 0x05]);
        let der = rsa_public_blob_to_der(&blob).unwrap();
        assert_eq!(
            der,
            [0x30, 0x0A, 0x02, 0x03, 0x00, 0xC3, 0x05, 0x02, 0x03, 0x01, 0x00, 0x01]
        );
        assert!(rsa_public_blob_to_der(&blob[..26]).is_err());
        assert!(rsa_public_blob_to_der(&[0u8; 24]).is_err());
    }
}
