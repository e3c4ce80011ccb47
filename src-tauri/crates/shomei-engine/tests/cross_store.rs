//! Renewing into the other store (issue 10, item 1): from the bank's USB token
//! (SoftHSM) into this PC's store (a real NSS database) and back, against the EST
//! test CA over TLS. The TLS login signs with the current identity's key in its
//! own store; the new key is made in the chosen one; the old identity goes only
//! after the new one has been read back. One NSS database per process: one test.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;

use shomei_engine::model::{ErrorCode, StorageKind};
use shomei_engine::{BankProfile, Engine, Journal};
use shomei_store::{PcStore, Token};

fn nss_or_skip(test: &str) -> bool {
    if Command::new("certutil").arg("-H").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("SHOMEI_REQUIRE_NSS").is_none_or(|v| v != "1"),
        "NSS required (SHOMEI_REQUIRE_NSS=1) but certutil is missing"
    );
    eprintln!("\n*** SKIPPED {test}: certutil (libnss3-tools) not installed. ***\n");
    false
}

/// Start a renewal of `fingerprint` into `into` with the demo PIN.
async fn renew_into(
    engine: &Engine,
    fingerprint: &str,
    into: StorageKind,
) -> shomei_engine::Result<shomei_engine::model::IssuedCertificate> {
    engine
        .start_renewal_into(
            fingerprint,
            Some(into),
            common::pin(),
            false,
            common::recorder().0,
        )
        .await
}

fn fingerprints(token: &dyn Token) -> Vec<String> {
    token
        .list_identities()
        .identities
        .into_iter()
        .map(|i| i.certificate.fingerprint)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renews_from_the_usb_token_into_this_pc_and_back() {
    if !nss_or_skip("renews_from_the_usb_token_into_this_pc_and_back") {
        return;
    }
    let Some((dir, demo)) = common::demo("cross_store").await else {
        return;
    };
    let nssdb = dir.path().join("nssdb");
    std::fs::create_dir(&nssdb).unwrap();
    let made = Command::new("certutil")
        .args([
            "-N",
            "-d",
            &format!("sql:{}", nssdb.display()),
            "--empty-password",
        ])
        .status()
        .unwrap();
    assert!(made.success());
    // The demo's bank, with this PC's store (the NSS database) switched on.
    let text = std::fs::read_to_string(dir.path().join("bank.toml"))
        .unwrap()
        .replace(
            "[pc_store]\nenabled = false\n",
            &format!("[pc_store]\nnss_database = \"{}\"\n", nssdb.display()),
        );
    let profile_path = dir.path().join("both.toml");
    std::fs::write(&profile_path, text).unwrap();
    let (profile, roots) = BankProfile::load(&profile_path).unwrap();
    let journal = dir.path().join("journal");
    let engine = Engine::new(profile, roots.clone()).with_journal(Journal::open(&journal).unwrap());
    let token = || {
        demo.profile
            .token
            .as_ref()
            .map(|t| t.selector())
            .map(|s| {
                shomei_store::pkcs11::Pkcs11Module::load(demo.profile.module_path().unwrap())
                    .unwrap()
                    .open_token(&s)
                    .unwrap()
            })
            .unwrap()
    };
    let pc = || PcStore::open_at(&nssdb).unwrap();
    let pc_keys = || {
        let pc = pc();
        pc.login(&secrecy::SecretString::from(String::new()))
            .unwrap();
        pc.keys_labelled("").unwrap()
    };

    let [old] = engine.list().identities.try_into().unwrap();
    assert_eq!(old.storage, StorageKind::UsbToken);
    assert_eq!(
        old.renewable_into,
        [StorageKind::UsbToken, StorageKind::ThisPc]
    );

    // A wrong PIN: refused at the token, nothing made in either store.
    let err = engine
        .start_renewal_into(
            &old.fingerprint,
            Some(StorageKind::ThisPc),
            secrecy::SecretString::from("wrong-pin-0".to_owned()),
            false,
            common::recorder().0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect, "{err}");
    assert!(pc_keys().is_empty(), "no key made in the PC store");
    assert!(engine.list().unfinished.is_empty());
    assert_eq!(demo.server.request_count(), 0);

    // USB token → this PC. The test CA issues certificates that are near their
    // end, so that each renewed one is inside the window again.
    demo.server
        .set_behaviour(shomei_testca::Behaviour::ValidFor { days: 13 });
    let issued = renew_into(&engine, &old.fingerprint, StorageKind::ThisPc)
        .await
        .expect("issued into this PC");
    // Consent 2 not given yet: the old identity is untouched, the new key is in
    // the PC store, nothing new on the token.
    assert_eq!(fingerprints(&token()), vec![old.fingerprint.clone()]);
    assert!(fingerprints(pc().as_ref()).is_empty());
    let outcome = engine
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();
    assert!(outcome.archive_error.is_none(), "{outcome:?}");
    assert!(fingerprints(&token()).is_empty(), "the old one is archived");
    assert_eq!(
        fingerprints(pc().as_ref()),
        vec![outcome.installed.fingerprint.clone()]
    );
    let token_keys = {
        let t = token();
        t.login(&common::pin()).unwrap();
        let keys = t.keys_labelled("").unwrap();
        t.logout().unwrap();
        keys
    };
    assert!(
        token_keys.is_empty(),
        "no key left on the token: {token_keys:?}"
    );
    let [renewed] = engine.list().identities.try_into().unwrap();
    assert_eq!(renewed.storage, StorageKind::ThisPc);
    assert!(engine.list().unfinished.is_empty());
    assert!(std::fs::read_dir(&journal).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".json")));

    // Into the USB token while it is not plugged in: its own code, with the store
    // it was for (the manual's preparation guidance), and nothing made.
    let unplugged_path = dir.path().join("unplugged.toml");
    std::fs::write(
        &unplugged_path,
        std::fs::read_to_string(&profile_path)
            .unwrap()
            .replace("label = \"Shomei Demo USB\"", "label = \"Not plugged in\""),
    )
    .unwrap();
    let (unplugged, unplugged_roots) = BankProfile::load(&unplugged_path).unwrap();
    let unplugged =
        Engine::new(unplugged, unplugged_roots).with_journal(Journal::open(&journal).unwrap());
    let err = renew_into(&unplugged, &renewed.fingerprint, StorageKind::UsbToken)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenAbsent, "{err}");
    assert_eq!(err.view().into, Some(StorageKind::UsbToken));
    assert_eq!(
        fingerprints(pc().as_ref()),
        vec![renewed.fingerprint.clone()]
    );
    assert!(engine.list().unfinished.is_empty());

    // This PC → the USB token.
    demo.server
        .set_behaviour(shomei_testca::Behaviour::ValidFor { days: 14 });
    let issued = renew_into(&engine, &renewed.fingerprint, StorageKind::UsbToken)
        .await
        .expect("issued into the USB token");
    let outcome = engine
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();
    assert!(outcome.archive_error.is_none(), "{outcome:?}");
    assert!(
        fingerprints(pc().as_ref()).is_empty(),
        "the PC's one is archived"
    );
    assert_eq!(
        fingerprints(&token()),
        vec![outcome.installed.fingerprint.clone()]
    );
    let [back] = engine.list().identities.try_into().unwrap();
    assert_eq!(back.storage, StorageKind::UsbToken);
    let left = pc_keys();
    assert!(left.is_empty(), "no key left in the PC store: {left:?}");

    // Into a store the profile does not offer (here: the demo's own profile,
    // which never looks at this PC's store): refused, nothing made.
    let token_only =
        Engine::new(demo.profile.clone(), roots).with_journal(Journal::open(&journal).unwrap());
    let err = renew_into(&token_only, &back.fingerprint, StorageKind::ThisPc)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::StoreNotOffered, "{err}");
    assert_eq!(fingerprints(&token()), vec![back.fingerprint.clone()]);

    // A renewal into the PC store left pending, whose target then cannot be found
    // (as if the store it names were gone for good): discarding it drops only the
    // record, and the identity renews again.
    demo.server
        .set_behaviour(shomei_testca::Behaviour::Pending {
            times: 1,
            retry_after_secs: 3600,
        });
    let err = renew_into(&engine, &back.fingerprint, StorageKind::ThisPc)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending, "{err}");
    let [pending] = engine.list().unfinished.try_into().unwrap();
    // Asked to go into the token instead: carry that one on or discard it first.
    let err = renew_into(&engine, &back.fingerprint, StorageKind::UsbToken)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnfinishedElsewhere, "{err}");
    assert_eq!(err.view().into, Some(StorageKind::ThisPc));
    let path = journal.join(format!("{}.json", pending.renewal_id));
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(record["target"]["store"], "this PC", "{record:#}");
    record["target"]["tokenLabel"] = "a store that is gone".into();
    std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
    engine
        .discard_renewal(&pending.renewal_id, common::pin(), false)
        .unwrap();
    assert!(engine.list().unfinished.is_empty());
    assert_eq!(fingerprints(&token()), vec![back.fingerprint.clone()]);
    demo.server
        .set_behaviour(shomei_testca::Behaviour::ValidFor { days: 15 });
    let issued = engine
        .start_renewal(
            &back.fingerprint,
            common::pin(),
            false,
            common::recorder().0,
        )
        .await
        .expect("renewable again, in place");
    engine
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();
    assert_ne!(fingerprints(&token()), vec![back.fingerprint.clone()]);
}
