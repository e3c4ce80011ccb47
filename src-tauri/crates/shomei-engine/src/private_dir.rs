//! Directories only their owner may read: the demo's (token, CA key) and the
//! journal's (which keys a renewal made).

use std::path::Path;

/// Create `dir` (and its parents) and make it owner-only where the OS has modes.
pub(crate) fn create(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict_to_owner(dir);
    Ok(())
}

#[cfg(unix)]
fn restrict_to_owner(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_to_owner(_dir: &Path) {}
