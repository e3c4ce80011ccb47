use super::*;

fn record(id: &str) -> Record {
    Record {
        format: record::FORMAT,
        renewal_id: id.into(),
        stage: Stage::Begun,
        started_at: 1,
        updated_at: 1,
        store: "USB token".into(),
        bank: String::new(),
        target: None,
        token_label: "Shomei Demo USB".into(),
        token_serial: "0123".into(),
        on_token: false,
        old_fingerprint: "AB".repeat(32),
        old_label: "株式会社デモ商事".into(),
        key_label: format!("shomei-pending-{id}"),
        key_id: None,
        new_public_key: None,
        csr: None,
        challenge: false,
        new_key_kind: None,
        polls: 0,
        next_poll_at: None,
        issued: None,
        new_fingerprint: None,
        archive_error: None,
    }
}

#[test]
fn a_record_survives_reopening_the_directory_and_removal_forgets_it() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path()).unwrap();
    let mut r = record("1a-0");
    journal.write(&r).unwrap();
    r.key_id = Some(vec![0, 1, 2, 255]);
    r.issued = Some(b"certificate".to_vec());
    r.at(Stage::Issued, 5);
    journal.write(&r).unwrap();

    let reopened = Journal::open(dir.path()).unwrap();
    let (records, errors) = reopened.load();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records, vec![r.clone()]);
    assert_eq!(reopened.get("1a-0"), Some(r));

    reopened.remove("1a-0").unwrap();
    reopened.remove("1a-0").unwrap(); // twice is fine: a crash may repeat it
    assert_eq!(Journal::open(dir.path()).unwrap().load().0, vec![]);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_write_that_never_reached_its_rename_leaves_the_previous_record() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path()).unwrap();
    let r = record("2b-0");
    journal.write(&r).unwrap();
    let tmp = dir.path().join("2b-0.json.1-0.tmp");
    std::fs::write(&tmp, b"{\"format\":1,\"renew").unwrap();
    let (records, errors) = journal.load();
    assert_eq!((records, errors), (vec![r], vec![]));
    // It may be another process's write in progress: left alone while fresh.
    assert!(tmp.exists());
}

#[test]
fn unreadable_or_newer_records_are_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path()).unwrap();
    std::fs::write(dir.path().join("3c-0.json"), b"not json").unwrap();
    let mut newer = serde_json::to_value(record("3c-1")).unwrap();
    newer["format"] = 99.into();
    std::fs::write(
        dir.path().join("3c-1.json"),
        serde_json::to_vec(&newer).unwrap(),
    )
    .unwrap();
    let (records, errors) = journal.load();
    assert!(records.is_empty());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("format 99")), "{errors:?}");
    assert!(dir.path().join("3c-0.json").exists());
    assert!(dir.path().join("3c-1.json").exists());
}

#[test]
fn a_renewal_id_cannot_name_a_path_outside_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path()).unwrap();
    for id in ["../x", "", "a/b", "a.b"] {
        assert!(journal.write(&record(id)).is_err(), "{id:?} accepted");
    }
}

#[test]
fn records_hold_no_secret_fields() {
    // The record is public by construction: this pins its field names so a PIN
    // or key field cannot be added without this test being changed on purpose.
    let value = serde_json::to_value(record("4d-0")).unwrap();
    let mut keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "archiveError",
            "bank",
            "challenge",
            "csr",
            "format",
            "issued",
            "keyId",
            "keyLabel",
            "newFingerprint",
            "newKeyKind",
            "newPublicKey",
            "nextPollAt",
            "oldFingerprint",
            "oldLabel",
            "onToken",
            "polls",
            "renewalId",
            "stage",
            "startedAt",
            "store",
            "target",
            "tokenLabel",
            "tokenSerial",
            "updatedAt"
        ]
    );
}

#[test]
fn the_memory_journal_behaves_like_the_directory() {
    let journal = Journal::in_memory();
    let r = record("5e-0");
    journal.write(&r).unwrap();
    assert_eq!(journal.load().0, vec![r]);
    journal.remove("5e-0").unwrap();
    assert!(journal.load().0.is_empty());
}

#[test]
fn a_renewal_lock_keeps_out_every_other_holder_until_it_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path()).unwrap();
    let fp = "ab".repeat(32);
    let held = journal.try_lock(&fp).unwrap().expect("free at first");
    // Another open file description is another holder, as another process is.
    let other = Journal::open(dir.path()).unwrap();
    assert!(other.try_lock(&fp).unwrap().is_none(), "held elsewhere");
    assert!(
        other.try_lock(&fp.to_uppercase()).unwrap().is_none(),
        "case does not matter"
    );
    assert!(
        other.try_lock(&"cd".repeat(32)).unwrap().is_some(),
        "another identity is free"
    );
    drop(held);
    assert!(other.try_lock(&fp).unwrap().is_some(), "free once dropped");
    assert!(journal.try_lock("../x").is_err());
    // The lock files stay out of the records.
    assert!(journal.load().0.is_empty() && journal.load().1.is_empty());
}
