//! The EST client's refusals that need no client key: a server that is not the
//! bank's (not issued by the pinned CA), plain HTTP, and no pinned CA at all.

use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use shomei_est::{EstClient, EstEndpoint, EstError};
use shomei_testca::{EstServer, ServerOptions, TestCa};

#[tokio::test]
async fn a_server_not_issued_by_the_pinned_ca_is_refused() {
    let bank = Arc::new(TestCa::generate("Real Bank CA").unwrap());
    let server = EstServer::start(bank, ServerOptions::default())
        .await
        .unwrap();
    let other = TestCa::generate("Intercepting Proxy CA").unwrap();
    let client = EstClient::new(
        EstEndpoint {
            base_url: server.base_url(),
            label: None,
            pinned_roots: vec![CertificateDer::from(other.cert_der().to_vec())],
        },
        None,
    )
    .unwrap();
    match client.cacerts().await {
        Err(EstError::ServerNotTrusted(why)) => {
            assert!(why.to_lowercase().contains("certificate"), "{why}")
        }
        other => panic!("expected a refused server, got {other:?}"),
    }
}

#[test]
fn plain_http_and_missing_pins_are_configuration_errors() {
    let ca = TestCa::generate("Bank CA").unwrap();
    let pinned = vec![CertificateDer::from(ca.cert_der().to_vec())];
    let http = EstClient::new(
        EstEndpoint {
            base_url: "http://127.0.0.1:8080".into(),
            label: None,
            pinned_roots: pinned,
        },
        None,
    );
    assert!(matches!(http, Err(EstError::Config(_))));
    let unpinned = EstClient::new(
        EstEndpoint {
            base_url: "https://127.0.0.1:8443".into(),
            label: None,
            pinned_roots: vec![],
        },
        None,
    );
    assert!(matches!(unpinned, Err(EstError::Config(_))));
}
