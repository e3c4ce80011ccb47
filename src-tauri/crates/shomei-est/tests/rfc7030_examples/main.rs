//! The example messages of RFC 7030 Appendix A ("Operational Scenario Example
//! Messages"), parsed with the crate's own EST answer parsing.
//!
//! The bodies are in `tests/data/rfc7030/`; `README.md` there says where they were
//! copied from and how their integrity was checked. Every fact asserted here is read
//! from the RFC's text (names, serials, the challengePassword, the CSR attributes the
//! server asks for) or follows from it (the issued certificate certifies the CSR's
//! key; the rollover certificates carry the other generation's key).
//!
//! Errata: of the RFC 7030 errata found (4384, 5107, 5108 and 5904, the ones RFC 8951
//! resolves), only EID 5904 touches Appendix A: A.1 to A.4 send a
//! `Content-Transfer-Encoding` header, which HTTP does not have; RFC 8951 §3 says to
//! ignore it and to read the body as base64, tolerating whitespace. It is about
//! headers, not bodies, so every body here is expected to parse, and does. The CSR
//! attributes example that RFC 9908 calls "NOT CORRECT" is the one in §4.5.2, not
//! the A.2 one used here. Errata filed after RFC 8951 could not be checked.
//!
//! All the example certificates are signed with sha1WithRSAEncryption and expired
//! in May 2014, so a client that refuses SHA-1 (as this one does) must reject the
//! enrollment answer: see `a3_answer_is_refused_because_it_is_signed_with_sha1`.

mod a1_cacerts;
mod a2_csrattrs;
mod a3_enroll;
mod a4_serverkeygen;

use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY};
use shomei_est::pkcs7::parse_certs_only;
use std::path::PathBuf;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::prelude::*;

pub fn data(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "rfc7030", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `Content-Length` the RFC shows for a body. The files keep the RFC's 64-column
/// lines with LF endings and a final newline (its 3-space margin removed), which is
/// exactly that many bytes: a check that no line was lost or altered in length.
pub fn assert_content_length(name: &str, rfc_content_length: usize) -> Vec<u8> {
    let body = data(name);
    assert_eq!(
        body.len(),
        rfc_content_length,
        "{name}: the RFC's Content-Length"
    );
    body
}

pub fn cert(der: &[u8]) -> X509Certificate<'_> {
    let (rest, cert) = X509Certificate::from_der(der).expect("certificate parses");
    assert!(rest.is_empty(), "no trailing bytes after the certificate");
    cert
}

pub fn cn(name: &X509Name<'_>) -> String {
    let mut cns = name.iter_common_name();
    let value = cns
        .next()
        .expect("a CN")
        .as_str()
        .expect("CN is a string")
        .to_owned();
    assert!(cns.next().is_none(), "exactly one CN");
    value
}

/// `signed` was signed (sha1WithRSAEncryption, as every example is) by the key whose
/// RSAPublicKey DER is `issuer_key`.
pub fn assert_sha1_rsa_signed(tbs: &[u8], signature: &[u8], issuer_key: &[u8], what: &str) {
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, issuer_key)
        .verify(tbs, signature)
        .unwrap_or_else(|_| panic!("{what}: signature does not verify"));
}

pub fn assert_cert_signed_by(child: &X509Certificate<'_>, issuer: &X509Certificate<'_>) {
    assert_eq!(
        child.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.113549.1.1.5",
        "sha1WithRSAEncryption"
    );
    assert_sha1_rsa_signed(
        child.tbs_certificate.as_ref(),
        &child.signature_value.data,
        &issuer.public_key().subject_public_key.data,
        &format!("{} signed by {}", child.subject(), issuer.subject()),
    );
}

/// A.1's four CA certificates, by CN.
pub struct CaCerts {
    ders: Vec<Vec<u8>>,
}

impl CaCerts {
    pub fn load() -> Self {
        let body = assert_content_length("a1-cacerts-response.b64", 4246);
        let ders = parse_certs_only(&body).expect("A.1 /cacerts answer parses");
        Self { ders }
    }

    pub fn by_cn(&self, wanted: &str) -> X509Certificate<'_> {
        let mut found = self
            .ders
            .iter()
            .map(|d| cert(d))
            .filter(|c| cn(c.subject()) == wanted);
        let one = found.next().unwrap_or_else(|| panic!("no {wanted}"));
        assert!(found.next().is_none(), "one {wanted}");
        one
    }
}

pub fn parse_csr(der: &[u8]) -> X509CertificationRequest<'_> {
    let (rest, csr) = X509CertificationRequest::from_der(der).expect("PKCS#10 parses");
    assert!(rest.is_empty());
    assert_sha1_rsa_signed(
        csr.certification_request_info.raw,
        &csr.signature_value.data,
        &csr.certification_request_info
            .subject_pki
            .subject_public_key
            .data,
        "the request's proof of possession",
    );
    csr
}

pub fn challenge_password(csr: &X509CertificationRequest<'_>) -> String {
    let mut found = csr
        .certification_request_info
        .iter_attributes()
        .filter_map(|a| match a.parsed_attribute() {
            ParsedCriAttribute::ChallengePassword(p) => Some(p.0.clone()),
            _ => None,
        });
    let one = found.next().expect("a challengePassword");
    assert!(found.next().is_none());
    one
}
