//! A renewal that fails and is rolled back is still said after its window has
//! closed: by the next process's list and by the tray, until a renewal of the
//! identity gets further (issue 14, "never silent"). A USB token whose PIN is
//! locked is said by the list and the tray before anyone tries a renewal.
//! Real SoftHSM token and EST test CA over TLS; a fault-injecting wrapper only for
//! the locked PIN, which SoftHSM cannot report. One test per file: SoftHSM reads
//! its configuration once per process.

mod common;

use common::fault::{faulty_engine, Fault};
use common::{demo, pin, recorder};
use shomei_engine::demo::DEMO_TOKEN_LABEL;
use shomei_engine::failures::{Failures, FILE_NAME};
use shomei_engine::model::ErrorCode;
use shomei_engine::tray_state::{tray_state, TrayLevel};
use shomei_engine::{Banks, Engine};
use shomei_testca::Behaviour;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_failure_is_said_until_a_renewal_gets_further() {
    let Some((dir, demo)) =
        demo("a_rolled_back_failure_is_said_until_a_renewal_gets_further").await
    else {
        return;
    };
    let data = dir.path().join("data");
    let open = || {
        let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone());
        Banks::of(vec![engine], Vec::new()).with_failures(Failures::open(&data))
    };
    let window = open();
    let old = window.list().identities.remove(0);
    assert_eq!(old.last_failure, None);
    assert_eq!(tray_state(&window.list()).level, TrayLevel::RenewalDue);

    // A wrong PIN: rolled back, shown on screen, then the window closes.
    let wrong = secrecy::SecretString::from("zq-wrong-pin".to_owned());
    let err = window
        .start_renewal(&old.fingerprint, Default::default(), wrong, recorder().0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect);
    drop(window);

    // The tray's process, started afresh, still says it.
    let tray = open();
    let listing = tray.list();
    let failure = listing.identities[0]
        .last_failure
        .clone()
        .expect("remembered");
    assert_eq!(failure.code, ErrorCode::PinIncorrect);
    assert!(
        failure
            .native_code
            .as_deref()
            .is_some_and(|c| c.contains("CKR_PIN_INCORRECT")),
        "{failure:?}"
    );
    let state = tray_state(&listing);
    assert_eq!(state.level, TrayLevel::LastFailed);
    assert_eq!(state.renew.as_deref(), Some(old.fingerprint.as_str()));
    let file = std::fs::read_to_string(data.join(FILE_NAME)).unwrap();
    assert!(!file.contains("zq-wrong-pin"), "{file}");

    // Issued and waiting for consent 2: that call got further, so the failure is
    // gone; cancelling at consent 2 is no failure.
    let issued = tray
        .start_renewal(&old.fingerprint, Default::default(), pin(), recorder().0)
        .await
        .unwrap();
    assert_eq!(tray.list().identities[0].last_failure, None);
    tray.cancel_renewal(&issued.renewal_id).unwrap();
    assert_eq!(tray.list().identities[0].last_failure, None);

    // Fails again, then renewed: the new identity has nothing, the file forgets the old.
    let err = tray
        .start_renewal(
            &old.fingerprint,
            Default::default(),
            secrecy::SecretString::from("zq-wrong-pin".to_owned()),
            recorder().0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect);
    assert_eq!(tray_state(&open().list()).level, TrayLevel::LastFailed);

    // The bank fails after the request was sent (503): the request is kept, since
    // its answer may still come, and waiting at the bank is no failure by itself;
    // so the list and the tray still say this one.
    demo.server.set_behaviour(Behaviour::Fail { status: 503 });
    let err = tray
        .start_renewal(&old.fingerprint, Default::default(), pin(), recorder().0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::BankRejected);
    demo.server.set_behaviour(Behaviour::Normal);
    let listing = open().list();
    assert_eq!(listing.unfinished.len(), 1, "the request is kept");
    assert_eq!(
        listing.identities[0].last_failure.as_ref().map(|f| f.code),
        Some(ErrorCode::BankRejected)
    );
    assert_eq!(tray_state(&listing).level, TrayLevel::LastFailed);

    // Carried on and issued, then installed: the new identity has nothing, and the
    // file forgets the old one.
    let issued = tray
        .start_renewal(&old.fingerprint, Default::default(), pin(), recorder().0)
        .await
        .unwrap();
    tray.install_renewal(&issued.renewal_id, recorder().0)
        .await
        .unwrap();
    let listing = open().list();
    assert_eq!(listing.identities.len(), 1);
    assert_ne!(listing.identities[0].fingerprint, old.fingerprint);
    assert_eq!(listing.identities[0].last_failure, None);
    assert_ne!(tray_state(&listing).level, TrayLevel::LastFailed);
    let file = std::fs::read_to_string(data.join(FILE_NAME)).unwrap();
    assert!(
        !file.contains(&old.fingerprint.to_ascii_lowercase()),
        "{file}"
    );

    // A token whose PIN is locked: the list and the tray say so by its label, with
    // no PIN asked and nothing tried.
    let (locked, faulty) = faulty_engine(&demo.profile, &demo.pinned_roots, Fault::Locked);
    let banks = Banks::of(vec![locked], Vec::new());
    let listing = banks.list();
    let error = listing
        .errors
        .iter()
        .find(|e| e.code == ErrorCode::PinLocked)
        .expect("the locked PIN is listed");
    assert_eq!(error.detail.as_deref(), Some(DEMO_TOKEN_LABEL));
    assert_eq!(
        listing.identities.len(),
        1,
        "its certificates are still listed"
    );
    let state = tray_state(&listing);
    assert_eq!(state.level, TrayLevel::PinLocked);
    assert_eq!(state.subject.as_deref(), Some(DEMO_TOKEN_LABEL));
    assert_eq!(*faulty.logins.lock().unwrap(), 0);
}
