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
    let mut params = CertificateParams::default();
    params.distinguished_name = subject_of(&current.subject_der)?;
    let signer = CsrSigner::new(new_key).ok_or_else(|| {
        EstError::Request(format!(
            "{} keys cannot sign a request yet",
            new_key.algorithm()
        ))
    })?;
    let csr = params
        .serialize_request(&signer)
        .map_err(|e| EstError::Request(e.to_string()))?;
    Ok(csr.der().to_vec())
}

/// Rebuild a subject attribute by attribute, keeping each value's string type so
/// the bank sees the same name it issued (a PrintableString stays one).
fn subject_of(subject_der: &[u8]) -> Result<DistinguishedName> {
    let bad = |e: String| EstError::Request(format!("current subject: {e}"));
    let (_, name) = X509Name::from_der(subject_der).map_err(|e| bad(e.to_string()))?;
    let mut dn = DistinguishedName::new();
    for attr in name.iter_attributes() {
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
