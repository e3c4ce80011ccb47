//! Issuance by `TestCa`, checked with x509-parser (and openssl for requests rcgen cannot make).

mod common;

use std::process::Command;

use common::{csr, jp_subject, p256_key, JP_CN};
use rcgen::{CertificateParams, KeyPair};
use shomei_testca::{TestCa, TestCaError};
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

fn validity() -> (OffsetDateTime, OffsetDateTime) {
    let nb = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() - Duration::minutes(1);
    (nb, nb + Duration::days(365))
}

fn ski(cert: &X509Certificate<'_>) -> Vec<u8> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        })
        .expect("CA has a subjectKeyIdentifier")
}

fn aki(cert: &X509Certificate<'_>) -> Vec<u8> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                a.key_identifier.as_ref().map(|k| k.0.to_vec())
            }
            _ => None,
        })
        .expect("issued certificate has an authorityKeyIdentifier")
}

/// Everything `issue_from_csr` promises, for a certificate issued by `ca`.
fn check_issued(
    ca: &TestCa,
    cert_der: &[u8],
    csr_der: &[u8],
    nb: OffsetDateTime,
    na: OffsetDateTime,
    rsa: bool,
) {
    let (_, ca_cert) = X509Certificate::from_der(ca.cert_der()).unwrap();
    let (rest, cert) = X509Certificate::from_der(cert_der).unwrap();
    assert!(rest.is_empty());
    let (_, req) =
        x509_parser::certification_request::X509CertificationRequest::from_der(csr_der).unwrap();
    let info = &req.certification_request_info;

    assert_eq!(
        cert.subject().as_raw(),
        info.subject.as_raw(),
        "subject copied byte for byte"
    );
    assert_eq!(
        cert.public_key().raw,
        info.subject_pki.raw,
        "public key from the request"
    );
    assert_eq!(cert.issuer().as_raw(), ca_cert.subject().as_raw());
    assert_eq!(cert.validity().not_before.to_datetime(), nb);
    assert_eq!(cert.validity().not_after.to_datetime(), na);
    cert.verify_signature(Some(ca_cert.public_key()))
        .expect("signed by the CA key");

    let eku = cert
        .extended_key_usage()
        .unwrap()
        .expect("EKU present")
        .value;
    assert!(eku.client_auth && !eku.server_auth);
    let ku = cert.key_usage().unwrap().expect("keyUsage present").value;
    assert!(ku.digital_signature());
    assert_eq!(ku.key_encipherment(), rsa);
    assert!(!ku.key_cert_sign());
    assert!(!cert.is_ca());
    assert_eq!(aki(&cert), ski(&ca_cert));

    let serial = cert.raw_serial();
    assert_eq!(serial.len(), 16);
    assert!(serial[0] & 0x80 == 0 && serial[0] != 0);
}

#[test]
fn generated_ca_certificate() {
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let (_, cert) = X509Certificate::from_der(ca.cert_der()).unwrap();
    assert!(cert.is_ca());
    assert_eq!(
        cert.subject().to_string(),
        "CN=Shomei Test CA, O=Shomei Test"
    );
    assert_eq!(cert.subject().as_raw(), cert.issuer().as_raw());
    cert.verify_signature(None).unwrap();
    let ku = cert.key_usage().unwrap().unwrap().value;
    assert!(ku.key_cert_sign() && ku.crl_sign());
    let v = cert.validity();
    let now = OffsetDateTime::now_utc();
    assert!(v.not_before.to_datetime() < now - Duration::hours(23));
    assert!(v.not_after.to_datetime() > now + Duration::days(3650));
    assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(ca.key_pem().starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[test]
fn round_trip_with_japanese_subject() {
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let key = p256_key();
    let request = csr(&jp_subject(), &key);
    let (nb, na) = validity();
    let cert = ca.issue_from_csr(&request, nb, na).unwrap();
    check_issued(&ca, &cert, &request, nb, na, false);
    let (_, parsed) = X509Certificate::from_der(&cert).unwrap();
    let cn = parsed
        .subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(cn, JP_CN);
}

#[test]
fn request_with_bad_signature_is_rejected() {
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let mut request = csr(&jp_subject(), &p256_key());
    // The signature BIT STRING is the last element: flip a byte inside it.
    let last = request.len() - 3;
    request[last] ^= 0x01;
    let (nb, na) = validity();
    let err = ca.issue_from_csr(&request, nb, na).unwrap_err();
    assert!(matches!(err, TestCaError::CsrSignature), "{err:?}");
}

#[test]
fn request_signed_by_another_key_is_rejected() {
    // The public key of one key pair with the signature of another, as a token that signs
    // with the wrong object would produce. Ed25519 signatures all have the same length, so
    // splicing keeps the DER valid.
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let ed = || KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let a = csr(&jp_subject(), &ed());
    let b = csr(&jp_subject(), &ed());
    let spliced = [&a[..a.len() - 64], &b[b.len() - 64..]].concat();
    let (nb, na) = validity();
    let err = ca.issue_from_csr(&spliced, nb, na).unwrap_err();
    assert!(matches!(err, TestCaError::CsrSignature), "{err:?}");
    // The unspliced request is fine, so it is the signature that was refused.
    ca.issue_from_csr(&a, nb, na).unwrap();
}

#[test]
fn garbage_and_empty_validity_are_rejected() {
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let (nb, na) = validity();
    assert!(matches!(
        ca.issue_from_csr(b"not DER", nb, na),
        Err(TestCaError::CsrParse(_))
    ));
    let request = csr(&jp_subject(), &p256_key());
    assert!(matches!(
        ca.issue_from_csr(&request, na, nb),
        Err(TestCaError::InvalidValidity)
    ));
}

#[test]
fn from_pem_round_trip_chains_to_the_same_ca() {
    let ca = TestCa::generate("Shomei Demo CA").unwrap();
    let reloaded = TestCa::from_pem(&ca.cert_pem(), &ca.key_pem()).unwrap();
    assert_eq!(reloaded.cert_der(), ca.cert_der());
    let request = csr(&jp_subject(), &p256_key());
    let (nb, na) = validity();
    let cert = reloaded.issue_from_csr(&request, nb, na).unwrap();
    check_issued(&ca, &cert, &request, nb, na, false);

    // A key that does not belong to the certificate is refused.
    let other = TestCa::generate("Other").unwrap();
    assert!(matches!(
        TestCa::from_pem(&ca.cert_pem(), &other.key_pem()),
        Err(TestCaError::Load(_))
    ));
    assert!(TestCa::from_pem("junk", &ca.key_pem()).is_err());
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl must be installed for this test");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn rsa_2048_request_gets_key_encipherment() {
    // ring cannot generate RSA keys, so openssl makes one; rcgen signs the request with it.
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("rsa.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        key_path.to_str().unwrap(),
    ]);
    let key = KeyPair::from_pem(&std::fs::read_to_string(&key_path).unwrap()).unwrap();
    assert_eq!(key.algorithm(), &rcgen::PKCS_RSA_SHA256);
    let mut params = CertificateParams::default();
    params.distinguished_name = jp_subject();
    let request = params.serialize_request(&key).unwrap().der().to_vec();

    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let (nb, na) = validity();
    let cert = ca.issue_from_csr(&request, nb, na).unwrap();
    check_issued(&ca, &cert, &request, nb, na, true);
}

#[test]
fn openssl_requests_keep_their_subject_or_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("ec.pem");
    let key = key_path.to_str().unwrap();
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        key,
    ]);
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let (nb, na) = validity();

    // PrintableString country, UTF8String names, as openssl writes them.
    let subject = format!("/C=JP/O=Demo Shoji/CN={JP_CN}");
    let request = openssl(&[
        "req", "-new", "-utf8", "-key", key, "-subj", &subject, "-outform", "DER",
    ]);
    let cert = ca.issue_from_csr(&request, nb, na).unwrap();
    check_issued(&ca, &cert, &request, nb, na, false);

    // rcgen keeps one value per attribute type, so two OUs cannot be reproduced: refused.
    let request = openssl(&[
        "req",
        "-new",
        "-key",
        key,
        "-subj",
        "/C=JP/O=Demo/OU=A/OU=B/CN=X",
        "-outform",
        "DER",
    ]);
    let err = ca.issue_from_csr(&request, nb, na).unwrap_err();
    assert!(matches!(err, TestCaError::UnsupportedSubject(_)), "{err:?}");
}
