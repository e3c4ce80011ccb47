//! Shared by the engine's integration tests: a demo set up in a temporary
//! directory (real SoftHSM token, real EST test CA over TLS on 127.0.0.1), and a
//! direct look at the token's objects through PKCS#11.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use cryptoki::object::{Attribute, AttributeType, ObjectClass};
use cryptoki::session::UserType;
use shomei_engine::demo::{self, Demo, DEMO_PIN, DEMO_TOKEN_LABEL};

pub mod fault;
use shomei_engine::model::ProgressEvent;
use shomei_engine::ProgressSink;
use shomei_store::softhsm;

/// The demo in a fresh directory, or None after a loud skip when SoftHSM is
/// missing and not required (CI requires it).
pub async fn demo(test: &str) -> Option<(tempfile::TempDir, Demo)> {
    sweep_log();
    if !std::path::Path::new(&softhsm::module_path()).exists() {
        assert!(
            !softhsm::required_by_environment(),
            "SoftHSM2 required (SHOMEI_REQUIRE_SOFTHSM=1) but {} is missing",
            softhsm::module_path().display()
        );
        eprintln!("\n*** SKIPPED {test}: SoftHSM2 is not installed. ***\n");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let demo = demo::start(dir.path()).await.expect("demo starts");
    Some((dir, demo))
}

pub fn pin() -> secrecy::SecretString {
    sweep_log();
    secrecy::SecretString::from(DEMO_PIN.to_owned())
}

/// Under CI's leak sweep (`SHOMEI_LOG_COPY_DIR` set), the test process logs like the
/// binaries do (levels from `SHOMEI_LOG`), so what a renewal would log is swept too.
/// Every renewal test passes here (it needs a demo or a PIN).
pub fn sweep_log() {
    if std::env::var_os(shomei_engine::logging::COPY_ENV).is_some() {
        shomei_engine::logging::init(shomei_engine::logging::Config::cli());
    }
}

/// A sink that records every progress event.
pub fn recorder() -> (ProgressSink, Arc<Mutex<Vec<ProgressEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink: ProgressSink = Arc::new(move |e| sink_events.lock().unwrap().push(e));
    (sink, events)
}

/// What the token holds, read with raw PKCS#11 calls (not through the store code
/// under test): (private keys: (id, never_extractable, sensitive)), certificates: ids).
pub struct TokenObjects {
    pub private_keys: Vec<(Vec<u8>, bool, bool)>,
    pub certificate_ids: Vec<Vec<u8>>,
}

pub fn token_objects(profile: &shomei_engine::BankProfile) -> TokenObjects {
    let module = shomei_store::pkcs11::Pkcs11Module::load(profile.module_path().unwrap()).unwrap();
    let ctx = module.context();
    let slot = ctx
        .get_slots_with_initialized_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim_end() == DEMO_TOKEN_LABEL)
        .expect("demo token present");
    let session = ctx.open_ro_session(slot).unwrap();
    match session.login(
        UserType::User,
        Some(&cryptoki::types::AuthPin::new(DEMO_PIN.into())),
    ) {
        Ok(())
        | Err(cryptoki::error::Error::Pkcs11(cryptoki::error::RvError::UserAlreadyLoggedIn, _)) => {
        }
        Err(e) => panic!("login: {e}"),
    }
    let mut private_keys = Vec::new();
    for key in session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
        .unwrap()
    {
        let attrs = session
            .get_attributes(
                key,
                &[
                    AttributeType::Id,
                    AttributeType::NeverExtractable,
                    AttributeType::Sensitive,
                ],
            )
            .unwrap();
        let (mut id, mut never, mut sensitive) = (Vec::new(), false, false);
        for a in attrs {
            match a {
                Attribute::Id(v) => id = v,
                Attribute::NeverExtractable(v) => never = v,
                Attribute::Sensitive(v) => sensitive = v,
                _ => {}
            }
        }
        private_keys.push((id, never, sensitive));
    }
    let certificate_ids = session
        .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
        .unwrap()
        .into_iter()
        .map(|c| {
            match session
                .get_attributes(c, &[AttributeType::Id])
                .unwrap()
                .pop()
            {
                Some(Attribute::Id(id)) => id,
                other => panic!("certificate without CKA_ID: {other:?}"),
            }
        })
        .collect();
    TokenObjects {
        private_keys,
        certificate_ids,
    }
}
