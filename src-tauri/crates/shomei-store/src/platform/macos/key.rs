//! Private keys in the login keychain: generation, lookup and signing.
//!
//! Keys are made by `SecKeyCreateRandomKey` directly in the login keychain
//! (kSecAttrIsPermanent, kSecUseKeychain) with kSecAttrIsExtractable = false and
//! kSecAttrIsSensitive = true, so the private key never exists outside the keychain:
//! RSA (kSecAttrKeyTypeRSA, 2048 or 3072 bits) or ECDSA P-256
//! (kSecAttrKeyTypeECSECPrimeRandom, 256 bits), with the same attributes.
//! Signing uses the *Message* algorithms so Security.framework hashes the whole
//! message itself, as PKCS#11's CKM_SHA256_RSA_PKCS does on a token; for EC,
//! kSecKeyAlgorithmECDSASignatureMessageX962SHA256 already returns the DER
//! `ECDSA-Sig-Value` that X.509 and TLS carry, so nothing is converted.
//! A key signs only with the schemes of its own algorithm.

use core_foundation::base::{CFType, TCFType};
use core_foundation::boolean::CFBoolean;
use core_foundation::dictionary::CFDictionary;
use core_foundation::error::{CFError, CFErrorRef};
use core_foundation::number::CFNumber;
use core_foundation::string::CFString;
use security_framework::item::{ItemClass, ItemSearchOptions, KeyClass, Limit, SearchResult};
use security_framework::key::{Algorithm, SecKey};
use security_framework::os::macos::keychain::SecKeychain;
use security_framework::random::SecRandom;

use super::ffi::{self, Classify};
use crate::cert::KeyAlgorithm;
use crate::error::{Detail, NativeCode, Result, StoreError};
use crate::key::{KeyHandle, KeySpec, SignatureScheme};

/// A private key in the keychain, with its public half.
pub struct KeychainKey {
    key: SecKey,
    public_key: Vec<u8>,
    algorithm: KeyAlgorithm,
}

impl std::fmt::Debug for KeychainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainKey")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl KeychainKey {
    pub(super) fn new(key: SecKey, public_key: Vec<u8>, algorithm: KeyAlgorithm) -> Self {
        KeychainKey {
            key,
            public_key,
            algorithm,
        }
    }
}

impl KeyHandle for KeychainKey {
    fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>> {
        let algorithm = signing_algorithm(self.algorithm, scheme)?;
        // SecKeyCreateSignature; the keychain may ask the user to allow the use of
        // the key, so a refusal comes back here as Cancelled.
        self.key.create_signature(algorithm, message).during("sign")
    }
}

/// The Security.framework algorithm for `scheme` on a key of `key`'s algorithm;
/// a scheme of another algorithm is refused before the keychain is asked.
fn signing_algorithm(key: KeyAlgorithm, scheme: SignatureScheme) -> Result<Algorithm> {
    match (key, scheme) {
        (KeyAlgorithm::Rsa { .. }, SignatureScheme::RsaPkcs1Sha256) => {
            Ok(Algorithm::RSASignatureMessagePKCS1v15SHA256)
        }
        // Apple's PSS uses MGF1 with the same hash and a salt as long as the hash
        // (32 bytes for SHA-256): exactly what TLS 1.3's rsa_pss_rsae_sha256 wants.
        (KeyAlgorithm::Rsa { .. }, SignatureScheme::RsaPssSha256) => {
            Ok(Algorithm::RSASignatureMessagePSSSHA256)
        }
        // X9.62 = the DER ECDSA-Sig-Value, over SHA-256 of the whole message.
        (KeyAlgorithm::EcP256, SignatureScheme::EcdsaP256Sha256) => {
            Ok(Algorithm::ECDSASignatureMessageX962SHA256)
        }
        (KeyAlgorithm::EcP256, _) => Err(StoreError::Unsupported(
            "an RSA signature with an ECDSA P-256 key",
        )),
        (KeyAlgorithm::Rsa { .. }, _) => Err(StoreError::Unsupported(
            "an ECDSA signature with an RSA key",
        )),
        (KeyAlgorithm::Other, _) => Err(StoreError::Unsupported(
            "signing with a key that is neither RSA nor ECDSA P-256",
        )),
    }
}

/// An uncompressed P-256 point: 0x04 ‖ X ‖ Y.
const P256_POINT_LEN: usize = 65;

/// A key just created in the keychain.
pub(super) struct Generated {
    pub key: SecKey,
    /// kSecAttrApplicationLabel: the SHA-1 of the public key, which the keychain
    /// also stores as kSecAttrPublicKeyHash on any certificate for this key.
    pub key_id: Vec<u8>,
    /// The subjectPublicKey bits: RSAPublicKey DER, or the uncompressed EC point.
    pub public_key: Vec<u8>,
}

/// Generates a key pair of `spec` (RSA or ECDSA P-256) in `keychain`, labelled
/// `label`.
///
/// The key id is the keychain's own link between a key and its certificate (the
/// public key hash), not an id we invent: that is what makes the certificate added
/// later form a SecIdentity with this key, for Safari and Chrome as for us. The
/// random kSecAttrApplicationTag only makes the new item unique and recognisable.
pub(super) fn generate(keychain: &SecKeychain, spec: KeySpec, label: &str) -> Result<Generated> {
    let (key_type, bits) = match spec {
        KeySpec::Rsa2048 => (ffi::kSecAttrKeyTypeRSA(), 2048),
        KeySpec::Rsa3072 => (ffi::kSecAttrKeyTypeRSA(), 3072),
        KeySpec::EcP256 => (ffi::kSecAttrKeyTypeECSECPrimeRandom(), 256),
    };
    let mut random = [0u8; 16];
    SecRandom::default()
        .copy_bytes(&mut random)
        .map_err(|e| StoreError::Platform {
            op: "generate key tag",
            code: Detail::native(e.to_string(), NativeCode::Io(e.kind())),
        })?;
    let tag = format!("jp.shomei.key.{}", hex::encode(random));
    let label = CFString::new(label);
    let yes = CFBoolean::true_value().into_CFType();
    let private_attributes = dictionary(&[
        (ffi::kSecAttrIsPermanent(), yes.clone()),
        (
            ffi::kSecAttrIsExtractable(),
            CFBoolean::false_value().into_CFType(),
        ),
        (ffi::kSecAttrIsSensitive(), yes.clone()),
        (ffi::kSecAttrLabel(), label.as_CFType()),
        (ffi::kSecAttrApplicationTag(), cf_data(tag.as_bytes())),
    ]);
    // The public half is stored too, as Keychain Access does for a generated pair;
    // it shares the application label, so `delete_key` removes both halves.
    let public_attributes = dictionary(&[
        (ffi::kSecAttrIsPermanent(), yes),
        (ffi::kSecAttrLabel(), label.as_CFType()),
        (ffi::kSecAttrApplicationTag(), cf_data(tag.as_bytes())),
    ]);
    let attributes = dictionary(&[
        (ffi::kSecAttrKeyType(), key_type.into_CFType()),
        (
            ffi::kSecAttrKeySizeInBits(),
            CFNumber::from(bits).into_CFType(),
        ),
        (ffi::kSecUseKeychain(), keychain.as_CFType()),
        (ffi::kSecAttrLabel(), label.as_CFType()),
        (ffi::kSecPrivateKeyAttrs(), private_attributes.into_CFType()),
        (ffi::kSecPublicKeyAttrs(), public_attributes.into_CFType()),
    ]);
    let key = create_random_key(&attributes)?;
    let described = key_id_and_public_key(&key).and_then(|(key_id, public_key)| {
        check_public_key(spec.algorithm(), &public_key)?;
        Ok((key_id, public_key))
    });
    match described {
        Ok((key_id, public_key)) => Ok(Generated {
            key,
            key_id,
            public_key,
        }),
        Err(e) => {
            // A key we cannot name could never be rolled back: remove it now.
            let _ = key.delete();
            Err(e)
        }
    }
}

fn key_id_and_public_key(key: &SecKey) -> Result<(Vec<u8>, Vec<u8>)> {
    let key_id = key
        .application_label()
        .ok_or_else(|| StoreError::NotFound("kSecAttrApplicationLabel of the new key".into()))?;
    let public_key = public_key_bits(key)
        .ok_or_else(|| StoreError::NotFound("public half of the new key".into()))?;
    Ok((key_id, public_key))
}

/// A new EC key must come back as the bare uncompressed point the contract of
/// [`KeyHandle::public_key`] promises; anything else would be an OS surprise that
/// no certificate request should carry.
fn check_public_key(algorithm: KeyAlgorithm, public_key: &[u8]) -> Result<()> {
    let is_point = public_key.len() == P256_POINT_LEN && public_key.first() == Some(&0x04);
    if algorithm == KeyAlgorithm::EcP256 && !is_point {
        return Err(StoreError::Malformed {
            what: "public key",
            reason: format!(
                "the keychain gave {} bytes, not an uncompressed P-256 point",
                public_key.len()
            ),
        });
    }
    Ok(())
}

/// The subjectPublicKey bits of a private key's public half, as in a certificate.
/// SecKeyCopyExternalRepresentation of a public key is already that: PKCS#1
/// RSAPublicKey DER for RSA, the uncompressed point 0x04 ‖ X ‖ Y (ANSI X9.63)
/// for EC.
pub(super) fn public_key_bits(private_key: &SecKey) -> Option<Vec<u8>> {
    Some(
        private_key
            .public_key()?
            .external_representation()?
            .to_vec(),
    )
}

/// A key item found in the keychain, with the attributes of its keychain record.
pub(super) struct FoundKey {
    pub key: SecKey,
    pub attributes: CFDictionary,
}

/// The algorithm of a key found in the keychain. Its kSecAttrKeyType (from the
/// keychain record, else from SecKeyCopyAttributes) decides RSA or EC; the
/// certificate's algorithm gives the RSA size, and is the answer when the keychain
/// does not say the key type.
pub(super) fn key_algorithm(found: &FoundKey, certificate: KeyAlgorithm) -> KeyAlgorithm {
    let from_key = found.key.attributes();
    let sources = [&found.attributes, &from_key];
    let key_type = sources
        .iter()
        .find_map(|d| ffi::code(d, &ffi::kSecAttrKeyType()));
    let bits = sources
        .iter()
        .find_map(|d| ffi::number(d, &ffi::kSecAttrKeySizeInBits()));
    let Some(key_type) = key_type else {
        return certificate;
    };
    if key_type == ffi::kSecAttrKeyTypeECSECPrimeRandom() {
        // An EC key of another curve must not sign as P-256.
        match bits {
            None | Some(256) => KeyAlgorithm::EcP256,
            Some(_) => KeyAlgorithm::Other,
        }
    } else if key_type == ffi::kSecAttrKeyTypeRSA() {
        match (certificate, bits.and_then(|b| u32::try_from(b).ok())) {
            (KeyAlgorithm::Rsa { .. }, _) => certificate,
            (_, Some(bits)) => KeyAlgorithm::Rsa { bits },
            (_, None) => KeyAlgorithm::Other,
        }
    } else {
        KeyAlgorithm::Other
    }
}

/// Both halves of the key pair with this application label (for deletion).
pub(super) fn find_key_pair(keychain: &SecKeychain, key_id: &[u8]) -> Result<Vec<FoundKey>> {
    find_keys(keychain, key_id, None)
}

fn find_keys(
    keychain: &SecKeychain,
    key_id: &[u8],
    class: Option<KeyClass>,
) -> Result<Vec<FoundKey>> {
    let mut query = ItemSearchOptions::new();
    query
        .class(ItemClass::key())
        .keychains(std::slice::from_ref(keychain))
        .application_label(key_id)
        .load_refs(true)
        .load_attributes(true)
        .limit(Limit::All);
    if let Some(class) = class {
        query.key_class(class);
    }
    let found = match query.search().during("find key") {
        Ok(found) => found,
        Err(StoreError::NotFound(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    // With kSecReturnRef and kSecReturnAttributes, each match is one dictionary
    // whose kSecValueRef is the key itself.
    Ok(found
        .into_iter()
        .filter_map(|r| match r {
            SearchResult::Dict(attributes) => Some(FoundKey {
                key: ffi::lookup::<SecKey>(&attributes, &ffi::kSecValueRef())?,
                attributes,
            }),
            _ => None,
        })
        .collect())
}

/// Exactly one private key for `key_id`, or a classified error.
pub(super) fn the_private_key(keychain: &SecKeychain, key_id: &[u8]) -> Result<FoundKey> {
    let mut keys = find_keys(keychain, key_id, Some(KeyClass::private()))?;
    match keys.len() {
        1 => Ok(keys.remove(0)),
        0 => Err(StoreError::NotFound(
            format!("private key with application label {}", hex::encode(key_id)).into(),
        )),
        _ => Err(StoreError::Malformed {
            what: "keychain",
            reason: format!(
                "several private keys share application label {}",
                hex::encode(key_id)
            ),
        }),
    }
}

fn dictionary(pairs: &[(CFString, CFType)]) -> CFDictionary<CFString, CFType> {
    CFDictionary::from_CFType_pairs(pairs)
}

fn cf_data(bytes: &[u8]) -> CFType {
    core_foundation::data::CFData::from_buffer(bytes).into_CFType()
}

/// SecKeyCreateRandomKey with our own attribute dictionary: the crate's
/// `GenerateKeyOptions` cannot say kSecAttrIsExtractable or kSecAttrApplicationTag.
fn create_random_key(attributes: &CFDictionary<CFString, CFType>) -> Result<SecKey> {
    let mut error: CFErrorRef = std::ptr::null_mut();
    // SAFETY: `attributes` is a valid CFDictionary for the whole call and `error`
    // a valid out-pointer; SecKeyCreateRandomKey returns a +1 SecKeyRef (create
    // rule) or NULL with a +1 CFErrorRef in `error`.
    let key = unsafe {
        security_framework_sys::key::SecKeyCreateRandomKey(
            attributes.as_concrete_TypeRef(),
            &mut error,
        )
    };
    if !key.is_null() {
        // SAFETY: non-NULL result of a Create function, owned by us from here on.
        return Ok(unsafe { SecKey::wrap_under_create_rule(key) });
    }
    if error.is_null() {
        return Err(StoreError::Platform {
            op: "generate key pair",
            code: "SecKeyCreateRandomKey returned neither a key nor an error".into(),
        });
    }
    // SAFETY: non-NULL +1 CFErrorRef written by SecKeyCreateRandomKey.
    let error = unsafe { CFError::wrap_under_create_rule(error) };
    Err(ffi::cf_error("generate key pair", &error))
}
