//! `EstServer` over real TLS: a tokio-rustls client with a CA-issued client certificate
//! speaks raw HTTP/1.1 to it. Transport, authentication and the successful exchanges.

mod common;

use common::fixture::{certs_of, fixture};
use common::{client_config, client_identity, connect, csr, exchange, jp_subject, p256_key};
use rcgen::PublicKeyData as _;
use rustls::version::{TLS12, TLS13};
use shomei_testca::{ServerOptions, TestCa};
use x509_parser::prelude::{FromDer, X509Certificate};

#[tokio::test]
async fn cacerts_and_simplereenroll() {
    let f = fixture(ServerOptions::default()).await;
    assert!(f.server.base_url().starts_with("https://127.0.0.1:"));

    let cacerts = f
        .request("GET", "/.well-known/est/cacerts", None, b"")
        .await;
    assert_eq!(cacerts.status, 200);
    assert_eq!(
        cacerts.header("content-type"),
        Some("application/pkcs7-mime")
    );
    assert_eq!(cacerts.header("content-transfer-encoding"), Some("base64"));
    assert_eq!(certs_of(&cacerts), vec![f.ca.cert_der().to_vec()]);

    let new_key = p256_key();
    let request = csr(&jp_subject(), &new_key);
    let answer = f.reenroll(&request).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/pkcs7-mime; smime-type=certs-only")
    );
    assert_eq!(answer.header("content-transfer-encoding"), Some("base64"));
    let certs = certs_of(&answer);
    assert_eq!(certs.len(), 1);
    let (_, issued) = X509Certificate::from_der(&certs[0]).unwrap();
    let (_, old) = X509Certificate::from_der(&f.identity.0).unwrap();
    let (_, ca) = X509Certificate::from_der(f.ca.cert_der()).unwrap();
    assert_eq!(issued.subject().as_raw(), old.subject().as_raw());
    assert_eq!(issued.public_key().raw, new_key.subject_public_key_info());
    issued.verify_signature(Some(ca.public_key())).unwrap();
    let minutes = (issued.validity().not_after.to_datetime()
        - issued.validity().not_before.to_datetime())
    .whole_minutes();
    assert_eq!(minutes, 365 * 24 * 60 + 1);
    assert!(issued.validity().is_valid());
    assert_eq!(f.server.issued_count(), 1);
}

#[tokio::test]
async fn tls12_and_dns_name_work() {
    let f = fixture(ServerOptions::default()).await;
    let config = client_config(&f.ca, Some(&f.identity), &[&TLS12]);
    let mut tls = connect(f.server.addr(), config, "localhost").await.unwrap();
    assert_eq!(
        tls.get_ref().1.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    let answer = exchange(&mut tls, "GET", "/.well-known/est/cacerts", None, b"")
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn client_without_certificate_is_refused() {
    let f = fixture(ServerOptions::default()).await;
    // TLS 1.2: the server refuses during the handshake itself.
    let config = client_config(&f.ca, None, &[&TLS12]);
    assert!(connect(f.server.addr(), config, "127.0.0.1").await.is_err());

    // TLS 1.3: the client's side of the handshake can complete before the server has
    // checked the (missing) certificate, so the refusal arrives as an alert on first read.
    let config = client_config(&f.ca, None, &[&TLS13]);
    let outcome = match connect(f.server.addr(), config, "127.0.0.1").await {
        Err(e) => Err(e),
        Ok(mut tls) => exchange(&mut tls, "GET", "/.well-known/est/cacerts", None, b"").await,
    };
    assert!(
        outcome.is_err(),
        "got an HTTP answer without a client certificate: {outcome:?}"
    );
}

#[tokio::test]
async fn client_certificate_from_another_ca_is_refused() {
    let f = fixture(ServerOptions::default()).await;
    let stranger = TestCa::generate("Stranger CA").unwrap();
    let foreign = client_identity(&stranger, &jp_subject());
    let config = client_config(&f.ca, Some(&foreign), &[&TLS13]);
    let outcome = match connect(f.server.addr(), config, "127.0.0.1").await {
        Err(e) => Err(e),
        Ok(mut tls) => exchange(&mut tls, "GET", "/.well-known/est/cacerts", None, b"").await,
    };
    assert!(outcome.is_err(), "{outcome:?}");
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let f = fixture(ServerOptions::default()).await;
    let addr = f.server.addr();
    f.server.shutdown();
    // The accept loop notices on its next poll; give it a moment.
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("still listening after shutdown");
}
