//! From store types to the UI's model types.

use shomei_store::{CertificateInfo, Identity};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::guidance;
use crate::model::{CertificateDetails, IdentityView, StorageKind};
use crate::profile::BankProfile;
use crate::rules::{self, RenewalRules};

pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub fn storage(kind: shomei_store::StorageKind) -> StorageKind {
    match kind {
        shomei_store::StorageKind::UsbToken => StorageKind::UsbToken,
        shomei_store::StorageKind::ThisPc => StorageKind::ThisPc,
    }
}

pub fn details(cert: &CertificateInfo) -> CertificateDetails {
    CertificateDetails {
        fingerprint: cert.fingerprint.clone(),
        subject: cert.subject.clone(),
        subject_cn: cert.subject_cn.clone(),
        issuer: cert.issuer.clone(),
        serial: cert.serial.clone(),
        not_before: rfc3339(cert.not_before),
        not_after: rfc3339(cert.not_after),
        key_algorithm: cert.key_algorithm.to_string(),
        usages: cert.usages.clone(),
    }
}

/// The UI's view of an identity under the bank's profile: status and days left
/// under its `rules` (`RenewalRules::from(&profile.renewal)`, computed once per
/// listing), and once expired what is still possible, with its support contact.
pub fn identity_view(
    profile: &BankProfile,
    rules: &RenewalRules,
    identity: &Identity,
    kind: shomei_store::StorageKind,
    store_label: &str,
    now: i64,
) -> IdentityView {
    let cert = &identity.certificate;
    let state = rules::evaluate(rules, cert.not_after, now);
    IdentityView {
        fingerprint: cert.fingerprint.clone(),
        subject_cn: cert.subject_cn.clone(),
        subject: cert.subject.clone(),
        issuer: cert.issuer.clone(),
        not_before: rfc3339(cert.not_before),
        not_after: rfc3339(cert.not_after),
        days_left: rules::days_left(cert.not_after, now),
        window_opens: (state.status() == crate::model::CertStatus::Valid)
            .then(|| rfc3339(rules.opens_at(cert.not_after).unix_timestamp())),
        status: state.status(),
        storage: storage(kind),
        store_label: store_label.to_owned(),
        expired: guidance::for_state(state, profile.support.as_ref()),
        // Decided by the engine, which knows the store and the pinned CAs.
        not_renewable: None,
        // Decided by the engine, which knows the banks and the stores.
        bank: None,
        renewable_into: Vec::new(),
        role: crate::role::of_subject(&cert.subject_der),
        last_failure: None,
    }
}

/// The Unix time of an RFC 3339 string as [`rfc3339`] writes it.
pub fn unix(rfc3339: &str) -> Option<i64> {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}
