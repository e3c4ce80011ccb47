//! SoftHSM2 as a real token for tests, the demo and benchmarks.
//!
//! SoftHSM reads `SOFTHSM2_CONF` once, at `C_Initialize`, so a process gets one
//! private token directory: [`SoftHsm::create`] writes a config there and points the
//! variable at it before the module is loaded. Never the user's own SoftHSM setup.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Detail, NativeCode, Result, StoreError};
use crate::pkcs11::{Pkcs11Module, Pkcs11Token, TokenSelector};

/// Where Debian and Ubuntu install the module; `SHOMEI_SOFTHSM_MODULE` overrides.
pub const DEFAULT_SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

pub fn module_path() -> PathBuf {
    std::env::var_os("SHOMEI_SOFTHSM_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOFTHSM_MODULE))
}

/// A SoftHSM2 installation private to this process.
#[derive(Debug)]
pub struct SoftHsm {
    dir: PathBuf,
    module: Pkcs11Module,
}

impl SoftHsm {
    /// Use `dir` (created if missing) for SoftHSM's config and tokens. Must be called
    /// before anything else in the process loads SoftHSM; a second call with another
    /// directory is refused, since SoftHSM would silently keep the first.
    pub fn create(dir: &Path) -> Result<&'static SoftHsm> {
        static ONE: OnceLock<SoftHsm> = OnceLock::new();
        static CREATING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _creating = CREATING.lock().unwrap_or_else(|p| p.into_inner());
        let io = |e: std::io::Error| StoreError::Platform {
            op: "prepare SoftHSM directory",
            code: Detail::native(e.to_string(), NativeCode::Io(e.kind())),
        };
        if let Some(existing) = ONE.get() {
            return if existing.dir == dir {
                Ok(existing)
            } else {
                Err(StoreError::Platform {
                    op: "prepare SoftHSM directory",
                    code: format!("already using {}", existing.dir.display()).into(),
                })
            };
        }
        let tokens = dir.join("tokens");
        std::fs::create_dir_all(&tokens).map_err(io)?;
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                tokens.display()
            ),
        )
        .map_err(io)?;
        std::env::set_var("SOFTHSM2_CONF", &conf);
        let module = Pkcs11Module::load(module_path())?;
        Ok(ONE.get_or_init(|| SoftHsm {
            dir: dir.to_path_buf(),
            module,
        }))
    }

    /// A process-wide SoftHSM in a fresh temporary directory, for tests.
    pub fn for_tests() -> Result<&'static SoftHsm> {
        static DIR: OnceLock<PathBuf> = OnceLock::new();
        let dir = DIR.get_or_init(|| {
            std::env::temp_dir().join(format!("shomei-softhsm-test-{}", std::process::id()))
        });
        SoftHsm::create(dir)
    }

    pub fn module(&self) -> &Pkcs11Module {
        &self.module
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Initialise a new token in the first free slot and set its user PIN.
    pub fn init_token(
        &self,
        label: &str,
        so_pin: &SecretString,
        user_pin: &SecretString,
    ) -> Result<Pkcs11Token> {
        // Finding a free slot and initialising it must not interleave with another
        // thread doing the same (parallel tests), or both pick the same slot.
        static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _init = INIT.lock().unwrap_or_else(|p| p.into_inner());
        let ctx = self.module.context();
        let platform = |op: &'static str| move |e| crate::pkcs11::errors::classify(op, e);
        let slot = ctx
            .get_all_slots()
            .map_err(platform("list slots"))?
            .into_iter()
            .find(|s| {
                ctx.get_token_info(*s)
                    .is_ok_and(|info| !info.token_initialized())
            })
            .ok_or(StoreError::Platform {
                op: "init token",
                code: "no free SoftHSM slot".into(),
            })?;
        let so = AuthPin::new(so_pin.expose_secret().into());
        ctx.init_token(slot, &so, label)
            .map_err(platform("init token"))?;
        let session = ctx
            .open_rw_session(slot)
            .map_err(platform("open session"))?;
        session
            .login(UserType::So, Some(&so))
            .map_err(platform("SO login"))?;
        session
            .init_pin(&AuthPin::new(user_pin.expose_secret().into()))
            .map_err(platform("init PIN"))?;
        session.logout().map_err(platform("SO logout"))?;
        drop(session);
        self.module.open_token(&TokenSelector::by_label(label))
    }
}

/// Whether tests must fail (rather than skip loudly) when SoftHSM is missing: CI
/// sets `SHOMEI_REQUIRE_SOFTHSM=1` so the token suite can never be skipped there.
pub fn required_by_environment() -> bool {
    std::env::var_os("SHOMEI_REQUIRE_SOFTHSM").is_some_and(|v| v == "1")
}

/// For tests: SoftHSM, or `None` after a loud skip notice when it is not installed
/// and not required.
pub fn for_tests_or_skip(test: &str) -> Option<&'static SoftHsm> {
    match SoftHsm::for_tests() {
        Ok(hsm) => Some(hsm),
        Err(e) if !required_by_environment() => {
            eprintln!(
                "\n*** SKIPPED {test}: SoftHSM2 is not usable here ({e}). Install softhsm2 \
                 (the README's test command does) or set SHOMEI_REQUIRE_SOFTHSM=1 to fail. ***\n"
            );
            None
        }
        Err(e) => panic!("SoftHSM2 required (SHOMEI_REQUIRE_SOFTHSM=1) but unusable: {e}"),
    }
}
