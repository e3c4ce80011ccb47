//! The certificate store as a [`Token`]: identities are the non-archived
//! certificates whose CERT_KEY_PROV_INFO_PROP_ID names a key.
//!
//! key_id is the CNG key name as UTF-8 bytes (the names we create are ASCII,
//! `Shomei-<hex>`; a name from other software round-trips through UTF-16 unchanged).
//! Removing an identity ARCHIVES its certificate (CERT_ARCHIVED_PROP_ID, the Windows
//! way: hidden from enumeration and from browsers, recoverable in certmgr) and keeps
//! its key, which the archived certificate still references; deleting that key too is
//! a later bank-profile choice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use windows::Win32::Security::Cryptography::*;

use super::during;
use super::handles::{CertContext, CertStore, Provider};
use super::identity::{archive, is_archived, key_link, link_key, read_identity, KSP_NAME};
use super::key::{self, CngKey, SharedKey};
use crate::cert::CertificateInfo;
use crate::error::{Result, StoreError};
use crate::key::{KeyHandle, KeySpec};
use crate::token::{Identity, KeyProtection, Listing, NewKey, StorageKind, Token};

pub(super) struct CngToken {
    store: Mutex<CertStore>,
    provider: Arc<Provider>,
    label: String,
    /// Keys this token generated, by name: the renewal signs the CSR, installs the
    /// certificate and reads it back with the handle it already holds instead of
    /// reopening the key (NCryptOpenKey) between steps.
    generated: Mutex<HashMap<String, Arc<SharedKey>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn key_name(key_id: &[u8]) -> Result<&str> {
    std::str::from_utf8(key_id).map_err(|_| StoreError::NotFound("key (id is not a name)".into()))
}

fn new_key_name() -> Result<String> {
    let mut random = [0u8; 16];
    // SAFETY: fills a local buffer from the system RNG.
    unsafe { BCryptGenRandom(None, &mut random, BCRYPT_USE_SYSTEM_PREFERRED_RNG) }
        .ok()
        .map_err(during("generate key name"))?;
    Ok(format!("Shomei-{}", hex::encode(random)))
}

fn not_found(fingerprint: &str) -> StoreError {
    StoreError::NotFound(format!("certificate {fingerprint}").into())
}

impl CngToken {
    pub(super) fn new(store: CertStore, label: &str) -> Result<Self> {
        Ok(CngToken {
            store: Mutex::new(store),
            provider: Arc::new(Provider::software()?),
            label: label.to_owned(),
            generated: Mutex::new(HashMap::new()),
        })
    }

    fn open_key(&self, name: &str) -> Result<Arc<SharedKey>> {
        if let Some(key) = lock(&self.generated).get(name) {
            return Ok(key.clone());
        }
        key::open(&self.provider, name)
    }

    /// The non-archived certificates with this fingerprint.
    fn certificates_with(&self, store: &CertStore, fingerprint: &str) -> Result<Vec<CertContext>> {
        let (certs, error) = store.certificates();
        if let Some(e) = error {
            return Err(e);
        }
        let mut found = Vec::new();
        for cert in certs {
            if crate::cert::fingerprint(cert.der()).eq_ignore_ascii_case(fingerprint)
                && !is_archived(&cert)?
            {
                found.push(cert);
            }
        }
        Ok(found)
    }
}

impl Token for CngToken {
    fn label(&self) -> &str {
        &self.label
    }

    fn storage(&self) -> StorageKind {
        StorageKind::ThisPc
    }

    // No pin_status/login: the software KSP has no PIN (Windows protects the key with
    // the user's logon), so the trait's defaults apply.

    fn list_identities(&self) -> Listing {
        let store = lock(&self.store);
        let (certs, error) = store.certificates();
        let mut listing = Listing::default();
        for cert in &certs {
            match read_identity(cert) {
                Ok(Some(identity)) => listing.identities.push(identity),
                Ok(None) => {}
                Err(e) => listing.errors.push(e),
            }
        }
        listing.errors.extend(error);
        listing
    }

    fn private_key(&self, identity: &Identity) -> Result<Arc<dyn KeyHandle>> {
        let link = {
            let store = lock(&self.store);
            let certs = self.certificates_with(&store, &identity.certificate.fingerprint)?;
            let cert = certs
                .first()
                .ok_or_else(|| not_found(&identity.certificate.fingerprint))?;
            key_link(cert)?.ok_or_else(|| StoreError::NotFound("key of the certificate".into()))?
        };
        if link.provider_type != 0 || !link.provider.eq_ignore_ascii_case(KSP_NAME) {
            return Err(StoreError::Unsupported(
                "keys outside the Microsoft Software Key Storage Provider",
            ));
        }
        let key = self.open_key(&link.container)?;
        // The key itself says what it is (RSA or ECDSA P-256); the certificate is the
        // fallback when the provider will not tell.
        let (public_key, algorithm) = key.public_key().unwrap_or_else(|_| {
            (
                identity.certificate.public_key.clone(),
                identity.certificate.key_algorithm,
            )
        });
        Ok(Arc::new(CngKey {
            key,
            public_key,
            algorithm,
        }))
    }

    /// `_label` is not stored on the key: CNG key names must be unique, so the label
    /// becomes the certificate's friendly name at install time.
    fn generate_key(&self, spec: KeySpec, _label: &str) -> Result<NewKey> {
        let name = new_key_name()?;
        let key = key::create(&self.provider, &name, spec)?;
        let public_key = match key.public_key() {
            Ok((pk, algorithm)) if algorithm == spec.algorithm() => pk,
            Ok((_, algorithm)) => {
                let _ = key.delete();
                return Err(StoreError::Malformed {
                    what: "new CNG key",
                    reason: format!("asked for {}, got {algorithm}", spec.algorithm()),
                });
            }
            Err(e) => {
                // A persisted key nobody can use is worse than none.
                let _ = key.delete();
                return Err(e);
            }
        };
        lock(&self.generated).insert(name.clone(), key.clone());
        Ok(NewKey {
            key_id: name.into_bytes(),
            handle: Arc::new(CngKey {
                key,
                public_key,
                algorithm: spec.algorithm(),
            }),
        })
    }

    /// From NCRYPT_EXPORT_POLICY_PROPERTY. The software KSP takes that property only
    /// before NCryptFinalizeKey, so a key finalized with policy 0 stays unexportable.
    fn key_protection(&self, key_id: &[u8]) -> Result<KeyProtection> {
        let policy = self.open_key(key_name(key_id)?)?.export_policy()?;
        let exportable = policy & (NCRYPT_ALLOW_EXPORT_FLAG | NCRYPT_ALLOW_PLAINTEXT_EXPORT_FLAG);
        Ok(KeyProtection {
            on_token: true, // persisted in the provider, CKA_TOKEN's meaning
            sensitive: exportable == 0,
            extractable: exportable != 0,
            never_extractable: policy == 0,
        })
    }

    fn delete_key(&self, key_id: &[u8]) -> Result<()> {
        let name = key_name(key_id)?;
        // A certificate that could not be read might be the key's: then it stays.
        let listing = self.list_identities();
        if !listing.errors.is_empty() || listing.identities.iter().any(|i| i.key_id == key_id) {
            return Err(StoreError::InUse(format!("CNG key {name}")));
        }
        let cached = lock(&self.generated).remove(name);
        let key = match &cached {
            Some(key) => key.clone(),
            None => key::open(&self.provider, name)?,
        };
        key.delete().inspect_err(|_| {
            if let Some(key) = cached {
                lock(&self.generated).insert(name.to_owned(), key);
            }
        })
    }

    fn install_certificate(&self, key_id: &[u8], label: &str, cert_der: &[u8]) -> Result<Identity> {
        let info = CertificateInfo::parse(cert_der)?;
        let name = key_name(key_id)?;
        // Linking a certificate to the wrong key would fail only at the bank's login.
        if self.open_key(name)?.public_key()?.0 != info.public_key {
            return Err(StoreError::Malformed {
                what: "certificate",
                reason: "its public key is not the key it is installed for".into(),
            });
        }
        {
            let store = lock(&self.store);
            let cert = store.add_encoded(cert_der)?;
            link_key(&cert, name, label)?;
        }
        self.find_identity(&info.fingerprint)
    }

    fn remove_identity(&self, fingerprint: &str) -> Result<()> {
        let store = lock(&self.store);
        let certs = self.certificates_with(&store, fingerprint)?;
        let cert = match certs.as_slice() {
            [one] => one,
            [] => return Err(not_found(fingerprint)),
            _ => {
                return Err(StoreError::Malformed {
                    what: "certificate store",
                    reason: format!("certificate {fingerprint} is stored twice"),
                })
            }
        };
        archive(cert)
    }
}
