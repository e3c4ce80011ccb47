//! The certificate items of the login keychain, read with their attributes.
//!
//! One `SecItemCopyMatching` (kSecClassCertificate, kSecReturnRef and
//! kSecReturnAttributes, kSecMatchLimitAll) returns every certificate with its
//! label and kSecAttrPublicKeyHash, the link to its private key. Certificates
//! without a key are listed too, as on a PKCS#11 token: the caller decides.

use core_foundation::data::CFData;
use core_foundation::string::CFString;
use security_framework::certificate::SecCertificate;
use security_framework::item::{ItemClass, ItemSearchOptions, Limit, SearchResult};
use security_framework::os::macos::keychain::SecKeychain;

use super::ffi::{self, Classify};
use crate::cert::CertificateInfo;
use crate::error::{Result, StoreError};
use crate::token::Identity;

/// A certificate item as the keychain stores it.
pub(super) struct StoredCertificate {
    pub certificate: SecCertificate,
    pub der: Vec<u8>,
    pub label: String,
    /// kSecAttrPublicKeyHash: the application label of the matching key.
    pub key_id: Vec<u8>,
}

/// Every certificate item of the login keychain; one unreadable item is an
/// error in its own slot and never hides the others.
pub(super) fn stored_certificates(
    keychain: &SecKeychain,
) -> Result<Vec<Result<StoredCertificate>>> {
    let found = ItemSearchOptions::new()
        .class(ItemClass::certificate())
        .keychains(std::slice::from_ref(keychain))
        .load_refs(true)
        .load_attributes(true)
        .limit(Limit::All)
        .search()
        .during("list certificates");
    let found = match found {
        Ok(found) => found,
        Err(StoreError::NotFound(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(found.into_iter().map(stored_certificate).collect())
}

pub(super) fn identity(stored: &StoredCertificate) -> Result<Identity> {
    Ok(Identity {
        certificate: CertificateInfo::parse(&stored.der)?,
        key_id: stored.key_id.clone(),
        label: stored.label.clone(),
    })
}

fn stored_certificate(result: SearchResult) -> Result<StoredCertificate> {
    let malformed = |reason: &str| StoreError::Malformed {
        what: "keychain certificate item",
        reason: reason.to_owned(),
    };
    let SearchResult::Dict(attributes) = result else {
        return Err(malformed("SecItemCopyMatching returned no attributes"));
    };
    let certificate: SecCertificate = ffi::lookup(&attributes, &ffi::kSecValueRef())
        .ok_or_else(|| malformed("no kSecValueRef"))?;
    let label = ffi::lookup::<CFString>(&attributes, &ffi::kSecAttrLabel())
        .map(|l| l.to_string())
        .unwrap_or_default();
    let key_id = ffi::lookup::<CFData>(&attributes, &ffi::kSecAttrPublicKeyHash())
        .map(|d| d.to_vec())
        .unwrap_or_default();
    Ok(StoredCertificate {
        der: certificate.to_der(),
        certificate,
        label,
        key_id,
    })
}
