//! A.3: enroll / re-enroll (`/simpleenroll`).

use super::*;
use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::pkcs7::{decode_base64, parse_certs_only};
use shomei_est::{accept_issued, EstError, Expectation, Rejection};
use shomei_store::CertificateInfo;
use std::time::Duration;

/// A.3's PKCS#10 request, as a DER blob kept alive by the caller.
fn a3_request() -> Vec<u8> {
    let body = assert_content_length("a3-simpleenroll-request.b64", 882);
    decode_base64(&body).expect("A.3 request is base64")
}

/// A.3: the client's /simpleenroll request and the certificate the server issues for
/// it.
#[test]
fn a3_simpleenroll_answer_certifies_the_requests_key_and_subject() {
    let request = a3_request();
    let csr = parse_csr(&request);
    let info = &csr.certification_request_info;
    assert_eq!(cn(&info.subject), "demostep4 1368141352");
    assert_eq!(challenge_password(&csr), "+rrCir/7+EYu50T4");

    let body = assert_content_length("a3-simpleenroll-response.b64", 1122);
    let certs = parse_certs_only(&body).expect("A.3 answer parses");
    assert_eq!(
        certs.len(),
        1,
        "certs-only with the issued certificate alone"
    );
    let issued = cert(&certs[0]);

    assert_eq!(
        issued.public_key().raw,
        info.subject_pki.raw,
        "the issued certificate certifies the request's key"
    );
    assert_eq!(
        issued.subject().as_raw(),
        info.subject.as_raw(),
        "same subject, byte for byte"
    );
    assert_eq!(cn(issued.issuer()), "estExampleCA NwN");
    assert_eq!(issued.raw_serial(), &[21], "serial 21");
    assert_eq!(
        issued
            .validity()
            .not_before
            .to_datetime()
            .date()
            .to_string(),
        "2013-05-09"
    );
    assert!(!issued.is_ca());

    // Issued by the new CA of A.1.
    let ca = CaCerts::load();
    assert_cert_signed_by(&issued, &ca.by_cn("estExampleCA NwN"));

    // The crate's own view of it agrees.
    let parsed = CertificateInfo::parse(&certs[0]).expect("CertificateInfo parses");
    assert_eq!(
        parsed.public_key,
        info.subject_pki.subject_public_key.data.as_ref()
    );
    assert_eq!(parsed.subject_cn, "demostep4 1368141352");
}

/// The acceptance rules of SPEC §3 applied to A.3's answer, with the RFC's own new
/// CA pinned and a time inside the certificates' validity: key and subject match,
/// but the chain is refused because it is signed with SHA-1, which this client does
/// not accept. This is the answer that must never be installed.
#[test]
fn a3_answer_is_refused_because_it_is_signed_with_sha1() {
    let request = a3_request();
    let csr = parse_csr(&request);
    let new_key = csr
        .certification_request_info
        .subject_pki
        .subject_public_key
        .data
        .to_vec();

    let certs = parse_certs_only(&data("a3-simpleenroll-response.b64")).unwrap();
    let current = CertificateInfo::parse(&certs[0]).unwrap();
    let ca = CaCerts::load();
    let nwn = ca
        .ders
        .iter()
        .find(|d| cn(cert(d).subject()) == "estExampleCA NwN")
        .unwrap()
        .clone();
    let pinned = [CertificateDer::from(nwn)];
    // 1 June 2013, inside every example certificate's validity.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_370_044_800));

    let err = accept_issued(
        &certs,
        &Expectation {
            new_public_key: &new_key,
            current: &current,
            pinned_roots: &pinned,
            ca_certs: &ca.ders,
            now,
        },
    )
    .expect_err("a SHA-1 chain is refused");
    match err {
        EstError::Rejected(Rejection::Untrusted(why)) => {
            assert!(why.contains("UnsupportedSignatureAlgorithm"), "{why}")
        }
        other => panic!("expected an untrusted chain, got {other:?}"),
    }
}
