//! Shared by the misbehaviour tests: a software ECDSA P-256 [`KeyHandle`] (ring), a test
//! CA serving EST with a chosen behaviour, a client identity it issued, and one
//! re-enrollment through [`EstClient`] followed by [`accept_issued`].
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::Arc;
use std::time::Duration;

use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};
use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::{
    accept_issued, build_csr, ClientIdentity, Enrollment, EstClient, EstEndpoint, EstError,
    EstOptions, Expectation, Rejection,
};
use shomei_store::{CertificateInfo, KeyAlgorithm, KeyHandle, SignatureScheme, StoreError};
use shomei_testca::{Behaviour, EstServer, ServerOptions, TestCa};

/// An ECDSA P-256 key in memory, for tests only.
pub struct SoftKey {
    pair: EcdsaKeyPair,
    pkcs8: Vec<u8>,
}

impl std::fmt::Debug for SoftKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftKey(P-256)")
    }
}

impl SoftKey {
    pub fn generate() -> SoftKey {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        SoftKey {
            pair,
            pkcs8: pkcs8.as_ref().to_vec(),
        }
    }

    /// The same key for rcgen, to have the CA issue its first certificate.
    pub fn rcgen(&self) -> rcgen::KeyPair {
        rcgen::KeyPair::try_from(self.pkcs8.as_slice()).unwrap()
    }
}

impl KeyHandle for SoftKey {
    fn public_key(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }

    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::EcP256
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> shomei_store::Result<Vec<u8>> {
        if scheme != SignatureScheme::EcdsaP256Sha256 {
            return Err(StoreError::Unsupported("SoftKey signs ECDSA P-256 only"));
        }
        self.pair
            .sign(&SystemRandom::new(), message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| StoreError::Platform {
                op: "ring ECDSA sign",
                code: "unspecified".into(),
            })
    }
}

/// A running test CA and a client authenticated by a certificate it issued.
pub struct Bank {
    pub ca: Arc<TestCa>,
    pub server: EstServer,
    pub current: CertificateInfo,
    pub client: EstClient,
}

pub fn roots(ca: &TestCa) -> Vec<CertificateDer<'static>> {
    vec![CertificateDer::from(ca.cert_der().to_vec())]
}

/// The current certificate: `株式会社デモ商事`, valid for 30 more days, for `key`.
pub fn current_certificate(ca: &TestCa, key: &SoftKey) -> CertificateInfo {
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "JP");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "デモ商事 経理部");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "株式会社デモ商事");
    let csr = params.serialize_request(&key.rcgen()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let der = ca
        .issue_from_csr(
            csr.der(),
            now - time::Duration::days(335),
            now + time::Duration::days(30),
        )
        .unwrap();
    CertificateInfo::parse(&der).unwrap()
}

pub async fn bank(behaviour: Behaviour) -> Bank {
    bank_with(
        ServerOptions {
            behaviour,
            ..ServerOptions::default()
        },
        EstOptions::default(),
    )
    .await
}

pub async fn bank_with(server: ServerOptions, options: EstOptions) -> Bank {
    let ca = Arc::new(TestCa::generate("Shomei Test CA").unwrap());
    let server = EstServer::start(Arc::clone(&ca), server).await.unwrap();
    let key = Arc::new(SoftKey::generate());
    let current = current_certificate(&ca, &key);
    let identity = ClientIdentity {
        chain: vec![CertificateDer::from(current.der.clone())],
        key,
    };
    let client = EstClient::with_options(
        EstEndpoint {
            base_url: server.base_url(),
            label: None,
            pinned_roots: roots(&ca),
        },
        Some(identity),
        options,
    )
    .unwrap();
    Bank {
        ca,
        server,
        current,
        client,
    }
}

impl Bank {
    /// One `simplereenroll` for a fresh key and, if issued, the acceptance checks.
    pub async fn renew(&self) -> Result<CertificateInfo, EstError> {
        let new_key = SoftKey::generate();
        let csr = build_csr(&self.current, &new_key)?;
        match self.client.simple_reenroll(&csr).await? {
            Enrollment::Issued(certs) => self.accept(&certs, &new_key),
            Enrollment::Pending { retry_after } => panic!("unexpected pending ({retry_after:?})"),
        }
    }

    pub fn accept(
        &self,
        certs: &[Vec<u8>],
        new_key: &SoftKey,
    ) -> Result<CertificateInfo, EstError> {
        accept_issued(
            certs,
            &Expectation {
                new_public_key: new_key.public_key(),
                current: &self.current,
                pinned_roots: &roots(&self.ca),
                ca_certs: &[],
                now: UnixTime::now(),
            },
        )
    }
}

pub fn rejection<T: std::fmt::Debug>(result: Result<T, EstError>) -> Rejection {
    match result {
        Err(EstError::Rejected(r)) => r,
        other => panic!("expected Rejected(..), got {other:?}"),
    }
}

pub fn malformed<T: std::fmt::Debug>(result: Result<T, EstError>) -> String {
    match result {
        Err(EstError::Malformed(why)) => why,
        other => panic!("expected Malformed(..), got {other:?}"),
    }
}

pub fn unreachable<T: std::fmt::Debug>(result: Result<T, EstError>) -> String {
    match result {
        Err(EstError::Unreachable(why)) => why,
        other => panic!("expected Unreachable(..), got {other:?}"),
    }
}

pub fn http<T: std::fmt::Debug>(result: Result<T, EstError>) -> (u16, String) {
    match result {
        Err(EstError::Http { status, body }) => (status, body),
        other => panic!("expected Http {{..}}, got {other:?}"),
    }
}

pub const SHORT: Duration = Duration::from_secs(2);
