//! A.2: CSR attributes (`/csrattrs`).

use super::*;
use der::asn1::{ObjectIdentifier, PrintableStringRef};
use der::{Any, Decode, Reader, SliceReader, Tag, Tagged};
use shomei_est::pkcs7::decode_base64;

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

    // 2.999.x is encoded with a multi-byte first subidentifier (2*40+999 = 1079 =
    // 0x88 0x37), which the `const-oid` 0.9 behind `der` and `cms` refuses: the
    // crate's csrattrs parser reads OIDs itself (see below).
    let example_type = &items[1].decode_as::<Vec<Any>>().unwrap()[0];
    assert_eq!(example_type.value(), [0x88, 0x37, 0x01]);
    assert!(example_type.decode_as::<ObjectIdentifier>().is_err());
}

/// A.2 read by the crate's own parser: the brainpool curve cannot be generated here
/// and the two example attributes are attributes with values this client does not
/// know, so a renewal would be refused before any key exists, saying exactly why;
/// macAddress and sha384 are bare OIDs, read as hints and ignored.
#[test]
fn a2_csrattrs_through_the_crate_parser() {
    let asked = shomei_est::csrattrs::parse(&data("a2-csrattrs-response.b64")).unwrap();
    assert!(asked.challenge_password);
    let ignored: Vec<&str> = asked.ignored.iter().map(|o| o.as_str()).collect();
    assert_eq!(ignored, ["1.3.6.1.1.1.1.22", "2.16.840.1.101.3.4.2.2"]);
    let refusal = asked
        .honour(shomei_store::KeySpec::EcP256, true)
        .unwrap_err();
    let unmet: Vec<String> = refusal.unmet.iter().map(ToString::to_string).collect();
    assert_eq!(
        unmet,
        [
            "an ECDSA curve 1.3.36.3.3.2.8.1.1.11 key, which cannot be generated here",
            "the attribute 2.999.1",
            "the attribute 2.999.2",
        ]
    );
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
