//! What some bank CAs ask beyond a client certificate, as the test CA serves it: HTTP
//! Basic after TLS, `/csrattrs` answers, and enforcement of what it advertised.

mod common;

use base64::Engine as _;
use common::fixture::{fixture, Fixture};
use common::{jp_subject, p256_key};
use shomei_testca::{CsrAttrs, HttpAuth, Required, RequiredKey, ServerOptions};

const CACERTS: &str = "/.well-known/est/cacerts";
const CSRATTRS: &str = "/.well-known/est/csrattrs";

async fn get_with(f: &Fixture, path: &str, authorization: Option<&str>) -> common::HttpResponse {
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(value) = authorization {
        head.push_str(&format!("Authorization: {value}\r\n"));
    }
    head.push_str("\r\n");
    f.raw(head.as_bytes()).await
}

fn basic(user_password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_password)
    )
}

#[tokio::test]
async fn basic_auth_is_demanded_after_tls() {
    let auth = HttpAuth::Basic {
        user: "keiri01".into(),
        password: "s3cret-パス".into(),
    };
    let options = ServerOptions {
        http_auth: Some(auth),
        ..ServerOptions::default()
    };
    assert!(!format!("{options:?}").contains("s3cret"));
    let f = fixture(options).await;
    for wrong in [None, Some(basic("keiri01:wrong")), Some(basic("keiri01"))] {
        let answer = get_with(&f, CACERTS, wrong.as_deref()).await;
        assert_eq!(answer.status, 401, "{wrong:?}");
        assert_eq!(
            answer.header("www-authenticate"),
            Some(r#"Basic realm="Shomei Test CA", charset="UTF-8""#)
        );
    }
    let right = basic("keiri01:s3cret-パス");
    assert_eq!(get_with(&f, CACERTS, Some(&right)).await.status, 200);
    assert_eq!(get_with(&f, CSRATTRS, Some(&right)).await.status, 404);
    // Two wrong ones and two right ones carried the header.
    assert_eq!(f.server.authorization_count(), 4);
}

#[tokio::test]
async fn digest_only_answers_401_whatever_is_sent() {
    let f = fixture(ServerOptions {
        http_auth: Some(HttpAuth::DigestOnly),
        ..ServerOptions::default()
    })
    .await;
    let answer = get_with(&f, CACERTS, Some(&basic("a:b"))).await;
    assert_eq!(answer.status, 401);
    assert!(answer
        .header("www-authenticate")
        .unwrap()
        .starts_with("Digest realm="));
}

#[tokio::test]
async fn csrattrs_answers() {
    let f = fixture(ServerOptions::default()).await;
    assert_eq!(get_with(&f, CSRATTRS, None).await.status, 404);
    f.server.set_csrattrs(CsrAttrs::Status(501));
    let answer = get_with(&f, CSRATTRS, None).await;
    assert_eq!((answer.status, answer.body.len()), (501, 0));
    f.server
        .set_csrattrs(CsrAttrs::Raw(b"not base64 at all".to_vec()));
    assert_eq!(
        get_with(&f, CSRATTRS, None).await.body,
        b"not base64 at all"
    );

    f.server.set_csrattrs(CsrAttrs::Require(Required {
        key: Some(RequiredKey::Rsa { bits: 3072 }),
        challenge_password: Some("pw".into()),
    }));
    let answer = get_with(&f, CSRATTRS, None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/csrattrs"));
    // SEQUENCE { SEQUENCE { rsaEncryption, SET { INTEGER 3072 } },
    //            sha256WithRSAEncryption, challengePassword }: RFC 7030 §4.5.2's form.
    let expected: Vec<u8> = [
        &[0x30, 0x29][..],
        &[0x30, 0x11],
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
        ],
        &[0x31, 0x04, 0x02, 0x02, 0x0c, 0x00],
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
        ],
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07,
        ],
    ]
    .concat();
    assert_eq!(answer.base64_body(), expected);
}

/// A P-256 request for the fixture's subject, with a challengePassword if given.
fn request(challenge_password: Option<&str>) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = jp_subject();
    let attributes = challenge_password
        .map(|password| {
            let value = [&[0x0c, password.len() as u8][..], password.as_bytes()].concat();
            rcgen::Attribute {
                oid: &[1, 2, 840, 113549, 1, 9, 7],
                values: [&[0x31, value.len() as u8][..], &value].concat(),
            }
        })
        .into_iter()
        .collect();
    params
        .serialize_request_with_attributes(&p256_key(), attributes)
        .unwrap()
        .der()
        .to_vec()
}

#[tokio::test]
async fn what_is_advertised_is_enforced() {
    let f = fixture(ServerOptions {
        csrattrs: CsrAttrs::Require(Required {
            key: Some(RequiredKey::EcP256),
            challenge_password: Some("ワンタイム".into()),
        }),
        ..ServerOptions::default()
    })
    .await;
    let missing = f.reenroll(&request(None)).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body, b"the request carries no challengePassword\n");
    assert_eq!(f.reenroll(&request(Some("ちがう"))).await.status, 400);
    assert_eq!(f.reenroll(&request(Some("ワンタイム"))).await.status, 200);
    assert_eq!(f.server.issued_count(), 1);

    for key in [RequiredKey::Rsa { bits: 2048 }, RequiredKey::EcP384] {
        f.server.set_csrattrs(CsrAttrs::Require(Required {
            key: Some(key),
            challenge_password: None,
        }));
        let answer = f.reenroll(&request(None)).await;
        assert_eq!(answer.status, 400, "{key:?}");
        let why = String::from_utf8_lossy(&answer.body);
        assert!(why.contains("ECDSA on 1.2.840.10045.3.1.7"), "{why}");
    }
    assert_eq!(f.server.issued_count(), 1);
}
