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
use super::token::Pkcs11Token;
use super::TokenSelector;
use crate::error::{NativeCode, Result, StoreError};
use crate::token::StorageKind;

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

/// Loaded modules by path, with the initialisation parameters they were given.
type Loaded = Mutex<HashMap<PathBuf, (Pkcs11, Option<String>)>>;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

impl Pkcs11Module {
    /// Load (or reuse) the module at `path`. A missing file or a library that is
    /// not a PKCS#11 module is [`StoreError::ModuleMissing`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        Self::load_with_parameters(path, None)
    }

    /// Load a module that takes initialisation parameters in `C_Initialize`'s
    /// `pReserved` (NSS's soft token: its database directory). A library is
    /// initialised once per process, so asking for other parameters later is refused
    /// rather than silently ignored.
    pub fn load_with_parameters(path: impl AsRef<Path>, parameters: Option<&str>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut loaded = loaded().lock().unwrap_or_else(|p| p.into_inner());
        if let Some((ctx, given)) = loaded.get(&path) {
            if given.as_deref() != parameters {
                return Err(StoreError::Platform {
                    op: "load PKCS#11 module",
                    code: format!(
                        "{} is already initialised with other parameters in this process",
                        path.display()
                    )
                    .into(),
                });
            }
            return Ok(Pkcs11Module {
                ctx: ctx.clone(),
                path,
            });
        }
        let missing = |reason: String, native: Option<NativeCode>| StoreError::ModuleMissing {
            path: path.display().to_string(),
            reason,
            native,
        };
        let ctx = Pkcs11::new(&path).map_err(|e| missing(e.to_string(), None))?;
        let flags = CInitializeFlags::OS_LOCKING_OK;
        let args = match parameters {
            None => CInitializeArgs::new(flags),
            Some(text) => {
                let c = std::ffi::CString::new(text).map_err(|e| missing(e.to_string(), None))?;
                // The module may keep the pointer for its lifetime, which is the process's.
                let ptr = std::ptr::NonNull::new(c.into_raw().cast::<std::ffi::c_void>())
                    .expect("CString::into_raw is never null");
                // SAFETY: pReserved points to a NUL-terminated string that is never freed,
                // which is what NSS's soft token expects there.
                unsafe { CInitializeArgs::new_with_reserved(flags, ptr) }
            }
        };
        match ctx.initialize(args) {
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(CkError::Pkcs11(rv, _)) => {
                return Err(missing("C_Initialize".into(), Some(NativeCode::Pkcs11(rv))))
            }
            Err(e) => return Err(missing(e.to_string(), None)),
        }
        loaded.insert(path.clone(), (ctx.clone(), parameters.map(str::to_owned)));
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
        self.open_token_as(selector, StorageKind::UsbToken)
    }

    /// Open a token that plays another role than the USB token (NSS's database is
    /// the PC store).
    pub fn open_token_as(
        &self,
        selector: &TokenSelector,
        storage: StorageKind,
    ) -> Result<Pkcs11Token> {
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
                return Pkcs11Token::open(
                    self.ctx.clone(),
                    slot,
                    (info.label().trim_end(), info.serial_number().trim_end()),
                    storage,
                );
            }
        }
        Err(StoreError::TokenAbsent(selector.to_string().into()))
    }

    /// The raw context, for test fixtures that must initialise tokens.
    pub fn context(&self) -> &Pkcs11 {
        &self.ctx
    }
}
