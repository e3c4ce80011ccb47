//! The EST answer body: base64 of a PKCS#7 (CMS) certs-only SignedData.
//!
//! Servers differ: some wrap base64 at 64 or 76 columns (CRLF or LF), some send one
//! line, so all ASCII whitespace is ignored. Parsing is RustCrypto `cms` + `der`.

use base64::Engine;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};

use crate::error::{EstError, Result};

/// RFC 7030 limits nothing, but a certs-only answer is a few KiB; anything far
/// larger is hostile.
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Decode base64 that may contain line breaks.
pub fn decode_base64(body: &[u8]) -> Result<Vec<u8>> {
    let compact: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| EstError::Malformed(format!("base64: {e}")))
}

/// Encode DER as base64 wrapped at 64 columns with a final newline: one widely
/// deployed EST server rejects a body without one.
pub fn encode_base64_wrapped(der: &[u8]) -> String {
    let flat = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(flat.len() + flat.len() / 64 + 2);
    for chunk in flat.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

/// The certificates of a DER PKCS#7 certs-only message. They come in the order of
/// the DER SET OF (sorted), not necessarily the order the server wrote them in:
/// callers find certificates by key or name, never by position.
pub fn certificates(der: &[u8]) -> Result<Vec<Vec<u8>>> {
    let malformed = |what: &str, e: der::Error| EstError::Malformed(format!("{what}: {e}"));
    let info = ContentInfo::from_der(der).map_err(|e| malformed("PKCS#7 ContentInfo", e))?;
    if info.content_type != const_oid::db::rfc5911::ID_SIGNED_DATA {
        return Err(EstError::Malformed(format!(
            "PKCS#7 content type {} is not signedData",
            info.content_type
        )));
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| malformed("PKCS#7 SignedData", e))?;
    let mut out = Vec::new();
    for choice in signed.certificates.iter().flat_map(|set| set.0.iter()) {
        match choice {
            cms::cert::CertificateChoices::Certificate(cert) => {
                out.push(cert.to_der().map_err(|e| malformed("certificate", e))?)
            }
            // Attribute and "other" certificates are not client certificates.
            _ => continue,
        }
    }
    Ok(out)
}

/// Base64 body → certificates, with the size limit.
pub fn parse_certs_only(body: &[u8]) -> Result<Vec<Vec<u8>>> {
    if body.len() > MAX_ANSWER_BYTES {
        return Err(EstError::Malformed(format!(
            "answer of {} bytes exceeds the {MAX_ANSWER_BYTES}-byte limit",
            body.len()
        )));
    }
    certificates(&decode_base64(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_base64_round_trips_and_ends_with_newline() {
        let data: Vec<u8> = (0..=255).collect();
        let text = encode_base64_wrapped(&data);
        assert!(text.ends_with('\n'));
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(decode_base64(text.as_bytes()).unwrap(), data);
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(decode_base64(crlf.as_bytes()).unwrap(), data);
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(
            parse_certs_only(b"!!!not base64"),
            Err(EstError::Malformed(_))
        ));
        assert!(matches!(
            parse_certs_only(b"MAo="),
            Err(EstError::Malformed(_))
        ));
    }
}
