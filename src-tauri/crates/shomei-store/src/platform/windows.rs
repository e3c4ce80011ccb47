//! Windows: CryptoAPI/CNG, certificates in the CurrentUser `MY` store, keys created
//! non-exportable in the Microsoft Software Key Storage Provider and linked by
//! CERT_KEY_PROV_INFO_PROP_ID. NOT IMPLEMENTED YET (stub of the walking skeleton).

use crate::{Result, StoreError, Token};

/// The OS store of this PC.
pub struct PcStore;

impl PcStore {
    /// Always [`StoreError::Unsupported`] until the back end exists.
    pub fn open() -> Result<Box<dyn Token>> {
        Err(StoreError::Unsupported(
            "the Windows certificate store is not implemented yet",
        ))
    }
}
