//! `ServerOptions::tls_versions` restricts the server to one TLS version: a client
//! offering only that version gets in (with its client certificate), one offering only
//! the other is refused in the handshake.

mod common;

use std::sync::Arc;

use common::{client_config, client_identity, connect, exchange, jp_subject};
use rustls::version::{TLS12, TLS13};
use rustls::SupportedProtocolVersion;
use shomei_testca::{EstServer, ServerOptions, TestCa, TlsVersions};

async fn server(versions: TlsVersions) -> (Arc<TestCa>, EstServer) {
    let ca = Arc::new(TestCa::generate("Shomei Test CA").unwrap());
    let options = ServerOptions {
        tls_versions: versions,
        ..ServerOptions::default()
    };
    let server = EstServer::start(Arc::clone(&ca), options).await.unwrap();
    (ca, server)
}

async fn cacerts_status(
    ca: &TestCa,
    server: &EstServer,
    versions: &[&'static SupportedProtocolVersion],
) -> Option<u16> {
    let identity = client_identity(ca, &jp_subject());
    let config = client_config(ca, Some(&identity), versions);
    let mut tls = connect(server.addr(), config, "127.0.0.1").await.ok()?;
    let answer = exchange(&mut tls, "GET", "/.well-known/est/cacerts", None, b"")
        .await
        .ok()?;
    Some(answer.status)
}

#[tokio::test]
async fn tls_1_2_only() {
    let (ca, server) = server(TlsVersions::Tls12Only).await;
    assert_eq!(cacerts_status(&ca, &server, &[&TLS12]).await, Some(200));
    assert_eq!(cacerts_status(&ca, &server, &[&TLS13]).await, None);
}

#[tokio::test]
async fn tls_1_3_only() {
    let (ca, server) = server(TlsVersions::Tls13Only).await;
    assert_eq!(cacerts_status(&ca, &server, &[&TLS13]).await, Some(200));
    assert_eq!(cacerts_status(&ca, &server, &[&TLS12]).await, None);
}

#[tokio::test]
async fn both_by_default() {
    let (ca, server) = server(TlsVersions::default()).await;
    assert_eq!(cacerts_status(&ca, &server, &[&TLS12]).await, Some(200));
    assert_eq!(cacerts_status(&ca, &server, &[&TLS13]).await, Some(200));
}
