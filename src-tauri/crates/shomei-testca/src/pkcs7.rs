//! Encodings on the wire: the degenerate "certs-only" PKCS#7/CMS SignedData that EST uses
//! for both `/cacerts` and enrollment answers (RFC 7030 §4.1.3, §4.2.3), and the wrapped
//! base64 that EST bodies and PEM files share.

use base64::Engine as _;
use cms::cert::x509::Certificate;
use cms::content_info::ContentInfo;
use der::{Decode, Encode};

/// DER `ContentInfo` holding a SignedData with the given certificates, no content and no
/// signers (a "certs-only" message, as `openssl crl2pkcs7 -nocrl` makes).
///
/// The certificates form a DER `SET OF`, so they come out sorted by encoding, not in the
/// order given; EST clients must not rely on the order (RFC 7030 §4.1.3).
///
/// # Panics
/// If an element of `certs_der` is not a DER X.509 certificate: callers only ever pass
/// certificates this crate produced or parsed, so that is a programming error.
pub fn pkcs7_certs_only(certs_der: &[Vec<u8>]) -> Vec<u8> {
    let certs: Vec<Certificate> = certs_der
        .iter()
        .map(|der| Certificate::from_der(der).expect("pkcs7_certs_only: not a DER certificate"))
        .collect();
    // `cms` builds exactly the structure OpenSSL emits (version 1, id-data without content,
    // empty digestAlgorithms/signerInfos, an empty crls field).
    let content_info =
        ContentInfo::try_from(certs).expect("pkcs7_certs_only: certificates re-encode");
    content_info
        .to_der()
        .expect("pkcs7_certs_only: ContentInfo encodes")
}

/// Base64 (standard alphabet, padded) in lines of 64 characters, each ending with `\n`.
pub(crate) fn base64_wrapped(bytes: &[u8]) -> String {
    let flat = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / 64 + 1);
    // The base64 alphabet is ASCII, so splitting the bytes never cuts a character.
    for line in flat.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Decodes base64 that may contain line breaks or other ASCII whitespace anywhere.
pub(crate) fn base64_decode_lenient(text: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(compact)
}

/// PEM armour around DER.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}-----END {label}-----\n",
        base64_wrapped(der)
    )
}
