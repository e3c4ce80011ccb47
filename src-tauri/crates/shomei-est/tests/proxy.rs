//! Corporate networks: the EST client through a real HTTP CONNECT proxy on
//! 127.0.0.1 (written here: Debian's squid would need a service), a proxy that
//! wants a password, and a TLS-inspecting proxy whose certificate is not the bank's.

mod misbehaviour_common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine;
use misbehaviour_common::{bank_with, Bank};
use shomei_est::{EstError, EstOptions, ProxyChoice};
use shomei_testca::{EstServer, ServerOptions, TestCa};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CONNECT proxy. `password`: require `Proxy-Authorization: Basic user:password`.
/// `divert`: tunnel every CONNECT there instead (a TLS-inspecting box stands in
/// for the bank with its own certificate).
struct Proxy {
    addr: SocketAddr,
    tunnels: Arc<AtomicUsize>,
}

async fn proxy(password: Option<&'static str>, divert: Option<SocketAddr>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .unwrap_or_default()
                    .to_owned();
                if let Some(password) = password {
                    let expected = base64::engine::general_purpose::STANDARD
                        .encode(format!("shomei:{password}"));
                    let authorized = head.lines().any(|l| {
                        l.to_ascii_lowercase().starts_with("proxy-authorization:")
                            && l.ends_with(&format!("Basic {expected}"))
                    });
                    if !authorized {
                        let _ = client
                            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n")
                            .await;
                        return;
                    }
                }
                let upstream = match divert {
                    Some(addr) => TcpStream::connect(addr).await,
                    None => TcpStream::connect(&target).await,
                };
                let Ok(mut upstream) = upstream else { return };
                count.fetch_add(1, Ordering::SeqCst);
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    Proxy { addr, tunnels }
}

async fn bank_via(url: String) -> Bank {
    bank_with(
        ServerOptions::default(),
        EstOptions {
            proxy: ProxyChoice::Url(url),
            ..EstOptions::default()
        },
    )
    .await
}

#[tokio::test]
async fn renewal_goes_through_a_connect_proxy() {
    let p = proxy(None, None).await;
    let bank = bank_via(format!("http://{}", p.addr)).await;
    bank.renew().await.expect("renewed through the proxy");
    assert!(
        p.tunnels.load(Ordering::SeqCst) >= 1,
        "the request used the proxy"
    );
}

#[tokio::test]
async fn a_proxy_password_is_sent_and_never_shown() {
    let p = proxy(Some("s3cret-pw"), None).await;
    let refused = bank_via(format!("http://{}", p.addr)).await.renew().await;
    match refused {
        Err(EstError::Unreachable(why)) => {
            assert!(
                why.contains("407") || why.to_lowercase().contains("proxy"),
                "{why}"
            )
        }
        other => panic!("expected the proxy to refuse without a password: {other:?}"),
    }
    assert_eq!(p.tunnels.load(Ordering::SeqCst), 0);

    let bank = bank_via(format!("http://shomei:s3cret-pw@{}", p.addr)).await;
    bank.renew().await.expect("renewed with the proxy password");
    assert_eq!(p.tunnels.load(Ordering::SeqCst), 1);

    let wrong = bank_via(format!("http://shomei:wrong-pw@{}", p.addr))
        .await
        .renew()
        .await;
    let text = format!("{wrong:?}");
    assert!(wrong.is_err());
    assert!(
        !text.contains("wrong-pw"),
        "the proxy password leaked into: {text}"
    );
}

#[tokio::test]
async fn a_tls_inspecting_proxy_is_named_not_just_unreachable() {
    // The "proxy" answers the CONNECT but tunnels to its own TLS server, whose
    // certificate comes from the proxy's CA, not the bank's pinned one.
    let interceptor = EstServer::start(
        Arc::new(TestCa::generate("Corporate Inspection CA").unwrap()),
        ServerOptions::default(),
    )
    .await
    .unwrap();
    let p = proxy(None, Some(interceptor.addr())).await;
    let bank = bank_via(format!("http://{}", p.addr)).await;
    match bank.renew().await {
        Err(EstError::ServerNotTrusted(why)) => {
            assert!(why.to_lowercase().contains("certificate"), "{why}")
        }
        other => panic!("expected ServerNotTrusted, got {other:?}"),
    }
    assert_eq!(
        bank.server.issued_count(),
        0,
        "the bank never saw the request"
    );
}

#[tokio::test]
async fn an_unusable_proxy_url_is_a_configuration_error() {
    let ca = TestCa::generate("Bank CA").unwrap();
    let client = shomei_est::EstClient::with_options(
        shomei_est::EstEndpoint {
            base_url: "https://127.0.0.1:1".into(),
            label: None,
            pinned_roots: misbehaviour_common::roots(&ca),
        },
        None,
        EstOptions {
            proxy: ProxyChoice::Url("::not a url::".into()),
            ..EstOptions::default()
        },
    );
    assert!(matches!(client, Err(EstError::Config(_))));
}
