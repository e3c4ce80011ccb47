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

mod common;

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

    let fp = a_token_carried_to_another_computer_keeps_its_renewal(&bank, &journaled).await;
    let fp = a_failing_archive_never_blocks_the_next_renewal(&bank, &journaled, fp).await;
    let fp = a_clock_behind_the_bank_keeps_what_the_bank_issued(&bank, &journaled, fp).await;
    let fp = a_reencoded_subject_is_the_same_subject(&bank, &journaled, fp).await;
    a_forged_record_on_the_token_touches_nothing(&bank, &journaled, &fp).await;
    not_renewable_certificates_are_said_so_and_refused(&bank, &journaled, &fp).await;
    later_for_ever_is_capped_reported_and_discarded(&bank, &journaled, &fp).await;
}

/// Item 3: journal A and journal B are two computers (or two user accounts);
/// the token is the same.
async fn a_token_carried_to_another_computer_keeps_its_renewal(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
) -> String {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // PC 1 does not wait: the bank's first "pending" is journaled and the call ends.
    let pc1 = journaled(a_dir.path()).with_poll_policy(PollPolicy {
        max_polls: 0,
        ..PollPolicy::default()
    });
    let old = only_identity(&pc1);
    bank.server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 1,
    });
    let err = start(&pc1, &old.fingerprint).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending, "{err}");
    let pending = pc1.list().unfinished;
    assert_eq!(pending.len(), 1);
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 2);
    let on_the_token = on_token::load(&token(&bank.profile)).0;
    assert_eq!(on_the_token.len(), 1, "the record travels with the token");

    // PC 2 sees it without a PIN, from the token alone.
    let pc2 = journaled(b_dir.path());
    let seen = pc2.list().unfinished;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].renewal_id, pending[0].renewal_id);
    assert_eq!(seen[0].stage, UnfinishedStage::Pending);

    // PC 2 logs in (which tidies keys no record names) and carries the SAME renewal
    // on: the key PC 1 generated is used, the bank issues for PC 1's request.
    let (sink, _) = recorder();
    let issued = pc2
        .start_renewal(&old.fingerprint, pin(), false, sink)
        .await
        .expect("PC 2 carries the pending renewal on");
    assert_eq!(
        issued.renewal_id, pending[0].renewal_id,
        "not a second request"
    );
    let (sink, _) = recorder();
    let new = pc2
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap()
        .installed
        .fingerprint;

    // Back on PC 1: its record is over (the token's copy is gone); nothing is touched.
    let after = pc1.list();
    assert!(after.unfinished.is_empty(), "{:?}", after.unfinished);
    assert_eq!(after.identities.len(), 1);
    assert_eq!(after.identities[0].fingerprint, new);
    assert!(pc1.journal().load().0.is_empty(), "PC 1 forgot it");
    assert!(on_token::load(&token(&bank.profile)).0.is_empty());
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 1);
    new
}

/// Item 2: the replaced certificate is stored twice, so removing it fails.
async fn a_failing_archive_never_blocks_the_next_renewal(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    old: String,
) -> String {
    bank.server.set_behaviour(Behaviour::Normal);
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    let token = token(&bank.profile);
    token.login(&pin()).unwrap();
    let twice = token.find_identity(&old).unwrap();
    let duplicate = store_certificate_again(&bank.profile, &twice);
    token.logout().unwrap();

    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old, pin(), false, sink)
        .await
        .unwrap();
    let (sink, _) = recorder();
    let outcome = engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap();
    let new = outcome.installed.fingerprint.clone();
    assert!(outcome.archive_error.is_some(), "the failure is reported");
    let listing = engine.list();
    assert_eq!(listing.unfinished.len(), 1);
    assert_eq!(listing.unfinished[0].stage, UnfinishedStage::Archiving);
    assert!(listing.unfinished[0].archive_error.is_some());
    let old_view = listing
        .identities
        .iter()
        .find(|i| i.fingerprint == old)
        .unwrap();
    assert!(
        matches!(&old_view.not_renewable, Some(NotRenewable::Superseded { by_fingerprint, .. }) if *by_fingerprint == new),
        "{old_view:?}"
    );

    // The NEW identity renews (before: "already renewed", for ever).
    let (sink, _) = recorder();
    let again = engine
        .start_renewal(&new, pin(), false, sink)
        .await
        .expect("a failed archive never blocks the new identity's renewal");
    engine.cancel_renewal(&again.renewal_id).unwrap();
    assert_eq!(engine.list().unfinished.len(), 1, "still reported");

    // Once removing it can work (the duplicate is gone), the next login tries again.
    drop_object(&bank.profile, duplicate);
    let renewed = renew(&engine, &new).await.unwrap();
    let listing = engine.list();
    assert!(listing.unfinished.is_empty(), "{:?}", listing.unfinished);
    assert_eq!(listing.identities.len(), 1);
    assert_eq!(listing.identities[0].fingerprint, renewed);
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 1);
    renewed
}

/// Item 6.
async fn a_clock_behind_the_bank_keeps_what_the_bank_issued(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    old: String,
) -> String {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    // Two minutes ahead: accepted.
    bank.server
        .set_behaviour(Behaviour::NotBeforeIn { seconds: 120 });
    let id = start(&engine, &old).await.expect("a little skew is fine");
    engine.cancel_renewal(&id).unwrap();

    // Beyond the tolerated skew: kept, with its key, and said when it becomes valid.
    bank.server
        .set_behaviour(Behaviour::NotBeforeIn { seconds: 310 });
    let err = start(&engine, &old).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::IssuedNotYetValid, "{err}");
    let at = err.view().at.expect("when it becomes valid");
    assert!(
        at.starts_with(&time::OffsetDateTime::now_utc().year().to_string()),
        "{at}"
    );
    let listing = engine.list();
    assert_eq!(listing.unfinished.len(), 1);
    assert_eq!(listing.unfinished[0].stage, UnfinishedStage::NotYetValid);
    assert_eq!(
        token_objects(&bank.profile).private_keys.len(),
        2,
        "never discarded"
    );

    // Asked again a few seconds before it is due: the engine waits, checks the kept
    // certificate again (no new request) and goes on to consent 2.
    bank.server.set_behaviour(Behaviour::Normal);
    let requests = bank.server.request_count();
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old, pin(), false, sink)
        .await
        .expect("valid now");
    assert_eq!(issued.renewal_id, listing.unfinished[0].renewal_id);
    assert_eq!(bank.server.request_count(), requests, "not asked again");
    // (Installed, it would log in to the test CA only once its notBefore has really
    // come: the test CA's clock is this computer's. Cancelled here.)
    engine.cancel_renewal(&issued.renewal_id).unwrap();
    assert!(engine.list().unfinished.is_empty());
    assert_eq!(token_objects(&bank.profile).private_keys.len(), 1);
    old
}

/// Item 9: RFC 5280 §7.1 name comparison.
async fn a_reencoded_subject_is_the_same_subject(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    old: String,
) -> String {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    bank.server.set_behaviour(Behaviour::ReencodedSubject);
    let new = renew(&engine, &old)
        .await
        .expect("the same name, other string types");
    bank.server.set_behaviour(Behaviour::WrongSubject);
    let err = start(&engine, &new).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::CertificateMismatch);
    bank.server.set_behaviour(Behaviour::Normal);
    new
}

/// A token's copies are writable without a PIN: a record another program wrote,
/// "installing" a certificate for the identity's OWN key (from a CA that merely has
/// the bank CA's name), must not replace the bank's certificate.
async fn a_forged_record_on_the_token_touches_nothing(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    current: &str,
) {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    let token = token(&bank.profile);
    let identity = token.find_identity(current).unwrap();
    // Same name as the demo bank's CA, another key.
    let rogue = TestCa::generate("Shomei Demo Bank CA").unwrap();
    let forged = rogue
        .issue_for_certificate_key(
            &identity.certificate.der,
            time::OffsetDateTime::now_utc() - time::Duration::days(1),
            time::OffsetDateTime::now_utc() + time::Duration::days(400),
        )
        .unwrap();
    assert!(
        shomei_est::issued_by(
            &shomei_store::CertificateInfo::parse(&forged).unwrap(),
            &bank.roots
        ),
        "by name it passes for the bank's"
    );
    let info = shomei_store::CertificateInfo::parse(&forged).unwrap();
    let id = "18f00000000000ff-0";
    let record = serde_json::json!({
        "format": 1, "renewalId": id, "stage": "installing",
        "startedAt": now(), "updatedAt": now(),
        "store": "USB token", "tokenLabel": token.label(), "tokenSerial": token.serial(),
        "onToken": true,
        "oldFingerprint": current, "oldLabel": identity.label,
        "keyLabel": format!("shomei-pending-{id}"),
        "keyId": base64(&identity.key_id),
        "newPublicKey": base64(&identity.certificate.public_key),
        "csr": null, "polls": 0, "nextPollAt": null,
        "issued": base64(&forged), "newFingerprint": info.fingerprint,
    });
    token.login(&pin()).unwrap();
    token
        .put_data_object(
            on_token::APPLICATION,
            id,
            &serde_json::to_vec(&record).unwrap(),
        )
        .unwrap();
    token.logout().unwrap();
    assert_eq!(engine.list().unfinished.len(), 1, "listed, to be discarded");

    let err = start(&engine, current).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Internal, "{err}");
    engine.discard_renewal(id, pin(), false).unwrap();
    let after = engine.list();
    assert!(after.unfinished.is_empty());
    assert_eq!(after.identities.len(), 1);
    assert_eq!(
        after.identities[0].fingerprint, current,
        "the bank's certificate stays"
    );
    assert_eq!(
        token_objects(&bank.profile).private_keys.len(),
        1,
        "its key too"
    );
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Item 9: no key, another bank, replaced by a newer one (a profile that keeps
/// replaced certificates).
async fn not_renewable_certificates_are_said_so_and_refused(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    current: &str,
) {
    let journal = tempfile::tempdir().unwrap();
    let token = token(&bank.profile);
    token.login(&pin()).unwrap();
    // A certificate whose key is gone (stored with a key id no key has).
    let keyless = token
        .install_certificate(
            b"no such key",
            "鍵なし",
            &certificate_without_key_on_the_token(&bank.ca),
        )
        .unwrap();
    // Another bank's certificate, with its key.
    let other_bank = TestCa::generate("Another Bank CA").unwrap();
    shomei_engine::demo::create_identity(&token, &other_bank, KeySpec::Rsa2048).unwrap();
    token.logout().unwrap();

    let engine = journaled(journal.path());
    let listing = engine.list();
    let why = |fp: &str| {
        listing
            .identities
            .iter()
            .find(|i| i.fingerprint == fp)
            .unwrap()
            .not_renewable
            .clone()
    };
    assert_eq!(
        why(&keyless.certificate.fingerprint),
        Some(NotRenewable::NoPrivateKey)
    );
    let foreign = listing
        .identities
        .iter()
        .find(|i| i.issuer.contains("Another Bank CA"))
        .unwrap();
    assert_eq!(foreign.not_renewable, Some(NotRenewable::UnknownIssuer));
    assert_eq!(why(current), None, "ours is still renewable");
    for fp in [
        keyless.certificate.fingerprint.as_str(),
        &foreign.fingerprint,
    ] {
        let err = start(&engine, fp).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotRenewable, "{err}");
    }
    token.login(&pin()).unwrap();
    token
        .remove_identity(&keyless.certificate.fingerprint)
        .unwrap();
    token.remove_identity(&foreign.fingerprint).unwrap();
    token.logout().unwrap();

    // Kept, not removed: the replaced one is superseded, never reminded or renewed.
    let mut keep = bank.profile.clone();
    keep.replaced = Replaced::Keep;
    let keeping = Engine::new(keep, bank.roots.clone());
    let new = renew(&keeping, current).await.unwrap();
    let listing = keeping.list();
    assert_eq!(listing.identities.len(), 2);
    let old = listing
        .identities
        .iter()
        .find(|i| i.fingerprint == current)
        .unwrap();
    assert!(
        matches!(&old.not_renewable, Some(NotRenewable::Superseded { by_fingerprint, .. }) if *by_fingerprint == new),
        "{old:?}"
    );
    let err = start(&keeping, current).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotRenewable);
    token.login(&pin()).unwrap();
    token.remove_identity(current).unwrap();
    token.logout().unwrap();
}

/// Item 4.
async fn later_for_ever_is_capped_reported_and_discarded(
    bank: &Bank,
    journaled: &impl Fn(&Path) -> Engine,
    _replaced: &str,
) {
    let journal = tempfile::tempdir().unwrap();
    let engine = journaled(journal.path());
    let old = only_identity(&engine);
    // Retry-After: 136 years (as a far HTTP-date once parked a renewal until 2163).
    bank.server.set_behaviour(Behaviour::Pending {
        times: 100,
        retry_after_secs: u32::MAX,
    });
    let err = start(&engine, &old.fingerprint).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending);
    let at = err.view().at.expect("says when");
    let at = time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp();
    assert!(at <= now() + 86_400 + 5, "at most a day: {at}");
    let [u] = engine.list().unfinished.try_into().unwrap();
    assert!(!u.stuck);

    // Asked again before that time: no request, no PIN needed to say so.
    let requests = bank.server.request_count();
    assert_eq!(
        engine.not_before(&old.fingerprint).unwrap_err().code(),
        ErrorCode::StillPending
    );
    let err = engine
        .start_renewal(
            &old.fingerprint,
            secrecy::SecretString::from("not the PIN".to_owned()),
            false,
            common::recorder().0,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::StillPending,
        "the PIN is not even tried"
    );
    assert_eq!(bank.server.request_count(), requests);

    // A record an older version parked until 2160 is read capped; two weeks later
    // the request is reported as stuck.
    edit_record(journal.path(), &u.renewal_id, |r| {
        r["nextPollAt"] = 6_000_000_000_i64.into();
        r["startedAt"] = (now() - 15 * 86_400).into();
        r["updatedAt"] = (now() + 1).into(); // newer than the token's copy
    });
    let [u] = engine.list().unfinished.try_into().unwrap();
    assert!(u.stuck, "{u:?}");
    let next = time::OffsetDateTime::parse(
        u.next_poll_at.as_deref().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp();
    assert!(next <= now() + 86_400 + 5, "{next}");

    // Discarded, even with its identity gone: the pending key and both records go.
    let token = token(&bank.profile);
    token.login(&pin()).unwrap();
    token.remove_identity(&old.fingerprint).unwrap();
    token.logout().unwrap();
    let listing = engine.list();
    assert!(listing.identities.is_empty());
    assert_eq!(listing.unfinished.len(), 1, "still listed, to be discarded");
    let err = engine
        .discard_renewal(
            &u.renewal_id,
            secrecy::SecretString::from("000000".to_owned()),
            false,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PinIncorrect);
    engine
        .discard_renewal(&u.renewal_id, pin(), false)
        .expect("discarded");
    assert!(engine.list().unfinished.is_empty());
    assert!(engine.journal().load().0.is_empty());
    assert!(on_token::load(&token).0.is_empty());
    assert!(
        token_objects(&bank.profile).private_keys.is_empty(),
        "the pending key went"
    );
    assert_eq!(
        engine
            .discard_renewal(&u.renewal_id, pin(), false)
            .unwrap_err()
            .code(),
        ErrorCode::RenewalUnknown
    );
}

/// A copy of `identity`'s certificate object (same CKA_ID), written with raw
/// PKCS#11: the certificate "stored twice". Returns the copy's handle.
fn store_certificate_again(
    profile: &BankProfile,
    identity: &shomei_store::Identity,
) -> cryptoki::object::ObjectHandle {
    use cryptoki::object::{Attribute, CertificateType, ObjectClass};
    let (_, session) = raw_session(profile);
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Id(identity.key_id.clone()),
            Attribute::Label(b"twice".to_vec()),
            Attribute::Subject(identity.certificate.subject_der.clone()),
            Attribute::Value(identity.certificate.der.clone()),
        ])
        .unwrap()
}

fn drop_object(profile: &BankProfile, object: cryptoki::object::ObjectHandle) {
    let (_, session) = raw_session(profile);
    session.destroy_object(object).unwrap();
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

/// A certificate from `ca` for a fresh software key: its key is never on the token.
fn certificate_without_key_on_the_token(ca: &TestCa) -> Vec<u8> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "鍵のない証明書");
    let csr = params.serialize_request(&key).unwrap();
    let now = time::OffsetDateTime::now_utc();
    ca.issue_from_csr(
        csr.der(),
        now - time::Duration::days(1),
        now + time::Duration::days(20),
    )
    .unwrap()
}
