//! The checklist and the expired guidance on concrete Japan-time examples.

use std::path::Path;

use shomei_store::KeyAlgorithm;
use time::macros::datetime;

use super::*;
use crate::model::{CertStatus, StorageKind};

const ISSUER: &str = "CN=Test Shinkin Client CA, O=Test Shinkin, C=JP";
const SUPPORT: &str = "[support]\n\
                       name = \"テスト信用金庫 法人IBヘルプデスク\"\n\
                       phone = \"0120-000-000\"\n";

fn profile(extra: &str) -> BankProfile {
    let text = format!(
        "name = \"テスト信用金庫\"\n\
         [est]\nbase_url = \"https://est.example.jp\"\nca_file = \"ca.pem\"\n{extra}"
    );
    crate::profile::parse(&text, Path::new("/etc/shomei/bank.toml"))
        .unwrap_or_else(|e| panic!("{e:#?}"))
}

fn cert(seed: u8, cn: &str, not_after: i64) -> CertificateInfo {
    CertificateInfo {
        der: vec![seed],
        fingerprint: format!("{seed:064x}"),
        subject: format!("CN={cn}, O=株式会社デモ商事, C=JP"),
        subject_cn: cn.to_owned(),
        issuer: ISSUER.to_owned(),
        subject_der: Vec::new(),
        issuer_der: Vec::new(),
        serial: format!("{seed:02X}"),
        not_before: not_after - 2 * 365 * 86_400,
        not_after,
        public_key: Vec::new(),
        key_algorithm: KeyAlgorithm::Rsa { bits: 2048 },
        usages: vec!["clientAuth".into()],
    }
}

fn view(cert: &CertificateInfo, now: i64) -> IdentityView {
    view_under(&profile(""), cert, shomei_store::StorageKind::UsbToken, now)
}

fn view_under(
    profile: &BankProfile,
    cert: &CertificateInfo,
    kind: shomei_store::StorageKind,
    now: i64,
) -> IdentityView {
    let identity = shomei_store::Identity {
        certificate: cert.clone(),
        key_id: vec![1],
        label: String::new(),
    };
    let rules = RenewalRules::from(&profile.renewal);
    let label = match kind {
        shomei_store::StorageKind::UsbToken => "Bank Token",
        shomei_store::StorageKind::ThisPc => "NSS",
    };
    views::identity_view(profile, &rules, &identity, kind, label, now)
}

/// Last second (23:59:59 JST) of a Japan date, as banks set notAfter.
fn end_of(year: i32, month: u8, day: u8) -> i64 {
    let date = time::Date::from_calendar_date(year, month.try_into().unwrap(), day).unwrap();
    date.with_hms(23, 59, 59)
        .unwrap()
        .assume_offset(rules::JST)
        .unix_timestamp()
}

/// 2026-11-24 12:00 JST.
const NOW: i64 = datetime!(2026-11-24 12:00 +9).unix_timestamp();

fn renewed() -> CertificateInfo {
    cert(1, "YAMADA TARO (管理者)", end_of(2028, 12, 6))
}

fn others(of: &[CertificateInfo]) -> Vec<IdentityView> {
    of.iter().map(|c| view(c, NOW)).collect()
}

fn renew_others(items: &[ChecklistItem]) -> Vec<&ChecklistItem> {
    items
        .iter()
        .filter(|i| matches!(i, ChecklistItem::RenewOther { .. }))
        .collect()
}

#[test]
fn always_restart_the_browser_and_update_other_software_first() {
    let items = post_renewal_checklist(&profile(""), &renewed(), &[], NOW);
    assert_eq!(
        items,
        [
            ChecklistItem::RestartBrowser,
            ChecklistItem::UpdateOtherSoftware
        ]
    );
    let json = serde_json::to_value(&items).unwrap();
    assert_eq!(json[0]["kind"], "restartBrowser");
    assert_eq!(json[1]["kind"], "updateOtherSoftware");
}

#[test]
fn the_other_roles_certificate_inside_its_window_is_listed() {
    // Expiry date 2026-12-06: 12 days left, window open since 11/6.
    let user = cert(2, "SATO HANAKO (利用者)", end_of(2026, 12, 6));
    let items = post_renewal_checklist(
        &profile(""),
        &renewed(),
        &others(std::slice::from_ref(&user)),
        NOW,
    );
    assert_eq!(
        items[2],
        ChecklistItem::RenewOther {
            fingerprint: user.fingerprint.clone(),
            subject_cn: "SATO HANAKO (利用者)".into(),
            subject: user.subject.clone(),
            not_after: "2026-12-06T14:59:59Z".into(),
            days_left: 12,
            status: CertStatus::RenewalOpen,
            renewal_opens: None,
            storage: StorageKind::UsbToken,
            store_label: "Bank Token".into(),
        }
    );
    let json = serde_json::to_value(&items[2]).unwrap();
    assert_eq!(json["kind"], "renewOther");
    assert_eq!(json["subjectCn"], "SATO HANAKO (利用者)");
    assert_eq!(json["daysLeft"], 12);
    assert_eq!(json["renewalOpens"], serde_json::Value::Null);

    // The same certificate, but one that can never be renewed here: not suggested.
    let mut keyless = others(std::slice::from_ref(&user));
    keyless[0].not_renewable = Some(crate::model::NotRenewable::NoPrivateKey);
    let items = post_renewal_checklist(&profile(""), &renewed(), &keyless, NOW);
    assert_eq!(items.len(), 2, "{items:?}");
}

#[test]
fn a_window_opening_within_the_window_days_is_listed_later_ones_are_not() {
    // NOW is 11/24 JST. The window opens 30 days before the expiry date, so it opens
    // within 30 days (by 12/24) for expiry dates up to 2027-01-23.
    let soon = cert(3, "SUZUKI (利用者)", end_of(2027, 1, 23)); // opens 12/24: in 30 days
    let later = cert(4, "TANAKA (利用者)", end_of(2027, 1, 24)); // opens 12/25: in 31 days
    let items = post_renewal_checklist(
        &profile(""),
        &renewed(),
        &others(&[later.clone(), soon.clone()]),
        NOW,
    );
    let due = renew_others(&items);
    assert_eq!(due.len(), 1, "{items:#?}");
    let ChecklistItem::RenewOther {
        fingerprint,
        status,
        renewal_opens,
        days_left,
        ..
    } = due[0]
    else {
        unreachable!()
    };
    assert_eq!(fingerprint, &soon.fingerprint);
    assert_eq!(*status, CertStatus::Valid);
    assert_eq!(renewal_opens.as_deref(), Some("2026-12-24"));
    assert_eq!(*days_left, 60);

    // The profile's window opening days decide: 40 days ahead reaches TANAKA too.
    let wide = profile("[renewal]\nwindow_opens_days = 40\n");
    let items = post_renewal_checklist(&wide, &renewed(), &others(&[later, soon]), NOW);
    assert_eq!(renew_others(&items).len(), 2);
}

#[test]
fn soonest_expiry_first() {
    let a = cert(5, "A (利用者)", end_of(2026, 12, 20));
    let b = cert(6, "B (利用者)", end_of(2026, 12, 1));
    let items = post_renewal_checklist(&profile(""), &renewed(), &others(&[a, b]), NOW);
    let names: Vec<_> = renew_others(&items)
        .into_iter()
        .map(|i| match i {
            ChecklistItem::RenewOther { subject_cn, .. } => subject_cn.as_str(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(names, ["B (利用者)", "A (利用者)"]);
}

#[test]
fn the_renewed_the_replaced_another_bank_and_expired_ones_are_not_listed() {
    let renewed = renewed();
    // With `replaced = "keep"` the replaced certificate (same subject) is still listed.
    let replaced = cert(7, "YAMADA TARO (管理者)", end_of(2026, 12, 6));
    let mut other_bank = cert(8, "SATO HANAKO (利用者)", end_of(2026, 12, 6));
    other_bank.issuer = "CN=Other Bank CA, C=JP".into();
    let expired = cert(9, "OLD USER (利用者)", end_of(2026, 11, 1));
    let items = post_renewal_checklist(
        &profile(""),
        &renewed,
        &others(&[renewed.clone(), replaced, other_bank, expired]),
        NOW,
    );
    assert!(renew_others(&items).is_empty(), "{items:#?}");
}

#[test]
fn not_expired_has_no_guidance() {
    let p = profile(&format!("[renewal]\nreacquire_grace_days = 90\n{SUPPORT}"));
    let c = cert(10, "X", end_of(2026, 12, 6));
    assert_eq!(expired_guidance(&p, &c, NOW), None);
    assert_eq!(expired_guidance(&p, &c, c.not_after - 1), None);
}

#[test]
fn expired_with_grace_left_can_be_reacquired_until_the_last_grace_day() {
    let p = profile(&format!("[renewal]\nreacquire_grace_days = 90\n{SUPPORT}"));
    // Expired 2026-11-01; 90 days later is 2027-01-30.
    let c = cert(11, "X", end_of(2026, 11, 1));
    let g = expired_guidance(&p, &c, NOW).unwrap();
    let support = SupportContactView {
        name: Some("テスト信用金庫 法人IBヘルプデスク".into()),
        phone: Some("0120-000-000".into()),
        url: None,
        hours: None,
    };
    assert_eq!(
        g,
        ExpiredGuidance::Reacquire {
            until: "2027-01-30".into(),
            support: Some(support),
        }
    );
    let json = serde_json::to_value(&g).unwrap();
    assert_eq!(json["kind"], "reacquire");
    assert_eq!(json["until"], "2027-01-30");
    assert_eq!(json["support"]["phone"], "0120-000-000");
}

#[test]
fn expired_past_grace_needs_a_reissue_and_names_the_support_contact() {
    let p = profile(&format!("[renewal]\nreacquire_grace_days = 80\n{SUPPORT}"));
    let c = cert(12, "X", end_of(2026, 8, 1));
    let Some(ExpiredGuidance::Reissue { support }) = expired_guidance(&p, &c, NOW) else {
        panic!("expected a reissue");
    };
    assert_eq!(support.unwrap().phone.as_deref(), Some("0120-000-000"));

    // A bank without grace: a reissue from the first second after notAfter.
    let none = profile(SUPPORT);
    let c = cert(13, "X", end_of(2026, 11, 23));
    assert!(matches!(
        expired_guidance(&none, &c, c.not_after),
        Some(ExpiredGuidance::Reissue { .. })
    ));
}

#[test]
fn the_last_grace_day_ends_at_midnight_japan_time() {
    let p = profile("[renewal]\nreacquire_grace_days = 90\n");
    // Expiry date 2026-12-06 → 再取得 through 2027-03-06 JST (= until 03-06 15:00 UTC).
    let c = cert(14, "X", end_of(2026, 12, 6));
    let last_second = datetime!(2027-03-06 14:59:59 UTC).unix_timestamp();
    assert_eq!(
        expired_guidance(&p, &c, last_second),
        Some(ExpiredGuidance::Reacquire {
            until: "2027-03-06".into(),
            support: None,
        })
    );
    assert_eq!(
        expired_guidance(&p, &c, last_second + 1),
        Some(ExpiredGuidance::Reissue { support: None })
    );
}

#[test]
fn a_profile_without_support_contact_gives_none() {
    let c = cert(15, "X", end_of(2026, 1, 1));
    assert_eq!(
        expired_guidance(&profile(""), &c, NOW),
        Some(ExpiredGuidance::Reissue { support: None })
    );
    // An empty [support] section names nobody either.
    assert_eq!(
        expired_guidance(&profile("[support]\n"), &c, NOW),
        Some(ExpiredGuidance::Reissue { support: None })
    );
    let json = serde_json::to_value(expired_guidance(&profile(""), &c, NOW)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "kind": "reissue", "support": null })
    );
}

#[test]
fn the_listing_carries_the_expired_guidance() {
    let c = cert(16, "X", end_of(2026, 11, 1));
    let v = view(&c, NOW);
    assert_eq!(v.status, CertStatus::Expired);
    assert_eq!(v.expired, Some(ExpiredGuidance::Reissue { support: None }));
    assert_eq!(view(&renewed(), NOW).expired, None);

    let p = profile(&format!("[renewal]\nreacquire_grace_days = 90\n{SUPPORT}"));
    let v = view_under(&p, &c, shomei_store::StorageKind::ThisPc, NOW);
    assert_eq!(v.expired, expired_guidance(&p, &c, NOW));
    assert!(matches!(
        v.expired,
        Some(ExpiredGuidance::Reacquire {
            support: Some(_),
            ..
        })
    ));
    assert_eq!(views::unix(&v.not_after), Some(c.not_after));
}
