//! `/csrattrs` (RFC 7030 §4.5) as the test CA serves it: nothing (404), a bare
//! status, typed requirements that `simplereenroll` then ENFORCES (a request with a
//! smaller or other key, or without the challengePassword, is answered 400), or a
//! raw body for hostile and malformed answers.

use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};

use crate::body::AnswerBody;
use crate::csr::{RequestKey, VerifiedCsr};
use crate::est::{text, Answer};
use crate::pkcs7::base64_wrapped;

/// What `/csrattrs` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsrAttrs {
    /// 404 Not Found: no requirements (the default).
    #[default]
    NotFound,
    /// This status with an empty body (204, 501, 500…).
    Status(u16),
    /// 200 with these requirements, enforced on every enrollment.
    Require(Required),
    /// 200 `application/csrattrs` with exactly this body; nothing enforced.
    Raw(Vec<u8>),
}

/// Requirements the CA advertises and enforces.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Required {
    pub key: Option<RequiredKey>,
    /// Every request must carry exactly this challengePassword.
    pub challenge_password: Option<String>,
}

impl std::fmt::Debug for Required {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Required")
            .field("key", &self.key)
            .field(
                "challenge_password",
                &self.challenge_password.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The key a request must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredKey {
    /// RSA of at least this many bits (advertised as RFC 7030 §4.5.2 does:
    /// rsaEncryption with the size as its value).
    Rsa { bits: u32 },
    /// ECDSA on P-256 (id-ecPublicKey with secp256r1 as its value).
    EcP256,
    /// ECDSA on P-384 (id-ecPublicKey with secp384r1 as its value).
    EcP384,
}

// DER of the OIDs used (X.690 §8.19).
const RSA_ENCRYPTION: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];
const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const SECP256R1: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const SECP384R1: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
const CHALLENGE_PASSWORD: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07,
];
/// ecdsa-with-SHA256 and sha256WithRSAEncryption: hints a client may ignore.
const ECDSA_WITH_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const SHA256_WITH_RSA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
];

impl Required {
    /// The DER `CsrAttrs` that advertises these requirements.
    pub fn to_der(&self) -> Vec<u8> {
        let mut items = Vec::new();
        match self.key {
            Some(RequiredKey::Rsa { bits }) => {
                items.push(attribute(RSA_ENCRYPTION, &integer(bits)));
                items.push(SHA256_WITH_RSA.to_vec());
            }
            Some(RequiredKey::EcP256) => {
                items.push(attribute(EC_PUBLIC_KEY, SECP256R1));
                items.push(ECDSA_WITH_SHA256.to_vec());
            }
            Some(RequiredKey::EcP384) => items.push(attribute(EC_PUBLIC_KEY, SECP384R1)),
            None => {}
        }
        if self.challenge_password.is_some() {
            items.push(CHALLENGE_PASSWORD.to_vec());
        }
        tlv(0x30, &items.concat())
    }

    /// Why `request` does not meet the requirements, if it does not.
    pub(crate) fn violation(&self, request: &VerifiedCsr) -> Option<String> {
        let key_ok = match (self.key, &request.key) {
            (None, _) => true,
            (Some(RequiredKey::Rsa { bits }), RequestKey::Rsa { bits: have }) => *have >= bits,
            (Some(RequiredKey::EcP256), RequestKey::Ec { curve }) => curve == "1.2.840.10045.3.1.7",
            (Some(RequiredKey::EcP384), RequestKey::Ec { curve }) => curve == "1.3.132.0.34",
            _ => false,
        };
        if !key_ok {
            return Some(format!(
                "the request's key ({}) is not the {:?} this CA requires",
                request.key, self.key
            ));
        }
        match (&self.challenge_password, &request.challenge_password) {
            (Some(_), None) => Some("the request carries no challengePassword".into()),
            (Some(wanted), Some(given)) if wanted != given => {
                Some("the request's challengePassword is wrong".into())
            }
            _ => None,
        }
    }
}

/// The `/csrattrs` answer.
pub(crate) fn answer(mode: &CsrAttrs) -> Answer {
    let body = match mode {
        CsrAttrs::NotFound => return text(StatusCode::NOT_FOUND, "no CSR attributes"),
        CsrAttrs::Status(status) => {
            let mut answer = Response::new(AnswerBody::full(""));
            *answer.status_mut() =
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return answer;
        }
        CsrAttrs::Require(required) => base64_wrapped(&required.to_der()).into_bytes(),
        CsrAttrs::Raw(body) => body.clone(),
    };
    let mut answer = Response::new(AnswerBody::full(body));
    answer.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/csrattrs"),
    );
    answer
}

fn attribute(kind: &[u8], value: &[u8]) -> Vec<u8> {
    tlv(0x30, &[kind, &tlv(0x31, value)].concat())
}

fn integer(value: u32) -> Vec<u8> {
    let mut content: Vec<u8> = value
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if content.first().is_none_or(|b| b & 0x80 != 0) {
        content.insert(0, 0);
    }
    tlv(0x02, &content)
}

/// A DER TLV, with a long-form length when needed.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}
