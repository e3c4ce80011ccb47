//! An ECDSA P-256 identity renewed on a SoftHSM2 token: TLS client authentication
//! with ECDSA signed on the token (raw CKM_ECDSA, DER-encoded on the host), a P-256
//! CSR, and a new P-256 key; then an RSA identity renewed to P-256 because the
//! profile's key policy asks for it. One test per file (SoftHSM: one configuration per process).

mod common;

use common::{demo, pin, recorder};
use shomei_engine::profile::KeyPolicy;
use shomei_engine::Engine;
use shomei_store::pkcs11::Pkcs11Module;
use shomei_store::{KeySpec, Token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renews_an_ecdsa_p256_identity_on_the_token() {
    let Some((dir, demo)) = demo("renews_an_ecdsa_p256_identity_on_the_token").await else {
        return;
    };
    let token = Pkcs11Module::load(demo.profile.module_path().unwrap())
        .unwrap()
        .open_token(&demo.profile.token.as_ref().unwrap().selector())
        .unwrap();
    token.login(&pin()).unwrap();
    let ca = shomei_testca::TestCa::from_pem(
        &std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
        &std::fs::read_to_string(dir.path().join("ca-key.pem")).unwrap(),
    )
    .unwrap();
    shomei_engine::demo::create_identity(&token, &ca, KeySpec::EcP256).unwrap();

    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone());
    let before = engine.list();
    assert_eq!(
        before.identities.len(),
        2,
        "the RSA demo identity and the P-256 one"
    );
    let (rsa, ec): (Vec<_>, Vec<_>) = before.identities.into_iter().partition(|i| {
        token
            .find_identity(&i.fingerprint)
            .unwrap()
            .certificate
            .key_algorithm
            != shomei_store::KeyAlgorithm::EcP256
    });
    let (old_ec, old_rsa) = (&ec[0], &rsa[0]);

    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old_ec.fingerprint, pin(), false, sink)
        .await
        .unwrap();
    assert_eq!(issued.details.key_algorithm, "ECDSA P-256");
    let (sink, _) = recorder();
    engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap();

    let after = engine.list();
    let fingerprints: Vec<_> = after
        .identities
        .iter()
        .map(|i| i.fingerprint.clone())
        .collect();
    assert_eq!(after.identities.len(), 2);
    assert!(
        fingerprints.contains(&issued.details.fingerprint),
        "new P-256 identity listed"
    );
    assert!(
        fingerprints.contains(&old_rsa.fingerprint),
        "the other identity untouched"
    );
    assert!(
        !fingerprints.contains(&old_ec.fingerprint),
        "exactly the replaced one removed"
    );

    // The RSA identity has the P-256 one's subject and issuer: as long as that newer
    // certificate is in the store, the RSA one is replaced, not renewable.
    let listed = engine.list();
    let rsa_view = listed
        .identities
        .iter()
        .find(|i| i.fingerprint == old_rsa.fingerprint)
        .unwrap();
    assert!(
        matches!(
            &rsa_view.not_renewable,
            Some(shomei_engine::model::NotRenewable::Superseded { by_fingerprint, .. })
                if *by_fingerprint == issued.details.fingerprint
        ),
        "{rsa_view:?}"
    );
    token.remove_identity(&issued.details.fingerprint).unwrap();

    // A profile that asks for P-256 (key_policy = "p256") renews the RSA identity
    // with a P-256 key: stronger than the current key, never weaker.
    let mut p256_profile = demo.profile.clone();
    p256_profile.key_policy = KeyPolicy::P256;
    let engine = Engine::new(p256_profile, demo.pinned_roots.clone());
    let (sink, _) = recorder();
    let issued = engine
        .start_renewal(&old_rsa.fingerprint, pin(), false, sink)
        .await
        .unwrap();
    assert_eq!(issued.details.key_algorithm, "ECDSA P-256");
    let (sink, _) = recorder();
    engine
        .install_renewal(&issued.renewal_id, sink)
        .await
        .unwrap();
    let renewed = token.find_identity(&issued.details.fingerprint).unwrap();
    assert_eq!(
        renewed.certificate.key_algorithm,
        shomei_store::KeyAlgorithm::EcP256
    );
}
