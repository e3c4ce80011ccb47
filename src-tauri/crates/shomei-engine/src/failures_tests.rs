use super::*;
use shomei_store::StoreError;

const FP: &str = "AB12";
const DAY: i64 = 24 * 3600;

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
    // Nothing was tried: the user cancelled, another window is at it, the final try.
    for e in [
        EngineError::Store(StoreError::Cancelled),
        EngineError::Busy("x".into()),
        EngineError::PinFinalTry,
    ] {
        assert_eq!(effect(&failed(e)), Effect::Keep);
    }
}

#[test]
fn a_failure_survives_the_process_until_a_renewal_gets_further() {
    let dir = tempfile::tempdir().unwrap();
    let window = Failures::open(dir.path());
    window.settle(FP, &failed(wrong_pin()), 1_000);

    // Another process (the tray, after the window has closed) reads it.
    let tray = Failures::open(dir.path());
    let all = tray.all();
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
    assert_eq!(window.all()["ab12"].code, ErrorCode::PinIncorrect);
    let refused = EngineError::Est(shomei_est::EstError::Http {
        status: 403,
        body: String::new(),
    });
    window.settle(FP, &failed(refused), 3_000);
    assert_eq!(tray.all()["ab12"].code, ErrorCode::BankRejected);
    assert_eq!(tray.all()["ab12"].native_code, None);

    // Renewed: forgotten, in the file too.
    window.settle("ab12", &Ok::<(), EngineError>(()), 4_000);
    assert!(tray.all().is_empty());
    let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(!text.contains("ab12"), "{text}");
}

#[test]
fn old_failures_are_forgotten_and_a_bad_file_is_started_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let failures = Failures::open(dir.path());
    failures.settle("old", &failed(wrong_pin()), 0);
    failures.settle("new", &failed(wrong_pin()), 401 * DAY);
    assert_eq!(failures.all().keys().collect::<Vec<_>>(), ["new"]);

    for bad in [
        &b"{\"format\":1,\"identi"[..],
        b"{\"format\":9,\"identities\":{}}",
    ] {
        std::fs::write(dir.path().join(FILE_NAME), bad).unwrap();
        assert!(failures.all().is_empty());
        failures.settle(FP, &failed(wrong_pin()), 500 * DAY);
        assert_eq!(failures.all().len(), 1);
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
    assert_eq!(failures.all()["ab12"].code, ErrorCode::PinIncorrect);
    failures.settle(FP, &Ok::<(), EngineError>(()), 6);
    assert!(failures.all().is_empty());
}
