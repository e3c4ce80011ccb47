//! One renewal is worked on by one process at a time: the window and the command
//! line of one user may run at once on one journal. (The journal is per user: two
//! user accounts sharing one USB token are not kept apart by this lock.)
//!
//! A lock is an OS file lock (`flock` on Unix, `LockFileEx` on Windows, through
//! `std::fs::File::try_lock`) on `locks/<fingerprint>.lock` in the journal
//! directory, named after the identity a renewal replaces. It is held for as long
//! as a process works on that renewal, including while the window waits at consent
//! 2, and the OS releases it when the process ends, however it ends. It is only
//! ever tried, never waited for: the second process is told at once and touches
//! nothing. The lock files are left in place (removing one would race with a
//! process opening it); they are empty.

use std::fs::{File, TryLockError};
use std::path::Path;

use crate::error::{EngineError, Result};

/// Held while a process works on the renewal of one identity.
#[derive(Debug)]
pub struct RenewalLock {
    _file: Option<File>,
}

impl RenewalLock {
    /// The lock of a journal that lives in memory: one process, nothing to share.
    pub(crate) fn in_process() -> Self {
        RenewalLock { _file: None }
    }
}

/// `Ok(None)` when another process holds it.
pub(super) fn try_lock(journal_dir: &Path, fingerprint: &str) -> Result<Option<RenewalLock>> {
    if fingerprint.is_empty() || !fingerprint.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(EngineError::Internal(format!(
            "renewal lock: invalid fingerprint {fingerprint:?}"
        )));
    }
    let dir = journal_dir.join("locks");
    crate::private_dir::create(&dir).map_err(|e| io("create", &dir, e))?;
    let path = dir.join(format!("{}.lock", fingerprint.to_ascii_lowercase()));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io("open", &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(RenewalLock { _file: Some(file) })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(io("lock", &path, e)),
    }
}

fn io(what: &str, path: &Path, e: std::io::Error) -> EngineError {
    EngineError::Internal(format!("renewal lock: {what} {}: {e}", path.display()))
}
