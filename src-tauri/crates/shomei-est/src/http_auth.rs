//! HTTP authentication after TLS client authentication (RFC 7030 §3.2.3): some bank
//! servers answer 401 even to a valid client certificate and want a user name and
//! password as well.
//!
//! Owns: the credentials type ([`HttpCredentials`]), answering a 401
//! (`send_answering_401`): reading the schemes its `WWW-Authenticate` offers, and the
//! `Authorization: Basic` value (RFC 7617).
//! Must never: show the password (in `Debug`, `Display`, logs or errors), let it be
//! serialized, or send it anywhere but as the answer to that server's 401 — the
//! client repeats the same request once, over a connection verified against the
//! pinned CA, never preemptively and never on a redirect (redirects are refused).
//! Digest (RFC 7616) is not implemented: a server offering only Digest is reported
//! as [`AuthProblem::SchemeUnsupported`].

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use secrecy::{ExposeSecret as _, SecretString};

use crate::error::{EstError, Result};
use crate::transport::unreachable;

/// A user name and password for the bank's EST server. Not serializable; `Debug`
/// prints the user name only.
#[derive(Clone)]
pub struct HttpCredentials {
    pub user: String,
    pub password: SecretString,
}

impl HttpCredentials {
    pub fn new(user: impl Into<String>, password: SecretString) -> Self {
        HttpCredentials {
            user: user.into(),
            password,
        }
    }
}

impl std::fmt::Debug for HttpCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCredentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Two sets of options are equal when they would authenticate the same way.
impl PartialEq for HttpCredentials {
    fn eq(&self, other: &Self) -> bool {
        self.user == other.user && self.password.expose_secret() == other.password.expose_secret()
    }
}

impl Eq for HttpCredentials {}

/// Why a 401 could not be answered: each asks something else of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthProblem {
    /// The bank wants a user name and password and none is configured.
    NoCredentials,
    /// The configured user name and password were sent and refused (a second 401).
    CredentialsRefused,
    /// The bank offers no scheme this client speaks (Basic): no password was sent.
    SchemeUnsupported,
}

impl std::fmt::Display for AuthProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AuthProblem::NoCredentials => "no user name and password are configured",
            AuthProblem::CredentialsRefused => "the configured user name and password were refused",
            AuthProblem::SchemeUnsupported => "no offered scheme is supported (Basic only)",
        })
    }
}

/// At most this many schemes are kept from a 401, each at most this long: the
/// header is the server's text and ends up in an error message.
const MAX_SCHEMES: usize = 8;
const MAX_SCHEME_LEN: usize = 32;

/// The authentication schemes a 401 offers, in order (`Basic`, `Digest`, …),
/// from every `WWW-Authenticate` header. Parameters (realm, nonce) are dropped.
pub(crate) fn offered_schemes(headers: &HeaderMap) -> Vec<String> {
    let mut schemes = Vec::new();
    for value in headers.get_all(WWW_AUTHENTICATE) {
        let text = String::from_utf8_lossy(value.as_bytes());
        for element in split_outside_quotes(&text) {
            let element = element.trim();
            // A new challenge starts with its scheme: a token followed by a space
            // (then a token68 or its first parameter) or by nothing at all; a
            // parameter is `name = value`, spaces around `=` allowed.
            let first = element.split([' ', '\t']).next().unwrap_or("");
            let rest = element[first.len()..].trim_start();
            let is_scheme = !first.is_empty() && !first.contains('=') && !rest.starts_with('=');
            if is_scheme && schemes.len() < MAX_SCHEMES {
                schemes.push(first.chars().take(MAX_SCHEME_LEN).collect());
            }
        }
    }
    schemes
}

/// The comma-separated elements of a header value, commas inside quoted strings
/// (a realm may hold one) not counting.
fn split_outside_quotes(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Sends the request `build` makes. A 401 is answered once, by sending the same
/// request again with `credentials`, to the same URL through the same client (whose
/// connections are verified against the pinned CA). A 401 that cannot be answered,
/// or that comes again, is [`EstError::AuthRequired`].
pub(crate) async fn send_answering_401(
    build: impl Fn() -> reqwest::RequestBuilder,
    credentials: Option<&HttpCredentials>,
) -> Result<reqwest::Response> {
    let response = build().send().await.map_err(unreachable)?;
    if response.status() != reqwest::StatusCode::UNAUTHORIZED {
        return Ok(response);
    }
    let offered = offered_schemes(response.headers());
    tracing::info!(?offered, "the bank asks for HTTP authentication");
    let refused = |problem| EstError::AuthRequired {
        offered: offered.clone(),
        problem,
    };
    if !offers_basic(&offered) {
        return Err(refused(AuthProblem::SchemeUnsupported));
    }
    let Some(credentials) = credentials else {
        return Err(refused(AuthProblem::NoCredentials));
    };
    let authorization = basic_authorization(credentials)?;
    drop(response);
    let response = build()
        .header(AUTHORIZATION, authorization)
        .send()
        .await
        .map_err(unreachable)?;
    if response.status() == reqwest::StatusCode::UNAUTHORIZED {
        return Err(EstError::AuthRequired {
            offered: offered_schemes(response.headers()),
            problem: AuthProblem::CredentialsRefused,
        });
    }
    Ok(response)
}

/// Whether `schemes` offers one this client answers.
pub(crate) fn offers_basic(schemes: &[String]) -> bool {
    schemes.iter().any(|s| s.eq_ignore_ascii_case("basic"))
}

/// `Basic base64(user ":" password)` (RFC 7617, UTF-8), marked sensitive so HTTP
/// layers never log it.
pub(crate) fn basic_authorization(credentials: &HttpCredentials) -> Result<HeaderValue> {
    if credentials.user.contains(':') {
        // RFC 7617 §2: the user-id cannot contain a colon; sending it would make the
        // server read another user and password.
        return Err(EstError::Config(
            "the EST user name must not contain ':'".into(),
        ));
    }
    let mut pair = secrecy::zeroize::Zeroizing::new(String::new());
    pair.push_str(&credentials.user);
    pair.push(':');
    pair.push_str(credentials.password.expose_secret());
    let mut encoded = secrecy::zeroize::Zeroizing::new(String::from("Basic "));
    base64::engine::general_purpose::STANDARD.encode_string(pair.as_bytes(), &mut encoded);
    let mut value = HeaderValue::from_str(&encoded)
        .map_err(|_| EstError::Config("unusable EST credentials".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(WWW_AUTHENTICATE, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn schemes_are_read_from_every_challenge() {
        let h = headers(&[
            r#"Basic realm="EST, corp", charset="UTF-8""#,
            r#"Digest realm="est", qop="auth,auth-int", nonce = "abc", algorithm=SHA-256, Negotiate"#,
            "Bearer",
        ]);
        assert_eq!(
            offered_schemes(&h),
            ["Basic", "Digest", "Negotiate", "Bearer"]
        );
        assert!(offers_basic(&offered_schemes(&h)));
        let token68 = headers(&["Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg=="]);
        assert_eq!(offered_schemes(&token68), ["Negotiate"]);
        assert!(!offers_basic(&offered_schemes(&token68)));
        assert!(offered_schemes(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn a_hostile_header_is_bounded() {
        let long = format!("{} realm=x, ", "X".repeat(500)).repeat(100);
        let schemes = offered_schemes(&headers(&[&long]));
        assert_eq!(schemes.len(), MAX_SCHEMES);
        assert!(schemes.iter().all(|s| s.len() == MAX_SCHEME_LEN));
    }

    #[test]
    fn basic_value_is_rfc_7617_and_sensitive() {
        // RFC 7617 §2's example.
        let creds = HttpCredentials::new("Aladdin", SecretString::from("open sesame"));
        let value = basic_authorization(&creds).unwrap();
        assert_eq!(
            value.to_str().unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(value.is_sensitive());
        let colon = HttpCredentials::new("a:b", SecretString::from("p"));
        assert!(matches!(
            basic_authorization(&colon),
            Err(EstError::Config(_))
        ));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let creds = HttpCredentials::new("keiri", SecretString::from("hunter2-パス"));
        let text = format!("{creds:?}");
        assert!(
            text.contains("keiri") && text.contains("<redacted>"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }
}
