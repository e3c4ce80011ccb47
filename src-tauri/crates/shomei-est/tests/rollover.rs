//! A CA rollover (RFC 7030 §4.1.3): the bank's new CA issues the renewed
//! certificate, the client still trusts only the old (pinned) CA, and the
//! "NewWithOld" certificate published in cacerts bridges the two. Without it the
//! same certificate is refused; a rogue "successor" not signed by the old CA is too.

mod misbehaviour_common;

use std::sync::Arc;

use misbehaviour_common::{current_certificate, roots, SoftKey};
use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::{
    accept_issued, build_csr, ClientIdentity, Enrollment, EstClient, EstEndpoint, EstError,
    Expectation, Rejection,
};
use shomei_testca::{EstServer, Rollover, ServerOptions, TestCa};

struct Renewal {
    issued: Vec<Vec<u8>>,
    ca_certs: Vec<Vec<u8>>,
    new_key: SoftKey,
    current: shomei_store::CertificateInfo,
    pinned: Vec<CertificateDer<'static>>,
}

impl Renewal {
    fn accept(&self, ca_certs: &[Vec<u8>]) -> Result<shomei_store::CertificateInfo, EstError> {
        accept_issued(
            &self.issued,
            &Expectation {
                new_public_key: shomei_store::KeyHandle::public_key(&self.new_key),
                current: &self.current,
                pinned_roots: &self.pinned,
                ca_certs,
                now: UnixTime::now(),
            },
        )
    }
}

/// Renew against a bank whose CA `old_ca` (the one clients pin and authenticate
/// with) has rolled over to `new_ca`, publishing `bridge` in cacerts.
async fn renew_after_rollover(old_ca: Arc<TestCa>, new_ca: TestCa, bridge: Vec<u8>) -> Renewal {
    let server = EstServer::start(
        old_ca.clone(),
        ServerOptions {
            rollover: Some(Rollover {
                new_ca: Arc::new(new_ca),
                new_with_old: bridge,
            }),
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap();
    let key = Arc::new(SoftKey::generate());
    let current = current_certificate(&old_ca, &key);
    let pinned = roots(&old_ca);
    let client = EstClient::new(
        EstEndpoint {
            base_url: server.base_url(),
            label: None,
            pinned_roots: pinned.clone(),
        },
        Some(ClientIdentity {
            chain: vec![CertificateDer::from(current.der.clone())],
            key,
        }),
    )
    .unwrap();
    let new_key = SoftKey::generate();
    let issued = match client
        .simple_reenroll(&build_csr(&current, &new_key).unwrap())
        .await
        .unwrap()
    {
        Enrollment::Issued(certs) => certs,
        other => panic!("expected a certificate, got {other:?}"),
    };
    let ca_certs = client.cacerts().await.unwrap();
    Renewal {
        issued,
        ca_certs,
        new_key,
        current,
        pinned,
    }
}

#[tokio::test]
async fn a_certificate_from_the_new_ca_is_accepted_through_new_with_old() {
    let old_ca = Arc::new(TestCa::generate("Shomei Bank CA 2025").unwrap());
    let (new_ca, new_with_old) = old_ca.successor("Shomei Bank CA 2026").unwrap();
    let renewal = renew_after_rollover(old_ca, new_ca, new_with_old.clone()).await;
    assert!(
        renewal.ca_certs.contains(&new_with_old),
        "cacerts publishes NewWithOld"
    );

    let accepted = renewal
        .accept(&renewal.ca_certs)
        .expect("accepted through NewWithOld");
    assert!(
        accepted.issuer.contains("Shomei Bank CA 2026"),
        "{}",
        accepted.issuer
    );
    // Without what cacerts published, the new CA is unknown: refused.
    assert!(matches!(
        renewal.accept(&[]),
        Err(EstError::Rejected(Rejection::Untrusted(_)))
    ));
}

#[tokio::test]
async fn a_successor_not_signed_by_the_pinned_ca_is_refused() {
    // A "new CA" bridged by some other CA: cacerts cannot make it trusted.
    let old_ca = Arc::new(TestCa::generate("Shomei Bank CA 2025").unwrap());
    let stranger = TestCa::generate("Shomei Bank CA 2025").unwrap();
    let (rogue, rogue_bridge) = stranger.successor("Shomei Bank CA 2026").unwrap();
    let renewal = renew_after_rollover(old_ca, rogue, rogue_bridge).await;
    assert!(matches!(
        renewal.accept(&renewal.ca_certs),
        Err(EstError::Rejected(Rejection::Untrusted(_)))
    ));
}
