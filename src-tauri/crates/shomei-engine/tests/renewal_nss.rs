//! The same renewal as on the token, into a real NSS database (the Linux PC
//! store), against the EST test CA over real TLS; checked with certutil as
//! Chromium would see it. One NSS database per process: one test in this file.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;
use std::sync::Arc;

use common::recorder;
use shomei_engine::model::{CertStatus, StorageKind};
use shomei_engine::{BankProfile, Engine};
use shomei_store::PcStore;
use shomei_testca::{EstServer, ServerOptions, TestCa};

fn certutil(args: &[&str]) -> String {
    let out = Command::new("certutil")
        .args(args)
        .output()
        .expect("certutil runs");
    assert!(
        out.status.success(),
        "certutil {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renews_an_identity_in_an_nss_database() {
    if Command::new("certutil").arg("-H").output().is_err() {
        assert!(
            std::env::var_os("SHOMEI_REQUIRE_NSS").is_none_or(|v| v != "1"),
            "NSS required (SHOMEI_REQUIRE_NSS=1) but certutil is missing"
        );
        eprintln!(
            "\n*** SKIPPED renews_an_identity_in_an_nss_database: certutil not installed. ***\n"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let nssdb = dir.path().join("nssdb");
    std::fs::create_dir(&nssdb).unwrap();
    let db = format!("sql:{}", nssdb.display());
    certutil(&["-N", "-d", &db, "--empty-password"]);

    let ca = Arc::new(TestCa::generate("NSS Test Bank CA").unwrap());
    let server = EstServer::start(ca.clone(), ServerOptions::default())
        .await
        .unwrap();
    {
        let store = PcStore::open_at(&nssdb).unwrap();
        store
            .login(&secrecy::SecretString::from(String::new()))
            .unwrap();
        shomei_engine::demo::create_demo_identity(store.as_ref(), &ca).unwrap();
    }
    std::fs::write(dir.path().join("ca.pem"), ca.cert_pem()).unwrap();
    let profile_path = dir.path().join("bank.toml");
    std::fs::write(
        &profile_path,
        format!(
            "name = \"テスト信用金庫\"\n[est]\nbase_url = \"{}\"\nca_file = \"ca.pem\"\n\
             [pc_store]\nnss_database = \"{}\"\n",
            server.base_url(),
            nssdb.display()
        ),
    )
    .unwrap();
    let (profile, roots) = BankProfile::load(&profile_path).unwrap();
    let engine = Engine::new(profile, roots);

    let before = engine.list();
    assert!(before.errors.is_empty(), "{:?}", before.errors);
    assert_eq!(before.identities.len(), 1);
    let old = before.identities[0].clone();
    assert_eq!(old.storage, StorageKind::ThisPc);
    assert_eq!(old.status, CertStatus::RenewalOpen);

    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(
            &old.fingerprint,
            secrecy::SecretString::from(String::new()),
            false,
            sink,
        )
        .await
        .expect("issued into NSS");
    let (sink, _) = recorder();
    engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .expect("installed");

    let after = engine.list();
    assert_eq!(after.identities.len(), 1);
    assert_eq!(after.identities[0].fingerprint, issued.details.fingerprint);
    assert!(after.identities[0].days_left >= 364);

    // What Chromium sees: one certificate (the new one) and exactly one RSA key.
    let certs = certutil(&["-L", "-d", &db]);
    assert_eq!(
        certs.matches("株式会社デモ商事").count(),
        1,
        "certutil -L:\n{certs}"
    );
    let keys = certutil(&["-K", "-d", &db]);
    assert_eq!(keys.matches("rsa").count(), 1, "certutil -K:\n{keys}");
    let pem = certutil(&["-L", "-d", &db, "-n", "株式会社デモ商事", "-a"]);
    let der = rustls_pki_types::pem::PemObject::from_pem_slice(pem.as_bytes())
        .map(|c: rustls_pki_types::CertificateDer<'static>| c.to_vec())
        .unwrap();
    assert_eq!(shomei_store::fingerprint(&der), issued.details.fingerprint);
}
