//! `/csrattrs` end to end: the test CA advertises requirements and enforces them, the
//! client reads them, chooses its key (or refuses before making one) and builds a
//! request the CA accepts.

use rustls_pki_types::UnixTime;
use secrecy::SecretString;
use shomei_est::{
    accept_issued, build_csr, build_csr_with, Curve, Enrollment, EstError, Expectation,
    KeyRequirement, Unmet,
};
use shomei_store::{KeyHandle, KeySpec};
use shomei_testca::{CsrAttrs, Required, RequiredKey, ServerOptions};

use crate::misbehaviour_common::{bank_with, http, malformed, roots, Bank, SoftKey};
use crate::Rsa3072Key;

async fn bank(csrattrs: CsrAttrs) -> Bank {
    let server = ServerOptions {
        csrattrs,
        ..ServerOptions::default()
    };
    bank_with(server, Default::default()).await
}

/// One enrollment of `csr` for `key`, accepted if issued.
async fn enroll(bank: &Bank, csr: &[u8], key: &dyn KeyHandle) -> Result<(), EstError> {
    let Enrollment::Issued(certs) = bank.client.simple_reenroll(csr).await? else {
        panic!("unexpected pending");
    };
    let issued = accept_issued(
        &certs,
        &Expectation {
            new_public_key: key.public_key(),
            current: &bank.current,
            pinned_roots: &roots(&bank.ca),
            ca_certs: &[],
            now: UnixTime::now(),
        },
    )?;
    assert_eq!(issued.public_key, key.public_key());
    Ok(())
}

#[tokio::test]
async fn no_requirements_when_the_ca_has_none() {
    let bank = bank(CsrAttrs::NotFound).await;
    for mode in [
        CsrAttrs::NotFound,
        CsrAttrs::Status(501),
        CsrAttrs::Status(204),
        CsrAttrs::Raw(Vec::new()),
        CsrAttrs::Raw(b"\r\n".to_vec()),
        CsrAttrs::Raw(b"MAA=\n".to_vec()),
    ] {
        bank.server.set_csrattrs(mode.clone());
        let found = bank.client.csr_attributes().await.unwrap();
        assert_eq!(
            found.honour(KeySpec::EcP256, false),
            Ok(KeySpec::EcP256),
            "{mode:?}"
        );
        assert_eq!(found.key, None, "{mode:?}");
    }
    bank.server.set_csrattrs(CsrAttrs::Status(500));
    assert_eq!(http(bank.client.csr_attributes().await).0, 500);
}

#[tokio::test]
async fn rsa_3072_asked_upgrades_the_key_and_the_ca_issues() {
    let bank = bank(CsrAttrs::Require(Required {
        key: Some(RequiredKey::Rsa { bits: 3072 }),
        ..Required::default()
    }))
    .await;
    let asked = bank.client.csr_attributes().await.unwrap();
    assert_eq!(asked.key, Some(KeyRequirement::Rsa { bits: Some(3072) }));
    assert_eq!(asked.ignored.len(), 1, "sha256WithRSAEncryption is a hint");
    // The current key is P-256: RSA 3072 is the RSA key at least as strong.
    assert_eq!(asked.honour(KeySpec::EcP256, false), Ok(KeySpec::Rsa3072));
    assert_eq!(asked.honour(KeySpec::Rsa2048, false), Ok(KeySpec::Rsa3072));

    // What the CA enforces: a P-256 request is refused, an RSA 3072 one issued.
    let p256 = SoftKey::generate();
    let (status, why) = http(enroll(&bank, &build_csr(&bank.current, &p256).unwrap(), &p256).await);
    assert_eq!(status, 400);
    assert!(why.contains("not the"), "{why}");
    let rsa = Rsa3072Key::load();
    enroll(&bank, &build_csr(&bank.current, &rsa).unwrap(), &rsa)
        .await
        .unwrap();
    assert_eq!(bank.server.issued_count(), 1);
}

#[tokio::test]
async fn p384_asked_is_refused_before_any_key_exists() {
    let bank = bank(CsrAttrs::Require(Required {
        key: Some(RequiredKey::EcP384),
        ..Required::default()
    }))
    .await;
    let asked = bank.client.csr_attributes().await.unwrap();
    let refusal = asked.honour(KeySpec::EcP256, false).unwrap_err();
    assert_eq!(
        refusal.unmet,
        [Unmet::Key(KeyRequirement::Ec {
            curve: Some(Curve::P384)
        })]
    );
    let error = EstError::from(refusal);
    assert!(matches!(error, EstError::CannotHonour(_)));
    assert!(error.to_string().contains("ECDSA P-384"), "{error}");
    // Had it gone on with P-256, the CA would have refused it.
    let p256 = SoftKey::generate();
    let csr = build_csr(&bank.current, &p256).unwrap();
    assert_eq!(http(enroll(&bank, &csr, &p256).await).0, 400);
}

#[tokio::test]
async fn challenge_password_asked_goes_into_the_request_and_the_ca_accepts() {
    let password = "Kessai-2026!ワンタイム";
    let bank = bank(CsrAttrs::Require(Required {
        key: Some(RequiredKey::EcP256),
        challenge_password: Some(password.into()),
    }))
    .await;
    let asked = bank.client.csr_attributes().await.unwrap();
    assert!(asked.challenge_password);
    assert_eq!(
        asked.honour(KeySpec::EcP256, false).unwrap_err().unmet,
        [Unmet::ChallengePassword]
    );
    assert_eq!(asked.honour(KeySpec::Rsa2048, true), Ok(KeySpec::EcP256));

    let key = SoftKey::generate();
    let without = build_csr(&bank.current, &key).unwrap();
    let (status, why) = http(enroll(&bank, &without, &key).await);
    assert_eq!(
        (status, why.as_str()),
        (400, "the request carries no challengePassword")
    );
    let wrong = build_csr_with(&bank.current, &key, Some(&SecretString::from("nope"))).unwrap();
    assert_eq!(http(enroll(&bank, &wrong, &key).await).0, 400);
    let right = build_csr_with(&bank.current, &key, Some(&SecretString::from(password))).unwrap();
    enroll(&bank, &right, &key).await.unwrap();
    assert_eq!(bank.server.issued_count(), 1);
}

#[tokio::test]
async fn hostile_answers_are_malformed_never_a_panic() {
    let bank = bank(CsrAttrs::NotFound).await;
    let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 5000)
        .flatten()
        .collect();
    let deep = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(deep)
            .into_bytes()
    };
    for body in [
        b"*** not base64 ***".to_vec(),
        b"AgEF\n".to_vec(),         // an INTEGER, not a SEQUENCE
        b"MAMGAYg=\n".to_vec(),     // a truncated OID
        b"MAUwAwYBKg==\n".to_vec(), // an Attribute without values
        vec![b'A'; 200 * 1024],     // far beyond any list of OIDs
        deep,                       // indefinite lengths, nested
    ] {
        bank.server.set_csrattrs(CsrAttrs::Raw(body));
        let why = malformed(bank.client.csr_attributes().await);
        assert!(
            why.starts_with("csrattrs") || why.starts_with("base64"),
            "{why}"
        );
    }
}
