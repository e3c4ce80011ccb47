//! The PKCS#10 request: the current certificate's subject, the NEW key, signed by
//! the new key through the store (rcgen's `SigningKey`, so the key never leaves),
//! and, when the CA asks for one (`/csrattrs`), a challengePassword attribute.
//! Must never: change the subject, or log the challenge password.

use der::asn1::{PrintableStringRef, Utf8StringRef};
use der::Encode as _;
use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue};
use secrecy::{ExposeSecret as _, SecretString};
use shomei_store::signer::CsrSigner;
use shomei_store::{CertificateInfo, KeyHandle};
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::prelude::*;

use crate::error::{EstError, Result};

/// DER PKCS#10 for `new_key`, with exactly the subject of `current`.
pub fn build_csr(current: &CertificateInfo, new_key: &dyn KeyHandle) -> Result<Vec<u8>> {
    build_csr_with(current, new_key, None)
}

/// [`build_csr`], with a challengePassword attribute (PKCS#9, RFC 2985 §5.4.1) when
/// the CA asks for one. The password is IN the request's bytes by necessity: whoever
/// stores the request (a journal) stores the password, and the CA sees it in clear
/// inside the TLS connection. 1 to 255 characters, a PrintableString when it can be
/// one, otherwise a UTF8String.
pub fn build_csr_with(
    current: &CertificateInfo,
    new_key: &dyn KeyHandle,
    challenge_password: Option<&SecretString>,
) -> Result<Vec<u8>> {
    let signer = CsrSigner::new(new_key).ok_or_else(|| {
        EstError::Request(format!(
            "{} keys cannot sign a request yet",
            new_key.algorithm()
        ))
    })?;
    let attributes = match challenge_password {
        Some(password) => vec![challenge_password_attribute(password)?],
        None => Vec::new(),
    };
    serialize(current, &signer, attributes)
}

/// PKCS#9 challengePassword (1.2.840.113549.1.9.7).
const CHALLENGE_PASSWORD: &[u64] = &[1, 2, 840, 113549, 1, 9, 7];
/// pkcs-9-ub-challengePassword (RFC 2985).
const MAX_CHALLENGE_PASSWORD_CHARS: usize = 255;

/// `SET { DirectoryString }` holding the password. Error messages never quote it.
fn challenge_password_attribute(password: &SecretString) -> Result<rcgen::Attribute> {
    let text = password.expose_secret();
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_CHALLENGE_PASSWORD_CHARS {
        return Err(EstError::Request(format!(
            "the challenge password must have 1 to {MAX_CHALLENGE_PASSWORD_CHARS} characters, not {chars}"
        )));
    }
    let encoding = |_| EstError::Request("the challenge password cannot be encoded".into());
    let value = match PrintableStringRef::new(text) {
        Ok(printable) => printable.to_der(),
        Err(_) => Utf8StringRef::new(text).and_then(|utf8| utf8.to_der()),
    }
    .map_err(encoding)?;
    let value = secrecy::zeroize::Zeroizing::new(value);
    let mut set = vec![0x31];
    der::Length::try_from(value.len())
        .and_then(|len| len.encode_to_vec(&mut set))
        .map_err(encoding)?;
    set.extend_from_slice(&value);
    Ok(rcgen::Attribute {
        oid: CHALLENGE_PASSWORD,
        values: set,
    })
}

/// Whether a request can carry exactly `current`'s subject. Called before a key is
/// generated, so an unusual subject is refused before anything is created or sent.
pub fn check_subject(current: &CertificateInfo) -> Result<()> {
    serialize(current, &NoKey, Vec::new()).map(|_| ())
}

/// The request, refused unless its subject is byte for byte the current one:
/// rcgen rebuilds names from its own model, and a bank must never see another name.
fn serialize(
    current: &CertificateInfo,
    key: &impl rcgen::SigningKey,
    attributes: Vec<rcgen::Attribute>,
) -> Result<Vec<u8>> {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject_of(&current.subject_der)?;
    let csr = params
        .serialize_request_with_attributes(key, attributes)
        .map_err(|e| EstError::Request(e.to_string()))?;
    let der = csr.der().to_vec();
    let (_, parsed) = X509CertificationRequest::from_der(&der)
        .map_err(|e| EstError::Request(format!("request does not parse: {e}")))?;
    if parsed.certification_request_info.subject.as_raw() != current.subject_der.as_slice() {
        return Err(EstError::Request(
            "the current subject cannot be reproduced exactly in a request".into(),
        ));
    }
    Ok(der)
}

/// Stands in for a key when only the request's encoding matters (its signature is
/// never sent anywhere).
struct NoKey;

impl rcgen::PublicKeyData for NoKey {
    fn der_bytes(&self) -> &[u8] {
        &[0x30, 0x00]
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

impl rcgen::SigningKey for NoKey {
    fn sign(&self, _msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        Ok(vec![0])
    }
}

/// Rebuild a subject attribute by attribute, keeping each value's string type so
/// the bank sees the same name it issued (a PrintableString stays one).
fn subject_of(subject_der: &[u8]) -> Result<DistinguishedName> {
    let bad = |e: String| EstError::Request(format!("current subject: {e}"));
    let (_, name) = X509Name::from_der(subject_der).map_err(|e| bad(e.to_string()))?;
    let mut dn = DistinguishedName::new();
    for rdn in name.iter() {
        if rdn.iter().count() != 1 {
            return Err(bad("multi-valued RDNs are not supported".into()));
        }
    }
    let mut seen = Vec::new();
    for attr in name.iter_attributes() {
        // rcgen keeps one value per attribute type: a second OU would replace the first.
        if seen.contains(attr.attr_type()) {
            return Err(bad(format!(
                "attribute {} appears twice, which is not supported yet",
                attr.attr_type()
            )));
        }
        seen.push(attr.attr_type().clone());
        let arcs: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| bad("attribute type OID too large".into()))?
            .collect();
        let any = attr.attr_value();
        let text = || {
            std::str::from_utf8(any.data)
                .map(str::to_owned)
                .map_err(|e| bad(e.to_string()))
        };
        let value = match any.tag() {
            Tag::PrintableString => DnValue::PrintableString(
                text()?
                    .try_into()
                    .map_err(|e: rcgen::Error| bad(e.to_string()))?,
            ),
            Tag::Ia5String => DnValue::Ia5String(
                text()?
                    .try_into()
                    .map_err(|e: rcgen::Error| bad(e.to_string()))?,
            ),
            Tag::Utf8String => DnValue::Utf8String(text()?),
            other => {
                return Err(bad(format!(
                    "attribute {} uses string type {other} which is not supported",
                    attr.attr_type()
                )))
            }
        };
        dn.push(DnType::from_oid(&arcs), value);
    }
    Ok(dn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_attribute_types_are_refused_before_any_key_exists() {
        // Built by hand: rcgen itself cannot make a name with two OUs.
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, "x");
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let mut info = CertificateInfo::parse(cert.der()).unwrap();
        let ou = |v: &str| {
            let mut attr = vec![0x06, 0x03, 0x55, 0x04, 0x0B, 0x0C, v.len() as u8];
            attr.extend_from_slice(v.as_bytes());
            let mut seq = vec![0x30, attr.len() as u8];
            seq.extend(attr);
            let mut set = vec![0x31, seq.len() as u8];
            set.extend(seq);
            set
        };
        let mut body = ou("経理部");
        body.extend(ou("財務課"));
        info.subject_der = [vec![0x30, body.len() as u8], body].concat();
        let err = check_subject(&info).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }

    #[test]
    fn challenge_password_is_a_directory_string_in_the_request() {
        use x509_parser::cri_attributes::ParsedCriAttribute;
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, "x");
        let key = rcgen::KeyPair::generate().unwrap();
        let info = CertificateInfo::parse(params.self_signed(&key).unwrap().der()).unwrap();
        for (password, tag) in [("Ab1 '()+,-./:=?", 0x13), ("口座-パス", 0x0c)] {
            let attribute = challenge_password_attribute(&SecretString::from(password)).unwrap();
            assert_eq!(
                attribute.values[2], tag,
                "{password}: PrintableString or UTF8String"
            );
            let der = serialize(&info, &NoKey, vec![attribute]).unwrap();
            let (_, csr) = X509CertificationRequest::from_der(&der).unwrap();
            let found: Vec<String> = csr
                .certification_request_info
                .iter_attributes()
                .filter_map(|a| match a.parsed_attribute() {
                    ParsedCriAttribute::ChallengePassword(p) => Some(p.0.clone()),
                    _ => None,
                })
                .collect();
            assert_eq!(found, [password]);
        }
        for bad in [String::new(), "x".repeat(256)] {
            let err = challenge_password_attribute(&SecretString::from(bad.clone())).unwrap_err();
            assert!(err.to_string().contains("1 to 255"), "{err}");
        }
        // 255 three-byte characters: a long-form length.
        let long = "パ".repeat(255);
        let attribute = challenge_password_attribute(&SecretString::from(long)).unwrap();
        assert_eq!(
            attribute.values[..4],
            [0x31, 0x82, 0x03, 0x01],
            "769 = 4 + 765"
        );
    }

    #[test]
    fn subject_keeps_order_values_and_string_types() {
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("JP".try_into().unwrap()),
        );
        dn.push(DnType::OrganizationName, "株式会社デモ商事");
        dn.push(DnType::CommonName, "管理者 山田太郎");
        let mut params = CertificateParams::default();
        params.distinguished_name = dn;
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let info = CertificateInfo::parse(cert.der()).unwrap();

        let rebuilt = subject_of(&info.subject_der).unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name = rebuilt;
        let again = params.self_signed(&key).unwrap();
        let again = CertificateInfo::parse(again.der()).unwrap();
        assert_eq!(
            again.subject_der, info.subject_der,
            "byte-identical subject"
        );
    }
}
