//! macOS: the user's login keychain, through `security-framework` (SecItem and
//! SecKey APIs), because that is where Safari and Chrome look for the identity
//! (certificate + private key) they present to the bank.
//!
//! Why it calls the OS this way:
//! - The key (RSA 2048/3072, or ECDSA P-256 as kSecAttrKeyTypeECSECPrimeRandom) is
//!   generated IN the keychain by `SecKeyCreateRandomKey`, permanent and
//!   non-extractable, following Apple's "Generating New Cryptographic Keys"
//!   (<https://developer.apple.com/documentation/security/generating-new-cryptographic-keys>)
//!   and "Storing Keys in the Keychain"
//!   (<https://developer.apple.com/documentation/security/storing-keys-in-the-keychain>).
//! - The certificate is added with `SecItemAdd`; the keychain links it to the key by
//!   the public key hash (the certificate's kSecAttrPublicKeyHash equals the key's
//!   kSecAttrApplicationLabel), and the pair becomes a SecIdentity. So our `key_id`
//!   IS that hash: no id of our own could make the browser find the key.
//! - Signing goes through `SecKeyCreateSignature`
//!   (<https://developer.apple.com/documentation/security/seckeycreatesignature(_:_:_:_:)>)
//!   with the *Message* algorithms: RSA PKCS#1 v1.5 / PSS SHA-256, and ECDSA X9.62
//!   SHA-256, whose output is already the DER `ECDSA-Sig-Value`. A key's algorithm
//!   comes from its kSecAttrKeyType, so an EC key never signs an RSA scheme.
//! - The public key is `SecKeyCopyExternalRepresentation` of the public half, which
//!   is already the certificate's subjectPublicKey bits: PKCS#1 DER for RSA, the
//!   uncompressed point 0x04 ‖ X ‖ Y for EC.
//! - There is no PIN: the keychain asks for its own password or for permission in an
//!   OS dialog, so `login` is a no-op and a refusal surfaces as `Cancelled`.
//!
//! Must never: delete a certificate by a query that could match more than one item
//! (removal is by `kSecValueRef` of the one certificate with the fingerprint), or
//! touch any keychain other than the user's default (login) keychain.

mod certificates;
mod ffi;
mod key;
mod labelled;

use std::sync::Arc;

use core_foundation::string::CFString;
use security_framework::certificate::SecCertificate;
use security_framework::item::{
    update_item, AddRef, ItemAddOptions, ItemAddValue, ItemClass, ItemSearchOptions,
    ItemUpdateOptions, KeyClass, Location,
};
use security_framework::os::macos::keychain::SecKeychain;
use security_framework_sys::base::errSecDuplicateItem;

use self::certificates::{identity, stored_certificates};
use self::ffi::Classify;
use self::key::{
    find_key_pair, generate, key_algorithm, public_key_bits, the_private_key, KeychainKey,
};
use crate::cert::{fingerprint, CertificateInfo, KeyAlgorithm};
use crate::error::{Result, StoreError};
use crate::key::{KeyHandle, KeySpec};
use crate::token::{Identity, KeyProtection, Listing, NewKey, StorageKind, Token};

/// The OS store of this PC.
pub struct PcStore;

impl PcStore {
    /// The user's login keychain (the default keychain).
    pub fn open() -> Result<Box<dyn Token>> {
        Ok(Box::new(KeychainToken::open()?))
    }
}

/// The login keychain as a [`Token`].
pub struct KeychainToken {
    keychain: SecKeychain,
}

impl KeychainToken {
    pub fn open() -> Result<Self> {
        let keychain = SecKeychain::default().during("open the login keychain")?;
        Ok(KeychainToken { keychain })
    }

    /// Renames the private key the way PKCS#11 relabels CKA_LABEL, so Keychain
    /// Access shows the key under the certificate's name.
    fn relabel_key(&self, key_id: &[u8], label: &str) -> Result<()> {
        let mut query = ItemSearchOptions::new();
        query
            .class(ItemClass::key())
            .key_class(KeyClass::private())
            .keychains(std::slice::from_ref(&self.keychain))
            .application_label(key_id);
        let mut update = ItemUpdateOptions::new();
        update.set_label(label);
        update_item(&query, &update).during("label key")
    }

    fn delete_keys(&self, key_id: &[u8]) -> Result<()> {
        // Each half by its own kSecValueRef: never a broader query than the pair.
        for found in find_key_pair(&self.keychain, key_id)? {
            found.key.delete().during("delete key")?;
        }
        Ok(())
    }
}

impl Token for KeychainToken {
    fn label(&self) -> &str {
        "login keychain"
    }

    fn storage(&self) -> StorageKind {
        StorageKind::ThisPc
    }

    // No pin_status/login: the keychain keeps no PIN counter we could read and
    // unlocks itself with its own OS prompt when a key is used (the trait's defaults).

    fn list_identities(&self) -> Listing {
        let mut listing = Listing::default();
        match stored_certificates(&self.keychain) {
            Ok(items) => {
                for item in items {
                    match item.and_then(|stored| identity(&stored)) {
                        Ok(identity) => listing.identities.push(identity),
                        Err(e) => listing.errors.push(e),
                    }
                }
            }
            Err(e) => listing.errors.push(e),
        }
        listing
    }

    fn private_key(&self, identity: &Identity) -> Result<Arc<dyn KeyHandle>> {
        let found = the_private_key(&self.keychain, &identity.key_id)?;
        let algorithm = key_algorithm(&found, identity.certificate.key_algorithm);
        let public_key =
            public_key_bits(&found.key).unwrap_or_else(|| identity.certificate.public_key.clone());
        Ok(Arc::new(KeychainKey::new(found.key, public_key, algorithm)))
    }

    fn pending_key(
        &self,
        key_id: &[u8],
        public_key: &[u8],
        algorithm: KeyAlgorithm,
    ) -> Result<Arc<dyn KeyHandle>> {
        let found = the_private_key(&self.keychain, key_id)?;
        let own = public_key_bits(&found.key).unwrap_or_else(|| public_key.to_vec());
        if own != public_key {
            return Err(StoreError::Malformed {
                what: "pending key",
                reason: "its public key is not the one journaled".into(),
            });
        }
        Ok(Arc::new(KeychainKey::new(found.key, own, algorithm)))
    }

    fn generate_key(&self, spec: KeySpec, label: &str) -> Result<NewKey> {
        let generated = generate(&self.keychain, spec, label)?;
        Ok(NewKey {
            key_id: generated.key_id,
            handle: Arc::new(KeychainKey::new(
                generated.key,
                generated.public_key,
                spec.algorithm(),
            )),
        })
    }

    fn key_protection(&self, key_id: &[u8]) -> Result<KeyProtection> {
        let found = the_private_key(&self.keychain, key_id)?;
        // The keychain record's attributes first, then what SecKeyCopyAttributes
        // says of the key itself. Unknown counts as unprotected: a read-back must
        // prove protection, not assume it.
        let from_key = found.key.attributes();
        let read = |key: CFString| {
            ffi::flag(&found.attributes, &key).or_else(|| ffi::flag(&from_key, &key))
        };
        let extractable = read(ffi::kSecAttrIsExtractable()).unwrap_or(true);
        let sensitive = read(ffi::kSecAttrIsSensitive()).unwrap_or(false);
        Ok(KeyProtection {
            // Found by a search of the login keychain, so it is a permanent item.
            on_token: true,
            sensitive,
            extractable,
            // SecItem exposes no CSSM_KEYATTR_NEVER_EXTRACTABLE. The keychain (like
            // CSSM) only lets "extractable" go from true to false, and our keys are
            // created non-extractable, so "not extractable now" is the best reading.
            never_extractable: !extractable,
        })
    }

    fn delete_key(&self, key_id: &[u8]) -> Result<()> {
        // A certificate that could not be read might be the key's: then it stays.
        let listing = self.list_identities();
        if !listing.errors.is_empty() || listing.identities.iter().any(|i| i.key_id == key_id) {
            return Err(StoreError::InUse("a keychain key".into()));
        }
        self.delete_keys(key_id)
    }

    /// By kSecAttrLabel prefix (see `labelled`): a key keeps its pending label until
    /// `install_certificate` relabels it.
    fn keys_labelled(&self, label_prefix: &str) -> Result<Vec<(Vec<u8>, String)>> {
        labelled::keys_labelled(&self.keychain, label_prefix)
    }

    fn label_key(&self, key_id: &[u8], label: &str) -> Result<()> {
        self.relabel_key(key_id, label)
    }

    fn install_certificate(&self, key_id: &[u8], label: &str, cert_der: &[u8]) -> Result<Identity> {
        let info = CertificateInfo::parse(cert_der)?;
        // The keychain pairs certificate and key by public key hash, whatever we
        // pass: refuse a certificate for another key before anything is stored.
        let key = the_private_key(&self.keychain, key_id)?.key;
        if public_key_bits(&key).is_some_and(|public| public != info.public_key) {
            return Err(StoreError::Malformed {
                what: "certificate",
                reason: "its public key is not the one of the new key".into(),
            });
        }
        self.relabel_key(key_id, label)?;
        let certificate = SecCertificate::from_der(cert_der).during("read certificate")?;
        let mut add = ItemAddOptions::new(ItemAddValue::Ref(AddRef::Certificate(certificate)));
        add.set_label(label)
            .set_location(Location::FileKeychain(self.keychain.clone()));
        match add.add() {
            Ok(()) => {}
            // Already there (same issuer and serial): the read-back below decides
            // whether it is really this certificate.
            Err(e) if e.code() == errSecDuplicateItem => {}
            Err(e) => return Err(ffi::status_error("store certificate", e.code())),
        }
        // The caller's read-back compares this identity's key_id (the certificate's
        // kSecAttrPublicKeyHash) with the new key's: that proves the SecIdentity.
        self.find_identity(&info.fingerprint)
    }

    fn remove_identity(&self, fingerprint_hex: &str) -> Result<()> {
        let stored = stored_certificates(&self.keychain)?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        let (mut targets, others): (Vec<_>, Vec<_>) = stored
            .into_iter()
            .partition(|c| fingerprint(&c.der).eq_ignore_ascii_case(fingerprint_hex));
        let target = match targets.len() {
            1 => targets.remove(0),
            0 => {
                return Err(StoreError::NotFound(
                    format!("certificate {fingerprint_hex}").into(),
                ))
            }
            _ => {
                return Err(StoreError::Malformed {
                    what: "keychain",
                    reason: format!("certificate {fingerprint_hex} is stored twice"),
                })
            }
        };
        // SecItemDelete with kSecValueRef of this one item, never a query.
        target.certificate.delete().during("remove certificate")?;
        let key_shared = others.iter().any(|c| c.key_id == target.key_id);
        if !key_shared && !target.key_id.is_empty() {
            self.delete_keys(&target.key_id)?;
        }
        Ok(())
    }
}
