//! The contract every store passes (SoftHSM token, NSS database; CNG and the
//! Keychain where they can run): what the engine relies on, checked through the
//! `Token` trait only. Each check leaves the store as it found it.

#![allow(dead_code)]

use shomei_store::signer::CsrSigner;
use shomei_store::{KeyHandle, KeySpec, SignatureScheme, StoreError, Token};

/// A certificate for `key` (self-signed through the store), valid in days relative
/// to now.
pub fn certificate_for(key: &dyn KeyHandle, cn: &str, from_days: i64, to_days: i64) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(from_days);
    params.not_after = now + time::Duration::days(to_days);
    let signer = CsrSigner::new(key).expect("RSA or P-256 key");
    params
        .self_signed(&signer)
        .expect("signed in the store")
        .der()
        .to_vec()
}

/// A certificate whose key lives nowhere in the store (a software key).
pub fn foreign_certificate(cn: &str) -> Vec<u8> {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.self_signed(&key).unwrap().der().to_vec()
}

fn count(token: &dyn Token) -> usize {
    let listing = token.list_identities();
    assert!(listing.errors.is_empty(), "{:?}", listing.errors);
    listing.identities.len()
}

/// Runs every check; `token` must be logged in (or need no login) and may hold
/// other objects already.
pub fn run(token: &dyn Token) {
    generated_keys_are_never_extractable_and_sign(token);
    install_list_find_and_remove_exactly_one(token);
    a_key_without_certificate_is_not_an_identity_and_rolls_back(token);
    a_key_a_certificate_uses_is_never_deleted_as_a_leftover(token);
    a_certificate_without_key_is_listed_but_has_no_key(token);
    an_expired_certificate_is_listed_with_its_dates(token);
}

fn generated_keys_are_never_extractable_and_sign(token: &dyn Token) {
    use ring::signature::{
        ECDSA_P256_SHA256_ASN1, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
    };
    let rsa: &[(
        SignatureScheme,
        &'static dyn ring::signature::VerificationAlgorithm,
    )] = &[
        (SignatureScheme::RsaPkcs1Sha256, &RSA_PKCS1_2048_8192_SHA256),
        (SignatureScheme::RsaPssSha256, &RSA_PSS_2048_8192_SHA256),
    ];
    let ec: &[(
        SignatureScheme,
        &'static dyn ring::signature::VerificationAlgorithm,
    )] = &[(SignatureScheme::EcdsaP256Sha256, &ECDSA_P256_SHA256_ASN1)];
    for (spec, schemes) in [
        (KeySpec::Rsa2048, rsa),
        (KeySpec::Rsa3072, rsa),
        (KeySpec::EcP256, ec),
    ] {
        let key = token.generate_key(spec, "contract-keygen").unwrap();
        let p = token.key_protection(&key.key_id).unwrap();
        assert!(
            p.on_token && p.sensitive && !p.extractable && p.never_extractable,
            "{spec:?}: {p:?}"
        );
        assert_eq!(key.handle.algorithm(), spec.algorithm());
        let msg = b"contract";
        for (scheme, alg) in schemes {
            let sig = key.handle.sign(*scheme, msg).unwrap();
            ring::signature::UnparsedPublicKey::new(*alg, key.handle.public_key())
                .verify(msg, &sig)
                .unwrap_or_else(|_| panic!("{spec:?} {scheme:?} signature verifies"));
        }
        // An ECDSA P-256 identity: the certificate is signed through the store too.
        if spec == KeySpec::EcP256 {
            let identity = token
                .install_certificate(
                    &key.key_id,
                    "contract EC",
                    &certificate_for(key.handle.as_ref(), "楕円曲線", -1, 30),
                )
                .unwrap();
            assert_eq!(
                identity.certificate.key_algorithm,
                shomei_store::KeyAlgorithm::EcP256
            );
            assert_eq!(identity.certificate.public_key, key.handle.public_key());
            let found = token.private_key(&identity).unwrap();
            let sig = found.sign(SignatureScheme::EcdsaP256Sha256, msg).unwrap();
            ring::signature::UnparsedPublicKey::new(
                &ECDSA_P256_SHA256_ASN1,
                &identity.certificate.public_key,
            )
            .verify(msg, &sig)
            .expect("the identity's key signs for its certificate");
            token
                .remove_identity(&identity.certificate.fingerprint)
                .unwrap();
        } else {
            token.delete_key(&key.key_id).unwrap();
        }
    }
}

fn install_list_find_and_remove_exactly_one(token: &dyn Token) {
    let before = count(token);
    let a = token.generate_key(KeySpec::Rsa2048, "contract-a").unwrap();
    let b = token.generate_key(KeySpec::Rsa2048, "contract-b").unwrap();
    let ia = token
        .install_certificate(
            &a.key_id,
            "contract A",
            &certificate_for(a.handle.as_ref(), "株式会社デモ商事 A", -1, 30),
        )
        .unwrap();
    let ib = token
        .install_certificate(
            &b.key_id,
            "contract B",
            &certificate_for(b.handle.as_ref(), "株式会社デモ商事 B", -1, 30),
        )
        .unwrap();
    assert_eq!(count(token), before + 2);
    assert_eq!(ia.key_id, a.key_id);
    assert_eq!(
        token
            .find_identity(&ia.certificate.fingerprint)
            .unwrap()
            .certificate,
        ia.certificate
    );
    assert_eq!(
        token.private_key(&ia).unwrap().public_key(),
        a.handle.public_key()
    );

    token.remove_identity(&ia.certificate.fingerprint).unwrap();
    assert_eq!(count(token), before + 1);
    assert!(matches!(
        token.find_identity(&ia.certificate.fingerprint),
        Err(StoreError::NotFound(_))
    ));
    assert!(
        token.private_key(&ib).is_ok(),
        "the other identity's key is untouched"
    );
    assert!(matches!(
        token.remove_identity(&ia.certificate.fingerprint),
        Err(StoreError::NotFound(_))
    ));
    token.remove_identity(&ib.certificate.fingerprint).unwrap();
    assert_eq!(count(token), before);
}

fn a_key_without_certificate_is_not_an_identity_and_rolls_back(token: &dyn Token) {
    let before = count(token);
    let key = token
        .generate_key(KeySpec::Rsa2048, "contract-orphan")
        .unwrap();
    assert_eq!(count(token), before, "a bare key is not an identity");
    token.delete_key(&key.key_id).unwrap();
    assert!(matches!(
        token.key_protection(&key.key_id),
        Err(StoreError::NotFound(_))
    ));
}

fn a_key_a_certificate_uses_is_never_deleted_as_a_leftover(token: &dyn Token) {
    let key = token
        .generate_key(KeySpec::Rsa2048, "contract-in-use")
        .unwrap();
    let identity = token
        .install_certificate(
            &key.key_id,
            "contract in use",
            &certificate_for(key.handle.as_ref(), "使用中", -1, 30),
        )
        .unwrap();
    assert!(matches!(
        token.delete_key(&key.key_id),
        Err(StoreError::InUse(_))
    ));
    assert!(
        token.private_key(&identity).is_ok(),
        "the identity keeps its key"
    );
    token
        .remove_identity(&identity.certificate.fingerprint)
        .unwrap();
}

fn a_certificate_without_key_is_listed_but_has_no_key(token: &dyn Token) {
    let before = count(token);
    let identity = token
        .install_certificate(
            b"no-such-key",
            "contract keyless",
            &foreign_certificate("鍵のない証明書"),
        )
        .unwrap();
    assert_eq!(count(token), before + 1);
    assert!(matches!(
        token.private_key(&identity),
        Err(StoreError::NotFound(_))
    ));
    token
        .remove_identity(&identity.certificate.fingerprint)
        .unwrap();
    assert_eq!(count(token), before);
}

fn an_expired_certificate_is_listed_with_its_dates(token: &dyn Token) {
    let key = token
        .generate_key(KeySpec::Rsa2048, "contract-expired")
        .unwrap();
    let identity = token
        .install_certificate(
            &key.key_id,
            "contract expired",
            &certificate_for(key.handle.as_ref(), "期限切れ", -400, -35),
        )
        .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(identity.certificate.not_after < now - 30 * 86_400);
    assert!(
        token.private_key(&identity).is_ok(),
        "an expired identity still has its key"
    );
    token
        .remove_identity(&identity.certificate.fingerprint)
        .unwrap();
}
