//! The renewal journal: one small JSON record per unfinished renewal, written
//! (temp file, fsync, atomic rename, fsync of the directory) BEFORE each step
//! that changes a store or talks to the bank, and removed once the renewal is
//! over. After a crash, the records say what may exist and what to do next
//! (see `crate::renewal`, its `resume` module).
//!
//! Owns: the record format and its durability. Must never: hold a PIN or a
//! private key (a record holds only public things: fingerprints, key ids, the
//! CSR, the issued certificate).

mod crash;
mod lock;
pub mod on_token;
mod record;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use lock::RenewalLock;
pub use record::{key_kind, key_spec, Place, Record, Stage, FORMAT, PENDING_KEY_PREFIX};

use crate::error::{EngineError, Result};

/// Numbers each write's temp file within this process.
static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Where records live: a directory (the app, the CLI, the demo), or memory
/// (tests that do not care about restarts; the same code paths otherwise).
pub struct Journal {
    dir: Option<PathBuf>,
    memory: Mutex<BTreeMap<String, Record>>,
}

impl Journal {
    /// A journal that does not survive the process. Only for tests and tools.
    pub fn in_memory() -> Self {
        Journal {
            dir: None,
            memory: Mutex::new(BTreeMap::new()),
        }
    }

    /// A journal in `dir` (created, owner-only).
    pub fn open(dir: &Path) -> Result<Self> {
        crate::private_dir::create(dir).map_err(|e| io("create the journal directory", dir, e))?;
        Ok(Journal {
            dir: Some(dir.to_path_buf()),
            memory: Mutex::new(BTreeMap::new()),
        })
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Make `record` durable. Returns only once it is on disk under its final name.
    pub fn write(&self, record: &Record) -> Result<()> {
        crash::point("before writing", record.stage);
        match &self.dir {
            None => {
                self.lock()
                    .insert(record.renewal_id.clone(), record.clone());
            }
            Some(dir) => {
                let json = serde_json::to_vec_pretty(record)
                    .map_err(|e| EngineError::Internal(format!("journal: encode: {e}")))?;
                let path = record_path(dir, &record.renewal_id)?;
                // Unique per write: two writers (the app and the CLI) never share one.
                let tmp = path.with_extension(format!(
                    "json.{}-{}.tmp",
                    std::process::id(),
                    WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                ));
                let mut file = std::fs::File::create(&tmp).map_err(|e| io("create", &tmp, e))?;
                file.write_all(&json).map_err(|e| io("write", &tmp, e))?;
                file.sync_all().map_err(|e| io("fsync", &tmp, e))?;
                drop(file);
                std::fs::rename(&tmp, &path).map_err(|e| io("rename", &path, e))?;
                sync_dir(dir)?;
            }
        }
        crash::point("after writing", record.stage);
        Ok(())
    }

    /// The renewal is over (finished or rolled back): forget it.
    pub fn remove(&self, renewal_id: &str) -> Result<()> {
        crash::point("before removing", Stage::Done);
        match &self.dir {
            None => {
                self.lock().remove(renewal_id);
            }
            Some(dir) => {
                let path = record_path(dir, renewal_id)?;
                match std::fs::remove_file(&path) {
                    Ok(()) => sync_dir(dir)?,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io("remove", &path, e)),
                }
            }
        }
        crash::point("after removing", Stage::Done);
        Ok(())
    }

    /// Every unfinished renewal, oldest first, and the records that could not be
    /// read (kept on disk for the helpdesk; never deleted blindly).
    pub fn load(&self) -> (Vec<Record>, Vec<String>) {
        let Some(dir) = &self.dir else {
            return (self.lock().values().cloned().collect(), Vec::new());
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Default::default(),
            Err(e) => return (Vec::new(), vec![io("read", dir, e).to_string()]),
        };
        let (mut records, mut errors) = (Vec::new(), Vec::new());
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "tmp") {
                // A write that never reached its rename: the previous record (or
                // none) is what counts. Another process may be writing it right now,
                // so only an old one is tidied away.
                let stale = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > std::time::Duration::from_secs(3600));
                if stale {
                    let _ = std::fs::remove_file(&path);
                }
                continue;
            }
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            match std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| Record::decode(&bytes))
            {
                Ok(record) => records.push(record),
                Err(e) => errors.push(format!("{}: {e}", path.display())),
            }
        }
        records.sort_by(|a, b| a.renewal_id.cmp(&b.renewal_id));
        (records, errors)
    }

    pub fn get(&self, renewal_id: &str) -> Option<Record> {
        self.load()
            .0
            .into_iter()
            .find(|r| r.renewal_id == renewal_id)
    }

    /// The lock on the renewal of the identity with this fingerprint, if no other
    /// process holds it (see [`RenewalLock`]). A journal in memory has no other
    /// process to keep out.
    pub fn try_lock(&self, fingerprint: &str) -> Result<Option<RenewalLock>> {
        match &self.dir {
            None => Ok(Some(RenewalLock::in_process())),
            Some(dir) => lock::try_lock(dir, fingerprint),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Record>> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Renewal ids are ours (hex and '-'), but a record path must never escape the
/// directory whatever the id.
fn record_path(dir: &Path, renewal_id: &str) -> Result<PathBuf> {
    if renewal_id.is_empty()
        || !renewal_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(EngineError::Internal(format!(
            "journal: invalid renewal id {renewal_id:?}"
        )));
    }
    Ok(dir.join(format!("{renewal_id}.json")))
}

fn io(what: &str, path: &Path, e: std::io::Error) -> EngineError {
    EngineError::Internal(format!("journal: {what} {}: {e}", path.display()))
}

/// The rename is durable only once the directory entry is.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    match std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        Ok(()) => Ok(()),
        // Some network and FUSE file systems cannot fsync a directory; the rename
        // itself is still atomic there.
        Err(e) if e.raw_os_error() == Some(22) => Ok(()), // EINVAL
        Err(e) => Err(io("fsync", dir, e)),
    }
}

/// Windows cannot open a directory as a file; NTFS journals its metadata and
/// MoveFileEx (behind rename) replaces the entry atomically.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests;
