//! CsrAttrs built by hand (DER), read back, and turned into a key or a refusal.

use base64::Engine as _;
use shomei_store::KeySpec;

use super::*;
use crate::error::EstError;

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(content);
    out
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u128> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut content = Vec::new();
    for arc in std::iter::once(arcs[0] * 40 + arcs[1]).chain(arcs[2..].iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        content.extend(groups.iter().rev());
    }
    tlv(0x06, &content)
}

fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

fn attr(kind: &str, values: &[Vec<u8>]) -> Vec<u8> {
    seq(&[oid(kind), tlv(0x31, &values.concat())])
}

fn int(value: u32) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let mut content: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if content.first().is_none_or(|b| b & 0x80 != 0) {
        content.insert(0, 0);
    }
    tlv(0x02, &content)
}

fn read(items: &[Vec<u8>]) -> CsrRequirements {
    let body = base64::engine::general_purpose::STANDARD.encode(seq(items));
    parse(body.as_bytes()).unwrap()
}

fn oids(list: &[&str]) -> Vec<Oid> {
    list.iter().map(|s| Oid((*s).to_owned())).collect()
}

const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const SHA256_RSA: &str = "1.2.840.113549.1.1.11";

#[test]
fn nothing_asked() {
    assert_eq!(parse(b"").unwrap(), CsrRequirements::none());
    assert_eq!(parse(b" \r\n").unwrap(), CsrRequirements::none());
    assert_eq!(read(&[]), CsrRequirements::none());
    assert_eq!(
        CsrRequirements::none().honour(KeySpec::Rsa2048, false),
        Ok(KeySpec::Rsa2048)
    );
}

#[test]
fn rsa_3072_asked_upgrades_and_never_downgrades() {
    let asked = read(&[attr(oids::RSA_ENCRYPTION, &[int(3072)]), oid(SHA256_RSA)]);
    assert_eq!(asked.key, Some(KeyRequirement::Rsa { bits: Some(3072) }));
    assert_eq!(asked.ignored, oids(&[SHA256_RSA]));
    assert_eq!(asked.honour(KeySpec::Rsa2048, false), Ok(KeySpec::Rsa3072));
    assert_eq!(asked.honour(KeySpec::Rsa3072, false), Ok(KeySpec::Rsa3072));
    assert_eq!(asked.honour(KeySpec::EcP256, false), Ok(KeySpec::Rsa3072));

    let rsa2048 = read(&[attr(oids::RSA_ENCRYPTION, &[int(2048)])]);
    assert_eq!(
        rsa2048.honour(KeySpec::Rsa3072, false),
        Ok(KeySpec::Rsa3072)
    );
    // From P-256 (128 bits), RSA 2048 (112) would be weaker.
    assert_eq!(rsa2048.honour(KeySpec::EcP256, false), Ok(KeySpec::Rsa3072));
    let bare = read(&[oid(oids::RSA_ENCRYPTION)]);
    assert_eq!(bare.key, Some(KeyRequirement::Rsa { bits: None }));
    assert_eq!(bare.honour(KeySpec::Rsa2048, false), Ok(KeySpec::Rsa2048));
}

#[test]
fn rsa_sizes_that_cannot_be_generated_are_refused() {
    for bits in [4096, 1024, 0] {
        let asked = read(&[attr(oids::RSA_ENCRYPTION, &[int(bits)])]);
        let refusal = asked.honour(KeySpec::Rsa2048, false).unwrap_err();
        assert_eq!(
            refusal.unmet,
            [Unmet::Key(KeyRequirement::Rsa { bits: Some(bits) })]
        );
        assert!(
            refusal.to_string().contains(&format!("RSA {bits}")),
            "{refusal}"
        );
    }
}

#[test]
fn ec_curves() {
    let p256 = read(&[attr(oids::EC_PUBLIC_KEY, &[oid(oids::SECP256R1)])]);
    assert_eq!(p256.honour(KeySpec::Rsa2048, false), Ok(KeySpec::EcP256));
    assert_eq!(p256.honour(KeySpec::Rsa3072, false), Ok(KeySpec::EcP256));
    let bare = read(&[oid(oids::EC_PUBLIC_KEY), oid(ECDSA_SHA256)]);
    assert_eq!(bare.honour(KeySpec::EcP256, false), Ok(KeySpec::EcP256));
    assert_eq!(bare.ignored, oids(&[ECDSA_SHA256]));

    let p384 = read(&[attr(oids::EC_PUBLIC_KEY, &[oid(oids::SECP384R1)])]);
    let wanted = KeyRequirement::Ec {
        curve: Some(Curve::P384),
    };
    assert_eq!(p384.key, Some(wanted.clone()));
    assert_eq!(
        p384.honour(KeySpec::EcP256, false).unwrap_err().unmet,
        [Unmet::Key(wanted)]
    );
    // A bare curve, and bare id-ecPublicKey then the curve: one requirement.
    let brainpool = "1.3.36.3.3.2.8.1.1.11";
    let bare_curve = read(&[oid(oids::EC_PUBLIC_KEY), oid(brainpool)]);
    assert_eq!(
        bare_curve.key,
        Some(KeyRequirement::Ec {
            curve: Some(Curve::Other(Oid(brainpool.into())))
        })
    );
    assert!(bare_curve.honour(KeySpec::EcP256, false).is_err());
}

#[test]
fn challenge_password_is_honoured_only_with_one() {
    for asked in [
        read(&[oid(oids::CHALLENGE_PASSWORD)]),
        read(&[attr(oids::CHALLENGE_PASSWORD, &[tlv(0x13, b"x")])]),
    ] {
        assert!(asked.challenge_password);
        assert_eq!(asked.honour(KeySpec::EcP256, true), Ok(KeySpec::EcP256));
        assert_eq!(
            asked.honour(KeySpec::EcP256, false).unwrap_err().unmet,
            [Unmet::ChallengePassword]
        );
    }
}

#[test]
fn what_cannot_be_supplied_is_listed_in_full() {
    let mac_address = "1.3.6.1.1.1.1.22";
    let asked = read(&[
        attr("2.999.1", &[tlv(0x13, b"Parse SET as 2.999.1 data")]),
        attr(oids::EXTENSION_REQUEST, &[oid(mac_address)]),
        attr(
            oids::EXTENSION_REQUEST,
            &[seq(&[seq(&[oid("2.5.29.17"), tlv(0x04, &[0x30, 0x00])])])],
        ),
        oid(mac_address),
        attr(oids::EC_PUBLIC_KEY, &[oid(oids::SECP384R1)]),
        oid(oids::RSA_ENCRYPTION),
        oid(oids::CHALLENGE_PASSWORD),
    ]);
    assert_eq!(asked.ignored, oids(&[mac_address]));
    let refusal = asked.honour(KeySpec::EcP256, false).unwrap_err();
    assert_eq!(
        refusal.unmet,
        [
            Unmet::Key(KeyRequirement::Ec {
                curve: Some(Curve::P384)
            }),
            Unmet::Attribute(Oid("2.999.1".into())),
            Unmet::Extension(Oid(mac_address.into())),
            Unmet::Extension(Oid("2.5.29.17".into())),
            Unmet::ConflictingKey(KeyRequirement::Rsa { bits: None }),
            Unmet::ChallengePassword,
        ]
    );
    let text = EstError::from(refusal).to_string();
    assert!(text.contains("2.999.1") && text.contains("P-384"), "{text}");
}

#[test]
fn malformed_answers_are_errors() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not a SEQUENCE", oid(oids::RSA_ENCRYPTION)),
        ("an INTEGER entry", seq(&[int(5)])),
        ("trailing bytes", [seq(&[]), vec![0]].concat()),
        ("truncated OID", seq(&[tlv(0x06, &[0x2a, 0x86])])),
        ("non-minimal OID", seq(&[tlv(0x06, &[0x2a, 0x80, 0x01])])),
        ("empty OID", seq(&[tlv(0x06, &[])])),
        (
            "huge arc",
            seq(&[tlv(0x06, &[&[0xff; 20][..], &[0x01]].concat())]),
        ),
        (
            "three fields",
            seq(&[seq(&[oid("2.999.1"), tlv(0x31, &[]), tlv(0x31, &[])])]),
        ),
        (
            "values not a SET",
            seq(&[seq(&[oid("2.999.1"), tlv(0x30, &[])])]),
        ),
        (
            "size not an INTEGER",
            seq(&[attr(oids::RSA_ENCRYPTION, &[oid("1.2.3")])]),
        ),
        (
            "negative size",
            seq(&[attr(oids::RSA_ENCRYPTION, &[tlv(0x02, &[0xff])])]),
        ),
        (
            "curve not an OID",
            seq(&[attr(oids::EC_PUBLIC_KEY, &[int(256)])]),
        ),
        (
            "too many items",
            seq(&vec![oid(ECDSA_SHA256); parse::MAX_ITEMS + 1]),
        ),
        ("indefinite length", vec![0x30, 0x80, 0x00, 0x00]),
    ];
    for (what, der) in cases {
        match parse_der(&der) {
            Err(EstError::Malformed(why)) => assert!(why.starts_with("csrattrs"), "{what}: {why}"),
            other => panic!("{what}: expected Malformed, got {other:?}"),
        }
    }
    assert!(matches!(
        parse(b"!!not base64"),
        Err(EstError::Malformed(_))
    ));
    let huge = vec![b'A'; MAX_CSRATTRS_BYTES + 1];
    assert!(matches!(parse(&huge), Err(EstError::Malformed(_))));
}

/// Every truncation and many single-byte changes of a rich answer: an error or a
/// value, never a panic.
#[test]
fn mutations_never_panic() {
    let good = seq(&[
        attr(oids::RSA_ENCRYPTION, &[int(3072)]),
        attr(oids::EC_PUBLIC_KEY, &[oid(oids::SECP384R1)]),
        attr(oids::EXTENSION_REQUEST, &[oid("2.5.29.17")]),
        oid(oids::CHALLENGE_PASSWORD),
        oid("2.999.1"),
    ]);
    for end in 0..good.len() {
        let _ = parse_der(&good[..end]);
    }
    for at in 0..good.len() {
        for byte in [0x00, 0x01, 0x06, 0x30, 0x31, 0x7f, 0x80, 0x81, 0xff] {
            let mut bad = good.clone();
            bad[at] = byte;
            let _ = parse_der(&bad);
        }
    }
}
