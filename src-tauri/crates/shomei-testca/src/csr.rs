//! Reading a PKCS#10 request: parse it, verify its self-signature, and turn its subject and
//! public key into what rcgen needs to issue. Nothing from the request's attributes or
//! requested extensions is honoured: the CA alone decides the extensions. The key's type
//! and size and the challengePassword are read so `/csrattrs` requirements can be enforced.

use rcgen::string::{BmpString, Ia5String, PrintableString, TeletexString, UniversalString};
use rcgen::{DistinguishedName, DnType, DnValue, SubjectPublicKeyInfo};
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo as ParsedSpki;
use x509_parser::x509::X509Name;

use crate::TestCaError;

/// A request whose signature has been verified.
pub(crate) struct VerifiedCsr {
    /// The subject Name exactly as encoded in the request.
    pub subject_der: Vec<u8>,
    /// The same subject as rcgen's model, for issuing.
    pub subject: DistinguishedName,
    /// The SubjectPublicKeyInfo exactly as encoded in the request.
    pub spki_der: Vec<u8>,
    pub public_key: SubjectPublicKeyInfo,
    pub is_rsa: bool,
    /// The key's type and size or curve.
    pub key: RequestKey,
    /// The challengePassword attribute, if the request has one.
    pub challenge_password: Option<String>,
}

/// What kind of key a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RequestKey {
    Rsa {
        bits: u32,
    },
    /// ECDSA on the curve with this OID (dotted).
    Ec {
        curve: String,
    },
    /// Another algorithm, by its OID.
    Other(String),
}

impl std::fmt::Display for RequestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestKey::Rsa { bits } => write!(f, "RSA {bits}"),
            RequestKey::Ec { curve } => write!(f, "ECDSA on {curve}"),
            RequestKey::Other(oid) => write!(f, "algorithm {oid}"),
        }
    }
}

fn request_key(spki: &ParsedSpki<'_>) -> RequestKey {
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => RequestKey::Rsa {
            bits: u32::try_from(rsa.key_size()).unwrap_or(0),
        },
        Ok(PublicKey::EC(_)) => RequestKey::Ec {
            curve: spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string())
                .unwrap_or_default(),
        },
        _ => RequestKey::Other(spki.algorithm.algorithm.to_id_string()),
    }
}

/// Parses `csr_der` and verifies its signature. rcgen's own
/// `CertificateSigningRequestParams::from_der` verifies too, but it also refuses requests
/// with extensions it does not model and copies requested extensions (even cA=TRUE) into
/// the parameters, so the request is read here instead.
pub(crate) fn parse_and_verify(csr_der: &[u8]) -> Result<VerifiedCsr, TestCaError> {
    let (rest, csr) = X509CertificationRequest::from_der(csr_der)
        .map_err(|e| TestCaError::CsrParse(e.to_string()))?;
    if !rest.is_empty() {
        return Err(TestCaError::CsrParse(
            "trailing bytes after the request".into(),
        ));
    }
    csr.verify_signature()
        .map_err(|_| TestCaError::CsrSignature)?;

    let info = &csr.certification_request_info;
    let public_key = SubjectPublicKeyInfo::from_der(info.subject_pki.raw)
        .map_err(|e| TestCaError::UnsupportedKey(e.to_string()))?;
    let challenge_password = info
        .iter_attributes()
        .find_map(|a| match a.parsed_attribute() {
            ParsedCriAttribute::ChallengePassword(p) => Some(p.0.clone()),
            _ => None,
        });
    Ok(VerifiedCsr {
        subject_der: info.subject.as_raw().to_vec(),
        subject: distinguished_name(&info.subject)?,
        spki_der: info.subject_pki.raw.to_vec(),
        public_key,
        is_rsa: info.subject_pki.algorithm.algorithm == OID_PKCS1_RSAENCRYPTION,
        key: request_key(&info.subject_pki),
        challenge_password,
    })
}

/// The subject and public key of an existing certificate, as if requested: what a
/// forger who has the public certificate (but not its key) can have issued.
pub(crate) fn from_certificate(cert_der: &[u8]) -> Result<VerifiedCsr, TestCaError> {
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der)
        .map_err(|e| TestCaError::CsrParse(e.to_string()))?;
    let spki = cert.public_key();
    Ok(VerifiedCsr {
        subject_der: cert.subject().as_raw().to_vec(),
        subject: distinguished_name(cert.subject())?,
        spki_der: spki.raw.to_vec(),
        public_key: SubjectPublicKeyInfo::from_der(spki.raw)
            .map_err(|e| TestCaError::UnsupportedKey(e.to_string()))?,
        is_rsa: spki.algorithm.algorithm == OID_PKCS1_RSAENCRYPTION,
        key: request_key(spki),
        challenge_password: None,
    })
}

/// rcgen keeps one value per attribute type and one attribute per RDN, so a subject with
/// two OUs or a multi-valued RDN would silently change; refuse those instead (the issuer
/// also compares the encoded subject afterwards, see `ca.rs`).
fn distinguished_name(name: &X509Name<'_>) -> Result<DistinguishedName, TestCaError> {
    let unsupported = |why: &str| TestCaError::UnsupportedSubject(why.to_string());
    let mut dn = DistinguishedName::new();
    for rdn in name.iter() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return Err(unsupported("empty or multi-valued RDN"));
        };
        let oid: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| unsupported("attribute type OID too large"))?
            .collect();
        let ty = DnType::from_oid(&oid);
        if dn.get(&ty).is_some() {
            return Err(unsupported("attribute type repeated"));
        }
        let data = attr.attr_value().data;
        let text = || std::str::from_utf8(data).map_err(|_| unsupported("string is not UTF-8"));
        let bad = |_| unsupported("invalid string value");
        let value = match attr.attr_value().header.tag() {
            Tag::Utf8String => DnValue::Utf8String(text()?.to_owned()),
            Tag::PrintableString => {
                DnValue::PrintableString(PrintableString::try_from(text()?).map_err(bad)?)
            }
            Tag::Ia5String => DnValue::Ia5String(Ia5String::try_from(text()?).map_err(bad)?),
            Tag::T61String => {
                DnValue::TeletexString(TeletexString::try_from(text()?).map_err(bad)?)
            }
            Tag::BmpString => DnValue::BmpString(
                BmpString::from_utf16be(data.to_vec())
                    .map_err(|_| unsupported("invalid BMPString"))?,
            ),
            Tag::UniversalString => DnValue::UniversalString(
                UniversalString::from_utf32be(data.to_vec())
                    .map_err(|_| unsupported("invalid UniversalString"))?,
            ),
            _ => return Err(unsupported("attribute value is not a string type")),
        };
        dn.push(ty, value);
    }
    Ok(dn)
}
