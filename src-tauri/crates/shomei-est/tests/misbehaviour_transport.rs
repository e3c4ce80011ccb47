//! The test CA answers in ways that must stop the client before anything is parsed or
//! accepted: a 50 MB body, a slow drip, a redirect, garbage base64, HTTP errors.

mod misbehaviour_common;

use std::time::{Duration, Instant};

use misbehaviour_common::{bank, bank_with, http, malformed, unreachable, SHORT};
use shomei_est::EstOptions;
use shomei_testca::{Behaviour, ServerOptions};

const FIFTY_MB: u64 = 50 * 1000 * 1000;

#[tokio::test]
async fn a_streamed_50_mb_body_is_cut_off_at_the_limit() {
    let bank = bank(Behaviour::HugeBody {
        bytes: FIFTY_MB,
        declare_length: false,
    })
    .await;
    let why = malformed(bank.renew().await);
    assert!(why.contains("larger than"), "{why}");
    // The client hung up: the server stopped long before 50 MB (the limit is 1 MiB; the
    // rest is what socket buffers held).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let streamed = bank.server.streamed_bytes();
    assert!(
        streamed < 16 * 1024 * 1024,
        "server streamed {streamed} bytes"
    );
    assert_eq!(bank.server.issued_count(), 0);
}

#[tokio::test]
async fn a_declared_50_mb_body_is_refused_before_reading() {
    let bank = bank(Behaviour::HugeBody {
        bytes: FIFTY_MB,
        declare_length: true,
    })
    .await;
    let why = malformed(bank.renew().await);
    assert!(why.contains("larger than"), "{why}");
}

#[tokio::test]
async fn a_slow_drip_is_given_up_on_within_the_timeout() {
    let bank = bank_with(
        ServerOptions {
            behaviour: Behaviour::SlowDrip {
                bytes_per_second: 8,
            },
            ..ServerOptions::default()
        },
        EstOptions {
            timeout: SHORT,
            ..EstOptions::default()
        },
    )
    .await;
    let started = Instant::now();
    let why = unreachable(bank.renew().await);
    let took = started.elapsed();
    assert!(why.contains("timed out"), "{why}");
    assert!(took >= SHORT - Duration::from_millis(100), "{took:?}");
    assert!(took < SHORT + Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_redirect_to_plain_http_is_not_followed() {
    let decoy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let location = format!(
        "http://{}/.well-known/est/simplereenroll",
        decoy.local_addr().unwrap()
    );
    let bank = bank(Behaviour::Redirect {
        location: location.clone(),
    })
    .await;
    let (status, why) = http(bank.renew().await);
    assert_eq!(status, 302);
    assert_eq!(why, format!("redirect to {location} refused"));
    // Nobody ever connected to the plain-http address.
    let connected = tokio::time::timeout(Duration::from_millis(200), decoy.accept()).await;
    assert!(connected.is_err(), "the client followed the redirect");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let location = "https://est.attacker.invalid/.well-known/est/simplereenroll";
    let bank = bank(Behaviour::Redirect {
        location: location.into(),
    })
    .await;
    let (status, why) = http(bank.renew().await);
    assert_eq!(status, 302);
    assert!(why.contains("est.attacker.invalid"), "{why}");
}

#[tokio::test]
async fn garbage_base64_is_malformed() {
    let bank = bank(Behaviour::GarbageBase64).await;
    let why = malformed(bank.renew().await);
    assert!(why.starts_with("base64"), "{why}");
}

#[tokio::test]
async fn http_500_and_503_are_http_errors() {
    let bank = bank(Behaviour::Fail { status: 500 }).await;
    let (status, body) = http(bank.renew().await);
    assert_eq!((status, body.as_str()), (500, "failure on demand"));
    bank.server.set_behaviour(Behaviour::Fail { status: 503 });
    assert_eq!(http(bank.renew().await).0, 503);
    assert_eq!(bank.server.issued_count(), 0);
}
