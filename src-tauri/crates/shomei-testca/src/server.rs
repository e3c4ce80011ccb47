//! The HTTPS side: rustls configuration (client certificates from the CA required), the
//! listening socket on 127.0.0.1, the accept loop, HTTP/1.1 per connection, and shutdown.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::est::{self, Behaviour, Shared};
use crate::{CsrAttrs, HttpAuth, TestCa, TestCaError};

/// A client that connects and then says nothing is dropped after this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How an [`EstServer`] is set up.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Serve under `/.well-known/est/<label>/` instead of `/.well-known/est/`.
    pub label: Option<String>,
    /// Issued certificates are valid from one minute ago to this many days from now.
    pub validity_days: u32,
    /// How enrollments are answered at first; see [`EstServer::set_behaviour`].
    pub behaviour: Behaviour,
    /// Which TLS versions the server accepts.
    pub tls_versions: TlsVersions,
    /// After a CA rollover: issue with the new CA and publish it in `cacerts`, while
    /// clients still authenticate with certificates of the old one.
    pub rollover: Option<Rollover>,
    /// HTTP authentication every EST request needs after TLS (RFC 7030 §3.2.3).
    pub http_auth: Option<HttpAuth>,
    /// What `/csrattrs` answers (and `simplereenroll` enforces); see
    /// [`EstServer::set_csrattrs`].
    pub csrattrs: CsrAttrs,
}

/// The bank's CA has a successor (see [`TestCa::successor`]).
#[derive(Debug, Clone)]
pub struct Rollover {
    pub new_ca: Arc<TestCa>,
    /// The new CA certificate signed by the old CA ("NewWithOld").
    pub new_with_old: Vec<u8>,
}

/// The TLS versions an [`EstServer`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersions {
    /// TLS 1.3 and 1.2.
    #[default]
    Both,
    /// TLS 1.2 only.
    Tls12Only,
    /// TLS 1.3 only.
    Tls13Only,
}

static BOTH: [&rustls::SupportedProtocolVersion; 2] =
    [&rustls::version::TLS13, &rustls::version::TLS12];
static TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];

impl TlsVersions {
    fn versions(self) -> &'static [&'static rustls::SupportedProtocolVersion] {
        match self {
            TlsVersions::Both => &BOTH,
            TlsVersions::Tls12Only => &TLS12,
            TlsVersions::Tls13Only => &TLS13,
        }
    }
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            label: None,
            validity_days: 365,
            behaviour: Behaviour::Normal,
            tls_versions: TlsVersions::Both,
            rollover: None,
            http_auth: None,
            csrattrs: CsrAttrs::NotFound,
        }
    }
}

/// A running EST server. Stops when shut down or dropped.
pub struct EstServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    // Dropping the sender is the shutdown signal: every task holds a receiver.
    _shutdown: watch::Sender<()>,
}

impl std::fmt::Debug for EstServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EstServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl EstServer {
    /// Listens on 127.0.0.1 on a free port and serves on the current tokio runtime;
    /// returns once the socket is listening. The server's certificate is issued by `ca`
    /// for IP 127.0.0.1 and DNS localhost.
    pub async fn start(ca: Arc<TestCa>, options: ServerOptions) -> Result<EstServer, TestCaError> {
        Self::start_on(ca, options, 0).await
    }

    /// [`EstServer::start`] on a given port (0: any free port), for a demo that wants a
    /// stable address.
    pub async fn start_on(
        ca: Arc<TestCa>,
        options: ServerOptions,
        port: u16,
    ) -> Result<EstServer, TestCaError> {
        let acceptor = TlsAcceptor::from(Arc::new(tls_config(&ca, options.tls_versions)?));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            ca,
            rollover: options.rollover,
            label: options.label,
            validity_days: options.validity_days,
            behaviour: Mutex::new(options.behaviour),
            issued: AtomicUsize::new(0),
            last_not_after: Mutex::new(0),
            requests: AtomicUsize::new(0),
            streamed: Arc::new(AtomicU64::new(0)),
            http_auth: options.http_auth,
            authorizations: AtomicUsize::new(0),
            csrattrs: Mutex::new(options.csrattrs),
        });
        let (shutdown, stopped) = watch::channel(());
        tokio::spawn(accept_loop(
            listener,
            acceptor,
            Arc::clone(&shared),
            stopped,
        ));
        Ok(EstServer {
            addr,
            shared,
            _shutdown: shutdown,
        })
    }

    /// `https://127.0.0.1:PORT`, without the EST path.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Changes how enrollments are answered, from the next request on.
    pub fn set_behaviour(&self, b: Behaviour) {
        *self
            .shared
            .behaviour
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = b;
    }

    /// Changes what `/csrattrs` answers and `simplereenroll` enforces, from the next
    /// request on.
    pub fn set_csrattrs(&self, csrattrs: CsrAttrs) {
        *self
            .shared
            .csrattrs
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = csrattrs;
    }

    /// Requests so far that carried an `Authorization` header (right or wrong):
    /// shows whether a client ever sent credentials unasked.
    pub fn authorization_count(&self) -> usize {
        self.shared.authorizations.load(Ordering::SeqCst)
    }

    /// Certificates issued through `simplereenroll` so far.
    pub fn issued_count(&self) -> usize {
        self.shared.issued.load(Ordering::SeqCst)
    }

    /// `simplereenroll` requests received so far, whatever they were answered.
    pub fn request_count(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Bytes of streamed answers ([`Behaviour::HugeBody`]) handed to connections so far:
    /// shows that a client hanging up stopped the stream.
    pub fn streamed_bytes(&self) -> u64 {
        self.shared.streamed.load(Ordering::SeqCst)
    }

    /// Stops accepting and closes open connections (dropping does the same).
    pub fn shutdown(self) {
        drop(self);
    }
}

/// TLS 1.2 and/or 1.3 with ring; a client certificate chaining to the CA is required.
fn tls_config(ca: &TestCa, versions: TlsVersions) -> Result<ServerConfig, TestCaError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from(ca.cert_der().to_vec()))?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| TestCaError::Tls(rustls::Error::General(e.to_string())))?;
    let (cert, key) = ca.issue_server_cert()?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions.versions())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<()>,
) {
    loop {
        tokio::select! {
            // Err once the EstServer is gone; nothing is ever sent.
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    let task = serve_connection(tcp, acceptor.clone(), Arc::clone(&shared), stopped.clone());
                    tokio::spawn(task);
                }
                Err(e) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    tracing::warn!("test CA accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
}

async fn serve_connection(
    tcp: TcpStream,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<()>,
) {
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::debug!("test CA TLS handshake failed: {e}");
            return;
        }
        Err(_) => return,
    };
    // The verifier has already checked the chain; the handler only needs the subject.
    let peer_cert: Option<Arc<[u8]>> = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|cert| Arc::from(cert.as_ref()));
    let service =
        service_fn(move |request| est::handle(Arc::clone(&shared), peer_cert.clone(), request));
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(tls), service);
    tokio::select! {
        result = connection => if let Err(e) = result {
            tracing::debug!("test CA connection ended with an error: {e}");
        },
        _ = stopped.changed() => {}
    }
}
