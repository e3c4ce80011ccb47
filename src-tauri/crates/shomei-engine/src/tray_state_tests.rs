use super::*;
use crate::model::{BankRef, StorageKind, UnfinishedRenewal, UnfinishedStage};

fn bank(id: &str) -> Option<BankRef> {
    Some(BankRef {
        id: id.into(),
        name: format!("{id} bank"),
        support: None,
        asks_password: false,
    })
}

fn identity(fp: &str, days_left: i32, status: CertStatus) -> IdentityView {
    IdentityView {
        fingerprint: fp.into(),
        subject_cn: format!("CN {fp}"),
        subject: format!("CN=CN {fp}"),
        issuer: "CN=Bank CA".into(),
        not_before: "2025-01-01T00:00:00Z".into(),
        not_after: "2026-01-01T00:00:00Z".into(),
        days_left,
        status,
        window_opens: None,
        storage: StorageKind::ThisPc,
        store_label: "このパソコン".into(),
        expired: None,
        not_renewable: None,
        bank: bank("a"),
        renewable_into: vec![StorageKind::ThisPc],
        role: None,
        last_failure: None,
    }
}

fn unfinished(fp: &str, stage: UnfinishedStage, started_at: &str) -> UnfinishedRenewal {
    UnfinishedRenewal {
        renewal_id: format!("r-{fp}"),
        fingerprint: fp.into(),
        label: format!("label {fp}"),
        new_fingerprint: None,
        store: "nss".into(),
        store_label: "このパソコン".into(),
        storage: StorageKind::ThisPc,
        stage,
        started_at: started_at.into(),
        next_poll_at: None,
        stuck: false,
        archive_error: None,
        bank: bank("a"),
    }
}

fn listing(identities: Vec<IdentityView>, unfinished: Vec<UnfinishedRenewal>) -> IdentityListing {
    IdentityListing {
        identities,
        errors: vec![],
        unfinished,
        profiles: vec![],
    }
}

#[test]
fn nothing_or_only_valid_certificates_is_fine() {
    assert_eq!(tray_state(&listing(vec![], vec![])), TrayState::FINE);
    let l = listing(
        vec![
            identity("a", 200, CertStatus::Valid),
            identity("b", 41, CertStatus::Valid),
        ],
        vec![],
    );
    assert_eq!(tray_state(&l), TrayState::FINE);
}

#[test]
fn the_renewal_due_soonest_wins_over_banks() {
    let mut other_bank = identity("b", 9, CertStatus::RenewalOpen);
    other_bank.bank = bank("b");
    let l = listing(
        vec![
            identity("a", 25, CertStatus::RenewalOpen),
            other_bank,
            identity("c", 300, CertStatus::Valid),
        ],
        vec![],
    );
    let s = tray_state(&l);
    assert_eq!(s.level, TrayLevel::RenewalDue);
    assert_eq!(s.days_left, Some(9));
    assert_eq!(s.subject.as_deref(), Some("CN b"));
    assert_eq!(s.renew.as_deref(), Some("b"));
}

#[test]
fn expired_beats_due_and_failed_beats_expired() {
    let due = identity("due", 3, CertStatus::RenewalOpen);
    let old = identity("old", -40, CertStatus::Expired);
    let recent = identity("recent", -2, CertStatus::Expired);
    let l = listing(vec![due.clone(), old.clone(), recent.clone()], vec![]);
    let s = tray_state(&l);
    assert_eq!(s.level, TrayLevel::Expired);
    assert_eq!(s.subject.as_deref(), Some("CN recent"));
    assert_eq!(s.days_left, Some(-2));
    // An expired certificate is not renewed here (再取得 at the bank): 更新する opens the list.
    assert_eq!(s.renew, None);

    let l = listing(
        vec![due, old, recent],
        vec![unfinished(
            "due",
            UnfinishedStage::Interrupted,
            "2026-01-01T00:00:00Z",
        )],
    );
    let s = tray_state(&l);
    assert_eq!(s.level, TrayLevel::Failed);
    assert_eq!(s.subject.as_deref(), Some("label due"));
    assert_eq!(s.renew.as_deref(), Some("due"));
}

#[test]
fn waiting_at_the_bank_is_not_a_failure_until_stuck() {
    let due = identity("due", 5, CertStatus::RenewalOpen);
    let pending = unfinished("due", UnfinishedStage::Pending, "2026-01-01T00:00:00Z");
    let not_yet = unfinished("x", UnfinishedStage::NotYetValid, "2026-01-01T00:00:00Z");
    let archived = unfinished("y", UnfinishedStage::Archiving, "2026-01-01T00:00:00Z");
    let l = listing(
        vec![due.clone()],
        vec![pending.clone(), not_yet, archived.clone()],
    );
    assert_eq!(tray_state(&l).level, TrayLevel::RenewalDue);

    let stuck = UnfinishedRenewal {
        stuck: true,
        ..pending
    };
    let archive_failed = UnfinishedRenewal {
        archive_error: Some("busy".into()),
        ..archived
    };
    for (u, fp) in [(stuck, "due"), (archive_failed, "y")] {
        let s = tray_state(&listing(vec![due.clone()], vec![u]));
        assert_eq!(s.level, TrayLevel::Failed);
        assert_eq!(s.renew.as_deref(), Some(fp));
    }
}

#[test]
fn the_oldest_failure_is_named() {
    let l = listing(
        vec![],
        vec![
            unfinished(
                "new",
                UnfinishedStage::AwaitingInstall,
                "2026-03-01T00:00:00Z",
            ),
            unfinished("old", UnfinishedStage::Installing, "2026-02-01T00:00:00Z"),
        ],
    );
    assert_eq!(tray_state(&l).renew.as_deref(), Some("old"));
}

#[test]
fn certificates_never_renewed_here_do_not_raise_the_state() {
    let mut foreign = identity("foreign", -10, CertStatus::Expired);
    foreign.bank = None;
    let mut superseded = identity("superseded", 2, CertStatus::RenewalOpen);
    superseded.not_renewable = Some(NotRenewable::Superseded {
        by_fingerprint: "n".into(),
        by_not_after: "2027-01-01T00:00:00Z".into(),
    });
    let l = listing(vec![foreign, superseded], vec![]);
    assert_eq!(tray_state(&l), TrayState::FINE);

    // Without its private key it still needs doing (at the bank), but 更新する cannot.
    let mut keyless = identity("keyless", 7, CertStatus::RenewalOpen);
    keyless.not_renewable = Some(NotRenewable::NoPrivateKey);
    keyless.renewable_into = vec![];
    let s = tray_state(&listing(vec![keyless], vec![]));
    assert_eq!(s.level, TrayLevel::RenewalDue);
    assert_eq!(s.renew, None);
}

#[test]
fn the_tooltip_is_in_the_users_language() {
    let s = tray_state(&listing(
        vec![identity("a", 10, CertStatus::RenewalOpen)],
        vec![],
    ));
    assert_eq!(
        s.tooltip(Locale::Ja),
        "電子証明書の有効期限まであと10日です（CN a）"
    );
    assert_eq!(
        s.tooltip(Locale::En),
        "Certificate expires in 10 days (CN a)"
    );
    assert_eq!(
        TrayState::FINE.tooltip(Locale::Ja),
        "電子証明書はすべて有効です"
    );
    let expired = TrayState {
        level: TrayLevel::Expired,
        ..s.clone()
    };
    assert!(expired.tooltip(Locale::Ja).contains("期限切れ"));
    let failed = TrayState {
        level: TrayLevel::Failed,
        ..s
    };
    assert!(failed.tooltip(Locale::En).contains("not finished"));
}

#[test]
fn a_broken_profile_beats_expired_until_fixed_and_a_failed_renewal_beats_it() {
    use crate::model::{ProfileOrigin, ProfileView};
    let profile = |id: &str, state| ProfileView {
        id: id.into(),
        name: Some(format!("{id} 信用金庫")),
        path: format!("/etc/shomei/banks.d/{id}.toml"),
        origin: ProfileOrigin::Administrator,
        state,
        issues: vec![],
    };
    let expired = identity("old", -2, CertStatus::Expired);
    let mut l = listing(vec![expired.clone()], vec![]);
    l.profiles = vec![
        profile("fine", ProfileState::Loaded),
        profile("shadowed", ProfileState::OverriddenByAdministrator),
    ];
    assert_eq!(tray_state(&l).level, TrayLevel::Expired);
    l.profiles.push(profile("broken", ProfileState::Invalid));
    let s = tray_state(&l);
    assert_eq!(s.level, TrayLevel::ProfileBroken);
    assert_eq!(s.subject.as_deref(), Some("broken 信用金庫"));
    assert_eq!(s.renew, None);
    assert_eq!(
        s.tooltip(Locale::Ja),
        "銀行プロファイルに問題があります（broken 信用金庫）"
    );
    l.profiles[2].state = ProfileState::Unreadable;
    assert_eq!(tray_state(&l).level, TrayLevel::ProfileBroken);
    l.unfinished = vec![unfinished(
        "old",
        UnfinishedStage::Interrupted,
        "2026-01-01T00:00:00Z",
    )];
    assert_eq!(tray_state(&l).level, TrayLevel::Failed);
}

fn failure(code: ErrorCode, at: &str) -> Option<crate::model::LastFailure> {
    Some(crate::model::LastFailure {
        code,
        at: at.into(),
        native_code: None,
    })
}

#[test]
fn a_rolled_back_failure_stays_until_resolved_above_a_broken_profile() {
    use crate::model::{ErrorView, ProfileOrigin, ProfileView};
    let mut refused = identity("refused", 20, CertStatus::RenewalOpen);
    refused.last_failure = failure(ErrorCode::BankRejected, "2026-11-02T00:00:00Z");
    let mut wrong_pin = identity("pin", 25, CertStatus::RenewalOpen);
    wrong_pin.last_failure = failure(ErrorCode::PinIncorrect, "2026-11-03T00:00:00Z");
    let due = identity("due", 3, CertStatus::RenewalOpen);
    let mut l = listing(vec![due, refused, wrong_pin.clone()], vec![]);
    l.profiles = vec![ProfileView {
        id: "broken".into(),
        name: None,
        path: "/etc/shomei/banks.d/broken.toml".into(),
        origin: ProfileOrigin::Administrator,
        state: ProfileState::Invalid,
        issues: vec![],
    }];
    // The latest failure is named, over a renewal due sooner and a broken profile;
    // 更新する opens its renewal again.
    let s = tray_state(&l);
    assert_eq!(s.level, TrayLevel::LastFailed);
    assert_eq!(s.subject.as_deref(), Some("CN pin"));
    assert_eq!(s.renew.as_deref(), Some("pin"));
    assert_eq!(
        s.tooltip(Locale::Ja),
        "電子証明書の更新に失敗しました（CN pin）"
    );
    assert_eq!(
        s.tooltip(Locale::En),
        "A certificate renewal failed (CN pin)"
    );

    // A certificate Shomei never renews cannot raise it, nor one with nothing remembered.
    let mut superseded = wrong_pin;
    superseded.not_renewable = Some(NotRenewable::UnknownIssuer);
    l.identities = vec![superseded, identity("due", 3, CertStatus::RenewalOpen)];
    assert_eq!(tray_state(&l).level, TrayLevel::ProfileBroken);

    // A locked PIN (the list reports it with the token's label) beats them all but a
    // renewal stopped half-way; 更新する then opens the list, not a renewal.
    l.errors = vec![ErrorView::of(
        ErrorCode::PinLocked,
        Some("専用USB 1".into()),
    )];
    let s = tray_state(&l);
    assert_eq!(s.level, TrayLevel::PinLocked);
    assert_eq!(
        (s.subject.as_deref(), s.renew.as_deref()),
        (Some("専用USB 1"), None)
    );
    assert_eq!(
        s.tooltip(Locale::Ja),
        "専用USBのパスワード（PIN）がロックされています（専用USB 1）"
    );
    l.unfinished = vec![unfinished(
        "due",
        UnfinishedStage::Interrupted,
        "2026-01-01T00:00:00Z",
    )];
    assert_eq!(tray_state(&l).level, TrayLevel::Failed);
}

#[test]
fn a_failed_update_shows_only_when_no_certificate_needs_the_user() {
    use crate::model::UpdateProblem;
    let failure = crate::updates::UpdateFailure {
        problem: UpdateProblem::BadSignature,
        version: Some("0.2.0".into()),
        at: 1,
    };
    let fine = tray_state(&listing(
        vec![identity("a", 200, CertStatus::Valid)],
        vec![],
    ));
    assert_eq!(fine.clone().with_update(None), TrayState::FINE);
    let s = fine.with_update(Some(&failure));
    assert_eq!(
        (s.level, s.renew.as_deref()),
        (TrayLevel::UpdateFailed, None)
    );
    assert_eq!(
        s.tooltip(Locale::Ja),
        "Shomei を更新できませんでした。画面を開いて確認してください"
    );
    assert_eq!(
        s.tooltip(Locale::En),
        "Shomei was not updated. Open the window to see why"
    );
    let due = tray_state(&listing(
        vec![identity("a", 5, CertStatus::RenewalOpen)],
        vec![],
    ));
    assert_eq!(due.with_update(Some(&failure)).level, TrayLevel::RenewalDue);
}

#[test]
fn an_expired_certificates_failure_is_said_by_expired() {
    let mut expired = identity("old", -1, CertStatus::Expired);
    expired.last_failure = failure(ErrorCode::BankUnreachable, "2026-11-02T00:00:00Z");
    let s = tray_state(&listing(vec![expired], vec![]));
    // 再取得 is at the bank: 更新する has nothing to open.
    assert_eq!((s.level, s.renew), (TrayLevel::Expired, None));
}
