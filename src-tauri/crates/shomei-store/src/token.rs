//! The store hierarchy: a store (a PKCS#11 module, an OS store) opens tokens; a
//! token holds identities (a certificate and the private key sharing its id); an
//! identity's key signs through a [`KeyHandle`].
//!
//! [`Token`] is object-safe because two kinds coexist at run time: the OS store of
//! this PC and the bank's USB token.

use std::sync::Arc;

use secrecy::SecretString;

use crate::cert::CertificateInfo;
use crate::error::{Result, StoreError};
use crate::key::{KeyHandle, KeySpec};

/// Where an identity lives, in the bank's words: the OS store of this PC
/// (パソコンに保存する) or the dedicated USB token (専用USBに保存する).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    ThisPc,
    UsbToken,
}

/// A certificate with the id that links it to its private key.
#[derive(Debug, Clone)]
pub struct Identity {
    pub certificate: CertificateInfo,
    /// The back end's link between certificate and key (CKA_ID on PKCS#11).
    pub key_id: Vec<u8>,
    pub label: String,
}

/// Partial success: one unreadable object never hides the others.
#[derive(Debug, Default)]
pub struct Listing {
    pub identities: Vec<Identity>,
    pub errors: Vec<StoreError>,
}

/// What the token says about its user PIN before we try it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PinStatus {
    pub count_low: bool,
    pub final_try: bool,
    pub locked: bool,
}

/// How a private key is protected, read back from the store after generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyProtection {
    pub on_token: bool,
    pub sensitive: bool,
    pub extractable: bool,
    pub never_extractable: bool,
}

/// Whether a certificate's private key is in the store, as far as the store can
/// tell without (or before) a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPresence {
    Present,
    Absent,
    /// Private keys are hidden until login and nothing else tells.
    Unknown,
}

/// A small public object an application keeps in the store beside the keys
/// (PKCS#11: CKO_DATA with CKA_APPLICATION). It travels with a USB token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataObject {
    pub label: String,
    pub value: Vec<u8>,
}

/// A freshly generated key, not yet linked to any certificate.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub key_id: Vec<u8>,
    pub handle: Arc<dyn KeyHandle>,
}

pub trait Token: Send + Sync {
    fn label(&self) -> &str;
    /// The token's serial number where it has one (PKCS#11), so that two tokens
    /// with the same label are told apart. Empty for the OS stores.
    fn serial(&self) -> &str {
        ""
    }
    fn storage(&self) -> StorageKind;
    /// What the store says about its PIN. Stores whose keys the OS protects (CNG with
    /// the user's logon, the Keychain with its own prompt) have no counter to read.
    fn pin_status(&self) -> Result<PinStatus> {
        Ok(PinStatus::default())
    }
    /// Log in as the user. Refuses (without trying) when the PIN is locked. Stores
    /// without a PIN of their own need no login.
    fn login(&self, _pin: &SecretString) -> Result<()> {
        Ok(())
    }
    /// End the login, so the next renewal asks for the PIN again. Stores without a
    /// login of their own have nothing to do.
    fn logout(&self) -> Result<()> {
        Ok(())
    }
    /// Certificates are public: listing works before login.
    fn list_identities(&self) -> Listing;
    /// The identity whose certificate has this SHA-256 fingerprint. A store that
    /// could not be read (pulled out, search failed) says so rather than "not
    /// found"; an unreadable single object elsewhere does not matter here.
    fn find_identity(&self, fingerprint: &str) -> Result<Identity> {
        let listing = self.list_identities();
        if let Some(found) = listing
            .identities
            .into_iter()
            .find(|i| i.certificate.fingerprint.eq_ignore_ascii_case(fingerprint))
        {
            return Ok(found);
        }
        match listing
            .errors
            .into_iter()
            .find(|e| !matches!(e, StoreError::Malformed { .. }))
        {
            Some(e) => Err(e),
            None => Err(StoreError::NotFound(
                format!("certificate {fingerprint}").into(),
            )),
        }
    }
    /// The private key of an identity (needs login).
    fn private_key(&self, identity: &Identity) -> Result<Arc<dyn KeyHandle>>;
    /// A key generated earlier that has no certificate yet (a renewal carried on
    /// after a restart), by its id, checked against the public key journaled when
    /// it was made (`algorithm` is what was asked for).
    fn pending_key(
        &self,
        _key_id: &[u8],
        _public_key: &[u8],
        _algorithm: crate::cert::KeyAlgorithm,
    ) -> Result<Arc<dyn KeyHandle>> {
        Err(StoreError::Unsupported(
            "finding a key without its certificate",
        ))
    }
    /// Generate a non-extractable key pair in the store, labelled `label`.
    fn generate_key(&self, spec: KeySpec, label: &str) -> Result<NewKey>;
    fn key_protection(&self, key_id: &[u8]) -> Result<KeyProtection>;
    /// Remove a generated key that never got its certificate (rollback). Refuses
    /// with [`StoreError::InUse`] a key that a certificate in the store uses.
    fn delete_key(&self, key_id: &[u8]) -> Result<()>;
    /// Private keys whose label starts with `label_prefix`, as (key id, label)
    /// (needs login). The engine labels a key it generates `shomei-pending-<renewal>`
    /// until its certificate is installed, so a key left by a process that died
    /// between generating it and journaling its id can still be found and removed.
    fn keys_labelled(&self, _label_prefix: &str) -> Result<Vec<(Vec<u8>, String)>> {
        Err(StoreError::Unsupported("finding keys by label"))
    }
    /// Store `cert_der` next to the key `key_id` and relabel the key; returns the
    /// identity as read back from the store.
    fn install_certificate(&self, key_id: &[u8], label: &str, cert_der: &[u8]) -> Result<Identity>;
    /// Give the key `key_id` (both halves) the label `label`: what
    /// `install_certificate` does after storing the certificate, for an install a
    /// stopped process did not finish. Stores whose keys carry no label of their
    /// own have nothing to do.
    fn label_key(&self, _key_id: &[u8], _label: &str) -> Result<()> {
        Ok(())
    }
    /// Whether the private key of `identity` is in the store. Stores that list only
    /// certificates with a linked key (CNG) need not answer.
    fn key_presence(&self, _identity: &Identity) -> KeyPresence {
        KeyPresence::Unknown
    }
    /// The public data objects of `application` (no login needed).
    fn data_objects(&self, _application: &str) -> Result<Vec<DataObject>> {
        Err(StoreError::Unsupported("data objects"))
    }
    /// Create or replace the data object of `application` labelled `label`.
    fn put_data_object(&self, _application: &str, _label: &str, _value: &[u8]) -> Result<()> {
        Err(StoreError::Unsupported("data objects"))
    }
    /// Remove the data object of `application` labelled `label`; absent is fine.
    fn remove_data_object(&self, _application: &str, _label: &str) -> Result<()> {
        Err(StoreError::Unsupported("data objects"))
    }
    /// Remove exactly the identity with this fingerprint: its certificate, and its
    /// key unless another certificate still uses it.
    fn remove_identity(&self, fingerprint: &str) -> Result<()>;
}
