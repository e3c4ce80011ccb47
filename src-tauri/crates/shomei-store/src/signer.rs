//! Adapters that let rcgen and rustls sign with a [`KeyHandle`].
//!
//! rcgen needs the public key and one signature for the CSR; rustls needs a scheme
//! negotiated per handshake. Both go through the store's key, so the private key
//! never leaves the token or the OS store.

use std::sync::Arc;

use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme as TlsScheme};

use crate::cert::KeyAlgorithm;
use crate::key::{KeyHandle, SignatureScheme};

/// Signs a PKCS#10 request (and anything else rcgen builds) with a store key.
pub struct CsrSigner<'a> {
    key: &'a dyn KeyHandle,
}

impl<'a> CsrSigner<'a> {
    /// RSA (signing with PKCS#1 v1.5 SHA-256) and ECDSA P-256 keys; `None` for others.
    pub fn new(key: &'a dyn KeyHandle) -> Option<Self> {
        matches!(
            key.algorithm(),
            KeyAlgorithm::Rsa { .. } | KeyAlgorithm::EcP256
        )
        .then_some(CsrSigner { key })
    }

    fn scheme(&self) -> SignatureScheme {
        match self.key.algorithm() {
            KeyAlgorithm::EcP256 => SignatureScheme::EcdsaP256Sha256,
            _ => SignatureScheme::RsaPkcs1Sha256,
        }
    }
}

impl rcgen::PublicKeyData for CsrSigner<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.key.public_key()
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match self.key.algorithm() {
            KeyAlgorithm::EcP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            _ => &rcgen::PKCS_RSA_SHA256,
        }
    }
}

impl rcgen::SigningKey for CsrSigner<'_> {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        // rcgen's error type has no slot for ours; the store error is logged so the
        // cause is not lost, and the engine maps the failure to a store error.
        self.key.sign(self.scheme(), msg).map_err(|e| {
            tracing::warn!(error = %e, "signing the certificate request failed");
            rcgen::Error::RemoteKeyError
        })
    }
}

/// A rustls client-authentication key backed by a store key.
#[derive(Debug, Clone)]
pub struct TlsSigningKey {
    key: Arc<dyn KeyHandle>,
}

impl TlsSigningKey {
    pub fn new(key: Arc<dyn KeyHandle>) -> Self {
        TlsSigningKey { key }
    }
}

impl SigningKey for TlsSigningKey {
    fn choose_scheme(&self, offered: &[TlsScheme]) -> Option<Box<dyn Signer>> {
        // Preference: PSS first (mandatory for RSA in TLS 1.3), then PKCS#1 for TLS 1.2 peers.
        let ours: &[(TlsScheme, SignatureScheme)] = match self.key.algorithm() {
            KeyAlgorithm::Rsa { .. } => &[
                (TlsScheme::RSA_PSS_SHA256, SignatureScheme::RsaPssSha256),
                (TlsScheme::RSA_PKCS1_SHA256, SignatureScheme::RsaPkcs1Sha256),
            ],
            KeyAlgorithm::EcP256 => &[(
                TlsScheme::ECDSA_NISTP256_SHA256,
                SignatureScheme::EcdsaP256Sha256,
            )],
            KeyAlgorithm::Other => &[],
        };
        ours.iter()
            .find(|(tls, _)| offered.contains(tls))
            .map(|&(tls, scheme)| {
                Box::new(TlsSigner {
                    key: self.key.clone(),
                    tls,
                    scheme,
                }) as Box<dyn Signer>
            })
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        match self.key.algorithm() {
            KeyAlgorithm::Rsa { .. } => SignatureAlgorithm::RSA,
            KeyAlgorithm::EcP256 => SignatureAlgorithm::ECDSA,
            KeyAlgorithm::Other => SignatureAlgorithm::Unknown(0),
        }
    }
}

#[derive(Debug)]
struct TlsSigner {
    key: Arc<dyn KeyHandle>,
    tls: TlsScheme,
    scheme: SignatureScheme,
}

impl Signer for TlsSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        self.key
            .sign(self.scheme, message)
            .map_err(|e| rustls::Error::General(format!("client key signing failed: {e}")))
    }

    fn scheme(&self) -> TlsScheme {
        self.tls
    }
}
