//! Item 3: a USB token carried to another computer keeps its renewal.

use std::path::Path;

use super::*;

/// Item 3: journal A and journal B are two computers (or two user accounts);
/// the token is the same.
pub(super) async fn a_token_carried_to_another_computer_keeps_its_renewal(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
) -> String {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // PC 1 does not wait: the bank's first "pending" is journaled and the call ends.
    let pc1 = journaled(a_dir.path()).with_poll_policy(PollPolicy {
        max_polls: 0,
        ..PollPolicy::default()
    });
    let old = only_identity(&pc1);
    bank.server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 1,
    });
    let err = start(&pc1, &old.fingerprint).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending, "{err}");
    let pending = pc1.list().unfinished;
    assert_eq!(pending.len(), 1);
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 2);
    let on_the_token = on_token::load(&token(&bank.profile)).0;
    assert_eq!(on_the_token.len(), 1, "the record travels with the token");

    // PC 2 sees it without a PIN, from the token alone.
    let pc2 = journaled(b_dir.path());
    let seen = pc2.list().unfinished;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].renewal_id, pending[0].renewal_id);
    assert_eq!(seen[0].stage, UnfinishedStage::Pending);

    // PC 2 logs in (which tidies keys no record names) and carries the SAME renewal
    // on: the key PC 1 generated is used, the bank issues for PC 1's request.
    let (sink, _) = recorder();
    let issued = pc2
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .expect("PC 2 carries the pending renewal on");
    assert_eq!(
        issued.renewal_id, pending[0].renewal_id,
        "not a second request"
    );
    let (sink, _) = recorder();
    let new = pc2
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap()
        .installed
        .fingerprint;

    // Back on PC 1: its record is over (the token's copy is gone); nothing is touched.
    let after = pc1.list();
    assert!(after.unfinished.is_empty(), "{:?}", after.unfinished);
    assert_eq!(after.identities.len(), 1);
    assert_eq!(after.identities[0].fingerprint, new);
    assert!(pc1.journal().load().0.is_empty(), "PC 1 forgot it");
    assert!(on_token::load(&token(&bank.profile)).0.is_empty());
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 1);
    new
}
