//! EST as bank CAs run it (issue 10, item 3), through the whole engine: HTTP
//! authentication after the client certificate, and `/csrattrs` honoured before
//! any key exists. Real SoftHSM token, the project's EST test CA over TLS.

mod common;

use std::path::Path;
use std::sync::Arc;

use secrecy::SecretString;
use shomei_engine::demo::{self, Demo};
use shomei_engine::model::ErrorCode;
use shomei_engine::{BankProfile, Engine, Journal, PollPolicy, RenewalOptions};
use shomei_testca::{
    Behaviour, CsrAttrs, EstServer, HttpAuth, Required, RequiredKey, ServerOptions, TestCa,
};

/// The demo's token and CA, served by a test CA with `options`; the profile names
/// `http_user` when given.
async fn bank(
    dir: &Path,
    demo: &Demo,
    options: ServerOptions,
    http_user: Option<&str>,
) -> (EstServer, Engine) {
    let cert = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    let key = std::fs::read_to_string(dir.join("ca-key.pem")).unwrap();
    let ca = Arc::new(TestCa::from_pem(&cert, &key).unwrap());
    let server = EstServer::start(ca, options).await.unwrap();
    let mut text = demo::profile_text(
        &server.base_url(),
        &demo.profile.module_path().unwrap(),
        None,
    );
    if let Some(user) = http_user {
        text = text.replace(
            "ca_file = \"ca.pem\"\n",
            &format!("ca_file = \"ca.pem\"\nhttp_user = \"{user}\"\n"),
        );
    }
    let path = dir.join("asking-bank.toml");
    std::fs::write(&path, text).unwrap();
    let (profile, roots) = BankProfile::load(&path).unwrap();
    let journal = Journal::open(&dir.join("journal-asking")).unwrap();
    (server, Engine::new(profile, roots).with_journal(journal))
}

/// The token's private keys, counted with raw PKCS#11 (nothing made means none new).
fn key_count(demo: &Demo) -> usize {
    common::token_objects(&demo.profile).private_keys.len()
}

async fn renew(engine: &Engine, bank_password: Option<&str>) -> Result<String, ErrorCode> {
    let [old] = engine.list().identities.try_into().unwrap();
    let options = RenewalOptions {
        bank_password: bank_password.map(|p| SecretString::from(p.to_owned())),
        ..RenewalOptions::default()
    };
    let issued = engine
        .start_renewal_with(
            &old.fingerprint,
            options,
            common::pin(),
            common::recorder().0,
        )
        .await
        .map_err(|e| e.code())?;
    let outcome = engine
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .map_err(|e| e.code())?;
    Ok(outcome.installed.key_algorithm)
}

/// One demo per process (SoftHSM's configuration): both in one test, in turn.
#[tokio::test]
async fn est_as_bank_cas_run_it() {
    let Some((dir, demo)) = common::demo("bank_asks").await else {
        return;
    };
    csrattrs_choose_the_key_or_refuse_before_any_key_exists(dir.path(), &demo).await;
    a_bank_that_asks_for_a_password_after_the_certificate(dir.path(), &demo).await;
}

/// HTTP Basic after the client certificate (RFC 7030 §3.2.3).
async fn a_bank_that_asks_for_a_password_after_the_certificate(dir: &Path, demo: &Demo) {
    let options = ServerOptions {
        validity_days: 14,
        http_auth: Some(HttpAuth::Basic {
            user: "corp-0123".into(),
            password: "bank-pw-5521".into(),
        }),
        ..ServerOptions::default()
    };
    let (server, mut engine) = bank(dir, demo, options, Some("corp-0123")).await;
    // One request per call: a "pending" ends the call.
    engine.set_poll_policy(PollPolicy {
        max_polls: 0,
        ..PollPolicy::default()
    });
    let keys = key_count(demo);

    // No password, then a wrong one: its own code, nothing made, nothing asked.
    assert_eq!(renew(&engine, None).await, Err(ErrorCode::BankAuthRequired));
    let wrong = engine
        .start_renewal_with(
            &engine.list().identities[0].fingerprint,
            RenewalOptions {
                bank_password: Some(SecretString::from("wrong-pw-7".to_owned())),
                ..RenewalOptions::default()
            },
            common::pin(),
            common::recorder().0,
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::BankAuthRequired);
    let said = format!("{wrong} {wrong:?} {:?}", wrong.view());
    assert!(
        !said.contains("wrong-pw-7") && !said.contains("bank-pw-5521"),
        "{said}"
    );
    assert_eq!(key_count(demo), keys, "no key was made");
    assert_eq!(server.request_count(), 0);
    assert!(engine.list().unfinished.is_empty());

    // The right one, and the bank says "later": the request is kept. Carried on
    // without the password, it is still kept (the bank has it): not undone.
    server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 1,
    });
    let pw = Some("bank-pw-5521");
    assert_eq!(renew(&engine, pw).await, Err(ErrorCode::StillPending));
    assert_eq!(renew(&engine, None).await, Err(ErrorCode::BankAuthRequired));
    assert_eq!(engine.list().unfinished.len(), 1, "the request is kept");
    assert_eq!(key_count(demo), keys + 1, "with its key");

    // With the password again: issued for the same request, renewed.
    renew(&engine, pw).await.expect("renewed");
    assert_eq!(server.issued_count(), 1);
    assert!(engine.list().unfinished.is_empty());
}

/// `/csrattrs`: the CA's key is generated, or what cannot be honoured refused.
async fn csrattrs_choose_the_key_or_refuse_before_any_key_exists(dir: &Path, demo: &Demo) {
    let require = |key, challenge: Option<&str>| {
        CsrAttrs::Require(Required {
            key,
            challenge_password: challenge.map(str::to_owned),
        })
    };
    let options = ServerOptions {
        // Each renewal must outlive the one it replaces and stay in the window.
        validity_days: 13,
        csrattrs: require(Some(RequiredKey::EcP384), None),
        ..ServerOptions::default()
    };
    let (server, mut engine) = bank(dir, demo, options, None).await;
    engine.set_poll_policy(PollPolicy {
        max_polls: 0,
        ..PollPolicy::default()
    });
    let keys = key_count(demo);

    // P-384 (the stores make P-256 and RSA): refused, nothing made or sent.
    assert_eq!(
        renew(&engine, None).await,
        Err(ErrorCode::BankRequirementUnsupported)
    );
    // A challenge password, and the user gave none: refused the same way.
    server.set_csrattrs(require(None, Some("otp-1234")));
    assert_eq!(
        renew(&engine, None).await,
        Err(ErrorCode::BankRequirementUnsupported)
    );
    assert_eq!(key_count(demo), keys);
    assert_eq!(server.request_count(), 0);
    assert!(engine.list().unfinished.is_empty());

    // Given, and the bank says "later": the request (which holds the password) is
    // never written down, here or on the token.
    server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 1,
    });
    let otp = Some("otp-1234");
    assert_eq!(renew(&engine, otp).await, Err(ErrorCode::StillPending));
    let journal = dir.join("journal-asking");
    for entry in std::fs::read_dir(&journal).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(8).any(|w| w == b"otp-1234"),
                "{} holds the password",
                path.display()
            );
        }
    }
    let token = shomei_store::pkcs11::Pkcs11Module::load(demo.profile.module_path().unwrap())
        .unwrap()
        .open_token(&demo.profile.token.as_ref().unwrap().selector())
        .unwrap();
    let copies = shomei_engine::journal::on_token::load(&token).0;
    assert_eq!(copies.len(), 1);
    assert!(copies[0].challenge && copies[0].csr.is_none());
    // Carried on without it: kept (the bank may have the first request), and asked for.
    assert_eq!(renew(&engine, None).await, Err(ErrorCode::BankAuthRequired));
    assert_eq!(engine.list().unfinished.len(), 1);
    // With it: the request is built again with the same key, and the CA (which
    // checks the password) issues.
    renew(&engine, otp)
        .await
        .expect("renewed with the challenge password");
    assert!(engine.list().unfinished.is_empty());
    assert_eq!(key_count(demo), keys);

    // RSA 3072 for a current RSA 2048 key: generated as asked, and the CA (which
    // refuses anything smaller) issues for it.
    server.set_csrattrs(require(Some(RequiredKey::Rsa { bits: 3072 }), None));
    let algorithm = renew(&engine, None).await.expect("renewed with RSA 3072");
    assert!(algorithm.contains("3072"), "{algorithm}");
    assert_eq!(
        key_count(demo),
        keys,
        "the old key went with the old identity"
    );
}
