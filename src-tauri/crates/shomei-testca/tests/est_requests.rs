//! EST request handling through a real `EstServer`: refused requests, "pending" answers
//! and labelled paths.

mod common;

use common::fixture::{certs_of, fixture};
use common::{csr, jp_subject, p256_key};
use rcgen::{DistinguishedName, DnType};
use shomei_testca::{Behaviour, ServerOptions};
use x509_parser::prelude::{FromDer, X509Certificate};

#[tokio::test]
async fn bad_requests() {
    let f = fixture(ServerOptions::default()).await;
    let mut other = DistinguishedName::new();
    other.push(DnType::CommonName, "株式会社ほか");
    let answer = f.reenroll(&csr(&other, &p256_key())).await;
    assert_eq!(answer.status, 400, "another subject");

    let mut request = csr(&jp_subject(), &p256_key());
    let n = request.len() - 3;
    request[n] ^= 1;
    assert_eq!(f.reenroll(&request).await.status, 400, "bad signature");

    let path = "/.well-known/est/simplereenroll";
    let answer = f
        .request(
            "POST",
            path,
            Some("application/pkcs10"),
            b"%%% not base64 %%%",
        )
        .await;
    assert_eq!(answer.status, 400, "bad base64");
    let answer = f.request("POST", path, Some("text/plain"), b"AAAA").await;
    assert_eq!(answer.status, 415, "wrong content type");
    // Declared too large: refused from the headers alone (no body is sent, so the early
    // answer cannot race with an upload).
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/pkcs10\r\nContent-Length: 65537\r\n\r\n"
    );
    let answer = f.raw(head.as_bytes()).await;
    assert_eq!(answer.status, 413, "declared body over 64 KiB");
    // Chunked, no declared length: refused once the limit is crossed.
    let chunked = [
        format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
             Content-Type: application/pkcs10\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
            64 * 1024 + 1
        )
        .into_bytes(),
        vec![b'A'; 64 * 1024 + 1],
        b"\r\n0\r\n\r\n".to_vec(),
    ]
    .concat();
    assert_eq!(
        f.raw(&chunked).await.status,
        413,
        "chunked body over 64 KiB"
    );

    assert_eq!(
        f.request("GET", "/.well-known/est/csrattrs", None, b"")
            .await
            .status,
        404
    );
    assert_eq!(f.request("GET", "/", None, b"").await.status, 404);
    assert_eq!(f.request("GET", path, None, b"").await.status, 404);
    assert_eq!(f.server.issued_count(), 0);

    // Base64 without line breaks is accepted as well.
    let flat = common::base64_lines(&csr(&jp_subject(), &p256_key())).replace("\r\n", "");
    let answer = f
        .request("POST", path, Some("application/pkcs10"), flat.as_bytes())
        .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn pending_twice_then_issued() {
    let f = fixture(ServerOptions {
        behaviour: Behaviour::Pending {
            times: 2,
            retry_after_secs: 7,
        },
        ..ServerOptions::default()
    })
    .await;
    let request = csr(&jp_subject(), &p256_key());
    for _ in 0..2 {
        let answer = f.reenroll(&request).await;
        assert_eq!(answer.status, 202);
        assert_eq!(answer.header("retry-after"), Some("7"));
    }
    assert_eq!(f.server.issued_count(), 0);
    let answer = f.reenroll(&request).await;
    assert_eq!(answer.status, 200);
    assert_eq!(certs_of(&answer).len(), 1);

    f.server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 1,
    });
    assert_eq!(f.reenroll(&request).await.status, 202);
    f.server.set_behaviour(Behaviour::Normal);
    assert_eq!(f.reenroll(&request).await.status, 200);
    assert_eq!(f.server.issued_count(), 2);
}

#[tokio::test]
async fn label_paths() {
    let f = fixture(ServerOptions {
        label: Some("demobank".into()),
        validity_days: 30,
        ..ServerOptions::default()
    })
    .await;
    assert_eq!(
        f.request("GET", "/.well-known/est/demobank/cacerts", None, b"")
            .await
            .status,
        200
    );
    assert_eq!(
        f.request("GET", "/.well-known/est/cacerts", None, b"")
            .await
            .status,
        404
    );
    assert_eq!(
        f.request("GET", "/.well-known/est/other/cacerts", None, b"")
            .await
            .status,
        404
    );
    let body = common::base64_lines(&csr(&jp_subject(), &p256_key()));
    let answer = f
        .request(
            "POST",
            "/.well-known/est/demobank/simplereenroll",
            Some("application/pkcs10"),
            body.as_bytes(),
        )
        .await;
    assert_eq!(answer.status, 200);
    let cert = certs_of(&answer).remove(0);
    let (_, issued) = X509Certificate::from_der(&cert).unwrap();
    let v = issued.validity();
    assert_eq!(
        (v.not_after.to_datetime() - v.not_before.to_datetime()).whole_minutes(),
        30 * 24 * 60 + 1
    );
}
