//! The PKCS#11 back end against a real token implementation (SoftHSM2).

use std::sync::atomic::{AtomicUsize, Ordering};

use secrecy::SecretString;
use shomei_store::pkcs11::{Pkcs11Module, TokenSelector};
use shomei_store::signer::CsrSigner;
use shomei_store::softhsm::{for_tests_or_skip, SoftHsm};
use shomei_store::{KeySpec, SignatureScheme, StoreError, Token};

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

/// A self-signed certificate for the key, signed through the token (rcgen adapter).
fn self_signed(key: &dyn shomei_store::KeyHandle, cn: &str) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let signer = CsrSigner::new(key).expect("RSA key");
    params
        .self_signed(&signer)
        .expect("sign on token")
        .der()
        .to_vec()
}

#[test]
fn generated_key_is_never_extractable_and_signs_both_schemes() {
    let Some((_, token)) = token("keygen") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    let new = token.generate_key(KeySpec::Rsa2048, "pending").unwrap();
    let p = token.key_protection(&new.key_id).unwrap();
    assert!(
        p.on_token && p.sensitive && !p.extractable && p.never_extractable,
        "{p:?}"
    );

    let msg = b"to be signed";
    let public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        new.handle.public_key().to_vec(),
    );
    let sig = new
        .handle
        .sign(SignatureScheme::RsaPkcs1Sha256, msg)
        .unwrap();
    public.verify(msg, &sig).expect("PKCS#1 signature verifies");
    let pss = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PSS_2048_8192_SHA256,
        new.handle.public_key().to_vec(),
    );
    let sig = new.handle.sign(SignatureScheme::RsaPssSha256, msg).unwrap();
    pss.verify(msg, &sig).expect("PSS signature verifies");
}

#[test]
fn install_list_and_remove_exactly_one_identity() {
    let Some((_, token)) = token("identities") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    let a = token.generate_key(KeySpec::Rsa2048, "a").unwrap();
    let b = token.generate_key(KeySpec::Rsa2048, "b").unwrap();
    let cert_a = self_signed(a.handle.as_ref(), "株式会社デモ商事 A");
    let cert_b = self_signed(b.handle.as_ref(), "株式会社デモ商事 B");
    let ia = token.install_certificate(&a.key_id, "A", &cert_a).unwrap();
    let ib = token.install_certificate(&b.key_id, "B", &cert_b).unwrap();
    assert_eq!(ia.key_id, a.key_id);
    assert_eq!(ia.certificate.public_key, a.handle.public_key());

    let listing = token.list_identities();
    assert!(listing.errors.is_empty(), "{:?}", listing.errors);
    assert_eq!(listing.identities.len(), 2);

    // The key found for an identity is the one that signed its certificate.
    let key = token.private_key(&ia).unwrap();
    assert_eq!(key.public_key(), a.handle.public_key());

    token.remove_identity(&ia.certificate.fingerprint).unwrap();
    let left = token.list_identities().identities;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].certificate.fingerprint, ib.certificate.fingerprint);
    assert!(matches!(
        token.private_key(&ia),
        Err(StoreError::NotFound(_))
    ));
    assert!(token.private_key(&ib).is_ok(), "the other key is untouched");
    assert!(matches!(
        token.remove_identity(&ia.certificate.fingerprint),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn wrong_pin_is_classified_and_right_pin_still_works() {
    let Some((_, token)) = token("wrong-pin") else {
        return;
    };
    match token.login(&pin("000000")) {
        Err(StoreError::PinIncorrect { .. }) => {}
        other => panic!("expected PinIncorrect, got {other:?}"),
    }
    token
        .login(&pin(USER_PIN))
        .expect("correct PIN after a wrong one");
}

#[test]
fn a_key_without_certificate_can_be_rolled_back() {
    let Some((_, token)) = token("rollback") else {
        return;
    };
    token.login(&pin(USER_PIN)).unwrap();
    let new = token.generate_key(KeySpec::Rsa2048, "pending").unwrap();
    token.delete_key(&new.key_id).unwrap();
    assert!(matches!(
        token.key_protection(&new.key_id),
        Err(StoreError::NotFound(_))
    ));
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
    match Pkcs11Module::load("/nonexistent/libeTPkcs11.so") {
        Err(StoreError::ModuleMissing { .. }) => {}
        other => panic!("expected ModuleMissing, got {other:?}"),
    }
}
