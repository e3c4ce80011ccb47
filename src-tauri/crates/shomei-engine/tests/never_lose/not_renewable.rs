//! Item 9: certificates that can never be renewed here are said so and refused.

use std::path::Path;

use super::*;

/// Item 9: no key, another bank, replaced by a newer one (a profile that keeps
/// replaced certificates).
pub(super) async fn not_renewable_certificates_are_said_so_and_refused(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    current: &str,
) {
    let journal = tempfile::tempdir().unwrap();
    let token = token(&bank.profile);
    token.login(&pin()).unwrap();
    // A certificate whose key is gone (stored with a key id no key has).
    let keyless = token
        .install_certificate(
            b"no such key",
            "鍵なし",
            &certificate_without_key_on_the_token(&bank.ca),
        )
        .unwrap();
    // Another bank's certificate, with its key.
    let other_bank = TestCa::generate("Another Bank CA").unwrap();
    shomei_engine::demo::create_identity(&token, &other_bank, KeySpec::Rsa2048).unwrap();
    token.logout().unwrap();

    let engine = journaled(journal.path());
    let listing = engine.list();
    let why = |fp: &str| {
        listing
            .identities
            .iter()
            .find(|i| i.fingerprint == fp)
            .unwrap()
            .not_renewable
            .clone()
    };
    assert_eq!(
        why(&keyless.certificate.fingerprint),
        Some(NotRenewable::NoPrivateKey)
    );
    let foreign = listing
        .identities
        .iter()
        .find(|i| i.issuer.contains("Another Bank CA"))
        .unwrap();
    assert_eq!(foreign.not_renewable, Some(NotRenewable::UnknownIssuer));
    assert_eq!(why(current), None, "ours is still renewable");
    for fp in [
        keyless.certificate.fingerprint.as_str(),
        &foreign.fingerprint,
    ] {
        let err = start(&engine, fp).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotRenewable, "{err}");
    }
    token.login(&pin()).unwrap();
    token
        .remove_identity(&keyless.certificate.fingerprint)
        .unwrap();
    token.remove_identity(&foreign.fingerprint).unwrap();
    token.logout().unwrap();

    // Kept, not removed: the replaced one is superseded, never reminded or renewed.
    let mut keep = bank.profile.clone();
    keep.replaced = Replaced::Keep;
    let keeping = Engine::new(keep, bank.roots.clone());
    let new = renew(&keeping, current).await.unwrap();
    let listing = keeping.list();
    assert_eq!(listing.identities.len(), 2);
    let old = listing
        .identities
        .iter()
        .find(|i| i.fingerprint == current)
        .unwrap();
    assert!(
        matches!(&old.not_renewable, Some(NotRenewable::Superseded { by_fingerprint, .. }) if *by_fingerprint == new),
        "{old:?}"
    );
    let err = start(&keeping, current).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotRenewable);
    token.login(&pin()).unwrap();
    token.remove_identity(current).unwrap();
    token.logout().unwrap();
}

/// A certificate from `ca` for a fresh software key: its key is never on the token.
pub(super) fn certificate_without_key_on_the_token(ca: &TestCa) -> Vec<u8> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "鍵のない証明書");
    let csr = params.serialize_request(&key).unwrap();
    let now = time::OffsetDateTime::now_utc();
    ca.issue_from_csr(
        csr.der(),
        now - time::Duration::days(1),
        now + time::Duration::days(20),
    )
    .unwrap()
}
