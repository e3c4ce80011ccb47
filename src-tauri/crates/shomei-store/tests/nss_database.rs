//! The Linux PC store against a real NSS database made with `certutil`, checked
//! afterwards with `certutil -L` / `certutil -K` as Chromium would see it.
//! One NSS database per process (the soft token is initialised once): one test.

#![cfg(target_os = "linux")]

mod contract;

use std::path::Path;
use std::process::Command;

use secrecy::SecretString;
use shomei_store::signer::CsrSigner;
use shomei_store::{KeySpec, PcStore, StorageKind};

fn certutil(args: &[&str]) -> Option<String> {
    let out = Command::new("certutil").args(args).output().ok()?;
    assert!(
        out.status.success(),
        "certutil {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A fresh NSS database, or None after a loud skip when NSS's tools are missing and
/// not required (CI sets SHOMEI_REQUIRE_NSS=1).
fn database(dir: &Path) -> Option<String> {
    let db = format!("sql:{}", dir.display());
    if Command::new("certutil").arg("-H").output().is_err() {
        assert!(
            std::env::var_os("SHOMEI_REQUIRE_NSS").is_none_or(|v| v != "1"),
            "NSS required (SHOMEI_REQUIRE_NSS=1) but certutil is missing"
        );
        eprintln!(
            "\n*** SKIPPED NSS tests: certutil not installed (apt install libnss3-tools). ***\n"
        );
        return None;
    }
    certutil(&["-N", "-d", &db, "--empty-password"])?;
    Some(db)
}

#[test]
fn key_and_certificate_land_where_chromium_looks() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = database(dir.path()) else {
        return;
    };
    let token = PcStore::open_at(dir.path()).expect("open NSS database");
    assert_eq!(token.storage(), StorageKind::ThisPc);
    token.login(&SecretString::from(String::new())).unwrap();
    contract::run(token.as_ref());

    let key = token.generate_key(KeySpec::Rsa2048, "pending").unwrap();
    let p = token.key_protection(&key.key_id).unwrap();
    assert!(
        p.sensitive && !p.extractable && p.never_extractable,
        "{p:?}"
    );

    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "株式会社デモ商事 利用者");
    let cert = params
        .self_signed(&CsrSigner::new(key.handle.as_ref()).unwrap())
        .unwrap();
    let identity = token
        .install_certificate(&key.key_id, "Shomei NSS test", cert.der())
        .unwrap();
    assert_eq!(token.list_identities().identities.len(), 1);

    let certs = certutil(&["-L", "-d", &db]).unwrap();
    assert!(certs.contains("Shomei NSS test"), "certutil -L:\n{certs}");
    let keys = certutil(&["-K", "-d", &db]).unwrap();
    assert!(
        keys.contains("rsa"),
        "certutil -K lists the new RSA key:\n{keys}"
    );
    assert!(
        keys.contains("Shomei NSS test"),
        "certutil -K pairs the key with its certificate:\n{keys}"
    );

    token
        .remove_identity(&identity.certificate.fingerprint)
        .unwrap();
    let certs = certutil(&["-L", "-d", &db]).unwrap();
    assert!(!certs.contains("Shomei NSS test"), "removed:\n{certs}");
}
