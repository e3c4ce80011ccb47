//! Renewals that fail or are abandoned keep the old identity and leave no new
//! key behind (SoftHSM2 token, EST test CA over real TLS). One test per file:
//! SoftHSM reads its configuration once per process.

mod common;

use common::{demo, pin, recorder, token_objects};
use shomei_engine::model::{ErrorCode, RenewalStep, StepPhase};
use shomei_engine::Engine;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_keep_the_old_identity_and_leave_no_new_key() {
    let Some((_dir, demo)) = demo("failures_keep_the_old_identity_and_leave_no_new_key").await
    else {
        return;
    };
    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone());
    let old = engine.list().identities.remove(0);

    // Cancel at the second consent: the new key goes, the old identity stays.
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old.fingerprint, pin(), sink)
        .await
        .unwrap();
    engine.cancel_renewal(&issued.renewal_id).unwrap();
    assert_eq!(token_objects(&demo).private_keys.len(), 1);
    let (sink, _) = recorder();
    let err = engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RenewalUnknown);

    // Unknown fingerprint.
    let (sink, _) = recorder();
    let err = engine.start_renewal("00", pin(), sink).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);

    // The bank is down: classified, the new key removed, the old identity intact.
    let (profile, roots) = (demo.profile.clone(), demo.pinned_roots.clone());
    demo.server.shutdown();
    let engine = Engine::new(profile, roots);
    let (sink, events) = recorder();
    let err = engine
        .start_renewal(&old.fingerprint, pin(), sink)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::BankUnreachable, "{err}");
    let failed = events
        .lock()
        .unwrap()
        .iter()
        .find(|e| e.phase == StepPhase::Failed)
        .cloned();
    let failed = failed.expect("a failed step event");
    assert_eq!(failed.step, RenewalStep::Request);
    assert_eq!(failed.error.unwrap().code, ErrorCode::BankUnreachable);
    let listing = engine.list();
    assert_eq!(listing.identities.len(), 1);
    assert_eq!(listing.identities[0].fingerprint, old.fingerprint);
}
