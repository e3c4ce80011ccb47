//! EST errors, classified by what the user can do about them: the bank cannot be
//! reached (network, proxy, TLS), the bank said no (HTTP status), or the answer is
//! not what we asked for (hostile or malformed), the bank wants a password, or its
//! CA wants a request this client cannot make. None of them carries key material or
//! a password.

use crate::csrattrs::CsrRefusal;
use crate::http_auth::AuthProblem;

/// Why the conversation with the bank's CA failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EstError {
    /// The request may have reached the bank but no complete answer came back (the
    /// connection dropped, a timeout): the bank may still act on it.
    #[error("bank unreachable: {0}")]
    Unreachable(String),
    /// The connection could not be set up (name resolution, TCP, the proxy's
    /// CONNECT, the TLS handshake): the request never left this computer.
    #[error("bank unreachable, nothing was sent: {0}")]
    NotSent(String),
    /// The server's certificate does not chain to the bank's pinned CA: typically a
    /// TLS-inspecting corporate proxy, which also breaks client authentication.
    #[error("the bank's server is not trusted: {0}")]
    ServerNotTrusted(String),
    /// The server answered with an HTTP error status.
    #[error("bank answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    /// The server wants HTTP authentication on top of the client certificate (a
    /// 401, RFC 7030 §3.2.3) and it could not be given: `problem` says what the
    /// user can do. `offered`: the schemes the server named (`Basic`, `Digest`…).
    #[error("the bank asks for a user name and password ({}): {problem}", offered_text(.offered))]
    AuthRequired {
        offered: Vec<String>,
        problem: AuthProblem,
    },
    /// The bank's CA asks (`/csrattrs`) for a key or attributes this client cannot
    /// put in the request; nothing was generated or sent.
    #[error("{0}")]
    CannotHonour(CsrRefusal),
    /// The answer could not be parsed (base64, PKCS#7, certificate).
    #[error("malformed answer from the bank: {0}")]
    Malformed(String),
    /// The issued certificate is not the one we asked for; nothing may be installed.
    #[error("issued certificate rejected: {0}")]
    Rejected(Rejection),
    /// Building the request failed (signing the CSR through the store).
    #[error("could not build the request: {0}")]
    Request(String),
    /// The client was configured with something unusable (bad URL, bad pinned CA).
    #[error("invalid EST configuration: {0}")]
    Config(String),
}

/// Which acceptance rule the issued certificate broke (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    #[error("the answer holds no certificate")]
    Empty,
    #[error("its public key is not the new key")]
    WrongKey,
    #[error("its subject differs from the current certificate's")]
    WrongSubject,
    #[error("it does not chain to the bank's pinned CA: {0}")]
    Untrusted(String),
    /// Past its notAfter: expired.
    #[error("it is not valid now")]
    NotValidNow,
    /// Its validity starts later than this computer's clock allows (beyond the
    /// tolerated skew): the bank's clock is ahead, or this computer's is behind.
    /// Everything else about it was checked at its notBefore and is as required.
    #[error(
        "it is valid only from {not_before} (Unix time), later than this computer's clock allows"
    )]
    NotYetValid { not_before: i64 },
    /// It expires no later than the certificate it would replace.
    #[error("it expires ({issued_not_after}) no later than the certificate it replaces ({current_not_after}) (Unix times)")]
    NotLonger {
        issued_not_after: i64,
        current_not_after: i64,
    },
}

fn offered_text(offered: &[String]) -> String {
    if offered.is_empty() {
        "no scheme offered".into()
    } else {
        format!("offered: {}", offered.join(", "))
    }
}

impl From<CsrRefusal> for EstError {
    fn from(refusal: CsrRefusal) -> Self {
        EstError::CannotHonour(refusal)
    }
}

pub type Result<T, E = EstError> = std::result::Result<T, E>;
