//! Item 2: an archive that keeps failing never blocks the next renewal.

use std::path::Path;

use super::*;

/// Item 2: the replaced certificate is stored twice, so removing it fails.
pub(super) async fn a_failing_archive_never_blocks_the_next_renewal(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    old: String,
) -> String {
    bank.server.set_behaviour(Behaviour::Normal);
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    let token = token(&bank.profile);
    token.login(&pin()).unwrap();
    let twice = token.find_identity(&old).unwrap();
    let duplicate = store_certificate_again(&bank.profile, &twice);
    token.logout().unwrap();

    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old, pin(), false, sink)
        .await
        .unwrap();
    let (sink, _) = recorder();
    let outcome = engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap();
    let new = outcome.installed.fingerprint.clone();
    assert!(outcome.archive_error.is_some(), "the failure is reported");
    let listing = engine.list();
    assert_eq!(listing.unfinished.len(), 1);
    assert_eq!(listing.unfinished[0].stage, UnfinishedStage::Archiving);
    assert!(listing.unfinished[0].archive_error.is_some());
    let old_view = listing
        .identities
        .iter()
        .find(|i| i.fingerprint == old)
        .unwrap();
    assert!(
        matches!(&old_view.not_renewable, Some(NotRenewable::Superseded { by_fingerprint, .. }) if *by_fingerprint == new),
        "{old_view:?}"
    );

    // The NEW identity renews (before: "already renewed", for ever).
    let (sink, _) = recorder();
    let again = engine
        .start_renewal(&new, pin(), false, sink)
        .await
        .expect("a failed archive never blocks the new identity's renewal");
    engine.cancel_renewal(&again.renewal_id).unwrap();
    assert_eq!(engine.list().unfinished.len(), 1, "still reported");

    // Once removing it can work (the duplicate is gone), the next login tries again.
    drop_object(&bank.profile, duplicate);
    let renewed = renew(&engine, &new).await.unwrap();
    let listing = engine.list();
    assert!(listing.unfinished.is_empty(), "{:?}", listing.unfinished);
    assert_eq!(listing.identities.len(), 1);
    assert_eq!(listing.identities[0].fingerprint, renewed);
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 1);
    renewed
}

/// A copy of `identity`'s certificate object (same CKA_ID), written with raw
/// PKCS#11: the certificate "stored twice". Returns the copy's handle.
pub(super) fn store_certificate_again(
    profile: &BankProfile,
    identity: &shomei_store::Identity,
) -> cryptoki::object::ObjectHandle {
    use cryptoki::object::{Attribute, CertificateType, ObjectClass};
    let (_, session) = raw_session(profile);
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Id(identity.key_id.clone()),
            Attribute::Label(b"twice".to_vec()),
            Attribute::Subject(identity.certificate.subject_der.clone()),
            Attribute::Value(identity.certificate.der.clone()),
        ])
        .unwrap()
}

pub(super) fn drop_object(profile: &BankProfile, object: cryptoki::object::ObjectHandle) {
    let (_, session) = raw_session(profile);
    session.destroy_object(object).unwrap();
}
