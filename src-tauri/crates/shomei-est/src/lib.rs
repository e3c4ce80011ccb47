//! Talking to the bank's CA over EST (RFC 7030).
//!
//! Owns: the HTTPS conversation ([`EstClient`]), the PKCS#10 request
//! ([`build_csr`]), parsing the PKCS#7 answer ([`pkcs7`]), what the CA wants in a
//! request ([`csrattrs`]), HTTP authentication after TLS (`http_auth`), and the
//! acceptance rules for an issued certificate ([`accept_issued`]).
//! Must never: trust a server not issued by the pinned CA, follow a redirect,
//! speak plain HTTP, or accept a certificate for another key or subject.

mod client;
mod csr;
pub mod csrattrs;
mod desktop_proxy;
mod error;
mod http_auth;
mod names;
pub mod pkcs7;
mod proxy_url;
mod reach;
pub mod retry_after;
mod transport;
mod verify;

pub use client::{ClientIdentity, Enrollment, EstClient, EstEndpoint, EstOptions, ProxyChoice};
pub use csr::{build_csr, build_csr_with, check_subject};
pub use csrattrs::{CsrRefusal, CsrRequirements, Curve, KeyRequirement, Unmet};
pub use desktop_proxy::ProxyEnvironment;
pub use error::{EstError, Rejection, Result};
pub use http_auth::{AuthProblem, HttpCredentials};
pub use names::same_name;
pub use proxy_url::{ProxyAddress, ProxyUrlError};
pub use reach::Reached;
pub use verify::{accept_issued, issued_by, Expectation, CLOCK_SKEW};
