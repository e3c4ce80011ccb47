//! NSS's shared database as a PKCS#11 token: the Linux PC store.
//!
//! Chromium (and Firefox, with its own profile database) keeps client certificates
//! in an NSS "sql:" database, `~/.pki/nssdb` for Chromium. NSS's soft token
//! (libsoftokn3) is a PKCS#11 module whose `C_Initialize` takes the database
//! directory in `pReserved`, so the PKCS#11 code serves it unchanged: keys are
//! generated in the database, not extractable, and `certutil -K` lists them.
//! Reference: NSS "PKCS #11 module specs" (the configdir/certPrefix/keyPrefix syntax).

use std::path::{Path, PathBuf};

use super::{Pkcs11Module, Pkcs11Token, TokenSelector};
use crate::error::{Result, StoreError};
use crate::token::StorageKind;

/// The token of the soft module that holds the database's certificates and keys.
pub const NSS_DB_TOKEN: &str = "NSS Certificate DB";

/// Where distributions put the soft token.
const SOFTOKN_CANDIDATES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
    "/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
    "/usr/lib64/libsoftokn3.so",
    "/usr/lib/libsoftokn3.so",
    "/usr/lib/nss/libsoftokn3.so",
];

fn softokn() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("SHOMEI_NSS_SOFTOKN") {
        return Ok(PathBuf::from(path));
    }
    SOFTOKN_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or(StoreError::ModuleMissing {
            path: "libsoftokn3.so".into(),
            reason: "NSS is not installed (Debian/Ubuntu: libnss3)".into(),
            native: None,
        })
}

/// Chromium's database: `$HOME/.pki/nssdb`.
pub fn chromium_database() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").ok_or(StoreError::NotFound("$HOME".into()))?;
    Ok(PathBuf::from(home).join(".pki/nssdb"))
}

/// Open the NSS database in `dir` (which must exist: Chromium creates it on first
/// run; Shomei never creates a user's database). One database per process: NSS's
/// soft token is initialised once.
pub fn open_database(dir: &Path) -> Result<Pkcs11Token> {
    if !dir.join("cert9.db").exists() {
        return Err(StoreError::NotFound(
            format!("NSS database {}", dir.display()).into(),
        ));
    }
    let module = Pkcs11Module::load_with_parameters(softokn()?, Some(&parameters(dir)?))?;
    module.open_token_as(&TokenSelector::by_label(NSS_DB_TOKEN), StorageKind::ThisPc)
}

/// The soft token's `C_Initialize` parameters for the database in `dir`
/// (read-write: NSS creates the database files when they are missing).
fn parameters(dir: &Path) -> Result<String> {
    let dir = dir
        .to_str()
        .ok_or_else(|| StoreError::NotFound("NSS database path is not UTF-8".into()))?;
    if dir.contains('\'') {
        return Err(StoreError::Unsupported(
            "an NSS database path containing a quote",
        ));
    }
    Ok(format!(
        "configdir='sql:{dir}' certPrefix='' keyPrefix='' secmod='secmod.db' flags="
    ))
}

/// Create a new NSS database with an empty password in the existing directory
/// `dir`, as `certutil -N --empty-password` does, and open it. Only for databases
/// Shomei owns (the demo's); a user's database is Chromium's to create. Refused
/// if `dir` already holds one.
pub fn create_database(dir: &Path) -> Result<Pkcs11Token> {
    use cryptoki::session::UserType;
    use cryptoki::types::AuthPin;

    if dir.join("cert9.db").exists() {
        return Err(StoreError::Platform {
            op: "create NSS database",
            code: format!("{} already holds one", dir.display()).into(),
        });
    }
    // Loading the soft token on an empty directory writes cert9.db and key4.db.
    let module = Pkcs11Module::load_with_parameters(softokn()?, Some(&parameters(dir)?))?;
    let ctx = module.context();
    let platform = |op: &'static str| move |e| super::errors::classify(op, e);
    let slot = ctx
        .get_slots_with_token()
        .map_err(platform("list slots"))?
        .into_iter()
        .find(|s| {
            ctx.get_token_info(*s)
                .is_ok_and(|info| info.label().trim_end() == NSS_DB_TOKEN)
        })
        .ok_or_else(|| StoreError::TokenAbsent(NSS_DB_TOKEN.into()))?;
    // A new key database has no password yet: the security officer's is empty, and
    // setting the user's to empty too is what lets keys be stored without a login.
    let empty = || AuthPin::new(String::new().into());
    let session = ctx
        .open_rw_session(slot)
        .map_err(platform("open session"))?;
    session
        .login(UserType::So, Some(&empty()))
        .map_err(platform("SO login"))?;
    session.init_pin(&empty()).map_err(platform("init PIN"))?;
    session.logout().map_err(platform("SO logout"))?;
    drop(session);
    module.open_token_as(&TokenSelector::by_label(NSS_DB_TOKEN), StorageKind::ThisPc)
}
