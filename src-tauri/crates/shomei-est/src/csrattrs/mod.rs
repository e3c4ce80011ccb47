//! What the bank's CA wants in a request (RFC 7030 §4.5, `/csrattrs`), as a typed
//! value: the key type and size, a challengePassword, and what this client cannot
//! supply, so the renewal refuses clearly BEFORE any key is generated.
//!
//! Owns: reading the base64 DER `CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID`
//! ([`parse`], `parse.rs`, hostile input never panics and is bounded), and turning
//! the requirements into the key to generate or a refusal ([`CsrRequirements::honour`],
//! `honour.rs`). Must never: choose a key weaker than the caller's or than the CA
//! asks, or silently drop something the CA insists on and that we cannot give.
//!
//! What is honoured, ignored or refused:
//! - key: `rsaEncryption` (bare, or as an attribute whose value is the size in bits),
//!   `id-ecPublicKey` (bare, or as an attribute whose value is the named curve), or a
//!   bare curve OID (secp256r1, secp384r1, secp521r1, brainpool…). Honoured when the
//!   stores can generate it (`shomei_store::KeySpec`: RSA 2048/3072, P-256), otherwise
//!   refused ([`Unmet::Key`]), as is an RSA size below 2048.
//! - challengePassword (bare or as an attribute): honoured if the caller has one.
//! - extensionRequest: every extension it names is refused ([`Unmet::Extension`]):
//!   the request carries the subject and key only.
//! - any other attribute WITH values: refused ([`Unmet::Attribute`]): the CA insists
//!   on a value this client cannot know.
//! - any other bare OID (signature and hash algorithms such as ecdsa-with-SHA256,
//!   sha256WithRSAEncryption or sha384, or attribute types such as macAddress):
//!   ignored and listed in [`CsrRequirements::ignored`], as RFC 7030 §4.5.2 lets a
//!   client ignore what it does not use. The request is always signed with SHA-256.

mod honour;
mod parse;
#[cfg(test)]
mod tests;

pub use honour::CsrRefusal;
pub use parse::{parse, parse_der, MAX_CSRATTRS_BYTES};

/// An OBJECT IDENTIFIER in dotted form. Kept as text: the `const-oid` type behind
/// `der` refuses valid OIDs such as RFC 7030 A.2's `2.999.1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Oid(String);

impl Oid {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the CA asks of the request, as far as this client understands it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsrRequirements {
    /// The key type (and size or curve) the CA wants; `None`: the caller's choice.
    pub key: Option<KeyRequirement>,
    /// The request must carry a challengePassword attribute.
    pub challenge_password: bool,
    /// What the CA insists on and this client can never supply (unknown attributes,
    /// requested extensions, contradictory key requirements).
    pub unsupported: Vec<Unmet>,
    /// Bare OIDs read as hints and not acted on (signature or hash algorithms,
    /// attribute types this client does not fill in).
    pub ignored: Vec<Oid>,
}

impl CsrRequirements {
    /// Nothing asked: the answer to 404, 501 or an empty body.
    pub fn none() -> Self {
        Self::default()
    }
}

/// The key the CA wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRequirement {
    /// RSA of at least `bits` (2048 when not said).
    Rsa { bits: Option<u32> },
    /// ECDSA on `curve` (any curve the client picks when not said).
    Ec { curve: Option<Curve> },
}

impl std::fmt::Display for KeyRequirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyRequirement::Rsa { bits: Some(bits) } => write!(f, "RSA {bits}"),
            KeyRequirement::Rsa { bits: None } => f.write_str("RSA"),
            KeyRequirement::Ec { curve: Some(curve) } => write!(f, "ECDSA {curve}"),
            KeyRequirement::Ec { curve: None } => f.write_str("ECDSA"),
        }
    }
}

/// A named elliptic curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    /// Another named curve (brainpool, other SECG curves), by its OID.
    Other(Oid),
}

impl std::fmt::Display for Curve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Curve::P256 => f.write_str("P-256"),
            Curve::P384 => f.write_str("P-384"),
            Curve::P521 => f.write_str("P-521"),
            Curve::Other(oid) => write!(f, "curve {oid}"),
        }
    }
}

/// One thing the CA asks for that this client cannot honour.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unmet {
    /// A key the stores cannot generate (P-384 or another curve, RSA above 3072),
    /// or one too weak to generate (RSA below 2048).
    Key(KeyRequirement),
    /// A key requirement that contradicts the first one the CA gave.
    ConflictingKey(KeyRequirement),
    /// An attribute with values this client does not know.
    Attribute(Oid),
    /// An extension the CA wants in the request (extensionRequest).
    Extension(Oid),
    /// A challengePassword, and the caller has none.
    ChallengePassword,
}

impl std::fmt::Display for Unmet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmet::Key(key) => write!(f, "an {key} key, which cannot be generated here"),
            Unmet::ConflictingKey(key) => {
                write!(f, "an {key} key, contradicting its other key requirement")
            }
            Unmet::Attribute(oid) => write!(f, "the attribute {oid}"),
            Unmet::Extension(oid) => write!(f, "the extension {oid}"),
            Unmet::ChallengePassword => f.write_str("a challenge password, and none is set"),
        }
    }
}

/// OIDs this module acts on.
pub(crate) mod oids {
    pub const CHALLENGE_PASSWORD: &str = "1.2.840.113549.1.9.7";
    pub const EXTENSION_REQUEST: &str = "1.2.840.113549.1.9.14";
    pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
    pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
    pub const SECP256R1: &str = "1.2.840.10045.3.1.7";
    pub const SECP384R1: &str = "1.3.132.0.34";
    pub const SECP521R1: &str = "1.3.132.0.35";
    /// Arcs under which every OID names a curve: X9.62 prime curves, SECG curves,
    /// ECC brainpool.
    pub const CURVE_ARCS: [&str; 3] = ["1.2.840.10045.3.1.", "1.3.132.0.", "1.3.36.3.3.2.8.1.1."];
}
