//! CNG keys in the Microsoft Software Key Storage Provider: creation, opening by
//! name, the public half, the export policy, signing and deletion.
//!
//! A key is named after its label (see `token.rs`), created without
//! NCRYPT_OVERWRITE_KEY_FLAG so a name already taken fails (NTE_EXISTS) and no key is
//! ever overwritten; that name is what the certificate's CERT_KEY_PROV_INFO_PROP_ID
//! points at.
//!
//! Two algorithms: RSA (NCRYPT_RSA_ALGORITHM with NCRYPT_LENGTH_PROPERTY; public half
//! as BCRYPT_RSAPUBLIC_BLOB → RSAPublicKey DER; PKCS#1 v1.5 or PSS padding) and ECDSA
//! P-256 (NCRYPT_ECDSA_P256_ALGORITHM, the curve fixes the length; public half as
//! BCRYPT_ECCPUBLIC_BLOB → 0x04 ‖ X ‖ Y; no padding, CNG returns r ‖ s, which
//! becomes the DER ECDSA-Sig-Value). A key opened by name tells which it is through
//! NCRYPT_ALGORITHM_GROUP_PROPERTY.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use windows::Win32::Security::Cryptography::*;
use windows::Win32::Security::OBJECT_SECURITY_INFORMATION;

use super::during;
use super::handles::{pcwstr, wide, KeyObject, Provider};
use crate::cert::KeyAlgorithm;
use crate::ecdsa::{raw_signature_to_der, P256_POINT, P256_SCALAR};
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

    /// NCRYPT_ALGORITHM_GROUP_PROPERTY: "RSA", "ECDSA", "ECDH", "DSA"…
    fn algorithm_group(&self) -> Result<String> {
        self.with(|key| {
            let mut size = 0u32;
            // SAFETY: size query, no output buffer.
            unsafe {
                NCryptGetProperty(
                    key.into(),
                    NCRYPT_ALGORITHM_GROUP_PROPERTY,
                    None,
                    &mut size,
                    OBJECT_SECURITY_INFORMATION(0),
                )
            }
            .map_err(during("read key algorithm"))?;
            let mut value = vec![0u8; size as usize];
            // SAFETY: `value` holds `size` bytes.
            unsafe {
                NCryptGetProperty(
                    key.into(),
                    NCRYPT_ALGORITHM_GROUP_PROPERTY,
                    Some(&mut value),
                    &mut size,
                    OBJECT_SECURITY_INFORMATION(0),
                )
            }
            .map_err(during("read key algorithm"))?;
            value.truncate(size as usize);
            let units: Vec<u16> = value
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            Ok(String::from_utf16_lossy(&units))
        })
    }

    /// The public half as a certificate carries it, and the key's algorithm: the
    /// algorithm group says which blob to export (RSA or ECDSA P-256).
    pub(super) fn public_key(&self) -> Result<(Vec<u8>, KeyAlgorithm)> {
        match self.algorithm_group()?.as_str() {
            "RSA" => {
                let blob = self.export_public_blob(BCRYPT_RSAPUBLIC_BLOB)?;
                let der = rsa_public_blob_to_der(&blob)?;
                Ok((
                    der,
                    KeyAlgorithm::Rsa {
                        bits: rsa_blob_bits(&blob)?,
                    },
                ))
            }
            "ECDSA" => {
                let blob = self.export_public_blob(BCRYPT_ECCPUBLIC_BLOB)?;
                Ok((ecc_public_blob_to_point(&blob)?, KeyAlgorithm::EcP256))
            }
            _ => Err(StoreError::Unsupported(
                "CNG keys other than RSA and ECDSA P-256",
            )),
        }
    }

    /// NCryptExportKey of a public blob type (BCRYPT_RSAPUBLIC_BLOB, BCRYPT_ECCPUBLIC_BLOB).
    fn export_public_blob(&self, blob_type: windows::core::PCWSTR) -> Result<Vec<u8>> {
        self.with(|key| {
            let mut size = 0u32;
            // SAFETY: size query, no output buffer.
            unsafe {
                NCryptExportKey(key, None, blob_type, None, None, &mut size, NCRYPT_FLAGS(0))
            }
            .map_err(during("export public key"))?;
            let mut blob = vec![0u8; size as usize];
            // SAFETY: `blob` holds `size` bytes.
            unsafe {
                NCryptExportKey(
                    key,
                    None,
                    blob_type,
                    None,
                    Some(&mut blob),
                    &mut size,
                    NCRYPT_FLAGS(0),
                )
            }
            .map_err(during("export public key"))?;
            blob.truncate(size as usize);
            Ok(blob)
        })
    }
}

/// BitLength of a BCRYPT_RSAKEY_BLOB (its second little-endian u32).
fn rsa_blob_bits(blob: &[u8]) -> Result<u32> {
    blob.get(4..8)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
        .ok_or_else(|| StoreError::Malformed {
            what: "BCRYPT_RSAPUBLIC_BLOB",
            reason: "short header".into(),
        })
}

/// BCRYPT_ECCKEY_BLOB (dwMagic, cbKey: little-endian u32s) followed by the big-endian
/// X and Y, `cbKey` bytes each → the uncompressed point 0x04 ‖ X ‖ Y. Only P-256
/// ECDSA public keys (BCRYPT_ECDSA_PUBLIC_P256_MAGIC, cbKey 32) are accepted.
pub(super) fn ecc_public_blob_to_point(blob: &[u8]) -> Result<Vec<u8>> {
    let malformed = |reason: String| StoreError::Malformed {
        what: "BCRYPT_ECCPUBLIC_BLOB",
        reason,
    };
    let field = |i: usize| -> Result<u32> {
        blob.get(i * 4..i * 4 + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .ok_or_else(|| malformed("short header".into()))
    };
    let (magic, len) = (field(0)?, field(1)? as usize);
    if magic != BCRYPT_ECDSA_PUBLIC_P256_MAGIC {
        return Err(malformed(format!(
            "magic 0x{magic:08X} is not an ECDSA P-256 public key"
        )));
    }
    if len != P256_SCALAR {
        return Err(malformed(format!("{len}-byte coordinates, expected 32")));
    }
    let xy = blob
        .get(8..8 + 2 * len)
        .ok_or_else(|| malformed(format!("{} bytes after the header", blob.len() - 8)))?;
    let mut point = Vec::with_capacity(P256_POINT);
    point.push(0x04);
    point.extend_from_slice(xy);
    Ok(point)
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

/// Create a persisted, non-exportable key named `name`; returns it finalized.
pub(super) fn create(
    provider: &Arc<Provider>,
    name: &str,
    spec: KeySpec,
) -> Result<Arc<SharedKey>> {
    // The curve fixes an ECDSA key's length: only RSA takes NCRYPT_LENGTH_PROPERTY.
    let (algorithm, bits): (_, Option<u32>) = match spec {
        KeySpec::Rsa2048 => (NCRYPT_RSA_ALGORITHM, Some(2048)),
        KeySpec::Rsa3072 => (NCRYPT_RSA_ALGORITHM, Some(3072)),
        KeySpec::EcP256 => (NCRYPT_ECDSA_P256_ALGORITHM, None),
    };
    let wname = wide(name);
    let mut handle = NCRYPT_KEY_HANDLE::default();
    // SAFETY: out-pointer to a local; `wname` outlives the call. No legacy key spec,
    // no flags: a per-user key, failing (NTE_EXISTS) rather than overwriting.
    unsafe {
        NCryptCreatePersistedKey(
            provider.0,
            &mut handle,
            algorithm,
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
        if let Some(bits) = bits {
            NCryptSetProperty(
                pending.0.into(),
                NCRYPT_LENGTH_PROPERTY,
                &bits.to_le_bytes(),
                NCRYPT_FLAGS(0),
            )
            .map_err(during("set key length"))?;
        }
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
        // NCRYPT_PAD_*_FLAG are BCRYPT_PAD_PKCS1 / BCRYPT_PAD_PSS under their NCrypt
        // names; ECDSA takes no padding information at all.
        let (padding, flags): (Option<*const std::ffi::c_void>, _) = match (self.algorithm, scheme)
        {
            (KeyAlgorithm::Rsa { .. }, SignatureScheme::RsaPkcs1Sha256) => (
                Some(std::ptr::from_ref(&pkcs1).cast()),
                NCRYPT_PAD_PKCS1_FLAG,
            ),
            (KeyAlgorithm::Rsa { .. }, SignatureScheme::RsaPssSha256) => {
                (Some(std::ptr::from_ref(&pss).cast()), NCRYPT_PAD_PSS_FLAG)
            }
            (KeyAlgorithm::EcP256, SignatureScheme::EcdsaP256Sha256) => (None, NCRYPT_FLAGS(0)),
            (KeyAlgorithm::EcP256, _) => {
                return Err(StoreError::Unsupported("RSA signatures with an ECDSA key"))
            }
            (KeyAlgorithm::Rsa { .. }, _) => {
                return Err(StoreError::Unsupported("ECDSA signatures with an RSA key"))
            }
            (KeyAlgorithm::Other, _) => {
                return Err(StoreError::Unsupported(
                    "signing with a CNG key of unknown algorithm",
                ))
            }
        };
        let signature = self.key.with(|key| {
            let mut size = 0u32;
            // SAFETY: the padding info (if any) matches `flags` and outlives both
            // calls; the first call only asks for the signature size.
            unsafe { NCryptSignHash(key, padding, &digest, None, &mut size, flags) }
                .map_err(during("sign"))?;
            let mut signature = vec![0u8; size as usize];
            // SAFETY: as above, with a buffer of the size CNG asked for.
            unsafe {
                NCryptSignHash(
                    key,
                    padding,
                    &digest,
                    Some(&mut signature),
                    &mut size,
                    flags,
                )
            }
            .map_err(during("sign"))?;
            signature.truncate(size as usize);
            Ok(signature)
        })?;
        match scheme {
            // CNG's ECDSA signature is r ‖ s; X.509 and TLS carry ECDSA-Sig-Value.
            SignatureScheme::EcdsaP256Sha256 => raw_signature_to_der(&signature),
            _ => Ok(signature),
        }
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
        assert_eq!(rsa_blob_bits(&blob).unwrap(), 16);
    }

    /// The scheme is checked against the key's algorithm before CNG is asked (a
    /// handle-less key answers NotFound once the check lets the call through), so this
    /// runs even where the provider cannot create an ECDSA key (Wine 8).
    #[test]
    fn schemes_must_match_the_key_algorithm() {
        let provider = Arc::new(Provider::software().expect("software KSP"));
        let key = |algorithm| CngKey {
            key: Arc::new(SharedKey {
                handle: Mutex::new(None),
                _provider: provider.clone(),
            }),
            public_key: Vec::new(),
            algorithm,
        };
        let (ec, rsa) = (
            key(KeyAlgorithm::EcP256),
            key(KeyAlgorithm::Rsa { bits: 2048 }),
        );
        let other = key(KeyAlgorithm::Other);
        use SignatureScheme::*;
        for (key, scheme, reaches_cng) in [
            (&ec, EcdsaP256Sha256, true),
            (&ec, RsaPkcs1Sha256, false),
            (&ec, RsaPssSha256, false),
            (&rsa, RsaPkcs1Sha256, true),
            (&rsa, RsaPssSha256, true),
            (&rsa, EcdsaP256Sha256, false),
            (&other, EcdsaP256Sha256, false),
        ] {
            let result = key.sign(scheme, b"m");
            if reaches_cng {
                assert!(
                    matches!(result, Err(StoreError::NotFound(_))),
                    "{key:?} {scheme:?}: {result:?}"
                );
            } else {
                assert!(
                    matches!(result, Err(StoreError::Unsupported(_))),
                    "{key:?} {scheme:?}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn ecc_public_blob_becomes_uncompressed_point() {
        let mut blob = Vec::new();
        for v in [BCRYPT_ECDSA_PUBLIC_P256_MAGIC, 32] {
            blob.extend_from_slice(&v.to_le_bytes());
        }
        blob.extend([0x11u8; 32]);
        blob.extend([0x22u8; 32]);
        let point = ecc_public_blob_to_point(&blob).unwrap();
        assert_eq!(point.len(), P256_POINT);
        assert_eq!(point[0], 0x04);
        assert_eq!(&point[1..33], &[0x11u8; 32]);
        assert_eq!(&point[33..], &[0x22u8; 32]);

        assert!(ecc_public_blob_to_point(&blob[..71]).is_err(), "short Y");
        let mut p384 = blob.clone();
        p384[..4].copy_from_slice(&BCRYPT_ECDSA_PUBLIC_P384_MAGIC.to_le_bytes());
        assert!(ecc_public_blob_to_point(&p384).is_err(), "other curve");
        let mut ecdh = blob.clone();
        ecdh[..4].copy_from_slice(&BCRYPT_ECDH_PUBLIC_P256_MAGIC.to_le_bytes());
        assert!(ecc_public_blob_to_point(&ecdh).is_err(), "ECDH key");
        let mut wide = blob;
        wide[4..8].copy_from_slice(&48u32.to_le_bytes());
        assert!(ecc_public_blob_to_point(&wide).is_err(), "cbKey");
    }
}
