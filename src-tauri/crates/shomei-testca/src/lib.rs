//! `shomei-testca`: the project's EST test and demo CA.
//!
//! A [`TestCa`] issues real certificates with rcgen; an [`EstServer`] serves it over real
//! HTTPS on 127.0.0.1 (rustls, TLS 1.2 and 1.3, client certificate from the CA required)
//! and speaks the RFC 7030 dialect the app uses: `cacerts`, `simplereenroll` and `csrattrs`,
//! optionally under a label, optionally behind HTTP Basic authentication ([`HttpAuth`]),
//! enforcing the `/csrattrs` requirements it advertises ([`CsrAttrs`]). A [`Behaviour`] makes the server answer "pending" or misbehave (wrong key,
//! subject or issuer, expired, huge or dripping bodies, redirects, garbage, HTTP errors)
//! on demand, for tests, the demo and benchmarks.
//!
//! Modules: `ca` issuance, `csr` reading requests, `pkcs7` wire encodings, `est` request
//! routing and behaviours, `auth` HTTP authentication, `csrattrs` advertised requirements, `misbehave` the answers per behaviour, `body` streamed
//! answer bodies, `server` TLS and HTTP, `error` the error type.

mod auth;
mod body;
mod ca;
mod csr;
mod csrattrs;
mod error;
mod est;
mod issue;
#[cfg(feature = "misbehave")]
mod misbehave;
mod pkcs7;
mod server;
pub mod tool;

pub use auth::HttpAuth;
pub use ca::TestCa;
pub use csrattrs::{CsrAttrs, Required, RequiredKey};
pub use error::TestCaError;
pub use est::Behaviour;
pub use pkcs7::pkcs7_certs_only;
pub use server::{EstServer, Rollover, ServerOptions, TlsVersions};
