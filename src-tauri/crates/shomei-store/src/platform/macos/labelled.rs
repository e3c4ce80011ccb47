//! The keychain's private keys found by label prefix, for the engine's pending keys
//! (`shomei-pending-<renewal id>`, set as kSecAttrLabel by `key::generate`).
//!
//! SecItemCopyMatching matches a label only exactly, so the attributes of the login
//! keychain's private keys are fetched (kSecClassKey, kSecAttrKeyClassPrivate,
//! kSecReturnAttributes: no key data, no references), at most [`MAX_KEYS`] of them,
//! and filtered here. A key's id is its kSecAttrApplicationLabel, as everywhere in
//! this back end. Installing relabels the key with the certificate's label, so an
//! identity's key does not match; `delete_key` refuses one a certificate uses anyway.

use core_foundation::data::CFData;
use core_foundation::string::CFString;
use security_framework::item::{ItemClass, ItemSearchOptions, KeyClass, Limit, SearchResult};
use security_framework::os::macos::keychain::SecKeychain;

use super::ffi::{self, Classify};
use crate::error::{Result, StoreError};

/// More private keys than a login keychain holds: the search stops there.
const MAX_KEYS: i64 = 10_000;

/// (kSecAttrApplicationLabel, kSecAttrLabel) of each private key whose label starts
/// with `prefix`. Keys without either attribute are not ours and are skipped.
pub(super) fn keys_labelled(
    keychain: &SecKeychain,
    prefix: &str,
) -> Result<Vec<(Vec<u8>, String)>> {
    let found = ItemSearchOptions::new()
        .class(ItemClass::key())
        .key_class(KeyClass::private())
        .keychains(std::slice::from_ref(keychain))
        .load_attributes(true)
        .limit(Limit::Max(MAX_KEYS))
        .search()
        .during("find keys by label");
    let found = match found {
        Ok(found) => found,
        Err(StoreError::NotFound(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    if found.len() as i64 >= MAX_KEYS {
        tracing::warn!("{MAX_KEYS} private keys or more in the keychain: only those were searched");
    }
    Ok(found
        .into_iter()
        .filter_map(|result| match result {
            SearchResult::Dict(attributes) => Some(attributes),
            _ => None,
        })
        .filter_map(|attributes| {
            let label = ffi::lookup::<CFString>(&attributes, &ffi::kSecAttrLabel())?.to_string();
            let key_id = ffi::lookup::<CFData>(&attributes, &ffi::kSecAttrApplicationLabel())?;
            label.starts_with(prefix).then(|| (key_id.to_vec(), label))
        })
        .collect())
}
