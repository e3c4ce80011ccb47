//! Acceptance of an issued certificate (SPEC §3): it is installed only if its
//! public key is the new key, its subject is the old subject, it chains to the CA
//! pinned for the bank, it is meant for client authentication and valid now.

use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_store::CertificateInfo;
use webpki::{EndEntityCert, KeyUsage};

use crate::error::{EstError, Rejection, Result};

/// What the renewal expects of the answer.
pub struct Expectation<'a> {
    /// Raw subjectPublicKey bits of the new key.
    pub new_public_key: &'a [u8],
    /// The current certificate, whose subject must be kept.
    pub current: &'a CertificateInfo,
    /// The bank's pinned CA certificates (DER).
    pub pinned_roots: &'a [CertificateDer<'static>],
    /// What the bank publishes in `cacerts`: after a CA rollover the new CA signed by
    /// the old one ("NewWithOld"). Used only as intermediates, never as anchors.
    pub ca_certs: &'a [Vec<u8>],
    pub now: UnixTime,
}

/// Pick the issued certificate out of a certs-only answer and check it. Other
/// certificates in the answer may serve as intermediates, never as anchors.
pub fn accept_issued(certs: &[Vec<u8>], expect: &Expectation<'_>) -> Result<CertificateInfo> {
    let reject = |r| Err(EstError::Rejected(r));
    if certs.is_empty() {
        return reject(Rejection::Empty);
    }
    let parsed = certs
        .iter()
        .map(|der| CertificateInfo::parse(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| EstError::Malformed(e.to_string()))?;
    let Some(issued) = parsed
        .iter()
        .find(|c| c.public_key == expect.new_public_key)
    else {
        return reject(Rejection::WrongKey);
    };
    if issued.subject_der != expect.current.subject_der {
        return reject(Rejection::WrongSubject);
    }
    let intermediates: Vec<CertificateDer<'_>> = parsed
        .iter()
        .filter(|c| c.fingerprint != issued.fingerprint)
        .map(|c| CertificateDer::from(c.der.as_slice()))
        .chain(
            expect
                .ca_certs
                .iter()
                .map(|c| CertificateDer::from(c.as_slice())),
        )
        .collect();
    let anchors: Vec<_> = expect
        .pinned_roots
        .iter()
        .map(|root| webpki::anchor_from_trusted_cert(root).map(|a| a.to_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| EstError::Config(format!("pinned CA unusable: {e:?}")))?;
    let issued_der = CertificateDer::from(issued.der.as_slice());
    let end_entity = EndEntityCert::try_from(&issued_der)
        .map_err(|e| EstError::Malformed(format!("issued certificate: {e:?}")))?;
    match end_entity.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &intermediates,
        expect.now,
        KeyUsage::client_auth(),
        None,
        None,
    ) {
        Ok(_) => Ok(issued.clone()),
        Err(webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. }) => {
            reject(Rejection::NotValidNow)
        }
        Err(e) => reject(Rejection::Untrusted(format!("{e:?}"))),
    }
}
