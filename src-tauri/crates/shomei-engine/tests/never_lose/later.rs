//! Item 4: "later" for ever is capped, reported as stuck, and discarded.

use std::path::Path;

use super::*;

/// Item 4.
pub(super) async fn later_for_ever_is_capped_reported_and_discarded(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    _replaced: &str,
) {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    let old = only_identity(&engine);
    // Retry-After: 136 years (as a far HTTP-date once parked a renewal until 2163).
    bank.server.set_behaviour(Behaviour::Pending {
        times: 100,
        retry_after_secs: u32::MAX,
    });
    let err = start(&engine, &old.fingerprint).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending);
    let at = err.view().at.expect("says when");
    let at = time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp();
    assert!(at <= now() + 86_400 + 5, "at most a day: {at}");
    let [u] = engine.list().unfinished.try_into().unwrap();
    assert!(!u.stuck);

    // Asked again before that time: no request, no PIN needed to say so.
    let requests = bank.server.request_count();
    assert_eq!(
        engine.not_before(&old.fingerprint).unwrap_err().code(),
        ErrorCode::StillPending
    );
    let err = engine
        .start_renewal(
            &old.fingerprint,
            secrecy::SecretString::from("not the PIN".to_owned()),
            false,
            common::recorder().0,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::StillPending,
        "the PIN is not even tried"
    );
    assert_eq!(bank.server.request_count(), requests);

    // A record an older version parked until 2160 is read capped; two weeks later
    // the request is reported as stuck.
    edit_record(journal.path(), &u.renewal_id, |r| {
        r["nextPollAt"] = 6_000_000_000_i64.into();
        r["startedAt"] = (now() - 15 * 86_400).into();
        r["updatedAt"] = (now() + 1).into(); // newer than the token's copy
    });
    let [u] = engine.list().unfinished.try_into().unwrap();
    assert!(u.stuck, "{u:?}");
    let next = time::OffsetDateTime::parse(
        u.next_poll_at.as_deref().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp();
    assert!(next <= now() + 86_400 + 5, "{next}");

    // Discarded, even with its identity gone: the pending key and both records go.
    let token = token(&bank.profile);
    token.login(&pin()).unwrap();
    token.remove_identity(&old.fingerprint).unwrap();
    token.logout().unwrap();
    let listing = engine.list();
    assert!(listing.identities.is_empty());
    assert_eq!(listing.unfinished.len(), 1, "still listed, to be discarded");
    let err = engine
        .discard_renewal(
            &u.renewal_id,
            secrecy::SecretString::from("000000".to_owned()),
            false,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect);
    engine
        .discard_renewal(&u.renewal_id, pin(), false)
        .expect("discarded");
    assert!(engine.list().unfinished.is_empty());
    assert!(engine.journal().load().0.is_empty());
    assert!(on_token::load(&token).0.is_empty());
    assert!(
        token_objects(&bank.profile).private_keys.is_empty(),
        "the pending key went"
    );
    assert_eq!(
        engine
            .discard_renewal(&u.renewal_id, pin(), false)
            .unwrap_err()
            .code(),
        ErrorCode::RenewalUnknown
    );
}
