use super::*;
use shomei_store::StoreError;

const FP: &str = "AB12";
const DAY: i64 = 24 * 3600;
/// Soon after the failures the tests record.
const NOW: i64 = 5_000;

fn failed(e: EngineError) -> Result<(), EngineError> {
    Err(e)
}

fn wrong_pin() -> EngineError {
    EngineError::Store(StoreError::PinIncorrect {
        retries_left: None,
        few_left: false,
        native: Some(shomei_store::NativeCode::Hresult(0)),
    })
}

#[test]
fn each_outcome_records_clears_or_keeps() {
    assert_eq!(effect(&Ok::<(), EngineError>(())), Effect::Clear);
    assert_eq!(
        effect(&failed(wrong_pin())),
        Effect::Record(ErrorCode::PinIncorrect)
    );
    assert_eq!(
        effect(&failed(EngineError::Store(StoreError::PinLocked))),
        Effect::Record(ErrorCode::PinLocked)
    );
    // Waiting at the bank or for the issued certificate's start: the journal says it.
    assert_eq!(
        effect(&failed(EngineError::StillPending {
            next_poll_at: None,
            detail: String::new(),
        })),
        Effect::Clear
    );
    // Nothing was tried: the user cancelled, another window is at it, the final try,
    // the token not plugged in.
    for e in [
        EngineError::Store(StoreError::Cancelled),
        EngineError::Busy("x".into()),
        EngineError::PinFinalTry,
        EngineError::Store(StoreError::TokenAbsent("no token".into())),
    ] {
        assert_eq!(effect(&failed(e)), Effect::Keep);
    }
    // A key or certificate the store lost mid-renewal is a failure.
    assert_eq!(
        effect(&failed(EngineError::Store(StoreError::NotFound(
            "key".into()
        )))),
        Effect::Record(ErrorCode::NotFound)
    );
}

#[test]
fn a_discarded_renewal_takes_its_failure_and_an_unreadable_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let failures = Failures::open(dir.path());
    failures.settle(FP, &failed(wrong_pin()), 1);
    failures.settle("cd34", &failed(wrong_pin()), 2);
    failures.forget(FP, 3);
    assert_eq!(failures.all(NOW).keys().collect::<Vec<_>>(), ["cd34"]);
    // Forgotten when read too, not only at the next write.
    assert!(failures.all(2 + 400 * DAY).is_empty());

    // There but unreadable (here: a folder in its place): nothing is written over it.
    let odd = tempfile::tempdir().unwrap();
    std::fs::create_dir(odd.path().join(FILE_NAME)).unwrap();
    std::fs::write(odd.path().join(FILE_NAME).join("keep"), b"x").unwrap();
    let failures = Failures::open(odd.path());
    failures.settle(FP, &failed(wrong_pin()), 1);
    assert!(failures.all(NOW).is_empty());
    assert!(odd.path().join(FILE_NAME).join("keep").exists());
}

#[test]
fn a_failure_survives_the_process_until_a_renewal_gets_further() {
    let dir = tempfile::tempdir().unwrap();
    let window = Failures::open(dir.path());
    window.settle(FP, &failed(wrong_pin()), 1_000);

    // Another process (the tray, after the window has closed) reads it.
    let tray = Failures::open(dir.path());
    let all = tray.all(NOW);
    let remembered = &all["ab12"];
    assert_eq!(remembered.code, ErrorCode::PinIncorrect);
    assert_eq!(remembered.at, "1970-01-01T00:16:40Z");
    assert_eq!(
        remembered.native_code.as_deref(),
        Some("HRESULT 0x00000000")
    );

    // A cancelled try changes nothing; a later failure replaces it.
    tray.settle(
        FP,
        &failed(EngineError::Store(StoreError::Cancelled)),
        2_000,
    );
    assert_eq!(window.all(NOW)["ab12"].code, ErrorCode::PinIncorrect);
    let refused = EngineError::Est(shomei_est::EstError::Http {
        status: 403,
        body: String::new(),
    });
    window.settle(FP, &failed(refused), 3_000);
    assert_eq!(tray.all(NOW)["ab12"].code, ErrorCode::BankRejected);
    assert_eq!(tray.all(NOW)["ab12"].native_code, None);

    // Renewed: forgotten, in the file too.
    window.settle("ab12", &Ok::<(), EngineError>(()), 4_000);
    assert!(tray.all(NOW).is_empty());
    let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(!text.contains("ab12"), "{text}");
}

#[test]
fn old_failures_are_forgotten_and_a_bad_file_is_started_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let failures = Failures::open(dir.path());
    failures.settle("old", &failed(wrong_pin()), 0);
    failures.settle("new", &failed(wrong_pin()), 401 * DAY);
    assert_eq!(failures.all(NOW).keys().collect::<Vec<_>>(), ["new"]);

    for bad in [
        &b"{\"format\":1,\"identi"[..],
        b"{\"format\":9,\"identities\":{}}",
    ] {
        std::fs::write(dir.path().join(FILE_NAME), bad).unwrap();
        assert!(failures.all(NOW).is_empty());
        failures.settle(FP, &failed(wrong_pin()), 500 * DAY);
        assert_eq!(failures.all(NOW).len(), 1);
    }
    // A data directory that cannot be written: logged; nothing else fails.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"").unwrap();
    let nowhere = Failures::open(&blocked);
    nowhere.settle(FP, &failed(wrong_pin()), 1);
    assert!(!blocked.join(FILE_NAME).exists());
}

#[test]
fn in_memory_failures_behave_the_same() {
    let failures = Failures::in_memory();
    failures.settle(FP, &failed(wrong_pin()), 5);
    assert_eq!(failures.all(NOW)["ab12"].code, ErrorCode::PinIncorrect);
    failures.settle(FP, &Ok::<(), EngineError>(()), 6);
    assert!(failures.all(NOW).is_empty());
}
