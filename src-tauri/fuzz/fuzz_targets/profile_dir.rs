//! A hostile directory of bank profiles: `shomei_engine::profile::Catalog::load` (the
//! administrator's directory, the user's, the older single `bank.toml`, each profile's CA
//! files), then `profile::install::add` of every profile in a folder the user picked.
//!
//! The input is a directory tree written into a scratch directory (tmpfs when there is
//! one), one entry per `=== <kind> <path>` line, the entry's bytes up to the next such line:
//!
//! ```text
//! === f admin/bank.toml        a file (these bytes)      places: admin/ (administrator),
//! === d config/banks/x.toml    a directory                 config/banks/ (the user's),
//! === p admin/ca.pem           a FIFO                      config/bank.toml (the old file),
//! === l config/banks/a.toml    a symbolic link to the      picked/ (install::add's source)
//!                              (relative) path in the bytes
//! ```
//!
//! Names may hold any byte but `/` and NUL (`..` and absolute paths are dropped: the tree
//! stays inside the scratch directory). What must hold, whatever the tree:
//! - no panic, no hang (a FIFO named as a CA file must not block), no runaway read;
//! - loading twice gives the same catalog (name order, nothing random);
//! - one bank per id, and a user's profile never replaces an administrator's;
//! - each bank in use is listed as loaded, with its pinned roots, and is exactly what
//!   `profile::parse` makes of its file's text; every other profile says why;
//! - `install::add` writes nothing outside the user's directory, and what it adds loads.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shomei_engine::model::{ProfileOrigin, ProfileState, ProfileView};
use shomei_engine::profile::{self, install, Catalog, Places};

/// A few more than a real company has; enough for overrides and CA files.
const MAX_ENTRIES: usize = 32;

enum Kind {
    File,
    Dir,
    Fifo,
    Link,
}

/// This process's scratch directory (emptied before each input).
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        base.join(format!("shomei-fuzz-profile-dir-{}", std::process::id()))
    })
}

/// A relative path of 1 to 4 plain components, or None (`..`, NUL, empty, too long).
fn relative(bytes: &[u8]) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for part in bytes.split(|&b| b == b'/') {
        if part.is_empty() || part == b"." {
            continue;
        }
        if part == b".." || part.contains(&0) || part.len() > 100 {
            return None;
        }
        path.push(OsStr::from_bytes(part));
    }
    let n = path.components().count();
    (1..=4).contains(&n).then_some(path)
}

/// The entries of the input: (kind, relative path, bytes).
fn entries(data: &[u8]) -> Vec<(Kind, PathBuf, &[u8])> {
    let mut out = Vec::new();
    let mut rest = data;
    // Everything before the first header is ignored.
    let Some(start) = find(rest, b"=== ") else {
        return out;
    };
    rest = &rest[start..];
    while let Some(header) = rest.strip_prefix(b"=== ") {
        let line_end = header
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(header.len());
        let line = &header[..line_end];
        let after = header.get(line_end + 1..).unwrap_or(&[]);
        let body_end = find(after, b"\n=== ").unwrap_or(after.len());
        let body = &after[..body_end];
        rest = after.get(body_end + 1..).unwrap_or(&[]);
        let kind = match line.first() {
            Some(b'f') => Kind::File,
            Some(b'd') => Kind::Dir,
            Some(b'p') => Kind::Fifo,
            Some(b'l') => Kind::Link,
            _ => continue,
        };
        if let Some(path) = line.get(2..).and_then(relative) {
            out.push((kind, path, body));
        }
        if out.len() == MAX_ENTRIES {
            break;
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Writes the tree; an entry that cannot be made (its parent is a file, …) is left out.
fn write_tree(root: &Path, data: &[u8]) {
    for (kind, path, body) in entries(data) {
        let full = root.join(&path);
        // A later entry replaces an earlier one of the same name (writing into a FIFO
        // made before would block the harness, not the code under test).
        if let Ok(meta) = std::fs::symlink_metadata(&full) {
            let _ = if meta.is_dir() {
                std::fs::remove_dir_all(&full)
            } else {
                std::fs::remove_file(&full)
            };
        }
        if let Some(parent) = full.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = match kind {
            Kind::File => std::fs::write(&full, body),
            Kind::Dir => std::fs::create_dir_all(&full),
            Kind::Fifo => {
                let c = std::ffi::CString::new(full.as_os_str().as_bytes()).unwrap();
                // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
                unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
                Ok(())
            }
            Kind::Link => match relative(body) {
                Some(target) => std::os::unix::fs::symlink(target, &full),
                None => Ok(()),
            },
        };
    }
}

/// Every path under `dir` with what it is (and a file's bytes), links not followed.
fn snapshot(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            out.insert(path.clone(), b"dir".to_vec());
            snapshot(&path, out);
        } else if meta.is_file() {
            out.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
        } else {
            out.insert(path, format!("{:?}", meta.file_type()).into_bytes());
        }
    }
}

fn check(catalog: &Catalog) {
    let mut ids = BTreeSet::new();
    for bank in &catalog.banks {
        assert!(
            ids.insert(bank.id.clone()),
            "two banks with id {:?}",
            bank.id
        );
        assert!(!bank.pinned_roots.is_empty(), "{:?} pins nothing", bank.id);
        let view = catalog
            .profiles
            .iter()
            .find(|p| p.id == bank.id && p.origin == bank.origin && p.state == ProfileState::Loaded)
            .unwrap_or_else(|| panic!("bank {:?} is not listed as loaded", bank.id));
        assert_eq!(view.path, bank.path.display().to_string());
        // The bank in use is what its file says (read back now; nothing changed it).
        let text = std::fs::read_to_string(&bank.path).expect("a loaded profile is text");
        let parsed = profile::parse(&text, &bank.path).expect("a loaded profile parses");
        assert_eq!(format!("{parsed:?}"), format!("{:?}", bank.profile));
    }
    let loaded = catalog
        .profiles
        .iter()
        .filter(|p| p.state == ProfileState::Loaded);
    assert_eq!(loaded.count(), catalog.banks.len());
    let admin = |id: &str| {
        catalog
            .profiles
            .iter()
            .any(|p| p.id == id && p.origin == ProfileOrigin::Administrator)
    };
    for p in &catalog.profiles {
        match p.state {
            ProfileState::Loaded => {
                assert!(p.issues.is_empty());
                if p.origin != ProfileOrigin::Administrator {
                    assert!(
                        !admin(&p.id),
                        "a user's {:?} replaced the administrator's",
                        p.id
                    );
                }
            }
            ProfileState::OverriddenByAdministrator => {
                assert_eq!(p.origin, ProfileOrigin::User);
                assert!(admin(&p.id), "{p:?} overridden by nothing");
            }
            ProfileState::Invalid => {
                assert!(!p.issues.is_empty(), "{p:?} invalid without a reason");
                for i in &p.issues {
                    assert!(i.line >= 1 && i.column >= 1, "{i:?}");
                }
            }
            ProfileState::Unreadable => assert!(!p.issues.is_empty(), "{p:?} without a reason"),
        }
        for i in &p.issues {
            assert!(!i.ja.is_empty() && !i.en.is_empty(), "{i:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let root = scratch();
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).expect("the scratch directory");
    write_tree(root, data);
    let places = Places {
        administrator: Some(root.join("admin")),
        user: Some(root.join("config/banks")),
        legacy_file: Some(root.join("config/bank.toml")),
    };

    let catalog = Catalog::load(&places);
    check(&catalog);
    let again = Catalog::load(&places);
    assert_eq!(again.profiles, catalog.profiles, "loading twice differs");

    // The user adds each profile of the folder they picked. A link the user made in
    // their own folder (to another folder) is theirs to follow: not checked here.
    let mut config = BTreeMap::new();
    snapshot(&root.join("config"), &mut config);
    let linked = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_symlink());
    if linked(&root.join("config")) || config.keys().any(|p| linked(p)) {
        return;
    }
    let administrator: Vec<ProfileView> = catalog
        .profiles
        .iter()
        .filter(|p| p.origin == ProfileOrigin::Administrator)
        .cloned()
        .collect();
    let user_dir = root.join("config/banks");
    let mut picked: Vec<PathBuf> = std::fs::read_dir(root.join("picked"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    picked.sort();
    for source in picked {
        let mut before = BTreeMap::new();
        snapshot(root, &mut before);
        let added = install::add(&source, &user_dir, &administrator);
        let mut after = BTreeMap::new();
        snapshot(root, &mut after);
        // The user's directory and the folders above it (created when missing) may change.
        let outside = |p: &PathBuf| !p.starts_with(&user_dir) && !user_dir.starts_with(p);
        let changed: Vec<&PathBuf> = before
            .keys()
            .chain(after.keys())
            .filter(|p| outside(p) && before.get(*p) != after.get(*p))
            .collect();
        assert!(
            changed.is_empty(),
            "adding {source:?} changed {changed:?} outside the user's directory"
        );
        if let Ok(view) = added {
            assert_eq!(view.state, ProfileState::Loaded);
            assert_eq!(view.origin, ProfileOrigin::User);
            let now = Catalog::load(&places);
            check(&now);
            assert!(
                now.banks.iter().any(|b| b.id == view.id),
                "{:?} was added but does not load",
                view.id
            );
        }
    }
    let _ = std::fs::remove_dir_all(root);
});
