//! Turning reqwest's answers and failures into [`EstError`]s: reading a body within
//! its limit, telling "never sent" from "maybe received" and an untrusted server
//! from an unreachable one, and wording HTTP errors (a redirect is reported, never
//! followed). Must never: buffer more than the limit, or put more than a short
//! excerpt of a server's text into an error.

use crate::error::{EstError, Result};
use crate::pkcs7::MAX_ANSWER_BYTES;

/// Where a redirect pointed (it is never followed).
pub(crate) fn location(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Read at most MAX_ANSWER_BYTES, refusing more without buffering it.
pub(crate) async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(EstError::Malformed(format!(
            "answer larger than {MAX_ANSWER_BYTES} bytes"
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(EstError::Malformed(format!(
                "answer larger than {MAX_ANSWER_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn unreachable(e: reqwest::Error) -> EstError {
    // The full source chain says whether it was DNS, TCP, TLS or the pinned CA.
    let mut text = e.to_string();
    let mut untrusted = false;
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        untrusted |= is_untrusted_server(s);
        source = s.source();
    }
    if untrusted {
        EstError::ServerNotTrusted(text)
    } else if e.is_connect() {
        // reqwest reports name resolution, TCP, the proxy tunnel and the TLS
        // handshake as the connection: no byte of the request was written.
        EstError::NotSent(text)
    } else {
        EstError::Unreachable(text)
    }
}

/// A server certificate rustls refused: not the bank's pinned CA (a TLS-inspecting
/// proxy in the way, or not the bank at all).
fn is_untrusted_server(error: &(dyn std::error::Error + 'static)) -> bool {
    // The rustls error may sit inside io::Errors wrapping io::Errors, whose `source`
    // skips the wrapped error itself: unwrap them by hand.
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(rustls_error) = e.downcast_ref::<rustls::Error>() {
            return matches!(rustls_error, rustls::Error::InvalidCertificate(_));
        }
        current = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn std::error::Error + 'static));
    }
    false
}

pub(crate) fn http_error(status: u16, location: Option<&str>, body: &[u8]) -> EstError {
    if (300..400).contains(&status) {
        let to: String = location.unwrap_or("nowhere").chars().take(200).collect();
        return EstError::Http {
            status,
            body: format!("redirect to {to} refused"),
        };
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    EstError::Http {
        status,
        body: text.trim().to_owned(),
    }
}
