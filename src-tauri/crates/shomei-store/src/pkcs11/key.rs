//! Private keys on a PKCS#11 token: generation and signing.
//!
//! Keys are generated ON the token with CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE and
//! CKA_EXTRACTABLE=false, so the token sets CKA_NEVER_EXTRACTABLE: the private key
//! exists nowhere else, ever. Signing uses the hashing mechanisms
//! (CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS) so the token sees the whole
//! message, as PKCS#11 intends.

use std::sync::{Arc, Mutex};

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, ObjectHandle};
use cryptoki::session::Session;

use super::errors::Classify;
use sha2::{Digest, Sha256};

use crate::cert::KeyAlgorithm;
use crate::ecdsa::{point_from_ec_point_attribute, raw_signature_to_der, P256_PARAMS};
use crate::error::{Result, StoreError};
use crate::key::{KeyHandle, KeySpec, SignatureScheme};
use crate::rsa::encode_rsa_public_key;

/// A private key on the token, with its public half read from the token.
pub struct Pkcs11Key {
    session: Arc<Mutex<Session>>,
    handle: ObjectHandle,
    public_key: Vec<u8>,
    algorithm: KeyAlgorithm,
}

impl std::fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Key")
            .field("handle", &self.handle)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Key {
    pub(crate) fn new(
        session: Arc<Mutex<Session>>,
        handle: ObjectHandle,
        public_key: Vec<u8>,
        algorithm: KeyAlgorithm,
    ) -> Self {
        Pkcs11Key {
            session,
            handle,
            public_key,
            algorithm,
        }
    }
}

impl KeyHandle for Pkcs11Key {
    fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>> {
        let is_ec = self.algorithm == KeyAlgorithm::EcP256;
        if is_ec != (scheme == SignatureScheme::EcdsaP256Sha256) {
            return Err(StoreError::Unsupported(
                "signature scheme does not fit the key",
            ));
        }
        let session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let rsa_pss = || {
            Mechanism::Sha256RsaPkcsPss(PkcsPssParams {
                hash_alg: MechanismType::SHA256,
                mgf: PkcsMgfType::MGF1_SHA256,
                s_len: 32.into(),
            })
        };
        match scheme {
            SignatureScheme::RsaPkcs1Sha256 => session
                .sign(&Mechanism::Sha256RsaPkcs, self.handle, message)
                .during("sign"),
            SignatureScheme::RsaPssSha256 => session
                .sign(&rsa_pss(), self.handle, message)
                .during("sign"),
            // SoftHSM and many tokens only offer raw CKM_ECDSA: hash here, and turn
            // the token's r‖s into the DER that X.509 and TLS carry.
            SignatureScheme::EcdsaP256Sha256 => {
                let digest = Sha256::digest(message);
                let raw = session
                    .sign(&Mechanism::Ecdsa, self.handle, &digest)
                    .during("sign")?;
                raw_signature_to_der(&raw)
            }
        }
    }
}

/// The attributes every private key gets: on the token, private, sensitive, never
/// extractable, for signing only.
fn private_template(id: &[u8], label: &str) -> [Attribute; 7] {
    [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Id(id.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
    ]
}

/// Generate a key pair on the token; both halves carry `id` and `label`.
/// Returns (private handle, public key as a certificate carries it).
pub(crate) fn generate(
    session: &Session,
    spec: KeySpec,
    id: &[u8],
    label: &str,
) -> Result<(ObjectHandle, Vec<u8>)> {
    // Literals, so they take CK_ULONG's width: 64 bits on Unix, 32 on Windows.
    let bits: cryptoki::types::Ulong = match spec {
        KeySpec::Rsa2048 => 2048.into(),
        KeySpec::Rsa3072 => 3072.into(),
        KeySpec::EcP256 => return generate_p256(session, id, label),
    };
    let public_template = [
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::ModulusBits(bits),
        Attribute::PublicExponent(vec![0x01, 0x00, 0x01]),
        Attribute::Verify(true),
        Attribute::Id(id.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let (public, private) = session
        .generate_key_pair(
            &Mechanism::RsaPkcsKeyPairGen,
            &public_template,
            &private_template(id, label),
        )
        .during("generate key pair")?;
    let public_key = rsa_public_key(session, public)?;
    Ok((private, public_key))
}

fn generate_p256(session: &Session, id: &[u8], label: &str) -> Result<(ObjectHandle, Vec<u8>)> {
    let public_template = [
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::EcParams(P256_PARAMS.to_vec()),
        Attribute::Verify(true),
        Attribute::Id(id.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let (public, private) = session
        .generate_key_pair(
            &Mechanism::EccKeyPairGen,
            &public_template,
            &private_template(id, label),
        )
        .during("generate key pair")?;
    let attrs = session
        .get_attributes(public, &[AttributeType::EcPoint])
        .during("read public key")?;
    let point = attrs
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(v) => Some(v),
            _ => None,
        })
        .ok_or(StoreError::NotFound("EC point of the new key".into()))?;
    Ok((private, point_from_ec_point_attribute(&point)?))
}

/// RSAPublicKey DER (the subjectPublicKey bits of an RSA certificate) of a public
/// or private key object.
pub(crate) fn rsa_public_key(session: &Session, object: ObjectHandle) -> Result<Vec<u8>> {
    let attrs = session
        .get_attributes(
            object,
            &[AttributeType::Modulus, AttributeType::PublicExponent],
        )
        .during("read public key")?;
    let (mut n, mut e) = (None, None);
    for a in attrs {
        match a {
            Attribute::Modulus(v) => n = Some(v),
            Attribute::PublicExponent(v) => e = Some(v),
            _ => {}
        }
    }
    let (n, e) = n.zip(e).ok_or(StoreError::NotFound(
        "modulus or public exponent of the key".into(),
    ))?;
    encode_rsa_public_key(&n, &e)
}
