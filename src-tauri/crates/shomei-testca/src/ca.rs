//! The CA itself: its key and self-signed certificate, saving and reloading them, and
//! issuing certificates (client certificates from PKCS#10 requests, and the HTTPS server's
//! own certificate).

use std::net::{IpAddr, Ipv4Addr};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData as _, SanType, SerialNumber,
};
use ring::rand::SecureRandom as _;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::csr;
use crate::pkcs7::pem;
use crate::TestCaError;

/// A certificate authority for tests and the demo. Its private key is kept in memory
/// and can be exported, which is fine only because it never signs anything real.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for TestCa {
    // The key is deliberately left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa")
            .field("cert_der_len", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

impl TestCa {
    /// New self-signed CA with an ECDSA P-256 key (ring, which rcgen uses here, cannot
    /// generate RSA keys): CN = `common_name`, O = "Shomei Test", basicConstraints cA,
    /// keyCertSign + cRLSign, valid from yesterday for ten years.
    pub fn generate(common_name: &str) -> Result<TestCa, TestCaError> {
        let (params, key) = ca_params(common_name)?;
        let cert = params.self_signed(&key)?;
        Ok(TestCa {
            cert_der: cert.der().to_vec(),
            issuer: Issuer::new(params, key),
        })
    }

    /// A CA rollover (RFC 7030 §4.1.3): a new CA with a new key, and the "NewWithOld"
    /// certificate — the new CA's name and key, signed by this (old) CA — that lets
    /// clients who trust only the old CA accept what the new one issues.
    pub fn successor(&self, common_name: &str) -> Result<(TestCa, Vec<u8>), TestCaError> {
        let (params, key) = ca_params(common_name)?;
        let new_with_new = params.self_signed(&key)?;
        let new_with_old = params.signed_by(&key, &self.issuer)?;
        Ok((
            TestCa {
                cert_der: new_with_new.der().to_vec(),
                issuer: Issuer::new(params, key),
            },
            new_with_old.der().to_vec(),
        ))
    }

    /// Reloads a CA saved with [`TestCa::cert_pem`] and [`TestCa::key_pem`].
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<TestCa, TestCaError> {
        let load =
            |what: &str, e: &dyn std::fmt::Display| TestCaError::Load(format!("{what}: {e}"));
        let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| load("certificate PEM", &e))?;
        let key = KeyPair::from_pem(key_pem).map_err(|e| load("key PEM", &e))?;
        let (_, parsed) = X509Certificate::from_der(&cert).map_err(|e| load("certificate", &e))?;
        // A mismatched pair would issue certificates that chain to nothing.
        if parsed.public_key().raw != key.subject_public_key_info().as_slice() {
            return Err(TestCaError::Load(
                "the key does not belong to the certificate".into(),
            ));
        }
        // Takes the subject and the subjectKeyIdentifier from the certificate, so issued
        // certificates get the same issuer name and authorityKeyIdentifier as before.
        let issuer = Issuer::from_ca_cert_der(&cert, key)?;
        Ok(TestCa {
            issuer,
            cert_der: cert.to_vec(),
        })
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> String {
        pem("CERTIFICATE", &self.cert_der)
    }

    /// The CA private key, PKCS#8 PEM. For the test and demo CA only.
    pub fn key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    /// Issues a client certificate for a DER PKCS#10 request whose signature verifies:
    /// subject and public key from the request, a random positive 16-byte serial,
    /// EKU clientAuth, keyUsage digitalSignature (+ keyEncipherment for RSA keys),
    /// authorityKeyIdentifier, valid exactly from `not_before` to `not_after`
    /// (to the second: X.509 times have no fractions).
    pub fn issue_from_csr(
        &self,
        csr_der: &[u8],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<Vec<u8>, TestCaError> {
        let request = csr::parse_and_verify(csr_der)?;
        self.issue_verified(request, not_before, not_after)
    }

    /// A certificate for the subject and public key of `cert_der`, without any
    /// request: what a forger holding only the public certificate can make. Tests
    /// use it to prove such a certificate is never installed.
    pub fn issue_for_certificate_key(
        &self,
        cert_der: &[u8],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<Vec<u8>, TestCaError> {
        self.issue_verified(csr::from_certificate(cert_der)?, not_before, not_after)
    }

    /// [`TestCa::issue_from_csr`] for a request already parsed and verified (the EST
    /// handler inspects the request before deciding to issue).
    pub(crate) fn issue_verified(
        &self,
        request: csr::VerifiedCsr,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<Vec<u8>, TestCaError> {
        if not_after < not_before {
            return Err(TestCaError::InvalidValidity);
        }
        let mut params = CertificateParams::default();
        params.distinguished_name = request.subject;
        params.not_before = whole_seconds(not_before);
        params.not_after = whole_seconds(not_after);
        params.serial_number = Some(random_serial()?);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if request.is_rsa {
            params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        let cert = params.signed_by(&request.public_key, &self.issuer)?;

        // rcgen re-encodes the subject and key from its own model; make sure that
        // reproduced the request byte for byte, since the client compares them.
        let (_, issued) = X509Certificate::from_der(cert.der())
            .map_err(|e| TestCaError::Rcgen(rcgen::Error::X509(e.to_string())))?;
        if issued.subject().as_raw() != request.subject_der.as_slice() {
            return Err(TestCaError::UnsupportedSubject(
                "re-encoding changed the subject".into(),
            ));
        }
        if issued.public_key().raw != request.spki_der.as_slice() {
            return Err(TestCaError::UnsupportedKey(
                "re-encoding changed the public key".into(),
            ));
        }
        Ok(cert.der().to_vec())
    }

    /// A fresh certificate and PKCS#8 key for the HTTPS server: SAN IP 127.0.0.1 and DNS
    /// localhost, EKU serverAuth. Public for tests that run their own TLS server (to
    /// send bytes hyper never would).
    pub fn issue_server_cert(&self) -> Result<(Vec<u8>, Vec<u8>), TestCaError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Shomei Test");
        params.subject_alt_names = vec![
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::DnsName("localhost".try_into()?),
        ];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let now = whole_seconds(OffsetDateTime::now_utc());
        params.not_before = now - Duration::minutes(1);
        params.not_after = now + Duration::days(365);
        params.serial_number = Some(random_serial()?);
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok((cert.der().to_vec(), key.serialize_der()))
    }
}

/// 16 random bytes with the top bit clear (the INTEGER stays positive) and a non-zero
/// first byte (it stays 16 bytes long in DER).
fn random_serial() -> Result<SerialNumber, TestCaError> {
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| TestCaError::Rcgen(rcgen::Error::RingUnspecified))?;
    bytes[0] &= 0x7f;
    if bytes[0] == 0 {
        bytes[0] = 1;
    }
    Ok(SerialNumber::from_slice(&bytes))
}

fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t - Duration::nanoseconds(i64::from(t.nanosecond()))
}

/// A CA's parameters and fresh P-256 key: CN = `common_name`, O = Shomei Test,
/// unconstrained CA, keyCertSign + cRLSign, ten years from yesterday.
fn ca_params(common_name: &str) -> Result<(CertificateParams, KeyPair), TestCaError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Shomei Test");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = whole_seconds(OffsetDateTime::now_utc());
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(3652);
    params.serial_number = Some(random_serial()?);
    Ok((params, key))
}
