//! The EST client (RFC 7030 §4.1 cacerts, §4.2.2 simplereenroll) on reqwest and
//! rustls (ring provider).
//!
//! The server is verified against the CA pinned in the bank profile and nothing
//! else; TLS client authentication signs with the CURRENT identity's key through
//! the store, so renewal works the same with a token, NSS, CNG or the Keychain.
//! Redirects are refused (a redirect could lead to plain HTTP or another host).

use std::sync::Arc;
use std::time::Duration;

use rustls::client::ResolvesClientCert;
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, RootCertStore, SignatureScheme};
use rustls_pki_types::CertificateDer;
use shomei_store::signer::TlsSigningKey;
use shomei_store::KeyHandle;

use crate::error::{EstError, Result};
use crate::pkcs7::{encode_base64_wrapped, parse_certs_only, MAX_ANSWER_BYTES};

/// Where the bank's EST service is and which CA it must prove itself with.
#[derive(Debug, Clone)]
pub struct EstEndpoint {
    /// `https://host[:port]` (path prefix allowed); `/.well-known/est` is appended.
    pub base_url: String,
    /// Optional CA label (RFC 7030 §3.2.2): `/.well-known/est/<label>/…`.
    pub label: Option<String>,
    pub pinned_roots: Vec<CertificateDer<'static>>,
}

/// The identity that authenticates the TLS connection.
#[derive(Debug, Clone)]
pub struct ClientIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Arc<dyn KeyHandle>,
}

/// What `simplereenroll` answered.
#[derive(Debug)]
pub enum Enrollment {
    /// The certificates of the certs-only answer (not yet checked).
    Issued(Vec<Vec<u8>>),
    /// HTTP 202: come back after this long.
    Pending { retry_after: Duration },
}

pub struct EstClient {
    http: reqwest::Client,
    endpoint: EstEndpoint,
}

const TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// When a 202 carries no usable Retry-After.
const DEFAULT_RETRY: Duration = Duration::from_secs(60);

impl EstClient {
    pub fn new(endpoint: EstEndpoint, identity: Option<ClientIdentity>) -> Result<Self> {
        let url = endpoint.base_url.trim_end_matches('/');
        if !url.starts_with("https://") {
            return Err(EstError::Config(format!(
                "EST base URL must be https: {url}"
            )));
        }
        let mut roots = RootCertStore::empty();
        for root in &endpoint.pinned_roots {
            roots
                .add(root.clone())
                .map_err(|e| EstError::Config(format!("pinned CA: {e}")))?;
        }
        if roots.is_empty() {
            return Err(EstError::Config("no pinned CA for the bank".into()));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| EstError::Config(e.to_string()))?
            .with_root_certificates(roots);
        let tls = match identity {
            Some(id) => builder.with_client_cert_resolver(Arc::new(OneIdentity(Arc::new(
                CertifiedKey::new(id.chain, Arc::new(TlsSigningKey::new(id.key))),
            )))),
            None => builder.with_no_client_auth(),
        };
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("Shomei/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| EstError::Config(e.to_string()))?;
        Ok(EstClient { http, endpoint })
    }

    fn url(&self, operation: &str) -> String {
        let base = self.endpoint.base_url.trim_end_matches('/');
        match &self.endpoint.label {
            Some(label) => format!("{base}/.well-known/est/{label}/{operation}"),
            None => format!("{base}/.well-known/est/{operation}"),
        }
    }

    /// The CA certificates the bank publishes (RFC 7030 §4.1).
    pub async fn cacerts(&self) -> Result<Vec<Vec<u8>>> {
        let response = self
            .http
            .get(self.url("cacerts"))
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let body = read_limited(response).await?;
        if status.as_u16() != 200 {
            return Err(http_error(status.as_u16(), &body));
        }
        parse_certs_only(&body)
    }

    /// Send a DER PKCS#10 re-enrollment request (RFC 7030 §4.2.2).
    pub async fn simple_reenroll(&self, csr_der: &[u8]) -> Result<Enrollment> {
        let response = self
            .http
            .post(self.url("simplereenroll"))
            .header("Content-Type", "application/pkcs10")
            .header("Content-Transfer-Encoding", "base64")
            .body(encode_base64_wrapped(csr_der))
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = read_limited(response).await?;
        match status {
            200 => Ok(Enrollment::Issued(parse_certs_only(&body)?)),
            202 => Ok(Enrollment::Pending {
                retry_after: retry_after
                    .and_then(|v| crate::retry_after::parse(&v, std::time::SystemTime::now()))
                    .unwrap_or(DEFAULT_RETRY),
            }),
            other => Err(http_error(other, &body)),
        }
    }
}

/// Read at most MAX_ANSWER_BYTES, refusing more without buffering it.
async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(EstError::Malformed(format!(
            "answer larger than {MAX_ANSWER_BYTES} bytes"
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(EstError::Malformed(format!(
                "answer larger than {MAX_ANSWER_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn unreachable(e: reqwest::Error) -> EstError {
    // The full source chain says whether it was DNS, TCP, TLS or the pinned CA.
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    EstError::Unreachable(text)
}

fn http_error(status: u16, body: &[u8]) -> EstError {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    EstError::Http {
        status,
        body: text.trim().to_owned(),
    }
}

/// rustls asks for a client certificate per handshake; we always have one.
#[derive(Debug)]
struct OneIdentity(Arc<CertifiedKey>);

impl ResolvesClientCert for OneIdentity {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        // Offer the certificate only if our key can sign one of the server's schemes.
        self.0.key.choose_scheme(sigschemes).map(|_| self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}
