//! Directories only their owner may use: the demo's (token, CA key, the bank
//! profile that names a PKCS#11 module to load) and the journal's (which keys a
//! renewal made).
//!
//! A directory given to us may already exist. On Unix it is used only if it is a
//! real directory (not a symbolic link), owned by this user, and writable by
//! nobody else; then it is made owner-only (0700) and that is checked. Anything
//! else is refused: another local user who owns it, or can write in it, could
//! redirect our writes through links or swap the profile. A fresh directory is
//! created owner-only from the start, under a name nobody can guess.

use std::io;
use std::path::{Path, PathBuf};

/// Create `dir` (and its parents) owner-only, or accept it as it is if it is
/// already a private directory of this user (see the module docs).
pub(crate) fn create(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) => accept_existing(dir, &meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            match create_owner_only(dir) {
                Ok(()) => Ok(()),
                // Created meanwhile by someone else: judged like any existing one.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    accept_existing(dir, &std::fs::symlink_metadata(dir)?)
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// A new owner-only directory in `parent` whose name starts with `prefix` and
/// ends with a random part (like mkdtemp).
pub(crate) fn create_fresh(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)?
        .keep();
    create(&dir)?;
    Ok(dir)
}

#[cfg(unix)]
fn create_owner_only(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_owner_only(dir: &Path) -> io::Result<()> {
    std::fs::create_dir(dir)
}

#[cfg(unix)]
fn accept_existing(dir: &Path, meta: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let refuse = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} {why}; refusing to use it (choose a directory of your own, or remove it) \
                 / このディレクトリは使えません",
                dir.display()
            ),
        ))
    };
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link");
    }
    if !meta.is_dir() {
        return refuse("is not a directory");
    }
    if meta.uid() != rustix::process::geteuid().as_raw() {
        return refuse("belongs to another user");
    }
    if meta.mode() & 0o022 != 0 {
        return refuse("can be written by other users");
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        if std::fs::symlink_metadata(dir)?.mode() & 0o077 != 0 {
            return refuse("cannot be made private to its owner");
        }
    }
    Ok(())
}

/// Windows: the user's own profile directories are private by their ACLs; a
/// directory elsewhere is the administrator's choice.
#[cfg(not(unix))]
fn accept_existing(dir: &Path, meta: &std::fs::Metadata) -> io::Result<()> {
    if meta.file_type().is_symlink() || !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not a directory; refusing to use it", dir.display()),
        ));
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().mode() & 0o777
    }

    #[test]
    fn a_new_directory_is_owner_only_and_a_fresh_one_has_a_random_name() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("a/b/journal");
        create(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        create(&dir).unwrap(); // twice is fine

        let one = create_fresh(base.path(), "shomei-demo-").unwrap();
        let two = create_fresh(base.path(), "shomei-demo-").unwrap();
        assert_ne!(one, two);
        assert_eq!((mode(&one), mode(&two)), (0o700, 0o700));
        assert!(one.file_name().unwrap().to_str().unwrap().len() > "shomei-demo-".len() + 4);
    }

    #[test]
    fn an_existing_directory_is_made_private_or_refused() {
        let base = tempfile::tempdir().unwrap();
        let readable = base.path().join("readable");
        std::fs::create_dir(&readable).unwrap();
        std::fs::set_permissions(&readable, std::fs::Permissions::from_mode(0o755)).unwrap();
        create(&readable).unwrap();
        assert_eq!(mode(&readable), 0o700, "readable by others: made private");

        let writable = base.path().join("writable");
        std::fs::create_dir(&writable).unwrap();
        std::fs::set_permissions(&writable, std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = create(&writable).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("written by other users"), "{err}");
        assert_eq!(mode(&writable), 0o777, "left as it was");

        let link = base.path().join("link");
        std::os::unix::fs::symlink(&readable, &link).unwrap();
        assert!(create(&link)
            .unwrap_err()
            .to_string()
            .contains("symbolic link"));

        let file = base.path().join("file");
        std::fs::write(&file, b"").unwrap();
        assert!(create(&file).is_err());
    }

    #[test]
    fn a_directory_of_another_user_is_refused() {
        // /tmp itself belongs to root; anyone not root sees it as another's. As
        // root, a directory handed to another user stands in.
        let base = tempfile::tempdir().unwrap();
        let theirs = base.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o700)).unwrap();
        let me = rustix::process::geteuid().as_raw();
        if me == 0 {
            std::os::unix::fs::chown(&theirs, Some(65534), None).unwrap();
        } else {
            assert_ne!(std::fs::metadata("/").unwrap().uid(), me);
        }
        let target = if me == 0 {
            theirs.as_path()
        } else {
            Path::new("/")
        };
        let err = create(target).unwrap_err();
        assert!(err.to_string().contains("another user"), "{err}");
    }
}
