//! Small state files replaced in one step (temp file, fsync, rename, fsync of the
//! directory): a crash leaves either the old file or the new one, never half of
//! one; and read back so that a missing, unreadable or broken one only starts
//! afresh. Used by the settings, the reminders' memory, the remembered failures
//! and the copies of bank profiles; the journal has its own writer (unique temp
//! names per writer, crash points).

use std::fmt::Display;
use std::io::Write;
use std::path::Path;

/// `dir/name` as `parse` reads it. `Ok(None)` when there is no such file, or when
/// it cannot be parsed (logged: the caller starts afresh and may replace it);
/// `Err` when it cannot be read (logged: a caller must not overwrite what it could
/// not read).
pub(crate) fn load<T, E: Display>(
    dir: &Path,
    name: &str,
    what: &str,
    parse: impl FnOnce(&[u8]) -> Result<T, E>,
) -> std::io::Result<Option<T>> {
    let path = dir.join(name);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, what, "state file unreadable; starting afresh");
            return Err(e);
        }
    };
    Ok(parse(&bytes)
        .map_err(|e| {
            tracing::warn!(file = %path.display(), error = %e, what, "state file not usable; starting afresh");
        })
        .ok())
}

/// Writes `bytes` to `path` (its directory is created if needed), replacing the
/// old file in one step: a temporary file beside it, fsynced, renamed over it, and
/// the directory fsynced.
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// The rename is durable only once the directory entry is (best effort: some
/// file systems cannot fsync a directory; Windows cannot open one).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(dir = %dir.display(), error = %e, "cannot fsync the directory");
    }
    #[cfg(not(unix))]
    let _ = dir;
}
