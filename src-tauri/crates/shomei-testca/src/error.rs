//! The crate's single error type: everything that can go wrong while creating or reloading
//! the CA, checking a certificate request, issuing, or starting the HTTPS server.

/// Errors of the test CA and its EST server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestCaError {
    /// The bytes are not a DER PKCS#10 certification request.
    #[error("not a DER PKCS#10 certification request: {0}")]
    CsrParse(String),
    /// The request's self-signature does not verify with the public key it carries.
    #[error("the certification request's signature does not verify")]
    CsrSignature,
    /// The request's public key is of a type this CA cannot put into a certificate.
    #[error("unsupported public key in the certification request: {0}")]
    UnsupportedKey(String),
    /// The request's subject cannot be reproduced byte for byte in the certificate.
    #[error("the subject cannot be copied into the certificate: {0}")]
    UnsupportedSubject(String),
    /// `not_after` lies before `not_before`.
    #[error("empty validity period: not_after is before not_before")]
    InvalidValidity,
    /// The saved CA certificate or key could not be loaded.
    #[error("cannot load the CA: {0}")]
    Load(String),
    /// rcgen failed to build or sign a certificate.
    #[error("certificate generation failed: {0}")]
    Rcgen(#[from] rcgen::Error),
    /// The TLS configuration was refused by rustls.
    #[error("TLS configuration failed: {0}")]
    Tls(#[from] rustls::Error),
    /// Binding the listening socket failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}
