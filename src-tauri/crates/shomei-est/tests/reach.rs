//! `EstClient::reach` (the bank check of 電子証明書更新前処理中): no client
//! certificate, nothing secret sent; the test CA demands a client certificate in
//! the handshake, over TLS 1.2 and 1.3, and is the bank only with its own CA pinned.

use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use shomei_est::{EstClient, EstEndpoint, EstError, EstOptions, ProxyChoice, Reached};
use shomei_testca::{EstServer, ServerOptions, TestCa, TlsVersions};

fn client(base_url: String, pinned: &TestCa) -> EstClient {
    let options = EstOptions {
        proxy: ProxyChoice::Direct,
        connect_timeout: std::time::Duration::from_secs(5),
        timeout: std::time::Duration::from_secs(10),
        ..EstOptions::default()
    };
    EstClient::with_options(
        EstEndpoint {
            base_url,
            label: None,
            pinned_roots: vec![CertificateDer::from(pinned.cert_der().to_vec())],
        },
        None,
        options,
    )
    .unwrap()
}

#[tokio::test]
async fn the_bank_is_reached_without_a_client_certificate_over_tls_12_and_13() {
    for versions in [TlsVersions::Tls12Only, TlsVersions::Tls13Only] {
        let ca = Arc::new(TestCa::generate("Bank CA").unwrap());
        let options = ServerOptions {
            tls_versions: versions,
            ..ServerOptions::default()
        };
        let server = EstServer::start(ca.clone(), options).await.unwrap();
        let reached = client(server.base_url(), &ca).reach().await;
        assert_eq!(
            reached.unwrap(),
            Reached::CertificateRequired,
            "{versions:?}"
        );
        // Nothing got as far as an EST request.
        assert_eq!(server.request_count(), 0, "{versions:?}");
    }
}

#[tokio::test]
async fn a_server_of_another_ca_is_not_the_bank() {
    let bank = Arc::new(TestCa::generate("Real Bank CA").unwrap());
    let server = EstServer::start(bank, ServerOptions::default())
        .await
        .unwrap();
    let proxy = TestCa::generate("Intercepting Proxy CA").unwrap();
    match client(server.base_url(), &proxy).reach().await {
        Err(EstError::ServerNotTrusted(_)) => {}
        other => panic!("expected an untrusted server, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bank_that_is_down_is_unreachable() {
    let ca = Arc::new(TestCa::generate("Bank CA").unwrap());
    let server = EstServer::start(ca.clone(), ServerOptions::default())
        .await
        .unwrap();
    let url = server.base_url();
    server.shutdown();
    match client(url, &ca).reach().await {
        Err(EstError::NotSent(_) | EstError::Unreachable(_)) => {}
        other => panic!("expected an unreachable bank, got {other:?}"),
    }
}
