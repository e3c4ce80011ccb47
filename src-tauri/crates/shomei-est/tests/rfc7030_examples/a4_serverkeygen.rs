//! A.4: server-side key generation (`/serverkeygen`).

use super::*;
use shomei_est::pkcs7::{decode_base64, parse_certs_only};

/// A.4: /serverkeygen. The request's key is not the one certified: the server
/// generates a key pair and returns its private key (PKCS#8) and the certificate in
/// a multipart/mixed body. shomei-est does not implement server-side key generation,
/// so the parts are split here; each part's body goes through the crate's parsers.
#[test]
fn a4_serverkeygen_answer_returns_a_key_and_its_certificate() {
    let request_body = assert_content_length("a4-serverkeygen-request.b64", 963);
    let request = decode_base64(&request_body).unwrap();
    let csr = parse_csr(&request);
    let info = &csr.certification_request_info;
    assert_eq!(
        cn(&info.subject),
        "serverKeyGen req by client in demo step 12 1368141955"
    );
    let serial_number: Vec<_> = info
        .subject
        .iter_by_oid(&x509_parser::oid_registry::OID_X509_SERIALNUMBER)
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(serial_number, ["PID:Widget SN:10"]);
    assert_eq!(challenge_password(&csr), "dFsAXmJnjokBtDvr");

    // The RFC shows `Content-Length: 3219` for this body, but the body as printed is
    // 3244 bytes with LF endings (3300 with CRLF): the figure is not checked.
    let body = String::from_utf8(data("a4-serverkeygen-response.txt")).unwrap();
    let parts = multipart(&body, "estServerExampleBoundary");
    assert_eq!(parts.len(), 2, "a key part and a certificate part");

    let (headers, key_b64) = &parts[0];
    assert!(
        headers.contains(&("Content-Type", "application/pkcs8")),
        "{headers:?}"
    );
    let pkcs8 = decode_base64(key_b64.as_bytes()).expect("key part is base64");
    let key = ring::signature::RsaKeyPair::from_pkcs8(&pkcs8).expect("an RSA PKCS#8 key");
    assert_eq!(key.public().modulus_len(), 256, "RSA 2048");

    let (headers, certs_b64) = &parts[1];
    assert!(
        headers.contains(&(
            "Content-Type",
            "application/pkcs7-mime; smime-type=certs-only"
        )),
        "{headers:?}"
    );
    let certs = parse_certs_only(certs_b64.as_bytes()).expect("certificate part parses");
    assert_eq!(certs.len(), 1);
    let issued = cert(&certs[0]);
    assert_eq!(cn(issued.subject()), "serverside key generated response");
    assert_eq!(cn(issued.issuer()), "estExampleCA NwN");
    assert_eq!(issued.raw_serial(), &[22], "serial 22");
    assert_cert_signed_by(&issued, &CaCerts::load().by_cn("estExampleCA NwN"));

    let certified = &issued.public_key().subject_public_key.data;
    assert_eq!(
        certified.as_ref(),
        key.public().as_ref(),
        "the certificate certifies the returned private key"
    );
    assert_ne!(
        issued.public_key().raw,
        info.subject_pki.raw,
        "and not the key of the request"
    );
}

/// The parts of a multipart body: (headers, body) with the preamble and epilogue
/// dropped. A part's headers end at a blank line or at the first line that is not a
/// header: the A.4 example as rendered has no blank line before the second part's
/// base64 (see the README).
fn multipart<'a>(body: &'a str, boundary: &str) -> Vec<(Vec<(&'a str, &'a str)>, String)> {
    let delimiter = format!("--{boundary}");
    let close = format!("--{boundary}--");
    let mut parts = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in body.lines() {
        if line == close {
            parts.extend(current.take());
            break;
        } else if line == delimiter {
            parts.extend(current.replace(Vec::new()));
        } else if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    parts
        .into_iter()
        .map(|lines| {
            let mut headers = Vec::new();
            let mut rest = lines.as_slice();
            while let Some((line, tail)) = rest.split_first() {
                if line.is_empty() {
                    rest = tail;
                    break;
                }
                let Some((name, value)) = line.split_once(": ") else {
                    break;
                };
                headers.push((name, value));
                rest = tail;
            }
            (headers, rest.join("\n"))
        })
        .collect()
}
