//! Names built byte by byte, so each case says exactly which encoding it uses.

use super::same_name;

const CN: &[u8] = &[0x55, 0x04, 0x03];
const O: &[u8] = &[0x55, 0x04, 0x0A];
const C: &[u8] = &[0x55, 0x04, 0x06];

const PRINTABLE: u8 = 0x13;
const UTF8: u8 = 0x0C;
const BMP: u8 = 0x1E;
const IA5: u8 = 0x16;

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        n @ 0..=0x7F => out.push(n as u8),
        n @ 0x80..=0xFF => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(content);
    out
}

fn ava(oid: &[u8], tag: u8, value: &[u8]) -> Vec<u8> {
    tlv(0x30, &[tlv(0x06, oid), tlv(tag, value)].concat())
}

/// A name of RDNs, each a set of attributes in the order given.
fn name(rdns: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let rdns: Vec<u8> = rdns
        .iter()
        .flat_map(|set| tlv(0x31, &set.concat()))
        .collect();
    tlv(0x30, &rdns)
}

fn bmp(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn company(c_tag: u8, o: (u8, &[u8]), cn: (u8, &[u8])) -> Vec<u8> {
    name(&[
        vec![ava(C, c_tag, b"JP")],
        vec![ava(O, o.0, o.1)],
        vec![ava(CN, cn.0, cn.1)],
    ])
}

#[test]
fn a_printable_string_reencoded_as_utf8_is_the_same_name() {
    let ascii = company(PRINTABLE, (PRINTABLE, b"Demo Corp"), (PRINTABLE, b"Taro"));
    let utf8 = company(UTF8, (UTF8, b"Demo Corp"), (UTF8, b"Taro"));
    assert_ne!(ascii, utf8);
    assert!(same_name(&ascii, &utf8));
    let ja = "株式会社デモ商事".as_bytes();
    let as_utf8 = company(PRINTABLE, (UTF8, ja), (UTF8, ja));
    let as_bmp = company(PRINTABLE, (BMP, &bmp("株式会社デモ商事")), (UTF8, ja));
    assert!(same_name(&as_utf8, &as_bmp));
}

#[test]
fn case_spaces_and_width_are_insignificant() {
    let a = company(
        PRINTABLE,
        (PRINTABLE, b"Demo Corp"),
        (PRINTABLE, b"Taro Yamada"),
    );
    let b = company(UTF8, (UTF8, b"  DEMO   corp "), (IA5, b"taro\tyamada"));
    assert!(same_name(&a, &b));
    // Full-width letters and the ideographic space are the same after NFKC.
    let c = company(
        UTF8,
        (UTF8, "ＤＥＭＯ\u{3000}Corp".as_bytes()),
        (UTF8, b"Taro Yamada"),
    );
    assert!(same_name(&a, &c));
    // A soft hyphen is mapped to nothing.
    let d = company(
        UTF8,
        (UTF8, "De\u{00AD}mo Corp".as_bytes()),
        (UTF8, b"Taro Yamada"),
    );
    assert!(same_name(&a, &d));
}

#[test]
fn a_different_name_is_still_different() {
    let a = company(
        PRINTABLE,
        (UTF8, "株式会社デモ商事".as_bytes()),
        (UTF8, b"Taro"),
    );
    for other in [
        company(
            PRINTABLE,
            (UTF8, "株式会社デモ商店".as_bytes()),
            (UTF8, b"Taro"),
        ),
        company(
            PRINTABLE,
            (UTF8, "株式会社デモ商事".as_bytes()),
            (UTF8, b"Jiro"),
        ),
        company(
            PRINTABLE,
            (UTF8, "株式会社デモ商事".as_bytes()),
            (UTF8, b"Tar o"),
        ),
        company(
            PRINTABLE,
            (UTF8, "株式会社デモ商事".as_bytes()),
            (UTF8, b""),
        ),
        // The same attributes in another RDN order.
        name(&[
            vec![ava(O, UTF8, "株式会社デモ商事".as_bytes())],
            vec![ava(C, PRINTABLE, b"JP")],
            vec![ava(CN, UTF8, b"Taro")],
        ]),
        // One RDN fewer, one more.
        name(&[vec![ava(C, PRINTABLE, b"JP")], vec![ava(CN, UTF8, b"Taro")]]),
        name(&[
            vec![ava(C, PRINTABLE, b"JP")],
            vec![ava(O, UTF8, "株式会社デモ商事".as_bytes())],
            vec![ava(CN, UTF8, b"Taro")],
            vec![ava(CN, UTF8, b"Taro")],
        ]),
        // The same value under another attribute type.
        name(&[
            vec![ava(C, PRINTABLE, b"JP")],
            vec![ava(CN, UTF8, "株式会社デモ商事".as_bytes())],
            vec![ava(CN, UTF8, b"Taro")],
        ]),
    ] {
        assert!(!same_name(&a, &other), "{other:02x?}");
    }
}

#[test]
fn inside_one_rdn_the_order_does_not_matter() {
    let a = name(&[vec![ava(O, UTF8, b"Demo"), ava(CN, UTF8, b"Taro")]]);
    let b = name(&[vec![ava(CN, PRINTABLE, b"taro"), ava(O, UTF8, b"Demo")]]);
    assert!(same_name(&a, &b));
    let split = name(&[vec![ava(O, UTF8, b"Demo")], vec![ava(CN, UTF8, b"Taro")]]);
    assert!(!same_name(&a, &split));
}

#[test]
fn garbage_and_prohibited_characters_never_match_anything_else() {
    let good = company(PRINTABLE, (UTF8, b"Demo"), (UTF8, b"Taro"));
    assert!(!same_name(&good, b"\x30\x03\x31"));
    assert!(
        same_name(b"\x30\x03\x31", b"\x30\x03\x31"),
        "identical bytes"
    );
    let private_use = company(
        PRINTABLE,
        (UTF8, "Demo\u{E000}".as_bytes()),
        (UTF8, b"Taro"),
    );
    let also = company(UTF8, (UTF8, "Demo\u{E000}".as_bytes()), (UTF8, b"Taro"));
    assert!(!same_name(&private_use, &also));
    // Non-string values compare by their bytes.
    let raw = name(&[vec![ava(CN, 0x04, b"\x01\x02")]]);
    assert!(same_name(&raw, &name(&[vec![ava(CN, 0x04, b"\x01\x02")]])));
    assert!(!same_name(&raw, &name(&[vec![ava(CN, 0x04, b"\x01\x03")]])));
}
