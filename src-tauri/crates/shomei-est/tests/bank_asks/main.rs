//! What some bank CAs ask of a client beyond a certificate, against the test CA over
//! real TLS: a user name and password after TLS (RFC 7030 §3.2.3, `http_auth.rs`),
//! requirements on the request (`/csrattrs`, §4.5, `csrattrs.rs`), and a pending
//! answer delimited by closing the connection (`pending_close.rs`).

#[path = "../misbehaviour_common/mod.rs"]
mod misbehaviour_common;

mod csrattrs;
mod http_auth;
mod pending_close;

use ring::rand::SystemRandom;
use ring::signature::{KeyPair as _, RsaKeyPair, RSA_PKCS1_SHA256};
use shomei_store::{KeyAlgorithm, KeyHandle, SignatureScheme, StoreError};

/// A fixed RSA 3072 key (`tests/data/rsa3072-test-only.der`, PKCS#1 DER made with
/// `openssl genpkey`; ring cannot generate RSA keys). Test use only.
pub struct Rsa3072Key(RsaKeyPair);

impl std::fmt::Debug for Rsa3072Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rsa3072Key")
    }
}

impl Rsa3072Key {
    pub fn load() -> Rsa3072Key {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/rsa3072-test-only.der"
        );
        let der = std::fs::read(path).unwrap();
        Rsa3072Key(RsaKeyPair::from_der(&der).unwrap())
    }
}

impl KeyHandle for Rsa3072Key {
    fn public_key(&self) -> &[u8] {
        self.0.public_key().as_ref()
    }

    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::Rsa {
            bits: (self.0.public().modulus_len() * 8) as u32,
        }
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> shomei_store::Result<Vec<u8>> {
        if scheme != SignatureScheme::RsaPkcs1Sha256 {
            return Err(StoreError::Unsupported("Rsa3072Key signs PKCS#1 v1.5 only"));
        }
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| StoreError::Platform {
                op: "ring RSA sign",
                code: "unspecified".into(),
            })?;
        Ok(signature)
    }
}
