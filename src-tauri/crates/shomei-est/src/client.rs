//! The EST client (RFC 7030 §4.1 cacerts, §4.2.2 simplereenroll, §4.5 csrattrs)
//! on reqwest and rustls (ring provider).
//!
//! The server is verified against the CA pinned in the bank profile and nothing
//! else; TLS client authentication signs with the CURRENT identity's key through
//! the store, so renewal works the same with a token, NSS, CNG or the Keychain.
//! Redirects are refused (a redirect could lead to plain HTTP or another host).
//! A 401 is answered once with the configured user name and password (RFC 7030
//! §3.2.3, `http_auth.rs`), never sent before the server asks for them.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::ResolvesClientCert;
use rustls::client::WebPkiServerVerifier;
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, RootCertStore, SignatureScheme};
use rustls_pki_types::CertificateDer;
use shomei_store::signer::TlsSigningKey;
use shomei_store::KeyHandle;

use secrecy::ExposeSecret;

use crate::csrattrs::{self, CsrRequirements};
use crate::desktop_proxy::ProxyEnvironment;
use crate::error::{EstError, Result};
use crate::http_auth::{send_answering_401, HttpCredentials};
use crate::pkcs7::{encode_base64_wrapped, parse_certs_only};
use crate::reach::ProvingVerifier;
use crate::transport::{http_error, location, read_limited};

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
    pub(crate) http: reqwest::Client,
    endpoint: EstEndpoint,
    timeout: Duration,
    credentials: Option<HttpCredentials>,
    /// Set once a server proved to be the bank in a handshake (`reach`).
    pub(crate) verifier: Arc<ProvingVerifier>,
}

/// How to reach the bank through a corporate network. A proxy password never
/// shows in `Debug` (`EstOptions` and the bank profile print this) and cannot be
/// serialized ([`ProxyAddress`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyChoice {
    /// `HTTPS_PROXY`/`ALL_PROXY` and `NO_PROXY` from the environment, and the OS's
    /// proxy settings on Windows and macOS (reqwest's system proxy); on Linux, when
    /// the environment names no https proxy, the desktop's manual proxy setting
    /// (GNOME or KDE, see `desktop_proxy/`).
    #[default]
    System,
    /// This proxy for every request, `http://[user:password@]host:port`; a password
    /// in the URL answers a proxy that asks for one (407).
    Url(crate::ProxyAddress),
    /// No proxy, whatever the environment says.
    Direct,
}

/// Limits of one exchange with the bank, and the way there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstOptions {
    /// The longest one request may take, from connecting to the last byte of the
    /// answer: a server that sends its answer a few bytes a second is given up on
    /// after this long. Default 60 s.
    pub timeout: Duration,
    /// The longest connecting (TCP, proxy) may take. Default 15 s.
    pub connect_timeout: Duration,
    pub proxy: ProxyChoice,
    /// The user name and password to answer a 401 with (RFC 7030 §3.2.3), for
    /// banks that want them on top of the client certificate. Default none.
    pub credentials: Option<HttpCredentials>,
}

impl Default for EstOptions {
    fn default() -> Self {
        EstOptions {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            proxy: ProxyChoice::System,
            credentials: None,
        }
    }
}

/// When a 202 carries no usable Retry-After.
const DEFAULT_RETRY: Duration = Duration::from_secs(60);

impl EstClient {
    /// A client with the default [`EstOptions`].
    pub fn new(endpoint: EstEndpoint, identity: Option<ClientIdentity>) -> Result<Self> {
        Self::with_options(endpoint, identity, EstOptions::default())
    }

    pub fn with_options(
        endpoint: EstEndpoint,
        identity: Option<ClientIdentity>,
        options: EstOptions,
    ) -> Result<Self> {
        Self::with_options_in(
            endpoint,
            identity,
            options,
            &ProxyEnvironment::from_process(),
        )
    }

    /// [`EstClient::with_options`], the desktop's proxy setting looked up in `env`
    /// instead of this process's environment (for [`ProxyChoice::System`] on Linux;
    /// tests give their own so they never change the process's).
    pub fn with_options_in(
        endpoint: EstEndpoint,
        identity: Option<ClientIdentity>,
        options: EstOptions,
        env: &ProxyEnvironment,
    ) -> Result<Self> {
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
        // The pinned roots and nothing else, as `with_root_certificates` would; the
        // wrapper only notes that a server proved to be the bank (`reach`).
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| EstError::Config(format!("pinned CA: {e}")))?;
        let verifier = Arc::new(ProvingVerifier::new(webpki));
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| EstError::Config(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone());
        let tls = match identity {
            Some(id) => builder.with_client_cert_resolver(Arc::new(OneIdentity(Arc::new(
                CertifiedKey::new(id.chain, Arc::new(TlsSigningKey::new(id.key))),
            )))),
            None => builder.with_no_client_auth(),
        };
        let builder = match &options.proxy {
            // reqwest's own system proxy unless the desktop names one (Linux).
            ProxyChoice::System => match crate::desktop_proxy::system_proxy(env) {
                Some(desktop) => reqwest::Client::builder().proxy(desktop),
                None => reqwest::Client::builder(),
            },
            ProxyChoice::Direct => reqwest::Client::builder().no_proxy(),
            ProxyChoice::Url(address) => reqwest::Client::builder().proxy(
                reqwest::Proxy::all(address.url().expose_secret())
                    .map_err(|e| EstError::Config(format!("proxy {address}: {e}")))?,
            ),
        };
        let http = builder
            .tls_backend_preconfigured(tls)
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .read_timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("Shomei/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| EstError::Config(e.to_string()))?;
        Ok(EstClient {
            http,
            endpoint,
            timeout: options.timeout,
            credentials: options.credentials,
            verifier,
        })
    }

    pub(crate) fn url(&self, operation: &str) -> String {
        let base = self.endpoint.base_url.trim_end_matches('/');
        match &self.endpoint.label {
            Some(label) => format!("{base}/.well-known/est/{label}/{operation}"),
            None => format!("{base}/.well-known/est/{operation}"),
        }
    }

    /// The CA certificates the bank publishes (RFC 7030 §4.1).
    pub async fn cacerts(&self) -> Result<Vec<Vec<u8>>> {
        self.bounded(async {
            let response = self.send(|| self.http.get(self.url("cacerts"))).await?;
            let status = response.status().as_u16();
            let location = location(&response);
            let body = read_limited(response).await?;
            if status != 200 {
                return Err(http_error(status, location.as_deref(), &body));
            }
            parse_certs_only(&body)
        })
        .await
    }

    /// Send a DER PKCS#10 re-enrollment request (RFC 7030 §4.2.2).
    pub async fn simple_reenroll(&self, csr_der: &[u8]) -> Result<Enrollment> {
        let body = encode_base64_wrapped(csr_der);
        self.bounded(async {
            let response = self
                .send(|| {
                    self.http
                        .post(self.url("simplereenroll"))
                        .header("Content-Type", "application/pkcs10")
                        .header("Content-Transfer-Encoding", "base64")
                        .body(body.clone())
                })
                .await?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            if status == 202 {
                // Its body says nothing we use, and is not read: a server that ends it
                // by closing TCP without TLS close_notify makes reading it fail.
                return Ok(Enrollment::Pending {
                    retry_after: retry_after
                        .and_then(|v| crate::retry_after::parse(&v, std::time::SystemTime::now()))
                        .unwrap_or(DEFAULT_RETRY),
                });
            }
            let location = location(&response);
            let body = read_limited(response).await?;
            match status {
                200 => Ok(Enrollment::Issued(parse_certs_only(&body)?)),
                other => Err(http_error(other, location.as_deref(), &body)),
            }
        })
        .await
    }

    /// What the bank's CA wants in a request (RFC 7030 §4.5): 404, 501, 204 and an
    /// empty body mean nothing in particular. Ask before generating the key, and
    /// decide with [`CsrRequirements::honour`].
    pub async fn csr_attributes(&self) -> Result<CsrRequirements> {
        self.bounded(async {
            let response = self.send(|| self.http.get(self.url("csrattrs"))).await?;
            let status = response.status().as_u16();
            if matches!(status, 204 | 404 | 501) {
                return Ok(CsrRequirements::none());
            }
            let location = location(&response);
            let body = read_limited(response).await?;
            match status {
                200 => csrattrs::parse(&body),
                other => Err(http_error(other, location.as_deref(), &body)),
            }
        })
        .await
    }

    /// Sends the request `build` makes, answering a 401 once with the credentials.
    async fn send(&self, build: impl Fn() -> reqwest::RequestBuilder) -> Result<reqwest::Response> {
        send_answering_401(build, self.credentials.as_ref()).await
    }

    /// Runs one exchange under the overall deadline, whatever reqwest's own timeouts
    /// cover: a server dripping its answer must not hold the renewal forever.
    pub(crate) async fn bounded<T>(
        &self,
        exchange: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(EstError::Unreachable(format!(
                "timed out: no complete answer within {} s",
                self.timeout.as_secs_f32()
            ))),
        }
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
