//! Exchanges that must succeed: pending N times then issued, and client authentication
//! over TLS 1.2 and over TLS 1.3 (server restricted to one version each time).

mod misbehaviour_common;

use std::time::Duration;

use misbehaviour_common::{bank, bank_with, SoftKey};
use shomei_est::{build_csr, Enrollment, EstOptions};
use shomei_testca::{Behaviour, ServerOptions, TlsVersions};

#[tokio::test]
async fn pending_three_times_then_issued() {
    let bank = bank(Behaviour::Pending {
        times: 3,
        retry_after_secs: 5,
    })
    .await;
    let new_key = SoftKey::generate();
    let csr = build_csr(&bank.current, &new_key).unwrap();
    for _ in 0..3 {
        match bank.client.simple_reenroll(&csr).await.unwrap() {
            Enrollment::Pending { retry_after } => {
                assert_eq!(retry_after, Duration::from_secs(5))
            }
            other => panic!("expected pending, got {other:?}"),
        }
    }
    assert_eq!(bank.server.issued_count(), 0);
    let Enrollment::Issued(certs) = bank.client.simple_reenroll(&csr).await.unwrap() else {
        panic!("expected the certificate on the fourth request");
    };
    let issued = bank.accept(&certs, &new_key).unwrap();
    assert_eq!(
        issued.public_key,
        shomei_store::KeyHandle::public_key(&new_key)
    );
    assert_eq!(bank.server.issued_count(), 1);
}

async fn renew_over(versions: TlsVersions) {
    let bank = bank_with(
        ServerOptions {
            tls_versions: versions,
            ..ServerOptions::default()
        },
        EstOptions::default(),
    )
    .await;
    let cacerts = bank.client.cacerts().await.unwrap();
    assert_eq!(cacerts, vec![bank.ca.cert_der().to_vec()]);
    let issued = bank.renew().await.unwrap();
    assert_eq!(issued.subject_der, bank.current.subject_der);
}

#[tokio::test]
async fn client_authentication_over_tls_1_2() {
    renew_over(TlsVersions::Tls12Only).await;
}

#[tokio::test]
async fn client_authentication_over_tls_1_3() {
    renew_over(TlsVersions::Tls13Only).await;
}
