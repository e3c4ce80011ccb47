//! The PKCS#10 request: the current certificate's subject, the NEW key, signed by
//! the new key through the store (rcgen's `SigningKey`, so the key never leaves).

use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue};
use shomei_store::signer::CsrSigner;
use shomei_store::{CertificateInfo, KeyHandle};
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::prelude::*;

use crate::error::{EstError, Result};

/// DER PKCS#10 for `new_key`, with exactly the subject of `current`.
pub fn build_csr(current: &CertificateInfo, new_key: &dyn KeyHandle) -> Result<Vec<u8>> {
    let signer = CsrSigner::new(new_key).ok_or_else(|| {
        EstError::Request(format!(
            "{} keys cannot sign a request yet",
            new_key.algorithm()
        ))
    })?;
    serialize(current, &signer)
}

/// Whether a request can carry exactly `current`'s subject. Called before a key is
/// generated, so an unusual subject is refused before anything is created or sent.
pub fn check_subject(current: &CertificateInfo) -> Result<()> {
    serialize(current, &NoKey).map(|_| ())
}

/// The request, refused unless its subject is byte for byte the current one:
/// rcgen rebuilds names from its own model, and a bank must never see another name.
fn serialize(current: &CertificateInfo, key: &impl rcgen::SigningKey) -> Result<Vec<u8>> {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject_of(&current.subject_der)?;
    let csr = params
        .serialize_request(key)
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
