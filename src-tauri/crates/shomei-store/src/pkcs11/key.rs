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
use crate::cert::KeyAlgorithm;
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
        let mechanism = match scheme {
            SignatureScheme::RsaPkcs1Sha256 => Mechanism::Sha256RsaPkcs,
            SignatureScheme::RsaPssSha256 => Mechanism::Sha256RsaPkcsPss(PkcsPssParams {
                hash_alg: MechanismType::SHA256,
                mgf: PkcsMgfType::MGF1_SHA256,
                s_len: 32.into(),
            }),
        };
        let session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        session
            .sign(&mechanism, self.handle, message)
            .during("sign")
    }
}

/// Generate an RSA key pair on the token; both halves carry `id` and `label`.
/// Returns (private handle, RSAPublicKey DER).
pub(crate) fn generate_rsa(
    session: &Session,
    spec: KeySpec,
    id: &[u8],
    label: &str,
) -> Result<(ObjectHandle, Vec<u8>)> {
    // Literals, so they take CK_ULONG's width: 64 bits on Unix, 32 on Windows.
    let bits: cryptoki::types::Ulong = match spec {
        KeySpec::Rsa2048 => 2048.into(),
        KeySpec::Rsa3072 => 3072.into(),
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
    let private_template = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Id(id.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let (public, private) = session
        .generate_key_pair(
            &Mechanism::RsaPkcsKeyPairGen,
            &public_template,
            &private_template,
        )
        .during("generate key pair")?;
    let public_key = rsa_public_key(session, public)?;
    Ok((private, public_key))
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
