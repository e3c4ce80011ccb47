//! One clock: the engine decides by the clock it is given, so a simulated year
//! walks through the bank's rules without waiting for it (issue 10, item 6).
//! Real SoftHSM token and EST test CA; only the engine's clock is simulated (TLS
//! still checks certificates against this computer's clock).

mod common;

use std::sync::Arc;

use shomei_engine::demo::DEMO_DAYS_LEFT;
use shomei_engine::model::{CertStatus, ErrorCode};
use shomei_engine::{Engine, Journal, ManualClock};
use shomei_testca::Behaviour;

const DAY: i64 = 86_400;

fn real_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test]
async fn a_simulated_year_walks_the_rules_and_stamps_the_journal() {
    let Some((_dir, demo)) = common::demo("a_simulated_year").await else {
        return;
    };
    let journal_dir = tempfile::tempdir().unwrap();
    let start = real_now();
    let clock = ManualClock::at(start - 340 * DAY);
    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
        .with_journal(Journal::open(journal_dir.path()).unwrap())
        .with_clock(Arc::new(clock.clone()));

    // A year of days, from 340 days before today to 20 after: days left follow the
    // clock, and the status moves valid → renewal open → expired, never back.
    let mut seen = Vec::new();
    for offset in (-340..=20).step_by(5) {
        clock.set(start + offset * DAY);
        let [id] = engine.list().identities.try_into().unwrap();
        let expected = DEMO_DAYS_LEFT - offset;
        assert!(
            (expected - 1..=expected).contains(&i64::from(id.days_left)),
            "day {offset}: {} days left, expected about {expected}",
            id.days_left
        );
        // Before the window, the list says when it opens: 00:00 JST 30 days before
        // the expiry date (the demo profile's window).
        let opens = id
            .window_opens
            .as_deref()
            .map(|w| shomei_engine::views::unix(w).unwrap());
        match id.status {
            CertStatus::Valid => {
                let not_after = shomei_engine::views::unix(&id.not_after).unwrap();
                let opens = opens.expect("a valid certificate says when its window opens");
                assert!(
                    (not_after - 31 * DAY..=not_after - 29 * DAY).contains(&opens),
                    "opens {opens}, expires {not_after}"
                );
                assert_eq!((opens + 9 * 3600) % DAY, 0, "at 00:00 JST");
            }
            _ => assert_eq!(opens, None),
        }
        if seen.last() != Some(&id.status) {
            seen.push(id.status);
        }
    }
    assert_eq!(
        seen,
        [
            CertStatus::Valid,
            CertStatus::RenewalOpen,
            CertStatus::Expired
        ]
    );

    // Outside the window by the engine's clock: refused before any PIN is tried
    // (a wrong one here would count against the token otherwise) and nothing asked.
    let fingerprint = engine.list().identities[0].fingerprint.clone();
    let wrong_pin = || secrecy::SecretString::from("not the PIN".to_owned());
    for at in [start - 60 * DAY, start + 30 * DAY] {
        clock.set(at);
        let err = engine
            .start_renewal(&fingerprint, wrong_pin(), false, common::recorder().0)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutsideWindow, "{err}");
    }
    assert_eq!(demo.server.request_count(), 0);

    // Inside it: the bank says "later"; the journal's times are the engine's.
    let asked_at = start - 2 * 3600;
    clock.set(asked_at);
    demo.server.set_behaviour(Behaviour::Pending {
        times: 5,
        retry_after_secs: 3600,
    });
    let err = engine
        .start_renewal(&fingerprint, common::pin(), false, common::recorder().0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending, "{err}");
    let [unfinished] = engine.list().unfinished.try_into().unwrap();
    let started = shomei_engine::views::unix(&unfinished.started_at).unwrap();
    assert_eq!(started, asked_at);
    let next = shomei_engine::views::unix(unfinished.next_poll_at.as_deref().unwrap()).unwrap();
    assert!(
        (asked_at + 3600..=asked_at + 3600 + 60).contains(&next),
        "next poll {next} is an hour after {asked_at} by the engine's clock"
    );
    // An hour later by that clock, it may be asked again (no "not before").
    clock.advance(3600 + 60);
    assert!(engine.not_before(&fingerprint).is_ok());
}
