//! The test CA issues something other than what was asked for; the client, through
//! `simple_reenroll` and `accept_issued`, refuses it with the exact rejection.

mod misbehaviour_common;

use misbehaviour_common::{bank, rejection};
use shomei_est::Rejection;
use shomei_testca::Behaviour;

#[tokio::test]
async fn a_normal_renewal_is_accepted() {
    let bank = bank(Behaviour::Normal).await;
    let issued = bank.renew().await.unwrap();
    assert_eq!(issued.subject_der, bank.current.subject_der);
    assert_eq!(bank.server.issued_count(), 1);
}

#[tokio::test]
async fn a_certificate_for_another_key_is_rejected() {
    let bank = bank(Behaviour::WrongKey).await;
    assert_eq!(rejection(bank.renew().await), Rejection::WrongKey);
}

#[tokio::test]
async fn a_certificate_for_another_subject_is_rejected() {
    let bank = bank(Behaviour::WrongSubject).await;
    assert_eq!(rejection(bank.renew().await), Rejection::WrongSubject);
}

#[tokio::test]
async fn a_certificate_from_another_issuer_is_rejected() {
    let bank = bank(Behaviour::OtherIssuer).await;
    // Same issuer name as the pinned CA, another key: webpki finds the name and then
    // a signature that does not verify.
    match rejection(bank.renew().await) {
        Rejection::Untrusted(why) => assert!(why.contains("Signature"), "{why}"),
        other => panic!("expected Untrusted, got {other:?}"),
    }
    // It was issued (by the rogue CA), and still refused.
    assert_eq!(bank.server.issued_count(), 1);
}

#[tokio::test]
async fn an_expired_certificate_is_rejected() {
    let bank = bank(Behaviour::Expired).await;
    assert_eq!(rejection(bank.renew().await), Rejection::NotValidNow);
}

#[tokio::test]
async fn a_not_yet_valid_certificate_is_told_apart() {
    let bank = bank(Behaviour::NotYetValid).await;
    assert!(matches!(
        rejection(bank.renew().await),
        Rejection::NotYetValid { .. }
    ));
}

#[tokio::test]
async fn a_shorter_certificate_is_rejected() {
    // The test CA's current certificate here expires in more than a day.
    let bank = bank(Behaviour::ValidFor { days: 1 }).await;
    assert!(matches!(
        rejection(bank.renew().await),
        Rejection::NotLonger { .. }
    ));
}

#[tokio::test]
async fn a_clock_slightly_behind_the_bank_and_a_reencoded_subject_are_accepted() {
    for behaviour in [
        Behaviour::NotBeforeIn { seconds: 120 },
        Behaviour::ReencodedSubject,
    ] {
        let bank = bank(behaviour.clone()).await;
        bank.renew()
            .await
            .unwrap_or_else(|e| panic!("{behaviour:?}: {e}"));
    }
}

#[tokio::test]
async fn a_pkcs7_with_zero_certificates_is_rejected_as_empty() {
    let bank = bank(Behaviour::UnrelatedCertificates { count: 0 }).await;
    assert_eq!(rejection(bank.renew().await), Rejection::Empty);
}

#[tokio::test]
async fn a_pkcs7_with_ten_unrelated_certificates_is_rejected() {
    let bank = bank(Behaviour::UnrelatedCertificates { count: 10 }).await;
    assert_eq!(rejection(bank.renew().await), Rejection::WrongKey);
}
