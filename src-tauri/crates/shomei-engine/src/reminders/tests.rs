use time::macros::datetime;

use super::points::{comes_at, next_after, reached};
use super::state::{self, Fired, FILE_NAME};
use super::*;
use crate::model::UnfinishedStage;
use crate::model::{
    BankRef, CertStatus, ErrorView, IdentityView, ProfileOrigin, ProfileView, StorageKind,
    UnfinishedRenewal,
};
use crate::words::Locale;

const DAY: i64 = 86_400;
// Expiry date 2026-12-06 JST (notAfter 23:59:59 JST).
const NOT_AFTER: i64 = datetime!(2026-12-06 14:59:59 UTC).unix_timestamp();
const DEFAULT: [u32; 5] = [30, 10, 3, 1, 0];

/// 00:00 JST, `days` days before the expiry date.
fn midnight_before(days: i64) -> i64 {
    datetime!(2026-12-05 15:00:00 UTC).unix_timestamp() - days * DAY
}

fn identity(fingerprint: &str, not_after: i64, bank: Option<&str>) -> IdentityView {
    IdentityView {
        fingerprint: fingerprint.into(),
        subject_cn: "山田太郎".into(),
        subject: "CN=山田太郎".into(),
        issuer: "CN=CA".into(),
        not_before: crate::views::rfc3339(not_after - 365 * DAY),
        not_after: crate::views::rfc3339(not_after),
        days_left: 0,
        status: CertStatus::Valid,
        window_opens: None,
        storage: StorageKind::ThisPc,
        store_label: "PC".into(),
        expired: None,
        not_renewable: None,
        bank: bank.map(|id| BankRef {
            id: id.into(),
            name: "さくら信用金庫".into(),
            support: None,
            asks_password: false,
        }),
        renewable_into: vec![StorageKind::ThisPc],
        role: None,
        last_failure: None,
    }
}

fn listing(identities: Vec<IdentityView>) -> IdentityListing {
    IdentityListing {
        identities,
        errors: Vec::new(),
        unfinished: Vec::new(),
        profiles: Vec::new(),
    }
}

fn points() -> Points {
    Points::new(&Settings::default())
}

fn lines(check: &Check) -> Vec<(Option<Point>, Option<String>)> {
    check
        .notices
        .iter()
        .map(|n| (n.point(), n.fingerprint().map(str::to_owned)))
        .collect()
}

#[test]
fn points_come_in_order_at_midnight_japan_time() {
    assert!(Point::Days(30) < Point::Days(10) && Point::Days(0) < Point::Expired);
    assert_eq!(reached(&DEFAULT, NOT_AFTER, midnight_before(30) - 1), None);
    assert_eq!(
        reached(&DEFAULT, NOT_AFTER, midnight_before(30)),
        Some(Point::Days(30))
    );
    // Asleep from before the first point until 2 days before: the latest is 3.
    assert_eq!(
        reached(&DEFAULT, NOT_AFTER, midnight_before(2)),
        Some(Point::Days(3))
    );
    assert_eq!(
        reached(&DEFAULT, NOT_AFTER, NOT_AFTER),
        Some(Point::Days(0))
    );
    assert_eq!(
        reached(&DEFAULT, NOT_AFTER, NOT_AFTER + 1),
        Some(Point::Expired)
    );
    assert_eq!(comes_at(Point::Days(10), NOT_AFTER), midnight_before(10));
    assert_eq!(
        next_after(&DEFAULT, NOT_AFTER, midnight_before(10)),
        Some(midnight_before(3))
    );
    assert_eq!(
        next_after(&DEFAULT, NOT_AFTER, NOT_AFTER),
        Some(NOT_AFTER + 1)
    );
    assert_eq!(next_after(&DEFAULT, NOT_AFTER, NOT_AFTER + 1), None);
}

#[test]
fn the_users_days_win_over_the_banks_and_the_default_is_the_specs() {
    let bank = points().with_bank("b", &[40, 7]);
    assert_eq!(bank.for_bank("b"), [40, 7]);
    assert_eq!(bank.for_bank("other"), DEFAULT);
    let settings = Settings {
        reminder_days: Some(vec![20, 5]),
        ..Settings::default()
    };
    assert_eq!(
        Points::new(&settings)
            .with_bank("b", &[40, 7])
            .for_bank("b"),
        [20, 5]
    );
}

#[test]
fn each_point_once_only_the_latest_missed_and_never_again_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let list = listing(vec![identity("AB01", NOT_AFTER, Some("a"))]);
    let mut s = Scheduler::open(dir.path());
    let check = s.due(midnight_before(12), &list, &points());
    assert_eq!(
        lines(&check),
        [(Some(Point::Days(30)), Some("AB01".into()))]
    );
    assert_eq!(check.next_check_at, midnight_before(12) + CHECK_EVERY);
    assert!(s
        .due(midnight_before(12) + 60, &list, &points())
        .notices
        .is_empty());
    // Restarted two days before: 10 and 3 were missed; only 3 is shown.
    let mut s = Scheduler::open(dir.path());
    let check = s.due(midnight_before(2), &list, &points());
    assert_eq!(lines(&check), [(Some(Point::Days(3)), Some("AB01".into()))]);
    assert!(matches!(
        check.notices[0],
        Notice::Due {
            days_left: 2,
            point: 3,
            ..
        }
    ));
    // The clock moved back a month and forward again: nothing repeats.
    let mut s = Scheduler::open(dir.path());
    assert!(s
        .due(midnight_before(40), &list, &points())
        .notices
        .is_empty());
    assert!(s
        .due(midnight_before(20), &list, &points())
        .notices
        .is_empty());
    assert!(s
        .due(midnight_before(2) + 5, &list, &points())
        .notices
        .is_empty());
    let fired = &s.state().identities["ab01"];
    assert_eq!(
        (fired.point, fired.fired_at),
        (Point::Days(3), midnight_before(2))
    );
}

#[test]
fn nobodys_and_superseded_certificates_get_no_reminder() {
    let dir = tempfile::tempdir().unwrap();
    let mut superseded = identity("cc", NOT_AFTER, Some("a"));
    superseded.not_renewable = Some(crate::model::NotRenewable::NoPrivateKey);
    let mut bad_date = identity("dd", NOT_AFTER, Some("a"));
    bad_date.not_after = "not a date".into();
    let list = listing(vec![identity("bb", NOT_AFTER, None), superseded, bad_date]);
    let check = Scheduler::open(dir.path()).due(midnight_before(0), &list, &points());
    assert!(check.notices.is_empty());
    assert!(!dir.path().join(FILE_NAME).exists(), "nothing to remember");
}

#[test]
fn the_words_are_the_manuals_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let list = listing(vec![identity("ab", NOT_AFTER, Some("a"))]);
    let mut s = Scheduler::open(dir.path());
    let due = &s.due(midnight_before(10), &list, &points()).notices[0];
    assert_eq!(due.title(Locale::Ja), "電子証明書の更新をお願いします");
    assert_eq!(
        due.body(Locale::Ja),
        "「山田太郎」（さくら信用金庫）の電子証明書は2026年12月6日に有効期限を迎えます（残り10日）。有効期限までに更新してください。"
    );
    assert_eq!(
        due.title(Locale::En),
        "Please renew your client certificate"
    );
    assert!(due.body(Locale::En).contains("2026-12-06 (10 days left)"));
    let json = serde_json::to_value(due).unwrap();
    assert_eq!(
        (
            &json["kind"],
            &json["fingerprint"],
            &json["daysLeft"],
            &json["bank"]["id"]
        ),
        (&"due".into(), &"ab".into(), &10.into(), &"a".into())
    );
    let today = &s.due(midnight_before(0), &list, &points()).notices[0];
    assert!(today
        .body(Locale::Ja)
        .contains("有効期限は本日（2026年12月6日）です"));
    let expired = &s.due(NOT_AFTER + 1, &list, &points()).notices[0];
    assert_eq!(
        expired.title(Locale::Ja),
        "電子証明書の有効期限が切れています"
    );
    assert!(expired
        .body(Locale::Ja)
        .contains("再発行の手続きが必要です"));
}

fn renewal(id: &str, stage: UnfinishedStage, started: i64, stuck: bool) -> UnfinishedRenewal {
    UnfinishedRenewal {
        renewal_id: id.into(),
        fingerprint: "ab".into(),
        label: "山田太郎".into(),
        new_fingerprint: None,
        store: "pc".into(),
        store_label: "PC".into(),
        storage: StorageKind::ThisPc,
        stage,
        started_at: crate::views::rfc3339(started),
        next_poll_at: None,
        stuck,
        archive_error: None,
        bank: None,
    }
}

#[test]
fn failures_once_per_occurrence_and_again_when_they_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = midnight_before(100);
    let mut broken = listing(Vec::new());
    broken.unfinished = vec![
        renewal("r1", UnfinishedStage::Pending, t0 - DAY, true),
        renewal("r2", UnfinishedStage::Pending, t0 - DAY, false),
        renewal("r3", UnfinishedStage::NotYetValid, t0 - DAY, false),
        renewal("r4", UnfinishedStage::AwaitingInstall, t0 - 60, false),
    ];
    broken.errors = vec![
        ErrorView::of(ErrorCode::PinLocked, Some("token".into())),
        ErrorView::of(ErrorCode::TokenAbsent, None),
    ];
    broken.profiles = vec![ProfileView {
        id: "c".into(),
        name: None,
        path: "/etc/c.toml".into(),
        origin: ProfileOrigin::User,
        state: ProfileState::Unreadable,
        issues: Vec::new(),
    }];
    let kinds = |c: &Check| -> Vec<String> {
        c.notices
            .iter()
            .map(|n| {
                format!("{n:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let mut s = Scheduler::open(dir.path());
    let check = s.due(t0, &broken, &points());
    assert_eq!(
        kinds(&check),
        ["RenewalStuck", "PinLocked", "ProfileBroken"]
    );
    // r4 is a minute old: maybe running elsewhere; looked at again when its grace ends.
    assert_eq!(check.next_check_at, t0 - 60 + RENEWAL_GRACE);
    assert!(check.notices[2]
        .body(Locale::Ja)
        .contains("「c」の銀行プロファイル（/etc/c.toml）"));
    let check = Scheduler::open(dir.path()).due(t0 + RENEWAL_GRACE, &broken, &points());
    assert_eq!(kinds(&check), ["RenewalFailed"]);
    let mut s = Scheduler::open(dir.path());
    assert!(s.due(t0 + 2 * DAY, &broken, &points()).notices.is_empty());
    // All resolved, then the locked PIN comes back.
    assert!(s
        .due(t0 + 3 * DAY, &listing(Vec::new()), &points())
        .notices
        .is_empty());
    assert!(s.state().failures.is_empty());
    let mut again = listing(Vec::new());
    again.errors = vec![ErrorView::of(ErrorCode::PinLocked, Some("token".into()))];
    assert_eq!(
        kinds(&s.due(t0 + 4 * DAY, &again, &points())),
        ["PinLocked"]
    );
}

#[test]
fn a_corrupt_or_foreign_state_file_starts_afresh_and_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    for bad in [
        &b"{\"format\":1,\"identities\":"[..],
        b"\xff\xfe",
        b"{\"format\":99}",
    ] {
        std::fs::write(&path, bad).unwrap();
        let (loaded, log) = logged(|| state::load(dir.path()));
        assert_eq!(loaded, State::default());
        assert!(
            log.contains("WARN") && log.contains("starting afresh"),
            "{log}"
        );
        assert!(log.contains(FILE_NAME), "{log}");
    }
    let list = listing(vec![identity("ab", NOT_AFTER, Some("a"))]);
    let mut s = Scheduler::open(dir.path());
    assert_eq!(s.due(midnight_before(5), &list, &points()).notices.len(), 1);
    let reloaded = state::load(dir.path());
    assert_eq!(&reloaded, s.state());
    assert_eq!(reloaded.format, 1);
}

#[test]
fn the_state_file_is_replaced_whole_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = State::default();
    st.identities.insert(
        "ab".into(),
        Fired {
            not_after: NOT_AFTER,
            point: Point::Days(10),
            fired_at: 5,
            missing_since: None,
        },
    );
    state::save(dir.path(), &st).unwrap();
    // A write that crashed before its rename leaves a temp file: ignored.
    std::fs::write(
        dir.path().join(".reminders.x.tmp"),
        b"{\"format\":1,\"ident",
    )
    .unwrap();
    st.failures.insert("pinLocked:".into(), 7);
    state::save(dir.path(), &st).unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&FILE_NAME.to_owned()));
    assert_eq!(state::load(dir.path()), st);
    // A directory that cannot hold it (a file is in the way): an error, nothing written.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"").unwrap();
    assert!(state::save(&blocked, &st).is_err());
}

#[test]
fn a_failed_save_still_shows_each_point_once_in_this_run() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"").unwrap();
    let list = listing(vec![identity("ab", NOT_AFTER, Some("a"))]);
    let mut s = Scheduler::open(&blocked);
    assert_eq!(s.due(midnight_before(3), &list, &points()).notices.len(), 1);
    assert!(s
        .due(midnight_before(3) + 10, &list, &points())
        .notices
        .is_empty());
}

/// What `f` returns, and what it logged.
fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let log = String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned();
    (out, log)
}

/// A notification the desktop could not show (no notification daemon, focus
/// assist) is only logged; what it said must still be on the tray. So every notice
/// the scheduler gives comes from a listing that raises the tray.
#[test]
fn every_notice_comes_with_a_raised_tray() {
    use crate::tray_state::{tray_state, TrayLevel};
    let t0 = midnight_before(10);
    let mut due = identity("ab", NOT_AFTER, Some("sakura"));
    due.status = CertStatus::RenewalOpen;
    due.days_left = 10;
    let mut expired = identity("ab", NOT_AFTER, Some("sakura"));
    expired.status = CertStatus::Expired;
    let mut stuck = listing(Vec::new());
    stuck.unfinished = vec![renewal("r1", UnfinishedStage::Pending, t0 - DAY, true)];
    let mut failed = listing(Vec::new());
    failed.unfinished = vec![renewal("r2", UnfinishedStage::Installing, t0 - DAY, false)];
    let mut locked = listing(Vec::new());
    locked.errors = vec![ErrorView::of(ErrorCode::PinLocked, Some("token".into()))];
    let mut broken = listing(Vec::new());
    broken.profiles = vec![ProfileView {
        id: "c".into(),
        name: None,
        path: "/etc/c.toml".into(),
        origin: ProfileOrigin::User,
        state: ProfileState::Invalid,
        issues: Vec::new(),
    }];
    let cases = [
        ("due", listing(vec![due]), t0),
        ("expired", listing(vec![expired]), NOT_AFTER + DAY),
        ("stuck", stuck, t0),
        ("failed", failed, t0),
        ("locked", locked, t0),
        ("broken", broken, t0),
    ];
    for (what, listing, now) in cases {
        let dir = tempfile::tempdir().unwrap();
        let check = Scheduler::open(dir.path()).due(now, &listing, &points());
        assert!(!check.notices.is_empty(), "{what}: no notice");
        assert_ne!(
            tray_state(&listing).level,
            TrayLevel::Fine,
            "{what}: tray fine"
        );
    }
}
