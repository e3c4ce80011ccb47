//! A 202 "pending" without Content-Length, its end marked by closing the connection
//! (as HTTP/1.0-style servers and some appliances answer): still pending, with its
//! Retry-After. The test CA (hyper) never answers that way, so a bare rustls server
//! on 127.0.0.1 does, with the test CA's server certificate.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use shomei_est::{build_csr, Enrollment, EstClient, EstEndpoint};
use shomei_testca::TestCa;

use crate::misbehaviour_common::{current_certificate, roots, SoftKey};

const ANSWER: &[u8] = b"HTTP/1.1 202 Accepted\r\nRetry-After: 7\r\n\
Content-Type: text/plain\r\nConnection: close\r\n\r\nYour request is pending.\n";

/// Serves one connection: reads the request head and body, answers ANSWER, then
/// closes with (`close_notify`) or without a TLS close_notify.
fn one_shot_server(ca: &TestCa, close_notify: bool) -> String {
    let (cert, key) = ca.issue_server_cert().unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert)],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Until the head and the body Content-Length announces are in.
        loop {
            let n = tls.read(&mut buf).unwrap();
            assert!(n > 0, "client hung up early");
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).to_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if request.len() >= end + 4 + length {
                    break;
                }
            }
        }
        tls.write_all(ANSWER).unwrap();
        if close_notify {
            tls.conn.send_close_notify();
        }
        tls.flush().unwrap();
        // Dropping the stream closes the TCP connection.
    });
    url
}

async fn pending_from(close_notify: bool) -> Enrollment {
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let url = one_shot_server(&ca, close_notify);
    let key = SoftKey::generate();
    let current = current_certificate(&ca, &key);
    let client = EstClient::new(
        EstEndpoint {
            base_url: url,
            label: None,
            pinned_roots: roots(&ca),
        },
        None,
    )
    .unwrap();
    let csr = build_csr(&current, &SoftKey::generate()).unwrap();
    client.simple_reenroll(&csr).await.unwrap()
}

#[tokio::test]
async fn a_pending_answer_ended_by_close_notify_is_pending() {
    match pending_from(true).await {
        Enrollment::Pending { retry_after } => assert_eq!(retry_after, Duration::from_secs(7)),
        other => panic!("expected pending, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pending_answer_ended_by_closing_tcp_is_pending() {
    match pending_from(false).await {
        Enrollment::Pending { retry_after } => assert_eq!(retry_after, Duration::from_secs(7)),
        other => panic!("expected pending, got {other:?}"),
    }
}
