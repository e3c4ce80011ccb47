//! `renew --wait`: one call waits for a pending bank up to a limit, asking again
//! when the bank says (issue 10, item 4). Real SoftHSM token and EST test CA.

mod common;

use std::time::{Duration, Instant};

use shomei_engine::model::ErrorCode;
use shomei_engine::{Engine, Journal, PollPolicy};
use shomei_testca::Behaviour;

#[tokio::test]
async fn a_renewal_waits_for_the_bank_within_its_limit_and_no_longer() {
    let Some((_dir, demo)) = common::demo("a_renewal_waits").await else {
        return;
    };
    let journal = tempfile::tempdir().unwrap();
    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
        .with_journal(Journal::open(journal.path()).unwrap())
        .with_poll_policy(PollPolicy::waiting(Duration::from_secs(5)));
    let fingerprint = engine.list().identities[0].fingerprint.clone();

    // The bank asks for an hour: beyond the limit, so the call ends at once with
    // the request kept, rather than sleeping past what the script allowed.
    demo.server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 3600,
    });
    let began = Instant::now();
    let err = engine
        .start_renewal(&fingerprint, common::pin(), false, common::recorder().0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending, "{err}");
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "did not wait an hour"
    );
    assert_eq!(demo.server.request_count(), 1);

    // Discard that one, then a bank that says "a second" twice: the same call
    // asks three times (1 s, then the doubled back-off of 2 s) and gets it.
    let [unfinished] = engine.list().unfinished.try_into().unwrap();
    engine
        .discard_renewal(&unfinished.renewal_id, common::pin(), false)
        .unwrap();
    demo.server.set_behaviour(Behaviour::Pending {
        times: 2,
        retry_after_secs: 1,
    });
    let before = demo.server.request_count();
    let issued = engine
        .start_renewal(&fingerprint, common::pin(), false, common::recorder().0)
        .await
        .expect("issued within the wait");
    assert_eq!(demo.server.request_count() - before, 3);
    let outcome = engine
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();
    assert!(outcome.archive_error.is_none());
    assert!(engine.list().unfinished.is_empty());
}
