//! Corporate networks: the EST client through a real HTTP CONNECT proxy on
//! 127.0.0.1 (written here: Debian's squid would need a service), a proxy that
//! wants a password, and a TLS-inspecting proxy whose certificate is not the bank's.

mod connect_proxy;
mod misbehaviour_common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use connect_proxy::proxy;
use misbehaviour_common::{bank_with, Bank};
use shomei_est::{EstError, EstOptions, ProxyAddress, ProxyChoice, ProxyUrlError};
use shomei_testca::{EstServer, ServerOptions, TestCa};

async fn bank_via(url: String) -> Bank {
    bank_with(
        ServerOptions::default(),
        EstOptions {
            proxy: ProxyChoice::Url(ProxyAddress::parse_url(&url).expect("a proxy URL")),
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

/// What one test logs, at every level (the test's runtime runs on its thread).
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_proxy_password_is_sent_and_never_shown() {
    let log = Captured::default();
    let writer = log.clone();
    let _logging = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    let p = proxy(Some("s3cret-pw"), None).await;
    let refused = bank_via(format!("http://{}", p.addr)).await.renew().await;
    match refused {
        // The proxy refused the tunnel: nothing reached the bank.
        Err(EstError::NotSent(why)) => {
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
    // Nor into anything logged on the way, at trace level (reqwest, hyper, rustls, ours).
    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains("TRACE") || logged.contains("DEBUG"),
        "{logged}"
    );
    for password in ["s3cret-pw", "wrong-pw"] {
        assert!(!logged.contains(password), "{password} logged:\n{logged}");
    }
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

#[test]
fn an_unusable_proxy_url_never_reaches_the_client() {
    // The client takes only a checked address: what reqwest could not use is
    // refused where it is read (the bank profile), with its password redacted.
    assert_eq!(
        ProxyAddress::parse_url("::not a url::"),
        Err(ProxyUrlError::NotHttp)
    );
}
