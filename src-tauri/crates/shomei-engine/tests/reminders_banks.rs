//! The reminder scheduler on real stores (issue 12, item 3): it reads the
//! stores through `Banks::list` before it decides, so a certificate renewed
//! elsewhere (another PC, the command line) stops its reminders. Real SoftHSM
//! token and EST test CA; only the scheduler's clock is simulated.

mod common;

use std::sync::Arc;

use shomei_engine::reminders::{Notice, Scheduler};
use shomei_engine::rules::days_left;
use shomei_engine::settings::Settings;
use shomei_engine::{Banks, Engine, Journal, ManualClock};

const DAY: i64 = 86_400;

#[tokio::test]
async fn a_certificate_renewed_elsewhere_gets_no_more_reminders() {
    let Some((_dir, demo)) = common::demo("reminders_banks").await else {
        return;
    };
    let state_dir = tempfile::tempdir().unwrap();
    let here = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let clock = ManualClock::at(now);
    let engine = |journal: &std::path::Path| {
        Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
            .with_journal(Journal::open(journal).unwrap())
    };
    let banks =
        Banks::of(vec![engine(here.path())], Vec::new()).with_clock(Arc::new(clock.clone()));
    let settings = Settings::default();

    // The demo's certificate expires in 12 days: its 30-day point is the latest
    // reached, shown once.
    let mut scheduler = Scheduler::open(state_dir.path());
    let check = scheduler.check(&banks, &settings);
    let [Notice::Due {
        fingerprint,
        point,
        days_left: left,
        not_after,
        ..
    }] = &check.notices[..]
    else {
        panic!("one reminder expected: {:?}", check.notices);
    };
    assert_eq!((*point, *left), (30, days_left(*not_after, now)));
    assert!((11..=12).contains(left), "{left}");
    let old = fingerprint.clone();
    let not_after = *not_after;
    assert!(scheduler.check(&banks, &settings).notices.is_empty());

    // Renewed on another PC (its own journal) on the same token.
    let other = Banks::of(vec![engine(elsewhere.path())], Vec::new());
    let issued = other
        .start_renewal(
            &old,
            Default::default(),
            common::pin(),
            common::recorder().0,
        )
        .await
        .unwrap();
    other
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();

    // Here, at the old certificate's 10-, 3-, 0-day points and past its expiry:
    // nothing, and the new certificate is a year away from its first point.
    let listing = banks.list();
    assert!(listing
        .identities
        .iter()
        .any(|i| i.fingerprint == issued.details.fingerprint));
    for t in [
        not_after - 10 * DAY,
        not_after - 3 * DAY,
        not_after - 3600,
        not_after + 1,
    ] {
        clock.set(t);
        let check = Scheduler::open(state_dir.path()).check(&banks, &settings);
        assert!(check.notices.is_empty(), "{:?}", check.notices);
    }
    // Its memory of the old one is forgotten a fortnight after it left the store.
    clock.set(not_after + 20 * DAY);
    scheduler = Scheduler::open(state_dir.path());
    scheduler.check(&banks, &settings);
    assert!(
        scheduler.state().identities.is_empty(),
        "{:?}",
        scheduler.state()
    );
}
