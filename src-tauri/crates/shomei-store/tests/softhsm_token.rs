//! The PKCS#11 back end against a real token implementation (SoftHSM2): the
//! store contract, and what only a token has (PINs, several tokens, raw objects).

#![cfg(unix)]

mod contract;

use std::sync::atomic::{AtomicUsize, Ordering};

use cryptoki::error::RvError;
use secrecy::SecretString;
use shomei_store::pkcs11::{Pkcs11Module, TokenSelector};
use shomei_store::softhsm::{for_tests_or_skip, SoftHsm};
use shomei_store::{KeyPresence, KeySpec, NativeCode, StoreError, Token};

const USER_PIN: &str = "123456";

fn pin(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// A fresh token per test (labels are unique within the process).
fn token(test: &str) -> Option<(&'static SoftHsm, shomei_store::pkcs11::Pkcs11Token)> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let hsm = for_tests_or_skip(test)?;
    let label = format!("t{}-{}", N.fetch_add(1, Ordering::SeqCst), test);
    let label = &label[..label.len().min(32)];
    let token = hsm
        .init_token(label, &pin("so-pin-1234"), &pin(USER_PIN))
        .expect("init token");
    Some((hsm, token))
}

#[test]
fn softhsm_passes_the_store_contract() {
    let Some((_, token)) = token("contract") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    contract::run(&token);
}

#[test]
fn two_tokens_at_once_keep_to_themselves() {
    let Some((_, one)) = token("two-a") else {
        return;
    };
    let Some((_, two)) = token("two-b") else {
        return;
    };
    one.login(&pin(USER_PIN)).unwrap();
    two.login(&pin(USER_PIN)).unwrap();
    let key = one.generate_key(KeySpec::Rsa2048, "one").unwrap();
    let identity = one
        .install_certificate(
            &key.key_id,
            "one",
            &contract::certificate_for(key.handle.as_ref(), "一", -1, 30),
        )
        .unwrap();
    assert_eq!(one.list_identities().identities.len(), 1);
    assert!(two.list_identities().identities.is_empty());
    assert!(matches!(
        two.remove_identity(&identity.certificate.fingerprint),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(one.list_identities().identities.len(), 1);
}

#[test]
fn two_hundred_objects_are_all_listed() {
    let Some((_, token)) = token("two-hundred") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    for i in 0..200 {
        token
            .install_certificate(
                format!("id-{i}").as_bytes(),
                &format!("cert {i}"),
                &contract::foreign_certificate(&format!("利用者 {i}")),
            )
            .unwrap();
    }
    let listing = token.list_identities();
    assert!(listing.errors.is_empty(), "{:?}", listing.errors);
    assert_eq!(listing.identities.len(), 200);
}

#[test]
fn an_unreadable_object_never_hides_the_others() {
    let Some((hsm, token)) = token("malformed") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    let good = token
        .install_certificate(
            b"good",
            "good",
            &contract::foreign_certificate("読める証明書"),
        )
        .unwrap();
    // A certificate object whose value is not a certificate, written with raw PKCS#11.
    let ctx = hsm.module().context();
    let slot = ctx
        .get_slots_with_initialized_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim_end() == token.label())
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    use cryptoki::object::{Attribute, CertificateType, ObjectClass};
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Id(b"bad".to_vec()),
            Attribute::Subject(vec![0x30, 0x00]),
            Attribute::Value(b"not a certificate".to_vec()),
        ])
        .unwrap();
    let listing = token.list_identities();
    assert_eq!(listing.identities.len(), 1);
    assert_eq!(listing.errors.len(), 1);
    assert!(
        matches!(listing.errors[0], StoreError::Malformed { .. }),
        "{:?}",
        listing.errors
    );
    // Removing the good identity is not blocked by the bad object.
    token
        .remove_identity(&good.certificate.fingerprint)
        .unwrap();
}

#[test]
fn wrong_pin_is_classified_and_right_pin_still_works() {
    let Some((_, token)) = token("wrong-pin") else {
        return;
    };
    // The classification for the UI, and the token's own return value for the helpdesk.
    match token.login(&pin("000000")) {
        Err(e @ StoreError::PinIncorrect { few_left, .. }) => {
            // SoftHSM raises CKF_USER_PIN_COUNT_LOW after a wrong PIN, as most tokens do:
            // the screen says 「残りわずか」 rather than a count it does not have.
            assert!(few_left, "{e}");
            assert_eq!(
                e.native_code(),
                Some(NativeCode::Pkcs11(RvError::PinIncorrect)),
                "{e}"
            );
            assert!(e.to_string().contains("CKR_PIN_INCORRECT (0xA0)"), "{e}");
        }
        other => panic!("expected PinIncorrect, got {other:?}"),
    }
    token
        .login(&pin(USER_PIN))
        .expect("correct PIN after a wrong one");
}

#[test]
fn absent_token_and_missing_module_are_told_apart() {
    let Some(hsm) = for_tests_or_skip("absent") else {
        return;
    };
    match hsm
        .module()
        .open_token(&TokenSelector::by_label("no such token"))
    {
        Err(StoreError::TokenAbsent(_)) => {}
        other => panic!(
            "expected TokenAbsent, got {:?}",
            other.map(|t| t.label().to_owned())
        ),
    }
    // A failure that is ours, not the module's, keeps the call and its words (and no
    // native code): here, asking for the already-initialised module with other
    // initialisation parameters.
    match Pkcs11Module::load_with_parameters(hsm.module().path(), Some("other")) {
        Err(StoreError::Platform { op, code }) => {
            assert_eq!(op, "load PKCS#11 module");
            assert!(code.text.contains("other parameters"), "{code}");
            assert_eq!(code.native, None, "refused by us, not by a native call");
        }
        other => panic!("expected Platform, got {other:?}"),
    }
    match Pkcs11Module::load("/nonexistent/libeTPkcs11.so") {
        Err(StoreError::ModuleMissing { .. }) => {}
        other => panic!("expected ModuleMissing, got {other:?}"),
    }
}

#[test]
fn data_objects_travel_with_the_token_and_need_no_login_to_read() {
    let Some((hsm, token)) = token("data-objects") else {
        return;
    };
    const APP: &str = "Shomei test";
    assert!(token.data_objects(APP).unwrap().is_empty());
    token.login(&pin(USER_PIN)).unwrap();
    token.put_data_object(APP, "r1", b"first").unwrap();
    token.put_data_object(APP, "r2", b"second").unwrap();
    // Replacing keeps one object per label.
    token.put_data_object(APP, "r1", b"first, again").unwrap();
    token
        .put_data_object("another application", "r1", b"theirs")
        .unwrap();
    token.logout().unwrap();

    // Another session (another process would see the same): public, no login.
    let other = hsm
        .module()
        .open_token(&TokenSelector::by_label(token.label()))
        .unwrap();
    let mut found = other.data_objects(APP).unwrap();
    found.sort_by(|a, b| a.label.cmp(&b.label));
    let found: Vec<(&str, &[u8])> = found
        .iter()
        .map(|o| (o.label.as_str(), o.value.as_slice()))
        .collect();
    assert_eq!(
        found,
        vec![("r1", &b"first, again"[..]), ("r2", &b"second"[..])]
    );
    assert_eq!(other.serial(), token.serial());
    assert!(!token.serial().is_empty(), "SoftHSM tokens have a serial");

    token.login(&pin(USER_PIN)).unwrap();
    token.remove_data_object(APP, "r1").unwrap();
    token.remove_data_object(APP, "r1").unwrap(); // absent is fine
    let left: Vec<String> = other
        .data_objects(APP)
        .unwrap()
        .into_iter()
        .map(|o| o.label)
        .collect();
    assert_eq!(left, vec!["r2".to_owned()]);
    assert_eq!(other.data_objects("another application").unwrap().len(), 1);
}

#[test]
fn key_presence_is_told_before_and_after_login() {
    let Some((hsm, token)) = token("key-presence") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    let key = token.generate_key(KeySpec::Rsa2048, "with key").unwrap();
    let with_key = token
        .install_certificate(
            &key.key_id,
            "with key",
            &contract::certificate_for(key.handle.as_ref(), "鍵あり", -1, 30),
        )
        .unwrap();
    let without_key = token
        .install_certificate(
            b"no key",
            "no key",
            &contract::foreign_certificate("鍵なし"),
        )
        .unwrap();
    assert_eq!(token.key_presence(&with_key), KeyPresence::Present);
    assert_eq!(token.key_presence(&without_key), KeyPresence::Absent);
    token.logout().unwrap();

    // Before login the private half is hidden; its public half says a key exists.
    let other = hsm
        .module()
        .open_token(&TokenSelector::by_label(token.label()))
        .unwrap();
    assert_eq!(other.key_presence(&with_key), KeyPresence::Unknown);
    assert_eq!(other.key_presence(&without_key), KeyPresence::Absent);

    // label_key relabels both halves (what an interrupted install still owes).
    token.login(&pin(USER_PIN)).unwrap();
    token.label_key(&key.key_id, "renamed").unwrap();
    let labels = token.keys_labelled("renamed").unwrap();
    assert_eq!(labels, vec![(key.key_id.clone(), "renamed".to_owned())]);
}
