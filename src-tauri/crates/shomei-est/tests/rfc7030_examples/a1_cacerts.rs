//! A.1: obtaining CA certificates (`/cacerts`).

use super::*;
use shomei_est::pkcs7::{decode_base64, parse_certs_only};

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
