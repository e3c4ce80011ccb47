//! A record on the token that this program did not write touches nothing.

use std::path::Path;

use super::*;

/// A token's copies are writable without a PIN: a record another program wrote,
/// "installing" a certificate for the identity's OWN key (from a CA that merely has
/// the bank CA's name), must not replace the bank's certificate.
pub(super) async fn a_forged_record_on_the_token_touches_nothing(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    current: &str,
) {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    let token = token(&bank.profile);
    let identity = token.find_identity(current).unwrap();
    // Same name as the demo bank's CA, another key.
    let rogue = TestCa::generate("Shomei Demo Bank CA").unwrap();
    let forged = rogue
        .issue_for_certificate_key(
            &identity.certificate.der,
            time::OffsetDateTime::now_utc() - time::Duration::days(1),
            time::OffsetDateTime::now_utc() + time::Duration::days(400),
        )
        .unwrap();
    assert!(
        shomei_est::issued_by(
            &shomei_store::CertificateInfo::parse(&forged).unwrap(),
            &bank.roots
        ),
        "by name it passes for the bank's"
    );
    let info = shomei_store::CertificateInfo::parse(&forged).unwrap();
    let id = "18f00000000000ff-0";
    let record = serde_json::json!({
        "format": 1, "renewalId": id, "stage": "installing",
        "startedAt": now(), "updatedAt": now(),
        "store": "USB token", "tokenLabel": token.label(), "tokenSerial": token.serial(),
        "onToken": true,
        "oldFingerprint": current, "oldLabel": identity.label,
        "keyLabel": format!("shomei-pending-{id}"),
        "keyId": base64(&identity.key_id),
        "newPublicKey": base64(&identity.certificate.public_key),
        "csr": null, "polls": 0, "nextPollAt": null,
        "issued": base64(&forged), "newFingerprint": info.fingerprint,
    });
    token.login(&pin()).unwrap();
    token
        .put_data_object(
            on_token::APPLICATION,
            id,
            &serde_json::to_vec(&record).unwrap(),
        )
        .unwrap();
    token.logout().unwrap();
    assert_eq!(engine.list().unfinished.len(), 1, "listed, to be discarded");

    let err = start(&engine, current).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Internal, "{err}");
    engine.discard_renewal(id, pin(), false).unwrap();
    let after = engine.list();
    assert!(after.unfinished.is_empty());
    assert_eq!(after.identities.len(), 1);
    assert_eq!(
        after.identities[0].fingerprint, current,
        "the bank's certificate stays"
    );
    assert_eq!(
        token_objects(&bank.profile).private_keys.len(),
        1,
        "its key too"
    );
}
