//! The acceptance rules for an issued certificate (SPEC §3), each broken once.
//! Certificates come from the project's test CA; keys from rcgen (software), since
//! the rules do not care where the key lives.

use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::{accept_issued, EstError, Expectation, Rejection};
use shomei_store::CertificateInfo;
use shomei_testca::TestCa;
use time::{Duration, OffsetDateTime};

fn csr(key: &rcgen::KeyPair, cn: &str) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "株式会社デモ商事");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.serialize_request(key).unwrap().der().to_vec()
}

fn issue(ca: &TestCa, key: &rcgen::KeyPair, cn: &str, from_days: i64, to_days: i64) -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
    ca.issue_from_csr(
        &csr(key, cn),
        now + Duration::days(from_days),
        now + Duration::days(to_days),
    )
    .unwrap()
}

struct Case {
    ca: TestCa,
    current: CertificateInfo,
    new_key: rcgen::KeyPair,
    roots: Vec<CertificateDer<'static>>,
}

fn case() -> Case {
    let ca = TestCa::generate("Accept Test CA").unwrap();
    let old_key = rcgen::KeyPair::generate().unwrap();
    let current = CertificateInfo::parse(&issue(&ca, &old_key, "管理者", -350, 15)).unwrap();
    let roots = vec![CertificateDer::from(ca.cert_der().to_vec())];
    Case {
        ca,
        current,
        new_key: rcgen::KeyPair::generate().unwrap(),
        roots,
    }
}

fn check(case: &Case, certs: &[Vec<u8>]) -> Result<CertificateInfo, EstError> {
    accept_issued(
        certs,
        &Expectation {
            new_public_key: case.new_key.public_key_raw(),
            current: &case.current,
            pinned_roots: &case.roots,
            ca_certs: &[],
            now: UnixTime::now(),
        },
    )
}

fn rejection(result: Result<CertificateInfo, EstError>) -> Rejection {
    match result {
        Err(EstError::Rejected(r)) => r,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn the_right_certificate_is_accepted_among_others() {
    let c = case();
    let good = issue(&c.ca, &c.new_key, "管理者", -1, 365);
    let accepted = check(&c, &[c.ca.cert_der().to_vec(), good.clone()]).unwrap();
    assert_eq!(accepted.der, good);
}

#[test]
fn another_key_is_rejected() {
    let c = case();
    let other = rcgen::KeyPair::generate().unwrap();
    let cert = issue(&c.ca, &other, "管理者", -1, 365);
    assert_eq!(rejection(check(&c, &[cert])), Rejection::WrongKey);
}

#[test]
fn another_subject_is_rejected() {
    let c = case();
    let cert = issue(&c.ca, &c.new_key, "利用者", -1, 365);
    assert_eq!(rejection(check(&c, &[cert])), Rejection::WrongSubject);
}

#[test]
fn another_issuer_is_rejected_even_if_it_sends_its_ca_along() {
    let c = case();
    let rogue = TestCa::generate("Accept Test CA").unwrap(); // same name, other key
    let cert = issue(&rogue, &c.new_key, "管理者", -1, 365);
    assert!(matches!(
        rejection(check(&c, &[rogue.cert_der().to_vec(), cert])),
        Rejection::Untrusted(_)
    ));
}

#[test]
fn expired_and_not_yet_valid_are_rejected() {
    let c = case();
    let expired = issue(&c.ca, &c.new_key, "管理者", -30, -1);
    assert_eq!(rejection(check(&c, &[expired])), Rejection::NotValidNow);
    let future = issue(&c.ca, &c.new_key, "管理者", 2, 365);
    assert_eq!(rejection(check(&c, &[future])), Rejection::NotValidNow);
}

#[test]
fn an_empty_answer_is_rejected() {
    let c = case();
    assert_eq!(rejection(check(&c, &[])), Rejection::Empty);
}
