//! Linux: the PC store is the NSS shared database (`sql:$HOME/.pki/nssdb`) that
//! Chromium uses for client certificates, reached through NSS's soft token PKCS#11
//! module so it shares the PKCS#11 code (see [`crate::pkcs11::nss`]).

use std::path::Path;

use crate::pkcs11::nss;
use crate::{Result, Token};

/// The OS store of this PC.
pub struct PcStore;

impl PcStore {
    /// Chromium's NSS database of the current user.
    pub fn open() -> Result<Box<dyn Token>> {
        Self::open_at(&nss::chromium_database()?)
    }

    /// Another NSS database (tests, Firefox profiles).
    pub fn open_at(dir: &Path) -> Result<Box<dyn Token>> {
        Ok(Box::new(nss::open_database(dir)?))
    }
}
