//! A database Shomei creates itself (the demo's PC store) without NSS's tools: it
//! is one `certutil` reads as Chromium's would be, with an empty password, and it
//! keeps a key and its certificate. One NSS database per process: one test.

#![cfg(target_os = "linux")]

use std::process::Command;

use secrecy::SecretString;
use shomei_store::pkcs11::nss;
use shomei_store::signer::CsrSigner;
use shomei_store::{KeySpec, PcStore, StorageKind, Token};

fn certutil(args: &[&str]) -> Option<String> {
    let out = match Command::new("certutil").args(args).output() {
        Ok(out) => out,
        Err(_) => {
            assert!(
                std::env::var_os("SHOMEI_REQUIRE_NSS").is_none_or(|v| v != "1"),
                "NSS required (SHOMEI_REQUIRE_NSS=1) but certutil is missing"
            );
            eprintln!("\n*** SKIPPED nss_create: certutil not installed (apt install libnss3-tools). ***\n");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "certutil {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_database_created_without_certutil_is_one_certutil_reads() {
    let dir = tempfile::tempdir().unwrap();
    let token = nss::create_database(dir.path()).expect("create NSS database");
    assert!(dir.path().join("cert9.db").exists() && dir.path().join("key4.db").exists());
    assert_eq!(token.storage(), StorageKind::ThisPc);
    // An empty password: the PC store's usual empty login opens it.
    token.login(&SecretString::from(String::new())).unwrap();
    let key = token.generate_key(KeySpec::Rsa2048, "created").unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "デモ商事 経理担当");
    let cert = params
        .self_signed(&CsrSigner::new(key.handle.as_ref()).unwrap())
        .unwrap();
    token
        .install_certificate(&key.key_id, "Shomei created db", cert.der())
        .unwrap();
    drop(token);

    // A second creation in the same place is refused; opening finds what was stored.
    assert!(nss::create_database(dir.path()).is_err());
    let again = PcStore::open_at(dir.path()).unwrap();
    assert_eq!(again.list_identities().identities.len(), 1);

    let db = format!("sql:{}", dir.path().display());
    let Some(certs) = certutil(&["-L", "-d", &db]) else {
        return;
    };
    assert!(certs.contains("Shomei created db"), "certutil -L:\n{certs}");
    // -K needs no password prompt: the password is empty (certutil -f /dev/null would
    // still ask for a non-empty one).
    let keys = certutil(&["-K", "-d", &db, "-f", "/dev/null"]).unwrap();
    assert!(
        keys.contains("Shomei created db"),
        "certutil -K pairs the key with its certificate:\n{keys}"
    );
}
