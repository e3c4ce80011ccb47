//! Items 6 and 9: the bank's clock ahead of this computer's; a re-encoded subject.

use std::path::Path;

use super::*;

/// Item 6.
pub(super) async fn a_clock_behind_the_bank_keeps_what_the_bank_issued(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    old: String,
) -> String {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    // Two minutes ahead: accepted.
    bank.server
        .set_behaviour(Behaviour::NotBeforeIn { seconds: 120 });
    let id = start(&engine, &old).await.expect("a little skew is fine");
    engine.cancel_renewal(&id).unwrap();

    // Beyond the tolerated skew: kept, with its key, and said when it becomes valid.
    bank.server
        .set_behaviour(Behaviour::NotBeforeIn { seconds: 310 });
    let err = start(&engine, &old).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::IssuedNotYetValid, "{err}");
    let at = err.view().at.expect("when it becomes valid");
    assert!(
        at.starts_with(&time::OffsetDateTime::now_utc().year().to_string()),
        "{at}"
    );
    let listing = engine.list();
    assert_eq!(listing.unfinished.len(), 1);
    assert_eq!(listing.unfinished[0].stage, UnfinishedStage::NotYetValid);
    assert_eq!(
        token_objects(&bank.profile).private_keys.len(),
        2,
        "never discarded"
    );

    // Asked again a few seconds before it is due: the engine waits, checks the kept
    // certificate again (no new request) and goes on to consent 2.
    bank.server.set_behaviour(Behaviour::Normal);
    let requests = bank.server.request_count();
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old, pin(), false, sink)
        .await
        .expect("valid now");
    assert_eq!(issued.renewal_id, listing.unfinished[0].renewal_id);
    assert_eq!(bank.server.request_count(), requests, "not asked again");
    // (Installed, it would log in to the test CA only once its notBefore has really
    // come: the test CA's clock is this computer's. Cancelled here.)
    engine.cancel_renewal(&issued.renewal_id).unwrap();
    assert!(engine.list().unfinished.is_empty());
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 1);
    old
}

/// Item 9: RFC 5280 §7.1 name comparison.
pub(super) async fn a_reencoded_subject_is_the_same_subject(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    old: String,
) -> String {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    bank.server.set_behaviour(Behaviour::ReencodedSubject);
    let new = renew(&engine, &old)
        .await
        .expect("the same name, other string types");
    bank.server.set_behaviour(Behaviour::WrongSubject);
    let err = start(&engine, &new).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::CertificateMismatch);
    bank.server.set_behaviour(Behaviour::Normal);
    new
}
