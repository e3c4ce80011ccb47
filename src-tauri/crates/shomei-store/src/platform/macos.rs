//! macOS: the login Keychain through security-framework (SecKeyCreateRandomKey,
//! SecItemAdd so key and certificate form a SecIdentity). NOT IMPLEMENTED YET
//! (stub of the walking skeleton).

use crate::{Result, StoreError, Token};

/// The OS store of this PC.
pub struct PcStore;

impl PcStore {
    /// Always [`StoreError::Unsupported`] until the back end exists.
    pub fn open() -> Result<Box<dyn Token>> {
        Err(StoreError::Unsupported(
            "the macOS Keychain store is not implemented yet",
        ))
    }
}
