//! What a store knows about a certificate, read once from its DER with x509-parser.
//!
//! Identities are named by the SHA-256 fingerprint of their certificate: it is what
//! the UI shows as 拇印, what the CLI takes, and what archiving matches on, so that
//! exactly one identity is ever touched.

use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

use crate::error::{Result, StoreError};

/// A parsed certificate. Times are Unix seconds (UTC); formatting is the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub der: Vec<u8>,
    /// SHA-256 of the DER, lowercase hex without separators.
    pub fingerprint: String,
    /// RFC 4514-style string of the subject, for display.
    pub subject: String,
    pub subject_cn: String,
    pub issuer: String,
    /// The subject's DER, to compare names (RFC 5280 §7.1, `shomei_est::same_name`).
    pub subject_der: Vec<u8>,
    /// The issuer's DER: which CA's subject this certificate names as its issuer.
    pub issuer_der: Vec<u8>,
    /// Serial number as colon-separated uppercase hex.
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    /// The raw subjectPublicKey bits (for RSA, the RSAPublicKey DER).
    pub public_key: Vec<u8>,
    pub key_algorithm: KeyAlgorithm,
    /// Extended key usages, by name ("clientAuth", …) or dotted OID.
    pub usages: Vec<String>,
}

/// The kind and size of a key, as read from a certificate or a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa { bits: u32 },
    EcP256,
    Other,
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyAlgorithm::EcP256 => f.write_str("ECDSA P-256"),
            KeyAlgorithm::Other => f.write_str("unknown"),
        }
    }
}

/// SHA-256 fingerprint of DER bytes, lowercase hex.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

impl CertificateInfo {
    pub fn parse(der: &[u8]) -> Result<Self> {
        let malformed = |reason: String| StoreError::Malformed {
            what: "certificate",
            reason,
        };
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(malformed("trailing bytes after the certificate".into()));
        }
        let subject_cn = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .unwrap_or_default()
            .to_owned();
        let spki = cert.public_key();
        let key_algorithm = match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => KeyAlgorithm::Rsa {
                bits: rsa_bits(rsa.modulus),
            },
            Ok(x509_parser::public_key::PublicKey::EC(_))
                if spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .is_some_and(|oid| oid == x509_parser::oid_registry::OID_EC_P256) =>
            {
                KeyAlgorithm::EcP256
            }
            _ => KeyAlgorithm::Other,
        };
        let usages = match cert.extended_key_usage() {
            Ok(Some(eku)) => eku_names(eku.value),
            _ => Vec::new(),
        };
        Ok(CertificateInfo {
            der: der.to_vec(),
            fingerprint: fingerprint(der),
            subject: cert.subject().to_string(),
            subject_cn,
            issuer: cert.issuer().to_string(),
            subject_der: cert.subject().as_raw().to_vec(),
            issuer_der: cert.issuer().as_raw().to_vec(),
            serial: cert
                .raw_serial()
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":"),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            public_key: spki.subject_public_key.data.to_vec(),
            key_algorithm,
            usages,
        })
    }
}

fn rsa_bits(modulus: &[u8]) -> u32 {
    let m = match modulus.iter().position(|&b| b != 0) {
        Some(i) => &modulus[i..],
        None => return 0,
    };
    (m.len() as u32 - 1) * 8 + (8 - m[0].leading_zeros())
}

fn eku_names(eku: &ExtendedKeyUsage<'_>) -> Vec<String> {
    let mut names = Vec::new();
    let known = [
        (eku.server_auth, "serverAuth"),
        (eku.client_auth, "clientAuth"),
        (eku.code_signing, "codeSigning"),
        (eku.email_protection, "emailProtection"),
        (eku.time_stamping, "timeStamping"),
        (eku.ocsp_signing, "OCSPSigning"),
        (eku.any, "anyExtendedKeyUsage"),
    ];
    names.extend(
        known
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| n.to_string()),
    );
    names.extend(eku.other.iter().map(|oid| oid.to_id_string()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_bits_counts_from_the_top_bit() {
        assert_eq!(rsa_bits(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(rsa_bits(&[0x01, 0]), 9);
        assert_eq!(rsa_bits(&[]), 0);
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let err = CertificateInfo::parse(b"\x30\x03\x02\x01").unwrap_err();
        assert!(matches!(err, StoreError::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn parses_an_rcgen_certificate() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "株式会社デモ商事");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.self_signed(&key).unwrap();
        let info = CertificateInfo::parse(cert.der()).unwrap();
        assert_eq!(info.subject_cn, "株式会社デモ商事");
        assert_eq!(info.key_algorithm, KeyAlgorithm::EcP256);
        assert_eq!(info.usages, vec!["clientAuth".to_string()]);
        assert_eq!(info.fingerprint.len(), 64);
        assert_eq!(info.public_key, key.public_key_raw());
    }
}
