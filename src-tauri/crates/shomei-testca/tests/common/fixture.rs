//! A running `EstServer` with a client identity issued by its CA, and decoding of its
//! certs-only answers.

use std::sync::Arc;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};
use rcgen::KeyPair;
use rustls::version::{TLS12, TLS13};
use shomei_testca::{EstServer, ServerOptions, TestCa};

use super::{client_config, client_identity, connect, exchange, jp_subject, HttpResponse};

pub struct Fixture {
    pub ca: Arc<TestCa>,
    pub server: EstServer,
    pub identity: (Vec<u8>, KeyPair),
}

pub async fn fixture(options: ServerOptions) -> Fixture {
    let ca = Arc::new(TestCa::generate("Shomei Test CA").unwrap());
    let server = EstServer::start(Arc::clone(&ca), options).await.unwrap();
    let identity = client_identity(&ca, &jp_subject());
    Fixture {
        ca,
        server,
        identity,
    }
}

impl Fixture {
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> HttpResponse {
        let config = client_config(&self.ca, Some(&self.identity), &[&TLS13, &TLS12]);
        let mut tls = connect(self.server.addr(), config, "127.0.0.1")
            .await
            .unwrap();
        exchange(&mut tls, method, path, content_type, body)
            .await
            .unwrap()
    }

    pub async fn raw(&self, request: &[u8]) -> HttpResponse {
        let config = client_config(&self.ca, Some(&self.identity), &[&TLS13, &TLS12]);
        let mut tls = connect(self.server.addr(), config, "127.0.0.1")
            .await
            .unwrap();
        super::exchange_raw(&mut tls, request).await.unwrap()
    }

    pub async fn reenroll(&self, csr_der: &[u8]) -> HttpResponse {
        let body = super::base64_lines(csr_der);
        self.request(
            "POST",
            "/.well-known/est/simplereenroll",
            Some("application/pkcs10"),
            body.as_bytes(),
        )
        .await
    }
}

/// The certificates of a base64 certs-only answer.
pub fn certs_of(answer: &HttpResponse) -> Vec<Vec<u8>> {
    assert!(answer.body.ends_with(b"\n"), "final newline");
    assert!(answer
        .body
        .split(|b| *b == b'\n')
        .all(|line| line.len() <= 64));
    let info = ContentInfo::from_der(&answer.base64_body()).unwrap();
    let signed: SignedData = info.content.decode_as().unwrap();
    signed
        .certificates
        .unwrap()
        .0
        .iter()
        .map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c) => c.to_der().unwrap(),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}
