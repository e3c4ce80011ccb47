//! Loading a PKCS#11 module once per process.
//!
//! `C_Initialize` is process-wide per library and `C_Finalize` from one owner would
//! pull the rug from under every other, so each module path is loaded and
//! initialised once and shared ([`cryptoki::context::Pkcs11`] is a cheap clone).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};

use super::errors::Classify;
use super::token::{Pkcs11Token, TokenSelector};
use crate::error::{Result, StoreError};

/// The usual SafeNet eToken middleware (SafeNet Authentication Client) per OS;
/// a bank profile may name another module.
pub const DEFAULT_MODULE: &str = if cfg!(windows) {
    "eTPKCS11.dll"
} else if cfg!(target_os = "macos") {
    "/usr/local/lib/libeTPkcs11.dylib"
} else {
    "/usr/lib/libeTPkcs11.so"
};

/// A loaded, initialised PKCS#11 module.
#[derive(Clone)]
pub struct Pkcs11Module {
    ctx: Pkcs11,
    path: PathBuf,
}

impl std::fmt::Debug for Pkcs11Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Module")
            .field("path", &self.path)
            .finish()
    }
}

fn loaded() -> &'static Mutex<HashMap<PathBuf, Pkcs11>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

impl Pkcs11Module {
    /// Load (or reuse) the module at `path`. A missing file or a library that is
    /// not a PKCS#11 module is [`StoreError::ModuleMissing`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut loaded = loaded().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ctx) = loaded.get(&path) {
            return Ok(Pkcs11Module {
                ctx: ctx.clone(),
                path,
            });
        }
        let missing = |reason: String| StoreError::ModuleMissing {
            path: path.display().to_string(),
            reason,
        };
        let ctx = Pkcs11::new(&path).map_err(|e| missing(e.to_string()))?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(CkError::LibraryLoading(e)) => return Err(missing(e.to_string())),
            Err(e) => return Err(missing(e.to_string())),
        }
        loaded.insert(path.clone(), ctx.clone());
        Ok(Pkcs11Module { ctx, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Labels of the initialised tokens present now.
    pub fn token_labels(&self) -> Result<Vec<String>> {
        let slots = self
            .ctx
            .get_slots_with_initialized_token()
            .during("list slots")?;
        slots
            .into_iter()
            .map(|s| {
                let info = self.ctx.get_token_info(s).during("read token info")?;
                Ok(info.label().trim_end().to_owned())
            })
            .collect()
    }

    /// Open the token chosen by label or serial (never by slot index: slot numbers
    /// change when tokens are plugged in another order).
    pub fn open_token(&self, selector: &TokenSelector) -> Result<Pkcs11Token> {
        let slots = self
            .ctx
            .get_slots_with_initialized_token()
            .during("list slots")?;
        for slot in slots {
            let info = match self.ctx.get_token_info(slot) {
                Ok(info) => info,
                // A token pulled out between listing and reading is just absent.
                Err(_) => continue,
            };
            if selector.matches(info.label(), info.serial_number()) {
                return Pkcs11Token::open(self.ctx.clone(), slot, info.label().trim_end());
            }
        }
        Err(StoreError::TokenAbsent(selector.to_string()))
    }

    /// The raw context, for test fixtures that must initialise tokens.
    pub fn context(&self) -> &Pkcs11 {
        &self.ctx
    }
}
