//! X.509 names compared the way RFC 5280 §7.1 says: attribute by attribute, each
//! string value prepared with the LDAP string preparation of RFC 4518 (whatever
//! ASN.1 string type carries it) and matched case-insensitively.
//!
//! A CA may re-encode the subject of a request (a PrintableString becomes a
//! UTF8String, spaces are tidied): that is the same name and must not fail a
//! renewal. A different name is still different.
//!
//! What is implemented of RFC 4518 §2: transcoding of every directory string type
//! (PrintableString, UTF8String, IA5String, NumericString, VisibleString,
//! TeletexString read as Latin-1, BMPString, UniversalString), the mapping of
//! RFC 3454 table B.1 characters to nothing and of whitespace to SPACE, case
//! folding, NFKC, and insignificant space handling. Values that are not strings
//! are compared by their DER. Prohibited characters make the match fail.

use unicode_normalization::UnicodeNormalization;
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// Whether two DER-encoded names are the same name (RFC 5280 §7.1). A name that
/// does not parse matches only its exact bytes.
pub fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let (Some(a), Some(b)) = (prepared(a), prepared(b)) else {
        return false;
    };
    a == b
}

/// One attribute, ready to compare: its type and its prepared value.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Prepared {
    oid: Vec<u8>,
    value: Value,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Text(String),
    /// Not a string type: its tag and content, compared exactly.
    Raw(u32, Vec<u8>),
}

/// The name as a sequence of RDNs, each a sorted set of prepared attributes
/// (the order inside a multi-valued RDN does not matter; the order of RDNs does).
fn prepared(der: &[u8]) -> Option<Vec<Vec<Prepared>>> {
    let (rest, name) = X509Name::from_der(der).ok()?;
    if !rest.is_empty() {
        return None;
    }
    name.iter()
        .map(|rdn| {
            let mut set = rdn.iter().map(attribute).collect::<Option<Vec<_>>>()?;
            set.sort();
            Some(set)
        })
        .collect()
}

fn attribute(ava: &AttributeTypeAndValue<'_>) -> Option<Prepared> {
    let value = ava.attr_value();
    let bytes = value.data;
    let text = match value.tag() {
        Tag::PrintableString
        | Tag::Utf8String
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => Some(std::str::from_utf8(bytes).ok()?.to_owned()),
        // T.61 in practice holds Latin-1 (RFC 5280 §4.1.2.4 advises against it).
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            Some(
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .ok()?,
            )
        }
        Tag::UniversalString => {
            if bytes.len() % 4 != 0 {
                return None;
            }
            Some(
                bytes
                    .chunks_exact(4)
                    .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                    .collect::<Option<String>>()?,
            )
        }
        _ => None,
    };
    let value = match text {
        Some(text) => Value::Text(prepare(&text)?),
        None => Value::Raw(value.tag().0, bytes.to_vec()),
    };
    Some(Prepared {
        oid: ava.attr_type().as_bytes().to_vec(),
        value,
    })
}

/// RFC 4518 §2.2–2.6 for caseIgnoreMatch; `None` when a prohibited character
/// makes the match undefined (and so false).
fn prepare(text: &str) -> Option<String> {
    let mapped: String = text
        .chars()
        .filter_map(|c| {
            if maps_to_nothing(c) {
                None
            } else if is_space(c) {
                Some(' ')
            } else {
                Some(c)
            }
        })
        .flat_map(char::to_lowercase)
        .collect();
    let normalized: String = mapped.nfkc().collect();
    if normalized.chars().any(prohibited) {
        return None;
    }
    // Insignificant space handling: no leading or trailing space, one inside.
    Some(
        normalized
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// RFC 4518 §2.2: soft hyphen, joiners, variation selectors and control codes
/// other than the whitespace ones.
fn maps_to_nothing(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{1806}' | '\u{034F}' | '\u{180B}'..='\u{180D}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FFFC}' | '\u{200B}'
        | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
        || (c.is_control() && !matches!(c, '\u{0009}'..='\u{000D}' | '\u{0085}'))
}

/// RFC 4518 §2.2: the control whitespace and every space separator become SPACE.
fn is_space(c: char) -> bool {
    matches!(c,
        '\u{0009}'..='\u{000D}' | '\u{0085}' | '\u{0020}' | '\u{00A0}' | '\u{1680}'
        | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}'
        | '\u{3000}')
}

/// RFC 4518 §2.4 (the tables of RFC 3454 it names, in short): private use,
/// non-characters, surrogates and the replacement character.
fn prohibited(c: char) -> bool {
    matches!(c,
        '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}'
        | '\u{FDD0}'..='\u{FDEF}' | '\u{FFFD}')
        || (u32::from(c) & 0xFFFE) == 0xFFFE
}

#[cfg(test)]
mod tests;
