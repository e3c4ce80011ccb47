//! Acceptance of an issued certificate (SPEC §3): it is installed only if its
//! public key is the new key, its subject is the old subject (compared as X.509
//! names, RFC 5280 §7.1), it chains to the CA pinned for the bank, it is meant for
//! client authentication, it is valid now (a few minutes of clock skew allowed on
//! notBefore), and it outlives the certificate it replaces.

use std::time::Duration;

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

/// How far ahead of this computer's clock an issued certificate's notBefore may
/// be: a PC clock a little behind the bank's must not throw a fresh certificate
/// away. Beyond it the answer is [`Rejection::NotYetValid`].
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

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
    if !crate::names::same_name(&issued.subject_der, &expect.current.subject_der) {
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
    // Checked a little ahead of the clock, so that a notBefore up to CLOCK_SKEW in
    // the future passes; one further ahead is checked at its own notBefore, so
    // that "not yet valid" is said only of a certificate that is right otherwise.
    let now = expect.now.as_secs();
    let ahead = now.saturating_add(CLOCK_SKEW.as_secs());
    let future = u64::try_from(issued.not_before).is_ok_and(|nb| nb > ahead);
    let at = if future {
        u64::try_from(issued.not_before).unwrap_or(ahead)
    } else {
        ahead
    };
    match end_entity.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &intermediates,
        UnixTime::since_unix_epoch(Duration::from_secs(at)),
        KeyUsage::client_auth(),
        None,
        None,
    ) {
        Ok(_) => {}
        Err(webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. }) => {
            return reject(Rejection::NotValidNow)
        }
        Err(e) => return reject(Rejection::Untrusted(format!("{e:?}"))),
    }
    if i64::try_from(now).is_ok_and(|now| issued.not_after <= now) {
        return reject(Rejection::NotValidNow);
    }
    // A renewal that shortens the user's time is no renewal: keep the old one.
    if issued.not_after <= expect.current.not_after {
        return reject(Rejection::NotLonger {
            issued_not_after: issued.not_after,
            current_not_after: expect.current.not_after,
        });
    }
    if future {
        return reject(Rejection::NotYetValid {
            not_before: issued.not_before,
        });
    }
    Ok(issued.clone())
}

/// Whether `cert` names one of the `pinned` CA certificates as its issuer
/// (compared as X.509 names). This ties a certificate found in a store to the bank
/// whose profile pins its CA, before any login; the signature itself is checked
/// where it decides something, when a renewal's answer is accepted. A bank whose
/// CA issues through an intermediate pins that intermediate too.
pub fn issued_by(cert: &CertificateInfo, pinned: &[CertificateDer<'_>]) -> bool {
    pinned.iter().any(|ca| {
        CertificateInfo::parse(ca)
            .is_ok_and(|ca| crate::names::same_name(&cert.issuer_der, &ca.subject_der))
    })
}
