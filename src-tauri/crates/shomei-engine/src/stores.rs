//! The stores a bank's identities can live in: the bank's USB token (when the
//! profile offers media storage) and the OS store of this PC.
//!
//! A store is opened afresh for each use, because a token may be plugged in or
//! pulled out between two clicks. Tests give the engine their own sources.

use std::sync::Arc;

use shomei_store::pkcs11::Pkcs11Module;
use shomei_store::{StorageKind, StoreError, Token};

use crate::profile::BankProfile;

type Open = dyn Fn() -> shomei_store::Result<Arc<dyn Token>> + Send + Sync;

/// One place identities can be listed from and renewed in.
#[derive(Clone)]
pub struct StoreSource {
    /// For logs: "USB token", "this PC".
    pub name: &'static str,
    /// Whether "not there" is normal (no NSS database yet, a platform without a
    /// back end) and so not worth a warning in the list.
    pub optional: bool,
    /// What kind of store it opens, when known without opening it (a renewal into
    /// the other store looks only there).
    pub storage: Option<StorageKind>,
    open: Arc<Open>,
}

impl StoreSource {
    pub fn new(
        name: &'static str,
        optional: bool,
        open: impl Fn() -> shomei_store::Result<Arc<dyn Token>> + Send + Sync + 'static,
    ) -> Self {
        StoreSource {
            name,
            optional,
            storage: None,
            open: Arc::new(open),
        }
    }

    /// Say what kind of store this source opens.
    pub fn of_kind(mut self, storage: StorageKind) -> Self {
        self.storage = Some(storage);
        self
    }

    pub fn open(&self) -> shomei_store::Result<Arc<dyn Token>> {
        (self.open)()
    }

    /// Whether an error opening this source should be shown to the user.
    pub fn worth_reporting(&self, error: &StoreError) -> bool {
        !(self.optional && matches!(error, StoreError::NotFound(_) | StoreError::Unsupported(_)))
    }
}

/// The sources a bank profile describes.
pub fn from_profile(profile: &BankProfile) -> Vec<StoreSource> {
    let mut sources = Vec::new();
    if let (Some(section), Some(module)) = (profile.token.clone(), profile.module_path()) {
        sources.push(
            StoreSource::new("USB token", false, move || {
                let token = Pkcs11Module::load(&module)?.open_token(&section.selector())?;
                Ok(Arc::new(token) as Arc<dyn Token>)
            })
            .of_kind(StorageKind::UsbToken),
        );
    }
    if profile.pc_store.enabled {
        let database = profile.pc_store.nss_database.clone();
        sources.push(
            StoreSource::new("this PC", true, move || {
                let store = match &database {
                    #[cfg(target_os = "linux")]
                    Some(dir) => shomei_store::PcStore::open_at(dir)?,
                    _ => shomei_store::PcStore::open()?,
                };
                Ok(Arc::from(store))
            })
            .of_kind(StorageKind::ThisPc),
        );
    }
    sources
}
