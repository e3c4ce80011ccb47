//! The certificate store as a [`Token`]: identities are the non-archived
//! certificates whose CERT_KEY_PROV_INFO_PROP_ID names a key.
//!
//! key_id is the CNG key name as UTF-8 bytes (a name from other software round-trips
//! through UTF-16 unchanged). A key we generate is NAMED after its label, because
//! CNG keeps no label beside the name: the engine's `shomei-pending-<renewal id>`.
//! CNG cannot rename a key, so that name stays after the certificate is installed;
//! [`Token::keys_labelled`] therefore leaves out every key a certificate in the store
//! links to, archived certificates included (the store is opened with
//! CERT_STORE_ENUM_ARCHIVED_FLAG), and an identity's key is never reported as a
//! leftover.
//! Removing an identity ARCHIVES its certificate (CERT_ARCHIVED_PROP_ID, the Windows
//! way: hidden from enumeration and from browsers, recoverable in certmgr) and keeps
//! its key, which the archived certificate still references; deleting that key too is
//! a later bank-profile choice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use windows::Win32::Security::Cryptography::*;

use super::handles::{CertContext, CertStore, Provider};
use super::identity::{archive, is_archived, key_link, link_key, read_identity, KSP_NAME};
use super::key::{self, CngKey, SharedKey};
use crate::cert::{CertificateInfo, KeyAlgorithm};
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

    /// The key name of every certificate in the store that links one, archived
    /// certificates and ones that do not parse included.
    fn linked_key_names(&self) -> Result<Vec<String>> {
        let store = lock(&self.store);
        let (certs, error) = store.certificates();
        if let Some(e) = error {
            return Err(e);
        }
        let mut names = Vec::new();
        for cert in &certs {
            if let Some(link) = key_link(cert)? {
                names.push(link.container);
            }
        }
        Ok(names)
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

    /// The key is named `label` (see the module docs); a name already taken fails
    /// with NTE_EXISTS rather than overwriting that key. The label the certificate
    /// gets at install is its friendly name.
    fn pending_key(
        &self,
        key_id: &[u8],
        public_key: &[u8],
        _algorithm: KeyAlgorithm,
    ) -> Result<Arc<dyn KeyHandle>> {
        // A CNG key's id is its name (its pending label).
        let name = std::str::from_utf8(key_id)
            .map_err(|_| StoreError::NotFound("a CNG key whose id is not its name".into()))?;
        let key = self.open_key(name)?;
        let (own, algorithm) = key.public_key()?;
        if own != public_key {
            return Err(StoreError::Malformed {
                what: "pending key",
                reason: "its public key is not the one journaled".into(),
            });
        }
        Ok(Arc::new(CngKey {
            key,
            public_key: own,
            algorithm,
        }))
    }

    fn generate_key(&self, spec: KeySpec, label: &str) -> Result<NewKey> {
        if label.is_empty() {
            // A null or empty name would make an ephemeral key nobody can find again.
            return Err(StoreError::Unsupported(
                "a CNG key without a label (its name)",
            ));
        }
        let name = label.to_owned();
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

    /// This user's keys in the software KSP whose name starts with `label_prefix`,
    /// except those a certificate in the store (archived or not) links to. A
    /// certificate whose link cannot be read makes the whole answer an error: it might
    /// be the one that uses a key.
    fn keys_labelled(&self, label_prefix: &str) -> Result<Vec<(Vec<u8>, String)>> {
        let linked = self.linked_key_names()?;
        Ok(self
            .provider
            .key_names()?
            .into_iter()
            .filter(|name| name.starts_with(label_prefix))
            .filter(|name| !linked.iter().any(|l| l.eq_ignore_ascii_case(name)))
            .map(|name| (name.clone().into_bytes(), name))
            .collect())
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
