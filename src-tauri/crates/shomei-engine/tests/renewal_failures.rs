//! Renewals that fail or are abandoned keep the old identity and leave no new key
//! behind (SoftHSM2 token, EST test CA over real TLS, the CA misbehaving on demand,
//! and a fault-injecting wrapper where SoftHSM cannot fail the way a real token
//! does). One test per file: SoftHSM reads its configuration once per process.

mod common;

use common::fault::{faulty_engine, Fault};
use common::{demo, pin, recorder, token_objects};
use shomei_engine::model::{ErrorCode, IdentityView, RenewalStep, StepPhase, UnfinishedStage};
use shomei_engine::{BankProfile, Engine, Journal};
use shomei_testca::Behaviour;

/// The one identity is still the old one and the token holds exactly its key.
fn assert_untouched(engine: &Engine, profile: &BankProfile, old: &IdentityView, what: &str) {
    let listing = engine.list();
    assert_eq!(listing.identities.len(), 1, "{what}: identities");
    assert_eq!(
        listing.identities[0].fingerprint, old.fingerprint,
        "{what}: old identity kept"
    );
    assert_eq!(
        token_objects(profile).private_keys.len(),
        1,
        "{what}: no new key left behind"
    );
}

/// Move every journaled "ask again at" into the past (instead of waiting an hour).
fn rewind_next_poll(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue; // the renewal locks
        }
        let mut record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert!(record["nextPollAt"].is_i64(), "{record}");
        record["nextPollAt"] = 0.into();
        std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
    }
}

async fn expect_failure(
    engine: &Engine,
    old: &IdentityView,
    confirm: bool,
) -> (ErrorCode, Vec<RenewalStep>) {
    let (sink, events) = recorder();
    let err = engine
        .start_renewal(&old.fingerprint, pin(), confirm, sink)
        .await
        .expect_err("the renewal must fail");
    let failed = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.phase == StepPhase::Failed)
        .map(|e| e.step)
        .collect();
    (err.code(), failed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_keep_the_old_identity_and_leave_no_new_key() {
    let Some((_dir, demo)) = demo("failures_keep_the_old_identity_and_leave_no_new_key").await
    else {
        return;
    };
    let profile = demo.profile.clone();
    let roots = demo.pinned_roots.clone();
    let engine = Engine::new(profile.clone(), roots.clone());
    let old = engine.list().identities.remove(0);

    // Cancel at the second consent: the new key goes, the old identity stays.
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .unwrap();
    assert_eq!(token_objects(&profile).private_keys.len(), 2);
    engine.cancel_renewal(&issued.renewal_id).unwrap();
    assert_untouched(&engine, &profile, &old, "cancelled");
    let (sink, _) = recorder();
    let err = engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RenewalUnknown);

    // The login ended with the cancelled renewal: a wrong PIN now is a wrong PIN.
    let (sink, _) = recorder();
    let err = engine
        .start_renewal(
            &old.fingerprint,
            secrecy::SecretString::from("000000".to_owned()),
            false,
            sink,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect, "{err}");

    // Unknown fingerprint.
    let (sink, _) = recorder();
    let err = engine
        .start_renewal("00", pin(), false, sink)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);

    // A hostile or broken CA: each answer refused, nothing installed, new key removed.
    // (The slow drip needs a short client deadline: shomei-est/tests/misbehaviour_transport.rs.)
    for (behaviour, code, step) in [
        (
            Behaviour::WrongKey,
            ErrorCode::CertificateMismatch,
            RenewalStep::Verify,
        ),
        (
            Behaviour::WrongSubject,
            ErrorCode::CertificateMismatch,
            RenewalStep::Verify,
        ),
        (
            Behaviour::OtherIssuer,
            ErrorCode::CertificateMismatch,
            RenewalStep::Verify,
        ),
        (
            Behaviour::Expired,
            ErrorCode::CertificateMismatch,
            RenewalStep::Verify,
        ),
        (
            Behaviour::ValidFor { days: 1 },
            ErrorCode::IssuedNotLonger,
            RenewalStep::Verify,
        ),
        (
            Behaviour::UnrelatedCertificates { count: 0 },
            ErrorCode::CertificateMismatch,
            RenewalStep::Verify,
        ),
        (
            Behaviour::UnrelatedCertificates { count: 10 },
            ErrorCode::CertificateMismatch,
            RenewalStep::Verify,
        ),
        (
            Behaviour::GarbageBase64,
            ErrorCode::BankRejected,
            RenewalStep::Request,
        ),
        (
            Behaviour::HugeBody {
                bytes: 4 << 20,
                declare_length: false,
            },
            ErrorCode::BankRejected,
            RenewalStep::Request,
        ),
        (
            Behaviour::Redirect {
                location: "http://127.0.0.1:9/.well-known/est/simplereenroll".into(),
            },
            ErrorCode::BankRejected,
            RenewalStep::Request,
        ),
        (
            Behaviour::Fail { status: 403 },
            ErrorCode::BankRejected,
            RenewalStep::Request,
        ),
    ] {
        demo.server.set_behaviour(behaviour.clone());
        let (got, failed) = expect_failure(&engine, &old, false).await;
        assert_eq!(got, code, "{behaviour:?}");
        assert_eq!(failed, vec![step], "{behaviour:?}");
        assert_untouched(&engine, &profile, &old, &format!("{behaviour:?}"));
    }

    // The bank says "later" for longer than a call waits: the renewal is kept in
    // the journal, with its key, and a restart (a new engine on the same journal)
    // asks again with the same request instead of starting over.
    let journal_dir = tempfile::tempdir().unwrap();
    let journaled = || {
        Engine::new(profile.clone(), roots.clone())
            .with_journal(Journal::open(journal_dir.path()).unwrap())
    };
    demo.server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 3600,
    });
    let (code, failed) = expect_failure(&journaled(), &old, false).await;
    assert_eq!(
        (code, failed),
        (ErrorCode::StillPending, vec![RenewalStep::Request])
    );
    let restarted = journaled();
    let unfinished = restarted.list().unfinished;
    assert_eq!(unfinished.len(), 1, "{unfinished:?}");
    assert_eq!(unfinished[0].stage, UnfinishedStage::Pending);
    assert_eq!(unfinished[0].fingerprint, old.fingerprint);
    assert!(unfinished[0].next_poll_at.is_some());
    assert_eq!(
        token_objects(&profile).private_keys.len(),
        2,
        "pending key kept"
    );
    // Asked before the bank's time: refused without a request.
    let requests_before = demo.server.request_count();
    let (code, _) = expect_failure(&restarted, &old, false).await;
    assert_eq!(code, ErrorCode::StillPending);
    assert_eq!(
        demo.server.request_count(),
        requests_before,
        "no request before Retry-After"
    );
    // The bank's time has come (the test moves it) and it issues: same renewal, same key.
    rewind_next_poll(journal_dir.path());
    demo.server.set_behaviour(Behaviour::Normal);
    let (sink, _) = recorder();
    let issued = journaled()
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .expect("the pending renewal is carried on");
    assert_eq!(issued.renewal_id, unfinished[0].renewal_id);
    assert_eq!(token_objects(&profile).private_keys.len(), 2);
    restarted.cancel_renewal(&issued.renewal_id).unwrap_err(); // held by the other engine
    let engine_with_it = journaled();
    let (sink, _) = recorder();
    let again = engine_with_it
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .expect("an issued renewal comes back for consent 2");
    assert_eq!(again.renewal_id, issued.renewal_id);
    engine_with_it.cancel_renewal(&again.renewal_id).unwrap();
    assert!(journaled().list().unfinished.is_empty());
    assert_untouched(&engine, &profile, &old, "pending renewal cancelled");

    // Pending twice with a short Retry-After, then issued: the engine waits and polls.
    demo.server.set_behaviour(Behaviour::Pending {
        times: 2,
        retry_after_secs: 1,
    });
    let issued_before = demo.server.issued_count();
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .unwrap();
    assert_eq!(demo.server.issued_count(), issued_before + 1);
    engine.cancel_renewal(&issued.renewal_id).unwrap();
    demo.server.set_behaviour(Behaviour::Normal);

    // Final PIN try: without the user's confirmation the PIN is not even sent.
    let (faulty_engine_final, faulty) = faulty_engine(&profile, &roots, Fault::FinalTry);
    let (code, _) = expect_failure(&faulty_engine_final, &old, false).await;
    assert_eq!(code, ErrorCode::PinFinalTry);
    assert_eq!(
        *faulty.logins.lock().unwrap(),
        0,
        "no login attempt without confirmation"
    );
    let (sink, _) = recorder();
    let issued = faulty_engine_final
        .start_renewal(&old.fingerprint, pin(), true, sink)
        .await
        .expect("confirmed final try proceeds");
    faulty_engine_final
        .cancel_renewal(&issued.renewal_id)
        .unwrap();
    assert_untouched(&engine, &profile, &old, "final try cancelled");

    // A locked PIN is refused before any attempt; a cancelled login is told apart.
    let (locked, faulty) = faulty_engine(&profile, &roots, Fault::Locked);
    let (code, failed) = expect_failure(&locked, &old, true).await;
    assert_eq!(
        (code, failed),
        (ErrorCode::PinLocked, vec![RenewalStep::Check])
    );
    assert_eq!(
        *faulty.logins.lock().unwrap(),
        0,
        "a locked PIN is never tried"
    );
    let (cancelled, _) = faulty_engine(&profile, &roots, Fault::LoginCancelled);
    let (code, failed) = expect_failure(&cancelled, &old, false).await;
    assert_eq!(
        (code, failed),
        (ErrorCode::Cancelled, vec![RenewalStep::Login])
    );
    assert_untouched(&engine, &profile, &old, "locked / cancelled");

    // The token is pulled out while the request is signed: said so, not "bank down".
    let (pulled, _) = faulty_engine(&profile, &roots, Fault::RemovedAfterKeyGeneration);
    let (code, failed) = expect_failure(&pulled, &old, false).await;
    assert_eq!(code, ErrorCode::TokenRemoved);
    assert_eq!(failed, vec![RenewalStep::Request]);
    assert_untouched(&engine, &profile, &old, "token pulled during request");

    // The token fails after storing the new certificate: both new objects are removed.
    let (broken_install, _) = faulty_engine(&profile, &roots, Fault::FailAfterStoringCertificate);
    let (sink, _) = recorder();
    let issued = broken_install
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .unwrap();
    let (sink, events) = recorder();
    let err = broken_install
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenRemoved);
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .any(|e| e.step == RenewalStep::Install && e.phase == StepPhase::Failed));
    assert_untouched(&engine, &profile, &old, "failed install rolled back");
    assert_eq!(
        token_objects(&profile).certificate_ids.len(),
        1,
        "new certificate removed"
    );

    // A server error: the bank may still issue for this request, so its key and the
    // request are kept, and the next attempt (here: the bank is fine again) asks
    // again with the same request and gets it issued.
    demo.server.set_behaviour(Behaviour::Fail { status: 500 });
    let (code, failed) = expect_failure(&engine, &old, false).await;
    assert_eq!(
        (code, failed),
        (ErrorCode::BankRejected, vec![RenewalStep::Request])
    );
    let unfinished = engine.list().unfinished;
    assert_eq!(unfinished.len(), 1, "{unfinished:?}");
    let kept = unfinished[0].renewal_id.clone();
    assert_eq!(
        token_objects(&profile).private_keys.len(),
        2,
        "key kept after a 500"
    );
    demo.server.set_behaviour(Behaviour::Normal);
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .expect("the kept request is issued");
    assert_eq!(issued.renewal_id, kept, "the same renewal, carried on");
    engine.cancel_renewal(&issued.renewal_id).unwrap();
    assert_untouched(&engine, &profile, &old, "500 then cancelled");

    // The bank is down: classified, the old identity intact. The first contact
    // (what the CA asks of the request) fails before any key exists: nothing is
    // pending (not "waiting for the bank" when the bank was simply down).
    demo.server.shutdown();
    let (code, failed) = expect_failure(&engine, &old, false).await;
    assert_eq!(code, ErrorCode::BankUnreachable);
    assert_eq!(failed, vec![RenewalStep::Requirements]);
    let listing = engine.list();
    assert_eq!(listing.identities.len(), 1);
    assert_eq!(listing.identities[0].fingerprint, old.fingerprint);
    assert!(listing.unfinished.is_empty(), "{:?}", listing.unfinished);
    assert_untouched(
        &engine,
        &profile,
        &old,
        "bank down before the request was sent",
    );
}
