//! A private key that stays where it lives and signs on request.
//!
//! The same [`KeyHandle`] signs the PKCS#10 request (through rcgen, see
//! [`crate::signer::CsrSigner`]) and the TLS client handshake (through rustls, see
//! [`crate::signer::TlsSigningKey`]). No back end ever exports a private key.

use crate::cert::KeyAlgorithm;
use crate::error::Result;

/// What kind of key to create for a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Rsa2048,
    Rsa3072,
    /// ECDSA on NIST P-256 (secp256r1), with SHA-256.
    EcP256,
}

impl KeySpec {
    pub fn algorithm(self) -> KeyAlgorithm {
        match self {
            KeySpec::Rsa2048 => KeyAlgorithm::Rsa { bits: 2048 },
            KeySpec::Rsa3072 => KeyAlgorithm::Rsa { bits: 3072 },
            KeySpec::EcP256 => KeyAlgorithm::EcP256,
        }
    }

    /// The spec that reproduces an existing key (the bank's default rule: same
    /// algorithm and size as the current certificate's key).
    pub fn matching(algorithm: KeyAlgorithm) -> Option<KeySpec> {
        match algorithm {
            KeyAlgorithm::Rsa { bits: 2048 } => Some(KeySpec::Rsa2048),
            KeyAlgorithm::Rsa { bits: 3072 } => Some(KeySpec::Rsa3072),
            KeyAlgorithm::EcP256 => Some(KeySpec::EcP256),
            _ => None,
        }
    }
}

/// Signature schemes a key can be asked for. The message is passed whole: the
/// back end hashes (on the token when the token can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 with SHA-256: CSRs, TLS 1.2.
    RsaPkcs1Sha256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32: what TLS 1.3 servers ask RSA keys for.
    RsaPssSha256,
    /// ECDSA P-256 over SHA-256; the signature is the DER `ECDSA-Sig-Value` that
    /// X.509 and TLS carry (back ends that produce r‖s convert it).
    EcdsaP256Sha256,
}

/// A private key in a store, with its public half.
pub trait KeyHandle: Send + Sync + std::fmt::Debug {
    /// The raw subjectPublicKey bits, as in a certificate: RSAPublicKey DER for RSA,
    /// the uncompressed point (0x04 ‖ X ‖ Y) for ECDSA P-256.
    fn public_key(&self) -> &[u8];
    fn algorithm(&self) -> KeyAlgorithm;
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>>;
}
