//! What the demo can hold besides its one identity on the token, chosen with
//! `SHOMEI_DEMO_EXTRAS` (a comma-separated list) when its stores are created:
//!
//! - `pc`: a PC store of the demo's own (Linux: an NSS database in the demo
//!   directory, never the user's) with 「株式会社デモ商事 経理部」 in its renewal
//!   window, so パソコンに保存する and a renewal from the PC to the USB token can be
//!   tried;
//! - `expired`: 「株式会社デモ商事 総務部」 on the token, expired 20 days ago and
//!   so still re-obtainable (再取得) under the demo bank's 90 days of grace.
//!
//! The end-to-end tests use them; the plain demo stays one certificate to renew.

use std::path::{Path, PathBuf};

#[cfg(target_os = "linux")]
use secrecy::SecretString;
use shomei_store::{KeySpec, Token};
use shomei_testca::TestCa;
use time::{Duration, OffsetDateTime};

use crate::error::{EngineError, Result};

/// The environment variable that chooses the extras.
pub const EXTRAS_ENV: &str = "SHOMEI_DEMO_EXTRAS";
/// The PC store's identity (its common name).
pub const DEMO_PC_NAME: &str = "株式会社デモ商事 経理部";
/// Days the PC store's identity has left when it is created.
pub const DEMO_PC_DAYS_LEFT: i64 = 20;
/// The expired identity (its common name).
pub const DEMO_EXPIRED_NAME: &str = "株式会社デモ商事 総務部";
/// Days since the expired identity expired when it is created.
pub const DEMO_EXPIRED_DAYS_AGO: i64 = 20;

/// Which extras the demo creates.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Extras {
    pub pc_store: bool,
    pub expired: bool,
}

impl Extras {
    /// `pc`, `expired`, both (`pc,expired`), or none (empty). Anything else is an
    /// error rather than a demo silently missing what a test expects.
    pub fn parse(text: &str) -> Result<Extras> {
        let mut extras = Extras::default();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "pc" => extras.pc_store = true,
                "expired" => extras.expired = true,
                other => {
                    return Err(EngineError::Internal(format!(
                        "demo: {EXTRAS_ENV}: unknown extra {other:?} (known: pc, expired)"
                    )))
                }
            }
        }
        if extras.pc_store && !cfg!(target_os = "linux") {
            return Err(EngineError::Internal(format!(
                "demo: {EXTRAS_ENV}: the demo's own PC store (pc) exists only on Linux"
            )));
        }
        Ok(extras)
    }

    /// From `SHOMEI_DEMO_EXTRAS`; none when it is unset.
    pub fn from_env() -> Result<Extras> {
        match std::env::var(EXTRAS_ENV) {
            Ok(text) => Extras::parse(&text),
            Err(std::env::VarError::NotPresent) => Ok(Extras::default()),
            Err(e) => Err(EngineError::Internal(format!("demo: {EXTRAS_ENV}: {e}"))),
        }
    }
}

/// 「株式会社デモ商事 総務部」, expired [`DEMO_EXPIRED_DAYS_AGO`] days ago, in `token`
/// (logged in).
pub(crate) fn create_expired_identity(token: &dyn Token, ca: &TestCa) -> Result<()> {
    let not_after = OffsetDateTime::now_utc() - Duration::days(DEMO_EXPIRED_DAYS_AGO);
    super::create_named_identity(token, ca, KeySpec::Rsa2048, DEMO_EXPIRED_NAME, not_after)
}

/// The demo's own PC store, if it has one: `nssdb/` in the demo directory, created
/// with its identity when `extras` asks for it and it is not there yet. A demo
/// directory that has one keeps using it.
pub(crate) fn pc_store(dir: &Path, extras: Extras, ca: &TestCa) -> Result<Option<PathBuf>> {
    let db = dir.join("nssdb");
    if db.join("cert9.db").exists() {
        return Ok(Some(db));
    }
    if !extras.pc_store {
        return Ok(None);
    }
    create_pc_store(&db, ca)?;
    Ok(Some(db))
}

#[cfg(target_os = "linux")]
fn create_pc_store(db: &Path, ca: &TestCa) -> Result<()> {
    crate::private_dir::create(db)
        .map_err(|e| EngineError::Internal(format!("demo: create {}: {e}", db.display())))?;
    let store = shomei_store::pkcs11::nss::create_database(db)?;
    store.login(&SecretString::from(String::new()))?;
    let not_after = OffsetDateTime::now_utc() + Duration::days(DEMO_PC_DAYS_LEFT);
    super::create_named_identity(&store, ca, KeySpec::Rsa2048, DEMO_PC_NAME, not_after)
}

#[cfg(not(target_os = "linux"))]
fn create_pc_store(_db: &Path, _ca: &TestCa) -> Result<()> {
    unreachable!("Extras::parse refuses pc off Linux")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extras_are_a_list_of_known_words() {
        assert_eq!(Extras::parse("").unwrap(), Extras::default());
        assert_eq!(
            Extras::parse(" expired ").unwrap(),
            Extras {
                pc_store: false,
                expired: true
            }
        );
        let both = Extras::parse("pc,expired");
        if cfg!(target_os = "linux") {
            assert_eq!(
                both.unwrap(),
                Extras {
                    pc_store: true,
                    expired: true
                }
            );
        } else {
            assert!(both.is_err());
        }
        let e = Extras::parse("pc,bank-down").unwrap_err().to_string();
        assert!(e.contains("bank-down") && e.contains(EXTRAS_ENV), "{e}");
    }
}
