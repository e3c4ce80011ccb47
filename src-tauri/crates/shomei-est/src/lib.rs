//! Talking to the bank's CA over EST (RFC 7030).
//!
//! Owns: the HTTPS conversation ([`EstClient`]), the PKCS#10 request
//! ([`build_csr`]), parsing the PKCS#7 answer ([`pkcs7`]) and the acceptance rules
//! for an issued certificate ([`accept_issued`]).
//! Must never: trust a server not issued by the pinned CA, follow a redirect,
//! speak plain HTTP, or accept a certificate for another key or subject.

mod client;
mod csr;
mod desktop_proxy;
mod error;
mod names;
pub mod pkcs7;
mod proxy_url;
pub mod retry_after;
mod verify;

pub use client::{ClientIdentity, Enrollment, EstClient, EstEndpoint, EstOptions, ProxyChoice};
pub use csr::{build_csr, check_subject};
pub use desktop_proxy::ProxyEnvironment;
pub use error::{EstError, Rejection, Result};
pub use names::same_name;
pub use proxy_url::{ProxyAddress, ProxyUrlError};
pub use verify::{accept_issued, issued_by, Expectation, CLOCK_SKEW};
