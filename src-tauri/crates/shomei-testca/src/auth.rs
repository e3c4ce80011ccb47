//! HTTP authentication on top of the TLS client certificate (RFC 7030 §3.2.3), as
//! some bank CAs run it: every EST request must carry `Authorization: Basic` with
//! the configured user and password, or is answered 401 with a challenge. Must
//! never: log the password or the Authorization header.

use base64::Engine as _;
use hyper::header::{HeaderMap, HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::StatusCode;

use crate::est::{text, Answer};

/// What the server demands after TLS.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpAuth {
    /// `Basic` (RFC 7617) with this user and password, realm "Shomei Test CA".
    Basic { user: String, password: String },
    /// A 401 offering only `Digest`, whatever the request carries: a server whose
    /// scheme the client does not speak.
    DigestOnly,
}

impl std::fmt::Debug for HttpAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpAuth::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            HttpAuth::DigestOnly => f.write_str("DigestOnly"),
        }
    }
}

/// `None` when the request may go on, otherwise the 401 to answer.
pub(crate) fn check(auth: Option<&HttpAuth>, headers: &HeaderMap) -> Option<Answer> {
    match auth? {
        HttpAuth::Basic { user, password } => {
            let expected = format!("{user}:{password}");
            let given = headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
                .and_then(|(_, token)| {
                    base64::engine::general_purpose::STANDARD
                        .decode(token.trim())
                        .ok()
                });
            if given.as_deref() == Some(expected.as_bytes()) {
                None
            } else {
                Some(unauthorized(
                    r#"Basic realm="Shomei Test CA", charset="UTF-8""#,
                ))
            }
        }
        HttpAuth::DigestOnly => Some(unauthorized(
            r#"Digest realm="Shomei Test CA", qop="auth", algorithm=SHA-256, nonce="bm9uY2U=", opaque="c2hvbWVp""#,
        )),
    }
}

fn unauthorized(challenge: &'static str) -> Answer {
    let mut answer = text(StatusCode::UNAUTHORIZED, "authentication required");
    answer
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    answer
}
