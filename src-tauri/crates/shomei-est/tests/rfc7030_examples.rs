//! The example messages of RFC 7030 Appendix A ("Operational Scenario Example
//! Messages"), parsed with the crate's own EST answer parsing.
//!
//! The bodies are in `tests/data/rfc7030/`; `README.md` there says where they were
//! copied from and how their integrity was checked. Every fact asserted here is read
//! from the RFC's text (names, serials, the challengePassword, the CSR attributes the
//! server asks for) or follows from it (the issued certificate certifies the CSR's
//! key; the rollover certificates carry the other generation's key).
//!
//! Errata: of the RFC 7030 errata found (4384, 5107, 5108 and 5904, the ones RFC 8951
//! resolves), only EID 5904 touches Appendix A: A.1 to A.4 send a
//! `Content-Transfer-Encoding` header, which HTTP does not have; RFC 8951 §3 says to
//! ignore it and to read the body as base64, tolerating whitespace. It is about
//! headers, not bodies, so every body here is expected to parse, and does. The CSR
//! attributes example that RFC 9908 calls "NOT CORRECT" is the one in §4.5.2, not
//! the A.2 one used here. Errata filed after RFC 8951 could not be checked.
//!
//! All the example certificates are signed with sha1WithRSAEncryption and expired
//! in May 2014, so a client that refuses SHA-1 (as this one does) must reject the
//! enrollment answer: see `a3_answer_is_refused_because_it_is_signed_with_sha1`.

use std::path::PathBuf;
use std::time::Duration;

use der::asn1::{ObjectIdentifier, PrintableStringRef};
use der::{Any, Decode, Reader, SliceReader, Tag, Tagged};
use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY};
use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::pkcs7::{decode_base64, parse_certs_only};
use shomei_est::{accept_issued, EstError, Expectation, Rejection};
use shomei_store::CertificateInfo;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::prelude::*;

fn data(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "rfc7030", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `Content-Length` the RFC shows for a body. The files keep the RFC's 64-column
/// lines with LF endings and a final newline (its 3-space margin removed), which is
/// exactly that many bytes: a check that no line was lost or altered in length.
fn assert_content_length(name: &str, rfc_content_length: usize) -> Vec<u8> {
    let body = data(name);
    assert_eq!(
        body.len(),
        rfc_content_length,
        "{name}: the RFC's Content-Length"
    );
    body
}

fn cert(der: &[u8]) -> X509Certificate<'_> {
    let (rest, cert) = X509Certificate::from_der(der).expect("certificate parses");
    assert!(rest.is_empty(), "no trailing bytes after the certificate");
    cert
}

fn cn(name: &X509Name<'_>) -> String {
    let mut cns = name.iter_common_name();
    let value = cns
        .next()
        .expect("a CN")
        .as_str()
        .expect("CN is a string")
        .to_owned();
    assert!(cns.next().is_none(), "exactly one CN");
    value
}

/// `signed` was signed (sha1WithRSAEncryption, as every example is) by the key whose
/// RSAPublicKey DER is `issuer_key`.
fn assert_sha1_rsa_signed(tbs: &[u8], signature: &[u8], issuer_key: &[u8], what: &str) {
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, issuer_key)
        .verify(tbs, signature)
        .unwrap_or_else(|_| panic!("{what}: signature does not verify"));
}

fn assert_cert_signed_by(child: &X509Certificate<'_>, issuer: &X509Certificate<'_>) {
    assert_eq!(
        child.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.113549.1.1.5",
        "sha1WithRSAEncryption"
    );
    assert_sha1_rsa_signed(
        child.tbs_certificate.as_ref(),
        &child.signature_value.data,
        &issuer.public_key().subject_public_key.data,
        &format!("{} signed by {}", child.subject(), issuer.subject()),
    );
}

/// A.1's four CA certificates, by CN.
struct CaCerts {
    ders: Vec<Vec<u8>>,
}

impl CaCerts {
    fn load() -> Self {
        let body = assert_content_length("a1-cacerts-response.b64", 4246);
        let ders = parse_certs_only(&body).expect("A.1 /cacerts answer parses");
        Self { ders }
    }

    fn by_cn(&self, wanted: &str) -> X509Certificate<'_> {
        let mut found = self
            .ders
            .iter()
            .map(|d| cert(d))
            .filter(|c| cn(c.subject()) == wanted);
        let one = found.next().unwrap_or_else(|| panic!("no {wanted}"));
        assert!(found.next().is_none(), "one {wanted}");
        one
    }
}

/// A.1: "the server provides the current CA certificates". They are the RFC 4210
/// rollover set: OldWithOld and NewWithNew (self-signed), NewWithOld and OldWithNew.
#[test]
fn a1_cacerts_answer_holds_the_four_rollover_certificates() {
    let ca = CaCerts::load();
    assert_eq!(ca.ders.len(), 4, "four certificates");

    // The example is BER rather than DER: its SET OF certificates is not in DER
    // order (OwO, NwO, OwN, NwN as written; NwN sorts before NwO). RFC 8951 §3 asks
    // for DER, but the parser tolerates this and hands the certificates back sorted.
    let der = decode_base64(&data("a1-cacerts-response.b64")).unwrap();
    let written_at: Vec<usize> = ca
        .ders
        .iter()
        .map(|c| {
            der.windows(c.len())
                .position(|w| w == c.as_slice())
                .unwrap()
        })
        .collect();
    assert!(
        written_at.windows(2).any(|w| w[0] > w[1]),
        "returned in another order than written: {written_at:?}"
    );

    let owo = ca.by_cn("estExampleCA OwO");
    let nwo = ca.by_cn("estExampleCA NwO");
    let own = ca.by_cn("estExampleCA OwN");
    let nwn = ca.by_cn("estExampleCA NwN");

    // Issuers and serials (the serials are those Bouncy Castle's ESTParsingTest also
    // asserts for this body: 11121883874307308188, 1, 2, 16838569520216125969).
    let expect = [
        (&owo, "estExampleCA OwO", "00:9a:58:de:75:19:3b:7a:9c"),
        (&nwo, "estExampleCA OwO", "01"),
        (&own, "estExampleCA NwN", "02"),
        (&nwn, "estExampleCA NwN", "00:e9:ae:9d:c3:9a:33:b2:11"),
    ];
    for (c, issuer, serial) in expect {
        assert_eq!(cn(c.issuer()), issuer, "issuer of {}", c.subject());
        assert_eq!(
            c.raw_serial_as_string(),
            serial,
            "serial of {}",
            c.subject()
        );
    }

    // The two self-signed certificates are the CAs...
    for root in [&owo, &nwn] {
        assert!(root.is_ca(), "{} is a CA", root.subject());
        assert_cert_signed_by(root, root);
    }
    // ...and the cross certificates carry the other generation's key, signed by the
    // generation in their issuer name.
    assert_eq!(
        nwo.public_key().raw,
        nwn.public_key().raw,
        "NewWithOld holds the new key"
    );
    assert_eq!(
        own.public_key().raw,
        owo.public_key().raw,
        "OldWithNew holds the old key"
    );
    assert_cert_signed_by(&nwo, &owo);
    assert_cert_signed_by(&own, &nwn);

    // Finding (not an erratum): the example's cross certificates have no
    // basicConstraints and a keyUsage of digitalSignature/keyEncipherment/
    // dataEncipherment, so they are not CA certificates and cannot serve as the
    // intermediate of a rollover chain (RFC 4210 §4.4 means them to).
    for cross in [&nwo, &own] {
        assert!(!cross.is_ca(), "{} is not marked as a CA", cross.subject());
        let ku = cross
            .key_usage()
            .expect("keyUsage parses")
            .expect("keyUsage present");
        assert!(
            !ku.value.key_cert_sign(),
            "{} cannot sign certificates",
            cross.subject()
        );
    }

    // All of them were valid for one year from 9 May 2013.
    for c in [&owo, &nwo, &own, &nwn] {
        assert_eq!(
            c.validity().not_before.to_datetime().date().to_string(),
            "2013-05-09"
        );
        assert_eq!(
            c.validity().not_after.to_datetime().date().to_string(),
            "2014-05-09"
        );
    }
}

/// The RFC prints the body with a 3-space margin; servers send LF or CRLF. All of it
/// is whitespace and must not matter (RFC 8951 §3.1).
#[test]
fn a1_cacerts_answer_parses_with_the_rfc_margin_and_crlf() {
    let body = String::from_utf8(data("a1-cacerts-response.b64")).unwrap();
    let expected = parse_certs_only(body.as_bytes()).unwrap();
    let as_printed: String = body.lines().map(|l| format!("   {l}\r\n")).collect();
    assert_eq!(parse_certs_only(as_printed.as_bytes()).unwrap(), expected);
    let one_line: String = body.lines().collect();
    assert_eq!(parse_certs_only(one_line.as_bytes()).unwrap(), expected);
}

/// A.2: the suggested attributes, with "two example attributes that the client would
/// ignore unless the attribute type is known to the client". shomei-est has no
/// csrattrs parser, so the body is read with its base64 decoding and the `der` crate.
#[test]
fn a2_csrattrs_answer_lists_six_oids_and_attributes() {
    let body = assert_content_length("a2-csrattrs-response.b64", 171);
    let der = decode_base64(&body).expect("A.2 body is base64");

    // CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID
    // AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }
    let items = Vec::<Any>::from_der(&der).expect("CsrAttrs is a DER SEQUENCE OF");
    assert_eq!(items.len(), 6);

    let oid = |any: &Any| -> String {
        assert_eq!(any.tag(), Tag::ObjectIdentifier);
        dotted(any.value())
    };
    // Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY }, values
    // kept in the order the server wrote them.
    let attribute = |any: &Any| -> (String, Vec<Any>) {
        assert_eq!(any.tag(), Tag::Sequence);
        let fields = any.decode_as::<Vec<Any>>().unwrap();
        assert_eq!(fields.len(), 2, "type and values");
        assert_eq!(fields[1].tag(), Tag::Set);
        let mut values = Vec::new();
        let mut reader = SliceReader::new(fields[1].value()).unwrap();
        while !reader.is_finished() {
            values.push(Any::decode(&mut reader).unwrap());
        }
        (oid(&fields[0]), values)
    };
    let printable = |any: &Any| -> String {
        any.decode_as::<PrintableStringRef<'_>>()
            .unwrap()
            .to_string()
    };

    assert_eq!(oid(&items[0]), "1.3.6.1.1.1.1.22", "macAddress (RFC 2307)");
    assert_eq!(
        items[0]
            .decode_as::<ObjectIdentifier>()
            .unwrap()
            .to_string(),
        "1.3.6.1.1.1.1.22"
    );
    let (ty, values) = attribute(&items[1]);
    assert_eq!(
        ty, "2.999.1",
        "an example attribute under the 2.999 example arc"
    );
    assert_eq!(values.len(), 1);
    assert_eq!(printable(&values[0]), "Parse SET as 2.999.1 data");
    assert_eq!(oid(&items[2]), "1.2.840.113549.1.9.7", "challengePassword");
    let (ty, values) = attribute(&items[3]);
    assert_eq!(ty, "2.999.2");
    assert_eq!(values.len(), 3);
    assert_eq!(oid(&values[0]), "2.999.3");
    assert_eq!(oid(&values[1]), "2.999.4");
    assert_eq!(printable(&values[2]), "Parse SET as 2.999.2 data");
    assert_eq!(oid(&items[4]), "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1");
    assert_eq!(oid(&items[5]), "2.16.840.1.101.3.4.2.2", "sha384");

    // Finding for whoever writes a csrattrs parser: 2.999.x is encoded with a
    // multi-byte first subidentifier (2*40+999 = 1079 = 0x88 0x37), which the
    // `const-oid` 0.9 behind `der` and `cms` refuses, so a parser built on
    // `der::asn1::ObjectIdentifier` rejects this RFC example outright instead of
    // ignoring the two unknown attributes as §4.5.2 requires.
    let example_type = &items[1].decode_as::<Vec<Any>>().unwrap()[0];
    assert_eq!(example_type.value(), [0x88, 0x37, 0x01]);
    assert!(example_type.decode_as::<ObjectIdentifier>().is_err());
}

/// Dotted form of an OBJECT IDENTIFIER's content octets (X.690 §8.19), including
/// a first subidentifier above 127, which the OID types at hand do not handle.
fn dotted(content: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    for (i, byte) in content.iter().enumerate() {
        value = (value << 7) | u128::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        } else {
            assert!(i + 1 < content.len(), "truncated OID");
        }
    }
    arcs.iter()
        .map(u128::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// A.3's PKCS#10 request, as a DER blob kept alive by the caller.
fn a3_request() -> Vec<u8> {
    let body = assert_content_length("a3-simpleenroll-request.b64", 882);
    decode_base64(&body).expect("A.3 request is base64")
}

fn parse_csr(der: &[u8]) -> X509CertificationRequest<'_> {
    let (rest, csr) = X509CertificationRequest::from_der(der).expect("PKCS#10 parses");
    assert!(rest.is_empty());
    assert_sha1_rsa_signed(
        csr.certification_request_info.raw,
        &csr.signature_value.data,
        &csr.certification_request_info
            .subject_pki
            .subject_public_key
            .data,
        "the request's proof of possession",
    );
    csr
}

fn challenge_password(csr: &X509CertificationRequest<'_>) -> String {
    let mut found = csr
        .certification_request_info
        .iter_attributes()
        .filter_map(|a| match a.parsed_attribute() {
            ParsedCriAttribute::ChallengePassword(p) => Some(p.0.clone()),
            _ => None,
        });
    let one = found.next().expect("a challengePassword");
    assert!(found.next().is_none());
    one
}

/// A.3: the client's /simpleenroll request and the certificate the server issues for
/// it.
#[test]
fn a3_simpleenroll_answer_certifies_the_requests_key_and_subject() {
    let request = a3_request();
    let csr = parse_csr(&request);
    let info = &csr.certification_request_info;
    assert_eq!(cn(&info.subject), "demostep4 1368141352");
    assert_eq!(challenge_password(&csr), "+rrCir/7+EYu50T4");

    let body = assert_content_length("a3-simpleenroll-response.b64", 1122);
    let certs = parse_certs_only(&body).expect("A.3 answer parses");
    assert_eq!(
        certs.len(),
        1,
        "certs-only with the issued certificate alone"
    );
    let issued = cert(&certs[0]);

    assert_eq!(
        issued.public_key().raw,
        info.subject_pki.raw,
        "the issued certificate certifies the request's key"
    );
    assert_eq!(
        issued.subject().as_raw(),
        info.subject.as_raw(),
        "same subject, byte for byte"
    );
    assert_eq!(cn(issued.issuer()), "estExampleCA NwN");
    assert_eq!(issued.raw_serial(), &[21], "serial 21");
    assert_eq!(
        issued
            .validity()
            .not_before
            .to_datetime()
            .date()
            .to_string(),
        "2013-05-09"
    );
    assert!(!issued.is_ca());

    // Issued by the new CA of A.1.
    let ca = CaCerts::load();
    assert_cert_signed_by(&issued, &ca.by_cn("estExampleCA NwN"));

    // The crate's own view of it agrees.
    let parsed = CertificateInfo::parse(&certs[0]).expect("CertificateInfo parses");
    assert_eq!(
        parsed.public_key,
        info.subject_pki.subject_public_key.data.as_ref()
    );
    assert_eq!(parsed.subject_cn, "demostep4 1368141352");
}

/// The acceptance rules of SPEC §3 applied to A.3's answer, with the RFC's own new
/// CA pinned and a time inside the certificates' validity: key and subject match,
/// but the chain is refused because it is signed with SHA-1, which this client does
/// not accept. This is the answer that must never be installed.
#[test]
fn a3_answer_is_refused_because_it_is_signed_with_sha1() {
    let request = a3_request();
    let csr = parse_csr(&request);
    let new_key = csr
        .certification_request_info
        .subject_pki
        .subject_public_key
        .data
        .to_vec();

    let certs = parse_certs_only(&data("a3-simpleenroll-response.b64")).unwrap();
    let current = CertificateInfo::parse(&certs[0]).unwrap();
    let ca = CaCerts::load();
    let nwn = ca
        .ders
        .iter()
        .find(|d| cn(cert(d).subject()) == "estExampleCA NwN")
        .unwrap()
        .clone();
    let pinned = [CertificateDer::from(nwn)];
    // 1 June 2013, inside every example certificate's validity.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_370_044_800));

    let err = accept_issued(
        &certs,
        &Expectation {
            new_public_key: &new_key,
            current: &current,
            pinned_roots: &pinned,
            ca_certs: &ca.ders,
            now,
        },
    )
    .expect_err("a SHA-1 chain is refused");
    match err {
        EstError::Rejected(Rejection::Untrusted(why)) => {
            assert!(why.contains("UnsupportedSignatureAlgorithm"), "{why}")
        }
        other => panic!("expected an untrusted chain, got {other:?}"),
    }
}

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
