//! Whether the bank can be reached, before a renewal (電子証明書更新前処理中): a
//! `GET /cacerts` (RFC 7030 §4.1) without a client certificate, through the same
//! proxy and the same pinned CA as the renewal. Nothing secret is sent and no key
//! is used, so it needs no PIN.
//!
//! A bank whose server demands a client certificate in the TLS handshake refuses
//! such a request; what counts is that the server proved to be the bank first: its
//! certificate chains to the pinned CA (and names the host) and it signed the
//! handshake with that certificate's key. [`ProvingVerifier`] notes that proof;
//! it is otherwise exactly the pinned-CA verifier every request uses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::client::EstClient;
use crate::error::Result;
use crate::transport::unreachable;

/// How the bank answered a [`EstClient::reach`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// An HTTP answer (any status: the server spoke after a handshake that proved it).
    Answered(u16),
    /// The server proved to be the bank, then refused to go on without a client
    /// certificate (as banks may, before any EST request).
    CertificateRequired,
}

impl EstClient {
    /// Ask the bank's EST service for its CA certificates, without a client
    /// certificate. `Ok` when the server proved to be the bank (pinned CA, and the
    /// handshake signed with its key), whatever it answered then;
    /// `EstError::ServerNotTrusted` when a server that is not the bank's answered (a
    /// TLS-inspecting proxy); `NotSent` / `Unreachable` when it could not be reached
    /// within the client's limits. Use a client made without an identity.
    pub async fn reach(&self) -> Result<Reached> {
        self.verifier.proved.store(false, Ordering::SeqCst);
        let sent = self
            .bounded(async {
                self.http
                    .get(self.url("cacerts"))
                    .send()
                    .await
                    .map_err(unreachable)
            })
            .await;
        match sent {
            Ok(response) => Ok(Reached::Answered(response.status().as_u16())),
            Err(e) if self.verifier.proved.load(Ordering::SeqCst) => {
                tracing::debug!(error = %e, "the bank proved itself, then wanted a client certificate");
                Ok(Reached::CertificateRequired)
            }
            Err(e) => Err(e),
        }
    }
}

/// The pinned-CA verifier, noting when a server has proved to be the bank.
#[derive(Debug)]
pub(crate) struct ProvingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    /// The certificate verified, and then the handshake signature with its key.
    proved: AtomicBool,
    certified: AtomicBool,
}

impl ProvingVerifier {
    pub(crate) fn new(inner: Arc<WebPkiServerVerifier>) -> Self {
        ProvingVerifier {
            inner,
            proved: AtomicBool::new(false),
            certified: AtomicBool::new(false),
        }
    }

    fn signed(&self, valid: &std::result::Result<HandshakeSignatureValid, rustls::Error>) {
        if valid.is_ok() && self.certified.load(Ordering::SeqCst) {
            self.proved.store(true, Ordering::SeqCst);
        }
    }
}

impl ServerCertVerifier for ProvingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        self.certified.store(verified.is_ok(), Ordering::SeqCst);
        verified
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        let valid = self.inner.verify_tls12_signature(message, cert, dss);
        self.signed(&valid);
        valid
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        let valid = self.inner.verify_tls13_signature(message, cert, dss);
        self.signed(&valid);
        valid
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
