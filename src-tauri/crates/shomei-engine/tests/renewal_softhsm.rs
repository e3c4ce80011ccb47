//! One whole renewal of the demo identity on a SoftHSM2 token, against the EST
//! test CA over real TLS (client authentication signed on the token).

mod common;

use common::{demo, pin, recorder, token_objects};
use shomei_engine::model::{CertStatus, ErrorCode, RenewalStep, StepPhase};
use shomei_engine::Engine;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renews_the_demo_identity_on_the_token() {
    let Some((_dir, demo)) = demo("renews_the_demo_identity_on_the_token").await else {
        return;
    };
    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone());

    let before = engine.list();
    assert!(before.errors.is_empty(), "{:?}", before.errors);
    assert_eq!(before.identities.len(), 1);
    let old = before.identities[0].clone();
    assert_eq!(old.status, CertStatus::RenewalOpen);
    assert!((11..=12).contains(&old.days_left), "{}", old.days_left);
    let old_objects = token_objects(&demo.profile);
    assert_eq!(old_objects.private_keys.len(), 1);

    // A wrong PIN is told apart and leaves nothing behind.
    let (sink, _) = recorder();
    let err = engine
        .start_renewal(
            &old.fingerprint,
            secrecy::SecretString::from("999999".to_owned()),
            false,
            sink,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect, "{err}");
    assert_eq!(token_objects(&demo.profile).private_keys.len(), 1);

    // First half: a new key on the token, a verified certificate, nothing installed.
    let (sink, events) = recorder();
    let issued = engine
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .expect("issued and verified");
    let mid = token_objects(&demo.profile);
    assert_eq!(mid.private_keys.len(), 2, "old key kept, new key generated");
    assert_eq!(
        mid.certificate_ids, old_objects.certificate_ids,
        "old certificate untouched until install"
    );
    assert_eq!(engine.list().identities.len(), 1);
    assert!(issued.details.not_after > old.not_after);
    let steps: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.phase == StepPhase::Finished)
        .map(|e| e.step)
        .collect();
    assert_eq!(
        steps,
        [
            RenewalStep::Check,
            RenewalStep::Login,
            RenewalStep::Requirements,
            RenewalStep::GenerateKey,
            RenewalStep::Request,
            RenewalStep::Verify
        ]
    );

    // Second half, after the second consent.
    let (sink, _) = recorder();
    let outcome = engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .expect("installed");
    assert_eq!(outcome.replaced_fingerprint, old.fingerprint);
    assert_eq!(outcome.installed, issued.details);

    let after = engine.list();
    assert_eq!(
        after.identities.len(),
        1,
        "exactly the replaced identity was removed"
    );
    let new = &after.identities[0];
    assert_eq!(new.fingerprint, issued.details.fingerprint);
    assert_eq!(new.subject, old.subject);
    assert!(new.days_left >= 364, "{}", new.days_left);
    assert_eq!(new.status, CertStatus::Valid);

    let objects = token_objects(&demo.profile);
    assert_eq!(
        objects.private_keys.len(),
        1,
        "old key removed with its certificate"
    );
    let (key_id, never_extractable, sensitive) = objects.private_keys[0].clone();
    assert!(
        never_extractable && sensitive,
        "new key is CKA_NEVER_EXTRACTABLE and CKA_SENSITIVE"
    );
    assert_eq!(
        objects.certificate_ids,
        vec![key_id],
        "new certificate under the key's CKA_ID"
    );
    assert_eq!(demo.server.issued_count(), 1);
}
