//! Linux: the NSS shared database (`sql:$HOME/.pki/nssdb`) that Chromium uses for
//! client certificates, reached through NSS's soft token PKCS#11 module so it can
//! share the PKCS#11 code. NOT IMPLEMENTED YET (stub of the walking skeleton).

use crate::{Result, StoreError, Token};

/// The OS store of this PC.
pub struct PcStore;

impl PcStore {
    /// Always [`StoreError::Unsupported`] until the back end exists.
    pub fn open() -> Result<Box<dyn Token>> {
        Err(StoreError::Unsupported(
            "the Linux NSS store is not implemented yet",
        ))
    }
}
