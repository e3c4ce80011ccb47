//! Every bank the company uses: the profiles found in an administrator's
//! directory and in the user's, loaded one by one so that a broken profile never
//! hides the others.
//!
//! A profile's id is its file name without `.toml`. An administrator's profile
//! wins over a user's with the same id, and the user's is reported as overridden
//! (a user cannot change what the administrator deployed). Files are read in
//! name order, administrator's first, so the list is the same on every start.
//!
//! Owns: where profiles are looked for and which of them are used.
//! Must never: stop at the first broken profile, or let a user's file replace an
//! administrator's.

use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;

use super::{BankProfile, ProfileError};
use crate::model::{ProfileIssueView, ProfileOrigin, ProfileState, ProfileView};

/// The directory an administrator deploys bank profiles to on this OS.
pub fn system_directory() -> PathBuf {
    if cfg!(windows) {
        let data = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(data).join("Shomei").join("banks")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Shomei/banks")
    } else {
        PathBuf::from("/etc/shomei/banks.d")
    }
}

/// A profile in use.
#[derive(Debug, Clone)]
pub struct LoadedBank {
    pub id: String,
    pub path: PathBuf,
    pub origin: ProfileOrigin,
    pub profile: BankProfile,
    pub pinned_roots: Vec<CertificateDer<'static>>,
}

/// What was found: the banks in use, and every profile with its state.
#[derive(Debug, Default)]
pub struct Catalog {
    pub banks: Vec<LoadedBank>,
    pub profiles: Vec<ProfileView>,
}

/// Where to look. `legacy_file`: the single `bank.toml` of versions that served
/// one bank, read as the user's profile `bank` when the user's directory has none.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub administrator: Option<PathBuf>,
    pub user: Option<PathBuf>,
    pub legacy_file: Option<PathBuf>,
}

/// The most profiles read from one directory (a directory of thousands of files
/// is a mistake, not a company's banks).
const MAX_PER_DIRECTORY: usize = 64;

impl Catalog {
    /// Every `*.toml` in the administrator's directory, then in the user's.
    pub fn load(places: &Places) -> Catalog {
        let mut catalog = Catalog::default();
        let mut files = Vec::new();
        if let Some(dir) = &places.administrator {
            files.extend(
                toml_files(dir, ProfileOrigin::Administrator, &mut catalog)
                    .into_iter()
                    .map(|f| (f, ProfileOrigin::Administrator)),
            );
        }
        if let Some(dir) = &places.user {
            files.extend(
                toml_files(dir, ProfileOrigin::User, &mut catalog)
                    .into_iter()
                    .map(|f| (f, ProfileOrigin::User)),
            );
        }
        if let Some(file) = &places.legacy_file {
            let taken = files.iter().any(|(f, _)| id_of(f) == "bank");
            if !taken && file.is_file() {
                files.push((file.clone(), ProfileOrigin::User));
            }
        }
        for (path, origin) in files {
            catalog.add(&path, origin);
        }
        catalog
    }

    /// Exactly this one file (`--profile FILE`, the demo).
    pub fn single(path: &Path) -> Catalog {
        let mut catalog = Catalog::default();
        catalog.add(path, ProfileOrigin::File);
        catalog
    }

    fn add(&mut self, path: &Path, origin: ProfileOrigin) {
        let id = id_of(path);
        let view = |state, name: Option<String>, issues| ProfileView {
            id: id.clone(),
            name,
            path: path.display().to_string(),
            origin,
            state,
            issues,
        };
        // The id is the file's name. One that is not Unicode would be shown and compared
        // lossily (two such names would become one id, two banks with one id).
        if path.file_stem().and_then(|s| s.to_str()).is_none() {
            tracing::warn!(profile = %path.display(), "bank profile's file name is not Unicode");
            self.profiles.push(view(
                ProfileState::Unreadable,
                None,
                vec![whole_file(
                    "ファイル名に使えない文字があります（Unicode ではありません）。ファイル名を変えてください。".into(),
                    "The file name is not valid Unicode; rename the file.".into(),
                )],
            ));
            return;
        }
        let overridden = self
            .profiles
            .iter()
            .any(|p| p.id == id && p.origin == ProfileOrigin::Administrator);
        if overridden && origin != ProfileOrigin::Administrator {
            tracing::warn!(profile = %path.display(), "ignored: an administrator deployed a profile of the same name");
            self.profiles.push(view(
                ProfileState::OverriddenByAdministrator,
                read_name(path),
                Vec::new(),
            ));
            return;
        }
        match BankProfile::load(path) {
            Ok((profile, pinned_roots)) => {
                self.profiles.push(view(
                    ProfileState::Loaded,
                    Some(profile.name.clone()),
                    Vec::new(),
                ));
                self.banks.push(LoadedBank {
                    id,
                    path: path.to_path_buf(),
                    origin,
                    profile,
                    pinned_roots,
                });
            }
            Err(ProfileError::Invalid { issues, .. }) => {
                tracing::warn!(profile = %path.display(), problems = issues.len(), "bank profile invalid");
                let issues = issues
                    .into_iter()
                    .map(|i| ProfileIssueView {
                        line: u32::try_from(i.line).unwrap_or(u32::MAX),
                        column: u32::try_from(i.column).unwrap_or(u32::MAX),
                        field: i.field,
                        ja: i.ja,
                        en: i.en,
                    })
                    .collect();
                self.profiles
                    .push(view(ProfileState::Invalid, read_name(path), issues));
            }
            Err(ProfileError::Io { source, .. }) => {
                tracing::warn!(profile = %path.display(), error = %source, "bank profile unreadable");
                self.profiles.push(view(
                    ProfileState::Unreadable,
                    None,
                    vec![whole_file(
                        format!("読めません（{source}）"),
                        format!("cannot read it ({source})"),
                    )],
                ));
            }
        }
    }
}

/// The profile id of a file: its name without `.toml`.
pub(super) fn id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(super) fn whole_file(ja: String, en: String) -> ProfileIssueView {
    ProfileIssueView {
        line: 0,
        column: 0,
        field: String::new(),
        ja,
        en,
    }
}

/// The `*.toml` files of `dir` in name order. A directory that does not exist is
/// normal (nothing deployed); one that cannot be read is reported.
fn toml_files(dir: &Path, origin: ProfileOrigin, catalog: &mut Catalog) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            catalog.profiles.push(ProfileView {
                id: String::new(),
                name: None,
                path: dir.display().to_string(),
                origin,
                state: ProfileState::Unreadable,
                issues: vec![whole_file(
                    format!("プロファイルのフォルダーを読めません（{e}）"),
                    format!("cannot read the profile folder ({e})"),
                )],
            });
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.len() > MAX_PER_DIRECTORY {
        tracing::warn!(dir = %dir.display(), found = files.len(), "too many bank profiles; reading the first {MAX_PER_DIRECTORY}");
        files.truncate(MAX_PER_DIRECTORY);
    }
    files
}

/// The `name` of a profile that does not load, when the TOML is that readable.
fn read_name(path: &Path) -> Option<String> {
    let text = super::load::read_profile_text(path).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table.get("name")?.as_str().map(str::to_owned)
}
