//! The acceptance rules for an issued certificate (SPEC §3), each broken once.
//! Certificates come from the project's test CA; keys from rcgen (software), since
//! the rules do not care where the key lives.

use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::{accept_issued, issued_by, EstError, Expectation, Rejection};
use shomei_store::CertificateInfo;
use shomei_testca::TestCa;
use time::{Duration, OffsetDateTime};

fn csr(key: &rcgen::KeyPair, cn: impl Into<rcgen::DnValue>) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "株式会社デモ商事");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.serialize_request(key).unwrap().der().to_vec()
}

fn issue(ca: &TestCa, key: &rcgen::KeyPair, cn: &str, from_days: i64, to_days: i64) -> Vec<u8> {
    issue_between(
        ca,
        key,
        cn,
        Duration::days(from_days),
        Duration::days(to_days),
    )
}

fn issue_between(
    ca: &TestCa,
    key: &rcgen::KeyPair,
    cn: impl Into<rcgen::DnValue>,
    from: Duration,
    to: Duration,
) -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
    ca.issue_from_csr(&csr(key, cn), now + from, now + to)
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
fn expired_is_rejected_and_not_yet_valid_is_told_apart() {
    let c = case();
    let expired = issue(&c.ca, &c.new_key, "管理者", -30, -1);
    assert_eq!(rejection(check(&c, &[expired])), Rejection::NotValidNow);
    let future = issue(&c.ca, &c.new_key, "管理者", 2, 365);
    let not_before = CertificateInfo::parse(&future).unwrap().not_before;
    assert_eq!(
        rejection(check(&c, &[future])),
        Rejection::NotYetValid { not_before }
    );
    // "Not yet valid" is said only of a certificate that is right otherwise.
    let rogue = TestCa::generate("Accept Test CA").unwrap();
    let future_rogue = issue(&rogue, &c.new_key, "管理者", 2, 365);
    assert!(matches!(
        rejection(check(&c, &[future_rogue])),
        Rejection::Untrusted(_)
    ));
}

#[test]
fn a_clock_a_few_minutes_behind_the_bank_is_tolerated() {
    let c = case();
    let ahead = issue_between(
        &c.ca,
        &c.new_key,
        "管理者",
        Duration::minutes(3),
        Duration::days(365),
    );
    assert_eq!(check(&c, std::slice::from_ref(&ahead)).unwrap().der, ahead);
    let too_far = issue_between(
        &c.ca,
        &c.new_key,
        "管理者",
        Duration::minutes(10),
        Duration::days(365),
    );
    assert!(matches!(
        rejection(check(&c, &[too_far])),
        Rejection::NotYetValid { .. }
    ));
}

#[test]
fn a_certificate_that_expires_no_later_than_the_old_one_is_rejected() {
    let c = case(); // the current one expires in 15 days
    for to_days in [1, 15] {
        let shorter = issue(&c.ca, &c.new_key, "管理者", -1, to_days);
        let got = rejection(check(&c, &[shorter]));
        assert!(
            matches!(got, Rejection::NotLonger { current_not_after, .. } if current_not_after == c.current.not_after),
            "{to_days} days: {got:?}"
        );
    }
    let longer = issue(&c.ca, &c.new_key, "管理者", -1, 16);
    check(&c, &[longer]).expect("one day longer is a renewal");
}

#[test]
fn a_subject_reencoded_by_the_ca_is_the_same_subject() {
    let ca = TestCa::generate("Accept Test CA").unwrap();
    let old_key = rcgen::KeyPair::generate().unwrap();
    let printable = rcgen::DnValue::PrintableString("Kanri Taro".try_into().unwrap());
    let current = issue_between(
        &ca,
        &old_key,
        printable,
        Duration::days(-350),
        Duration::days(15),
    );
    let c = Case {
        current: CertificateInfo::parse(&current).unwrap(),
        roots: vec![CertificateDer::from(ca.cert_der().to_vec())],
        new_key: rcgen::KeyPair::generate().unwrap(),
        ca,
    };
    let utf8 = rcgen::DnValue::Utf8String("Kanri Taro".into());
    let reencoded = issue_between(
        &c.ca,
        &c.new_key,
        utf8,
        Duration::days(-1),
        Duration::days(365),
    );
    assert_ne!(
        CertificateInfo::parse(&reencoded).unwrap().subject_der,
        c.current.subject_der,
        "the encodings differ"
    );
    check(&c, &[reencoded]).expect("the same name in another string type");
    let other = rcgen::DnValue::Utf8String("Kanri Jiro".into());
    let different = issue_between(
        &c.ca,
        &c.new_key,
        other,
        Duration::days(-1),
        Duration::days(365),
    );
    assert_eq!(rejection(check(&c, &[different])), Rejection::WrongSubject);
}

#[test]
fn a_certificate_belongs_to_the_bank_whose_ca_it_names_as_issuer() {
    let c = case();
    assert!(issued_by(&c.current, &c.roots));
    let elsewhere = TestCa::generate("Another Bank CA").unwrap();
    let foreign = CertificateInfo::parse(&issue(&elsewhere, &c.new_key, "管理者", -1, 30)).unwrap();
    assert!(!issued_by(&foreign, &c.roots));
    assert!(issued_by(
        &foreign,
        &[
            c.roots[0].clone(),
            CertificateDer::from(elsewhere.cert_der().to_vec())
        ]
    ));
    assert!(!issued_by(&c.current, &[]));
}

#[test]
fn an_empty_answer_is_rejected() {
    let c = case();
    assert_eq!(rejection(check(&c, &[])), Rejection::Empty);
}
