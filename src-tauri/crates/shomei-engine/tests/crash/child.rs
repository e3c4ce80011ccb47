//! The crash harness's child process (built only with the `crash-hook` feature).
//! Each run is a fresh process, as a restarted app would be:
//!
//! STORE is `token` (SoftHSM), `nss` (an NSS database), or a renewal into the
//! other store: `token>nss` (USB token → this PC) or `nss>token` (this PC → USB
//! token), with both stores set up and the identity in the first.
//!
//! - `renew DIR token|nss`: renew the one identity in DIR's store; the parent
//!   sets `SHOMEI_CRASH_AT=N`, so the process usually aborts at journal point N.
//!   Prints `completed` if it did not. With `SHOMEI_CRASH_PENDING=1` the bank
//!   answers the first request "pending" (Retry-After 1 s) and the call polls.
//! - `recover DIR token|nss`: what a restart finds, then carry every unfinished
//!   renewal to its end the way the window and `shomei renew` do: renewing its
//!   identity again with the PIN (`start_renewal`), consent 2 included, as the
//!   user would give it; then what is left. Prints one JSON object.
//! - `hold DIR token|nss`: renew up to consent 2 and wait there, as the window
//!   does (prints `issued`), until stdin says `yes` (install) or `no` (cancel);
//!   prints `installed`, `cancelled` or `failed CODE`.
//! - `inspect DIR token|nss`: what the store and the journal hold (JSON).
//!
//! DIR holds the demo CA (ca.pem, ca-key.pem), the store (a SoftHSM token or an
//! NSS database) and the journal; each process starts its own EST test CA with
//! that CA, so a killed child takes only its own server with it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;

use secrecy::SecretString;
use serde_json::json;
use shomei_engine::journal::on_token;
use shomei_engine::model::{ErrorCode, ProgressEvent, StorageKind};
use shomei_engine::{demo, BankProfile, Engine, Journal, ProgressSink};
use shomei_store::pkcs11::TokenSelector;
use shomei_store::softhsm::SoftHsm;
use shomei_store::{KeyAlgorithm, PcStore, SignatureScheme, Token};
use shomei_testca::{EstServer, ServerOptions, TestCa};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Store {
    Token,
    Nss,
    TokenToNss,
    NssToToken,
}

impl Store {
    /// The token's PIN; the NSS databases here have no password (no login).
    fn pin(self) -> SecretString {
        SecretString::from(match self {
            Store::Nss => String::new(),
            _ => demo::DEMO_PIN.to_owned(),
        })
    }

    fn uses_token(self) -> bool {
        self != Store::Nss
    }

    /// Where the renewal puts the new identity, for a renewal into the other store.
    fn into(self) -> Option<StorageKind> {
        match self {
            Store::TokenToNss => Some(StorageKind::ThisPc),
            Store::NssToToken => Some(StorageKind::UsbToken),
            _ => None,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(dir), Some(store)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: shomei-crash-child renew|recover|hold|inspect DIR token|nss");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let store = match store.as_str() {
        "token" => Store::Token,
        "nss" => Store::Nss,
        "token>nss" => Store::TokenToNss,
        "nss>token" => Store::NssToToken,
        other => {
            eprintln!("unknown store {other}");
            return ExitCode::from(2);
        }
    };
    if store.uses_token() {
        // SoftHSM's configuration must be set before any thread starts.
        demo::prepare_token_directory(&dir).expect("token directory");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(async {
        let (_server, engine) = environment(&dir, store).await;
        // Crash points count from here: the set-up above is not the renewal.
        shomei_store::crash::arm();
        match mode.as_str() {
            "renew" => renew(&engine, store).await,
            "recover" => recover(&engine, store).await,
            "hold" => hold(&engine, store).await,
            "inspect" => inspect(&engine, store).map(|v| v.to_string()),
            other => Err(format!("unknown mode {other}")),
        }
    });
    match result {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("shomei-crash-child: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The EST test CA for DIR's CA, and an engine on DIR's store and journal.
async fn environment(dir: &Path, store: Store) -> (EstServer, Engine) {
    // Certificates valid for 13 days: each renewal stays inside the window and
    // outlives the 12-day certificate it replaces.
    let pending = std::env::var_os("SHOMEI_CRASH_PENDING").is_some();
    let options = ServerOptions {
        validity_days: 13,
        behaviour: if pending {
            shomei_testca::Behaviour::Pending {
                times: 1,
                retry_after_secs: 1,
            }
        } else {
            shomei_testca::Behaviour::Normal
        },
        ..ServerOptions::default()
    };
    let (server, profile, roots) = match store {
        Store::Token => {
            let d = demo::start(dir).await.expect("demo starts");
            let ca = Arc::new(load_ca(dir));
            let server = EstServer::start(ca, options).await.expect("EST test CA");
            let profile_path = dir.join("bank.toml");
            let text =
                demo::profile_text(&server.base_url(), &d.profile.module_path().unwrap(), None);
            std::fs::write(&profile_path, text).unwrap();
            let (profile, roots) = BankProfile::load(&profile_path).unwrap();
            (server, profile, roots)
        }
        Store::TokenToNss | Store::NssToToken => crossed(dir, store, options).await,
        Store::Nss => {
            let ca = Arc::new(load_ca(dir));
            let nssdb = dir.join("nssdb");
            if new_nss_database(&nssdb) {
                let nss = PcStore::open_at(&nssdb).unwrap();
                nss.login(&Store::Nss.pin()).unwrap();
                demo::create_demo_identity(nss.as_ref(), &ca).unwrap();
            }
            let server = EstServer::start(ca, options).await.expect("EST test CA");
            let profile_path = dir.join("bank.toml");
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
            (server, profile, roots)
        }
    };
    let journal = Journal::open(&dir.join("journal")).expect("journal");
    (server, Engine::new(profile, roots).with_journal(journal))
}

/// Create an NSS database without a password in `nssdb` unless there is one;
/// whether it was created.
fn new_nss_database(nssdb: &Path) -> bool {
    if nssdb.join("cert9.db").exists() {
        return false;
    }
    std::fs::create_dir_all(nssdb).unwrap();
    let db = format!("sql:{}", nssdb.display());
    let ok = Command::new("certutil")
        .args(["-N", "-d", &db, "--empty-password"])
        .status()
        .expect("certutil runs")
        .success();
    assert!(ok, "certutil -N");
    true
}

/// Both stores: the demo's SoftHSM token and an NSS database, the identity
/// first made in the one the renewal starts from (once: a marker file says so).
async fn crossed(
    dir: &Path,
    store: Store,
    options: ServerOptions,
) -> (
    EstServer,
    BankProfile,
    Vec<rustls_pki_types::CertificateDer<'static>>,
) {
    let ca = Arc::new(load_ca(dir));
    let hsm = SoftHsm::create(&dir.join("softhsm")).expect("SoftHSM");
    let selector = TokenSelector::by_label(demo::DEMO_TOKEN_LABEL);
    let token = match hsm.module().open_token(&selector) {
        Ok(token) => token,
        Err(_) => hsm
            .init_token(
                demo::DEMO_TOKEN_LABEL,
                &SecretString::from("crash-so-pin".to_owned()),
                &store.pin(),
            )
            .expect("token"),
    };
    let nssdb = dir.join("nssdb");
    new_nss_database(&nssdb);
    let marker = dir.join("identity-made");
    if !marker.exists() {
        match store {
            Store::TokenToNss => {
                token.login(&store.pin()).unwrap();
                demo::create_demo_identity(&token, &ca).unwrap();
                token.logout().unwrap();
            }
            _ => {
                let nss = PcStore::open_at(&nssdb).unwrap();
                demo::create_demo_identity(nss.as_ref(), &ca).unwrap();
            }
        }
        std::fs::write(&marker, b"").unwrap();
    }
    let server = EstServer::start(ca, options).await.expect("EST test CA");
    let profile_path = dir.join("bank.toml");
    let text = demo::profile_text(&server.base_url(), hsm.module().path(), None).replace(
        "[pc_store]\nenabled = false\n",
        &format!("[pc_store]\nnss_database = \"{}\"\n", nssdb.display()),
    );
    std::fs::write(&profile_path, text).unwrap();
    let (profile, roots) = BankProfile::load(&profile_path).unwrap();
    (server, profile, roots)
}

/// The CA the parent created (demo::start reuses the same files).
fn load_ca(dir: &Path) -> TestCa {
    let cert = std::fs::read_to_string(dir.join("ca.pem")).expect("ca.pem");
    let key = std::fs::read_to_string(dir.join("ca-key.pem")).expect("ca-key.pem");
    TestCa::from_pem(&cert, &key).expect("CA loads")
}

fn quiet() -> ProgressSink {
    Arc::new(|_: ProgressEvent| {})
}

async fn renew(engine: &Engine, store: Store) -> Result<String, String> {
    let listing = engine.list();
    let [old] = listing.identities.as_slice() else {
        return Err(format!(
            "expected one identity, found {:?}",
            listing.identities
        ));
    };
    let issued = engine
        .start_renewal_into(&old.fingerprint, store.into(), store.pin(), false, quiet())
        .await
        .map_err(|e| format!("start: {:?}: {e}", e.code()))?;
    engine
        .install_renewal(&issued.renewal_id, quiet())
        .await
        .map_err(|e| format!("install: {:?}: {e}", e.code()))?;
    Ok("completed".into())
}

/// As the user does after a restart: the list shows the unfinished renewal on its
/// identity's row, and 更新 (or `shomei renew --identity`) renews that identity
/// again, which carries the renewal on; consent 2 is given when asked.
async fn recover(engine: &Engine, store: Store) -> Result<String, String> {
    let before = inspect(engine, store)?;
    let mut outcomes = Vec::new();
    for unfinished in engine.list().unfinished {
        let started = engine
            .start_renewal_into(
                &unfinished.fingerprint,
                store.into(),
                store.pin(),
                false,
                quiet(),
            )
            .await;
        let outcome = match started {
            Ok(issued) => {
                engine
                    .install_renewal(&issued.renewal_id, quiet())
                    .await
                    .map_err(|e| format!("install {}: {e}", issued.renewal_id))?;
                "renewed (consent 2 given)"
            }
            Err(e) if e.code() == ErrorCode::AlreadyRenewed => "install finished",
            Err(e) => return Err(format!("renew {}: {e}", unfinished.fingerprint)),
        };
        outcomes.push(json!({"stage": unfinished.stage, "outcome": outcome}));
    }
    let after = inspect(engine, store)?;
    Ok(json!({"before": before, "resumed": outcomes, "after": after}).to_string())
}

/// The window at consent 2: issued, holding the renewal, waiting for the user.
async fn hold(engine: &Engine, store: Store) -> Result<String, String> {
    let listing = engine.list();
    let [old] = listing.identities.as_slice() else {
        return Err(format!(
            "expected one identity, found {:?}",
            listing.identities
        ));
    };
    let issued = match engine
        .start_renewal(&old.fingerprint, store.pin(), false, quiet())
        .await
    {
        Ok(issued) => issued,
        Err(e) => return Ok(format!("failed {:?}", e.code())),
    };
    println!("issued {}", issued.renewal_id);
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    let result = if answer.trim() == "yes" {
        engine
            .install_renewal(&issued.renewal_id, quiet())
            .await
            .map(|_| "installed")
    } else {
        engine
            .cancel_renewal(&issued.renewal_id)
            .map(|()| "cancelled")
    };
    Ok(match result {
        Ok(word) => word.to_owned(),
        Err(e) => format!("failed {:?}", e.code()),
    })
}

/// What the stores and the journal hold now: usable identities, and private keys
/// that belong to no certificate and that no journal record names (summed over
/// both stores for a renewal into the other one).
fn inspect(engine: &Engine, store: Store) -> Result<serde_json::Value, String> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (records, unreadable) = engine.journal().load();
    let (mut identities, mut keys_total) = (0, 0);
    let (mut usable, mut unnamed, mut on_token_stages) = (Vec::new(), Vec::new(), Vec::new());
    for token in open(engine, store)? {
        token
            .login(&store.pin())
            .map_err(|e| format!("login: {e}"))?;
        let listing = token.list_identities();
        for identity in &listing.identities {
            let cert = &identity.certificate;
            let valid = cert.not_before <= now && now < cert.not_after;
            let signs = token.private_key(identity).is_ok_and(|key| {
                let scheme = match key.algorithm() {
                    KeyAlgorithm::EcP256 => SignatureScheme::EcdsaP256Sha256,
                    _ => SignatureScheme::RsaPkcs1Sha256,
                };
                key.public_key() == cert.public_key.as_slice()
                    && key.sign(scheme, b"crash harness probe").is_ok()
            });
            if valid && signs {
                usable.push(cert.fingerprint.clone());
            }
        }
        let keys = token
            .keys_labelled("")
            .map_err(|e| format!("list keys: {e}"))?;
        let copies = on_token::load(token.as_ref()).0;
        unnamed.extend(
            keys.iter()
                .filter(|(id, label)| {
                    let has_certificate = listing.identities.iter().any(|i| &i.key_id == id);
                    let journaled = records
                        .iter()
                        .chain(&copies)
                        .any(|r| r.key_id.as_ref() == Some(id) || &r.key_label == label);
                    !has_certificate && !journaled
                })
                .map(|(_, label)| label.clone()),
        );
        on_token_stages.extend(copies.iter().map(|r| format!("{:?}", r.stage)));
        identities += listing.identities.len();
        keys_total += keys.len();
        let _ = token.logout();
    }
    Ok(json!({
        "identities": identities,
        "usable": usable,
        "keys": keys_total,
        "unnamedKeys": unnamed,
        "journal": records.iter().map(|r| format!("{:?}", r.stage)).collect::<Vec<_>>(),
        "unreadableJournal": unreadable,
        "journalOnToken": on_token_stages,
    }))
}

/// The store(s) of this run, opened afresh.
fn open(engine: &Engine, store: Store) -> Result<Vec<Box<dyn Token>>, String> {
    let profile = engine.profile();
    let token = || -> Result<Box<dyn Token>, String> {
        let module = shomei_store::pkcs11::Pkcs11Module::load(profile.module_path().unwrap())
            .map_err(|e| e.to_string())?;
        let token = module
            .open_token(&profile.token.as_ref().unwrap().selector())
            .map_err(|e| e.to_string())?;
        Ok(Box::new(token))
    };
    let nss = || -> Result<Box<dyn Token>, String> {
        let dir = profile.pc_store.nss_database.clone().unwrap();
        PcStore::open_at(&dir).map_err(|e| e.to_string())
    };
    match store {
        Store::Token => Ok(vec![token()?]),
        Store::Nss => Ok(vec![nss()?]),
        Store::TokenToNss | Store::NssToToken => Ok(vec![token()?, nss()?]),
    }
}
