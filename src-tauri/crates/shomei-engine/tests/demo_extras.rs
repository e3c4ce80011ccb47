//! The demo with its extras (`SHOMEI_DEMO_EXTRAS=pc,expired`), as the end-to-end
//! tests use it: the token's identity, an expired one on the token with the 再取得
//! guidance and the bank's contact, and the demo's own NSS database as the PC store
//! with an identity that can be renewed into either store. SoftHSM and NSS are
//! loaded once per process: one test in this file.

#![cfg(target_os = "linux")]

use shomei_engine::demo::{self, Extras};
use shomei_engine::model::{CertStatus, ExpiredGuidance, StorageKind};
use shomei_engine::Engine;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_with_a_pc_store_and_an_expired_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().join("demo");
    if let Err(e) = demo::prepare_token_directory(&dir) {
        assert!(
            !shomei_store::softhsm::required_by_environment(),
            "SoftHSM2 required (SHOMEI_REQUIRE_SOFTHSM=1) but unusable: {e}"
        );
        eprintln!("\n*** SKIPPED the demo with extras: SoftHSM2 is not usable here ({e}). ***\n");
        return;
    }
    let extras = Extras::parse("pc,expired").unwrap();
    let d = demo::start_with(&dir, extras).await.expect("demo starts");
    let profile = std::fs::read_to_string(dir.join("bank.toml")).unwrap();
    assert!(
        profile.contains(&format!(
            "nss_database = \"{}\"",
            dir.join("nssdb").display()
        )),
        "{profile}"
    );
    assert!(d.profile.pc_store.enabled);
    let engine = Engine::new(d.profile.clone(), d.pinned_roots.clone());

    let listing = engine.list();
    assert!(listing.errors.is_empty(), "{:?}", listing.errors);
    let find = |name: &str| {
        listing
            .identities
            .iter()
            .find(|i| i.subject_cn == name)
            .unwrap_or_else(|| panic!("no {name} in {:#?}", listing.identities))
            .clone()
    };
    assert_eq!(listing.identities.len(), 3, "{:#?}", listing.identities);

    let usb = find(demo::DEMO_COMPANY);
    assert_eq!(
        (usb.storage, usb.status),
        (StorageKind::UsbToken, CertStatus::RenewalOpen)
    );

    let pc = find(demo::DEMO_PC_NAME);
    assert_eq!(
        (pc.storage, pc.status),
        (StorageKind::ThisPc, CertStatus::RenewalOpen)
    );
    assert!(pc.not_renewable.is_none(), "{pc:#?}");
    assert_eq!(
        pc.renewable_into,
        vec![StorageKind::ThisPc, StorageKind::UsbToken]
    );
    assert!(
        (i64::from(pc.days_left) - demo::DEMO_PC_DAYS_LEFT).abs() <= 1,
        "{pc:#?}"
    );

    let expired = find(demo::DEMO_EXPIRED_NAME);
    assert_eq!(
        (expired.storage, expired.status),
        (StorageKind::UsbToken, CertStatus::Expired)
    );
    assert!(
        (i64::from(-expired.days_left) - demo::DEMO_EXPIRED_DAYS_AGO).abs() <= 1,
        "{expired:#?}"
    );
    match &expired.expired {
        Some(ExpiredGuidance::Reacquire { support, .. }) => assert_eq!(
            support.as_ref().and_then(|s| s.name.as_deref()),
            Some(demo::DEMO_SUPPORT)
        ),
        other => panic!("an expired certificate within the grace: {other:?}"),
    }

    // A second start on the same directory reuses it: nothing is added twice, and
    // the PC store stays even without the extras asked for again.
    drop(engine);
    drop(d);
    let again = demo::start_with(&dir, Extras::default()).await.unwrap();
    assert!(again.profile.pc_store.enabled);
    let engine = Engine::new(again.profile.clone(), again.pinned_roots.clone());
    assert_eq!(engine.list().identities.len(), 3);
}
