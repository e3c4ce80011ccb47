//! Helpers shared by the integration tests: client keys and requests made with rcgen, a
//! TLS client (tokio-rustls) and a minimal HTTP/1.1 exchange over it.
#![allow(dead_code)] // each test binary uses a different subset

pub mod fixture;

use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};
use shomei_testca::TestCa;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

pub const JP_CN: &str = "株式会社デモ商事";
pub const JP_O: &str = "デモ商事 経理部";

pub fn jp_subject() -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "JP");
    dn.push(DnType::OrganizationName, JP_O);
    dn.push(DnType::CommonName, JP_CN);
    dn
}

pub fn p256_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
}

/// A DER PKCS#10 request for `subject`, signed by `key`.
pub fn csr(subject: &DistinguishedName, key: &KeyPair) -> Vec<u8> {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject.clone();
    params.serialize_request(key).unwrap().der().to_vec()
}

/// A client certificate from the CA for `subject`, with its key.
pub fn client_identity(ca: &TestCa, subject: &DistinguishedName) -> (Vec<u8>, KeyPair) {
    let key = p256_key();
    let now = time::OffsetDateTime::now_utc();
    let cert = ca
        .issue_from_csr(
            &csr(subject, &key),
            now - time::Duration::minutes(5),
            now + time::Duration::days(30),
        )
        .unwrap();
    (cert, key)
}

pub fn client_config(
    ca: &TestCa,
    identity: Option<&(Vec<u8>, KeyPair)>,
    versions: &[&'static SupportedProtocolVersion],
) -> ClientConfig {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca.cert_der().to_vec()))
        .unwrap();
    let builder =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(roots);
    match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(cert.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    }
}

pub async fn connect(
    addr: SocketAddr,
    config: ClientConfig,
    server_name: &str,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(server_name.to_string()).unwrap();
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as a base64 EST answer, decoded.
    pub fn base64_body(&self) -> Vec<u8> {
        let compact: Vec<u8> = self
            .body
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .unwrap()
    }
}

/// Sends one request with `Connection: close` and reads the whole answer.
pub async fn exchange(
    tls: &mut TlsStream<TcpStream>,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> std::io::Result<HttpResponse> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    exchange_raw(tls, &[head.as_bytes(), body].concat()).await
}

/// Sends `raw` as the request (it should ask for `Connection: close`) and reads the answer.
pub async fn exchange_raw(
    tls: &mut TlsStream<TcpStream>,
    raw: &[u8],
) -> std::io::Result<HttpResponse> {
    tls.write_all(raw).await?;
    tls.flush().await?;

    let mut raw = Vec::new();
    tls.read_to_end(&mut raw).await?;
    parse_response(&raw)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP answer"))
}

fn parse_response(raw: &[u8]) -> Option<HttpResponse> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if let Some(len) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body.truncate(len);
    }
    Some(HttpResponse {
        status,
        headers,
        body,
    })
}

pub fn base64_lines(der: &[u8]) -> String {
    let flat = base64::engine::general_purpose::STANDARD.encode(der);
    flat.as_bytes()
        .chunks(64)
        .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
        .collect()
}
