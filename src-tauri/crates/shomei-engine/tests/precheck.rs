//! 電子証明書更新前処理中 against real components: the demo's SoftHSM token and the
//! EST test CA over TLS on 127.0.0.1 (which demands a client certificate in the
//! handshake; the check sends none). Each check is reported running, then passed
//! or failed; a failed one stops the rest. One test per file: SoftHSM reads its
//! configuration once per process.

mod common;

use std::sync::{Arc, Mutex};

use common::fault::{Fault, FaultyToken};
use secrecy::SecretString;
use shomei_engine::model::{
    CheckState, ErrorCode, PinWarning, PrecheckItem, PrecheckKind, PrecheckReport,
};
use shomei_engine::{Engine, Journal, ManualClock, PrecheckSink, StoreSource};
use shomei_store::pkcs11::Pkcs11Module;
use shomei_store::{StoreError, Token};
use shomei_testca::Behaviour;

const DAY: i64 = 86_400;

fn recorder() -> (PrecheckSink, Arc<Mutex<Vec<PrecheckItem>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink: PrecheckSink = Arc::new(move |e| sink_events.lock().unwrap().push(e));
    (sink, events)
}

async fn precheck(engine: &Engine, fingerprint: &str) -> (PrecheckReport, Vec<PrecheckItem>) {
    let (sink, events) = recorder();
    let report = engine.precheck(fingerprint, &sink).await;
    let events = events.lock().unwrap().clone();
    (report, events)
}

/// Each check's final state and error code, in order.
fn states(report: &PrecheckReport) -> Vec<(PrecheckKind, CheckState, Option<ErrorCode>)> {
    report
        .checks
        .iter()
        .map(|c| (c.check, c.state, c.error.as_ref().map(|e| e.code)))
        .collect()
}

use CheckState::{Failed, Passed, Waiting};
use PrecheckKind::{Bank, Certificate, Token as TokenCheck, Window};

#[tokio::test]
async fn every_check_passes_or_says_what_failed() {
    let Some((_dir, demo)) = common::demo("precheck").await else {
        return;
    };
    let journal = tempfile::tempdir().unwrap();
    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
        .with_journal(Journal::open(journal.path()).unwrap());
    let [old] = engine.list().identities.try_into().unwrap();

    // All pass, each reported running then passed, in the order shown.
    let (report, events) = precheck(&engine, &old.fingerprint).await;
    assert_eq!(
        states(&report),
        vec![
            (Certificate, Passed, None),
            (Window, Passed, None),
            (Bank, Passed, None),
            (TokenCheck, Passed, None),
        ]
    );
    assert!(report.passed && !report.carries_on);
    let ticks: Vec<_> = events.iter().map(|e| (e.check, e.state)).collect();
    assert_eq!(
        ticks,
        vec![
            (Certificate, CheckState::Running),
            (Certificate, Passed),
            (Window, CheckState::Running),
            (Window, Passed),
            (Bank, CheckState::Running),
            (Bank, Passed),
            (TokenCheck, CheckState::Running),
            (TokenCheck, Passed),
        ]
    );
    assert_eq!(
        report.checks[3].pin, None,
        "a fresh PIN counter warns of nothing"
    );
    assert_eq!(demo.server.request_count(), 0, "no EST request was made");

    // A certificate that is not there.
    let (report, _) = precheck(&engine, &"00".repeat(32)).await;
    assert_eq!(
        states(&report),
        vec![
            (Certificate, Failed, Some(ErrorCode::NotFound)),
            (Window, Waiting, None),
            (Bank, Waiting, None),
            (TokenCheck, Waiting, None),
        ]
    );
    assert!(!report.passed);

    // Outside the window: 100 days earlier, the certificate has 112 days left.
    let early = Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
        .with_journal(Journal::open(journal.path()).unwrap())
        .with_clock(Arc::new(ManualClock::at(engine.now() - 100 * DAY)));
    let (report, _) = precheck(&early, &old.fingerprint).await;
    assert_eq!(
        states(&report)[..3],
        [
            (Certificate, Passed, None),
            (Window, Failed, Some(ErrorCode::OutsideWindow)),
            (Bank, Waiting, None),
        ]
    );

    // The token not plugged in (a profile naming another token): the certificate
    // cannot be found, and the error says the token is missing.
    let mut elsewhere = demo.profile.clone();
    let mut section = elsewhere.token.clone().unwrap();
    section.label = Some("Not Plugged In".into());
    section.serial = None;
    elsewhere.token = Some(section);
    let absent = Engine::new(elsewhere, demo.pinned_roots.clone());
    let (report, _) = precheck(&absent, &old.fingerprint).await;
    assert_eq!(
        states(&report)[0],
        (Certificate, Failed, Some(ErrorCode::TokenAbsent))
    );

    // An unfinished renewal (the bank said "later"): carrying it on waits for the
    // bank's time, said before any PIN.
    demo.server.set_behaviour(Behaviour::Pending {
        times: 100,
        retry_after_secs: 3600,
    });
    let (sink, _) = common::recorder();
    let err = engine
        .start_renewal(&old.fingerprint, common::pin(), false, sink)
        .await
        .expect_err("the bank answers later");
    assert_eq!(err.code(), ErrorCode::StillPending);
    let (report, _) = precheck(&engine, &old.fingerprint).await;
    assert!(report.carries_on);
    let window = &report.checks[1];
    assert_eq!(
        (window.state, window.error.as_ref().map(|e| e.code)),
        (Failed, Some(ErrorCode::StillPending))
    );
    assert!(window.error.as_ref().unwrap().at.is_some(), "with the time");
    let [unfinished] = engine.list().unfinished.try_into().unwrap();
    engine
        .discard_renewal(&unfinished.renewal_id, common::pin(), false)
        .unwrap();
    demo.server.set_behaviour(Behaviour::Normal);

    // A wrong PIN: the token's flags are read without logging in. SoftHSM raises
    // CKF_USER_PIN_COUNT_LOW (it never locks: 20 wrong logins leave it unlocked).
    let module = Pkcs11Module::load(demo.profile.module_path().unwrap()).unwrap();
    let token: Arc<dyn Token> = Arc::new(
        module
            .open_token(&demo.profile.token.as_ref().unwrap().selector())
            .unwrap(),
    );
    let wrong = SecretString::from("000000".to_owned());
    assert!(matches!(
        token.login(&wrong),
        Err(StoreError::PinIncorrect { .. })
    ));
    let (report, _) = precheck(&engine, &old.fingerprint).await;
    let check = &report.checks[3];
    assert_eq!((check.check, check.state), (TokenCheck, Passed));
    assert_eq!(
        check.pin,
        Some(PinWarning {
            final_try: false,
            count_low: true
        })
    );
    assert!(report.passed, "a low count is said, not a failure");
    token.login(&common::pin()).unwrap();
    token.logout().unwrap();

    // What SoftHSM cannot do, its flags reported by a wrapper around the same token:
    // locked fails the check; the final try passes with the warning.
    for (fault, state, code, final_try) in [
        (Fault::Locked, Failed, Some(ErrorCode::PinLocked), false),
        (Fault::FinalTry, Passed, None, true),
    ] {
        let faulty = Arc::new(FaultyToken::new(token.clone(), fault));
        let engine =
            Engine::new(demo.profile.clone(), demo.pinned_roots.clone()).with_sources(vec![
                StoreSource::new("faulty USB token", false, move || {
                    Ok(faulty.clone() as Arc<dyn Token>)
                }),
            ]);
        let (report, _) = precheck(&engine, &old.fingerprint).await;
        let check = &report.checks[3];
        assert_eq!(
            (check.state, check.error.as_ref().map(|e| e.code)),
            (state, code),
            "{fault:?}"
        );
        assert_eq!(
            check.pin.is_some_and(|p| p.final_try),
            final_try,
            "{fault:?}"
        );
        assert_eq!(report.passed, state == Passed, "{fault:?}");
    }

    // The bank down: the token is left alone (checked after the bank).
    let shomei_engine::demo::Demo { server, .. } = demo;
    server.shutdown();
    let (report, _) = precheck(&engine, &old.fingerprint).await;
    assert_eq!(
        states(&report)[2..],
        [
            (Bank, Failed, Some(ErrorCode::BankUnreachable)),
            (TokenCheck, Waiting, None),
        ]
    );
}
