//! Never lose a certificate, for real (issue 9), on a SoftHSM2 token against the
//! EST test CA over TLS, through the calls the window and `shomei renew` make:
//!
//! - a token that travels: a renewal the bank answered "later" on one computer
//!   (journal A) is carried on by another (journal B); the first then forgets it;
//! - an archive that keeps failing never blocks the new identity's next renewal,
//!   and is tried again;
//! - the bank's clock a little ahead is fine; far ahead, the certificate is kept;
//! - a subject the CA re-encodes is the same subject;
//! - a certificate without its key, of another bank, or replaced by a newer one
//!   is listed as not renewable and refused;
//! - "later" for ever: capped, reported as stuck, and discarded, even when the
//!   identity it renews is gone.
//!
//! One test: SoftHSM reads its configuration once per process.

mod archive;
mod clock;
#[path = "../common/mod.rs"]
mod common;
mod forged;
mod later;
mod not_renewable;
mod travel;

use std::path::Path;
use std::sync::Arc;

use common::{demo, pin, recorder, token_objects};
use shomei_engine::demo::Demo;
use shomei_engine::journal::on_token;
use shomei_engine::model::{ErrorCode, IdentityView, NotRenewable, UnfinishedStage};
use shomei_engine::profile::Replaced;
use shomei_engine::{BankProfile, Engine, EngineError, Journal, PollPolicy};
use shomei_store::pkcs11::{Pkcs11Module, Pkcs11Token};
use shomei_store::{KeySpec, Token};
use shomei_testca::{Behaviour, EstServer, ServerOptions, TestCa};

/// The demo's token and CA, served by a test CA whose certificates live 13 days,
/// so that every renewed identity can be renewed again.
struct Bank {
    server: EstServer,
    profile: BankProfile,
    roots: Vec<rustls_pki_types::CertificateDer<'static>>,
    ca: Arc<TestCa>,
}

async fn short_lived_bank(dir: &Path, demo: &Demo) -> Bank {
    let ca = Arc::new(
        TestCa::from_pem(
            &std::fs::read_to_string(dir.join("ca.pem")).unwrap(),
            &std::fs::read_to_string(dir.join("ca-key.pem")).unwrap(),
        )
        .unwrap(),
    );
    let server = EstServer::start(
        ca.clone(),
        ServerOptions {
            validity_days: 13,
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap();
    let mut profile = demo.profile.clone();
    profile.est.base_url = server.base_url();
    Bank {
        server,
        profile,
        roots: demo.pinned_roots.clone(),
        ca,
    }
}

fn token(profile: &BankProfile) -> Pkcs11Token {
    Pkcs11Module::load(profile.module_path().unwrap())
        .unwrap()
        .open_token(&profile.token.as_ref().unwrap().selector())
        .unwrap()
}

fn only_identity(engine: &Engine) -> IdentityView {
    let listing = engine.list();
    assert_eq!(listing.identities.len(), 1, "{:?}", listing.identities);
    listing.identities[0].clone()
}

async fn renew(engine: &Engine, fingerprint: &str) -> Result<String, EngineError> {
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(fingerprint, pin(), false, sink)
        .await?;
    let (sink, _) = recorder();
    let outcome = engine.install_renewal(&issued.renewal_id, sink).await?;
    Ok(outcome.installed.fingerprint)
}

async fn start(engine: &Engine, fingerprint: &str) -> Result<String, EngineError> {
    let (sink, _) = recorder();
    engine
        .start_renewal(fingerprint, pin(), false, sink)
        .await
        .map(|issued| issued.renewal_id)
}

/// Edit a journaled record on disk (as time passing, or an older version, would).
fn edit_record(journal: &Path, renewal_id: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = journal.join(format!("{renewal_id}.json"));
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut record);
    std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_lose_a_certificate() {
    let Some((dir, demo)) = demo("never_lose_a_certificate").await else {
        return;
    };
    let bank = short_lived_bank(dir.path(), &demo).await;
    let journaled = |journal: &Path| {
        Engine::new(bank.profile.clone(), bank.roots.clone())
            .with_journal(Journal::open(journal).unwrap())
    };

    let fp = travel::a_token_carried_to_another_computer_keeps_its_renewal(&bank, &journaled).await;
    let fp = archive::a_failing_archive_never_blocks_the_next_renewal(&bank, &journaled, fp).await;
    let fp = clock::a_clock_behind_the_bank_keeps_what_the_bank_issued(&bank, &journaled, fp).await;
    let fp = clock::a_reencoded_subject_is_the_same_subject(&bank, &journaled, fp).await;
    forged::a_forged_record_on_the_token_touches_nothing(&bank, &journaled, &fp).await;
    not_renewable::not_renewable_certificates_are_said_so_and_refused(&bank, &journaled, &fp).await;
    later::later_for_ever_is_capped_reported_and_discarded(&bank, &journaled, &fp).await;
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn raw_session(profile: &BankProfile) -> (Pkcs11Module, cryptoki::session::Session) {
    let module = Pkcs11Module::load(profile.module_path().unwrap()).unwrap();
    let ctx = module.context().clone();
    let slot = ctx
        .get_slots_with_initialized_token()
        .unwrap()
        .into_iter()
        .find(|s| {
            ctx.get_token_info(*s).unwrap().label().trim_end()
                == shomei_engine::demo::DEMO_TOKEN_LABEL
        })
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    (module, session)
}
