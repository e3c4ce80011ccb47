//! Reading a `/csrattrs` answer (RFC 7030 §4.5.2): base64 of the DER
//! `CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID`, where
//! `AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }` and
//! `Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET SIZE(1..MAX) OF ANY }`.
//! Only three levels are ever looked into; sizes and counts are bounded, and anything
//! that is not this shape is [`EstError::Malformed`], never a panic.

use der::{Any, Decode, Reader, SliceReader, Tag, Tagged};

use super::oids::*;
use super::{CsrRequirements, Curve, KeyRequirement, Oid, Unmet};
use crate::error::{EstError, Result};
use crate::pkcs7::decode_base64;

/// A list of OIDs is a few hundred bytes; anything far larger is hostile.
pub const MAX_CSRATTRS_BYTES: usize = 64 * 1024;
/// At most this many AttrOrOIDs, and values per attribute.
pub(super) const MAX_ITEMS: usize = 128;
const MAX_VALUES: usize = 32;
/// Content octets of one OID (a 128-bit UUID arc takes 19).
const MAX_OID_BYTES: usize = 64;

fn malformed(what: impl std::fmt::Display) -> EstError {
    EstError::Malformed(format!("csrattrs: {what}"))
}

/// The requirements in a `/csrattrs` body (base64, line breaks allowed). An empty
/// body means "no requirements".
pub fn parse(body: &[u8]) -> Result<CsrRequirements> {
    if body.len() > MAX_CSRATTRS_BYTES {
        return Err(malformed(format!(
            "answer of {} bytes exceeds the {MAX_CSRATTRS_BYTES}-byte limit",
            body.len()
        )));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(CsrRequirements::none());
    }
    parse_der(&decode_base64(body)?)
}

/// The requirements in a DER `CsrAttrs`.
pub fn parse_der(der: &[u8]) -> Result<CsrRequirements> {
    let items = Vec::<Any>::from_der(der).map_err(|e| malformed(format!("CsrAttrs: {e}")))?;
    if items.len() > MAX_ITEMS {
        return Err(malformed(format!("more than {MAX_ITEMS} entries")));
    }
    let mut found = CsrRequirements::none();
    for item in &items {
        match item.tag() {
            Tag::ObjectIdentifier => bare(&mut found, oid(item)?),
            Tag::Sequence => attribute(&mut found, item)?,
            other => {
                return Err(malformed(format!(
                    "an entry is neither an OID nor an Attribute ({other})"
                )))
            }
        }
    }
    Ok(found)
}

/// A bare OID: a key type or curve, challengePassword, or a hint that is ignored.
fn bare(found: &mut CsrRequirements, oid: Oid) {
    match oid.as_str() {
        CHALLENGE_PASSWORD => found.challenge_password = true,
        RSA_ENCRYPTION => require_key(found, KeyRequirement::Rsa { bits: None }),
        EC_PUBLIC_KEY => require_key(found, KeyRequirement::Ec { curve: None }),
        _ => match curve(&oid) {
            Some(curve) => require_key(found, KeyRequirement::Ec { curve: Some(curve) }),
            None => found.ignored.push(oid),
        },
    }
}

fn attribute(found: &mut CsrRequirements, item: &Any) -> Result<()> {
    let fields = item
        .decode_as::<Vec<Any>>()
        .map_err(|e| malformed(format!("Attribute: {e}")))?;
    let [kind, values] = fields.as_slice() else {
        return Err(malformed("an Attribute is not a type and a set of values"));
    };
    if values.tag() != Tag::Set {
        return Err(malformed("an Attribute's values are not a SET"));
    }
    let kind = oid(kind)?;
    let values = set_values(values)?;
    match kind.as_str() {
        CHALLENGE_PASSWORD => found.challenge_password = true,
        RSA_ENCRYPTION => {
            let bits = match values.first() {
                Some(size) => Some(size.decode_as::<u32>().map_err(|e| {
                    malformed(format!("the rsaEncryption size is not an INTEGER: {e}"))
                })?),
                None => None,
            };
            require_key(found, KeyRequirement::Rsa { bits });
        }
        EC_PUBLIC_KEY => {
            let curve = match values.first() {
                Some(named) => {
                    let named = oid(named)?;
                    Some(curve(&named).unwrap_or(Curve::Other(named)))
                }
                None => None,
            };
            require_key(found, KeyRequirement::Ec { curve });
        }
        EXTENSION_REQUEST => {
            for value in &values {
                extensions(found, value)?;
            }
        }
        _ => found.unsupported.push(Unmet::Attribute(kind)),
    }
    Ok(())
}

/// extensionRequest values: the extensions' OIDs (RFC 7030 §4.5.2's example) or
/// `Extensions` (a SEQUENCE OF Extension, RFC 9908).
fn extensions(found: &mut CsrRequirements, value: &Any) -> Result<()> {
    match value.tag() {
        Tag::ObjectIdentifier => found.unsupported.push(Unmet::Extension(oid(value)?)),
        Tag::Sequence => {
            let list = value
                .decode_as::<Vec<Any>>()
                .map_err(|e| malformed(format!("Extensions: {e}")))?;
            if list.len() > MAX_VALUES {
                return Err(malformed(format!("more than {MAX_VALUES} extensions")));
            }
            for extension in &list {
                let fields = extension
                    .decode_as::<Vec<Any>>()
                    .map_err(|e| malformed(format!("Extension: {e}")))?;
                let first = fields
                    .first()
                    .ok_or_else(|| malformed("an empty Extension"))?;
                found.unsupported.push(Unmet::Extension(oid(first)?));
            }
        }
        other => return Err(malformed(format!("an extensionRequest value is {other}"))),
    }
    Ok(())
}

/// The elements of a SET OF ANY, in the order written (DER's sort order is not
/// insisted on: a CA's mistake there changes nothing we read).
fn set_values(set: &Any) -> Result<Vec<Any>> {
    let mut reader = SliceReader::new(set.value()).map_err(|e| malformed(e.to_string()))?;
    let mut values = Vec::new();
    while !reader.is_finished() {
        if values.len() == MAX_VALUES {
            return Err(malformed(format!(
                "an attribute with more than {MAX_VALUES} values"
            )));
        }
        values.push(Any::decode(&mut reader).map_err(|e| malformed(e.to_string()))?);
    }
    Ok(values)
}

/// Adds a key requirement: the same family refines it (RSA: the larger size; EC:
/// the curve), another one contradicts it.
fn require_key(found: &mut CsrRequirements, new: KeyRequirement) {
    use KeyRequirement::{Ec, Rsa};
    let merged = match (&found.key, &new) {
        (None, _) => Some(new.clone()),
        (Some(Rsa { bits: a }), Rsa { bits: b }) => Some(Rsa { bits: (*a).max(*b) }),
        (Some(Ec { curve: None }), Ec { .. }) => Some(new.clone()),
        (Some(Ec { curve: Some(_) }), Ec { curve: None }) => found.key.clone(),
        (Some(Ec { curve: Some(a) }), Ec { curve: Some(b) }) if a == b => found.key.clone(),
        _ => None,
    };
    match merged {
        Some(key) => found.key = Some(key),
        None => found.unsupported.push(Unmet::ConflictingKey(new)),
    }
}

/// The curve a bare OID names, if it names one.
fn curve(oid: &Oid) -> Option<Curve> {
    match oid.as_str() {
        SECP256R1 => Some(Curve::P256),
        SECP384R1 => Some(Curve::P384),
        SECP521R1 => Some(Curve::P521),
        other if CURVE_ARCS.iter().any(|arc| other.starts_with(arc)) => {
            Some(Curve::Other(oid.clone()))
        }
        _ => None,
    }
}

/// An OBJECT IDENTIFIER read from its content octets (X.690 §8.19): minimal
/// encoding, arcs up to 128 bits, a first subidentifier above 127 allowed.
pub(super) fn oid(any: &Any) -> Result<Oid> {
    if any.tag() != Tag::ObjectIdentifier {
        return Err(malformed(format!("expected an OID, found {}", any.tag())));
    }
    let content = any.value();
    if content.is_empty() || content.len() > MAX_OID_BYTES {
        return Err(malformed(format!("an OID of {} bytes", content.len())));
    }
    if content.last().is_some_and(|b| b & 0x80 != 0) {
        return Err(malformed("a truncated OID"));
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    let mut starting = true;
    for byte in content {
        if starting && *byte == 0x80 {
            return Err(malformed("an OID subidentifier with a leading 0x80"));
        }
        if value >> 121 != 0 {
            return Err(malformed("an OID arc larger than 128 bits"));
        }
        value = (value << 7) | u128::from(byte & 0x7f);
        starting = byte & 0x80 == 0;
        if starting {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.extend([first, value - first * 40]);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    let dotted: Vec<String> = arcs.iter().map(u128::to_string).collect();
    Ok(Oid(dotted.join(".")))
}
