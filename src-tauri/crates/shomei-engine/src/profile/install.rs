//! Adding a bank's profile to the user's own profiles, and removing one: what
//! the welcome and settings screens do with the file the bank gave.
//!
//! A profile is checked where it is, with the CA file(s) it names, before
//! anything is copied; a profile with problems is never copied, and its problems
//! come back by line and column. The copy keeps the profile's file name (its id)
//! and puts each CA file it names by a relative path at the same relative path
//! beside it, so the copy loads exactly as the original did.
//!
//! Owns: the user's profile directory's contents.
//! Must never: copy a profile that does not load, overwrite another profile's CA
//! file, touch an administrator's profile, or leave half a copy (each file is
//! replaced in one step, CA files before the profile that names them).

use std::path::{Component, Path, PathBuf};

use super::catalog::{id_of, whole_file};
use super::Catalog;
use crate::atomic_file;
use crate::model::{ProfileOrigin, ProfileState, ProfileView};

/// A bank profile is a few kilobytes; a file larger than this is not read.
pub const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// Checks the profile at `source` and copies it into `user_dir`. `Ok`: the copy,
/// loaded. `Err`: the profile as found, with every problem (nothing copied).
pub fn add(
    source: &Path,
    user_dir: &Path,
    administrator: &[ProfileView],
) -> Result<ProfileView, ProfileView> {
    let refuse = |state, ja: String, en: String| ProfileView {
        id: id_of(source),
        name: None,
        path: source.display().to_string(),
        origin: ProfileOrigin::File,
        state,
        issues: vec![whole_file(ja, en)],
    };
    if source.extension().and_then(|e| e.to_str()) != Some("toml") {
        return Err(refuse(
            ProfileState::Invalid,
            "銀行プロファイル（拡張子 .toml のファイル）を選んでください。".into(),
            "Choose a bank profile (a file ending in .toml).".into(),
        ));
    }
    // A place typed in is taken only in full: a relative path would be read from
    // wherever Shomei happens to run, and `..` is never needed.
    if !source.is_absolute() || source.components().any(|c| c == Component::ParentDir) {
        return Err(refuse(
            ProfileState::Unreadable,
            "ファイルの場所を、フォルダーを省略せずに入力してください（「..」は使えません）。"
                .into(),
            "Type the file's full location, with every folder (no \"..\").".into(),
        ));
    }
    // Only a plain file of a profile's size is read: not a FIFO or a device that
    // would never end, not a directory that happens to end in .toml.
    match std::fs::metadata(source) {
        Ok(m) if !m.is_file() || m.len() > MAX_PROFILE_BYTES => {
            return Err(refuse(
                ProfileState::Unreadable,
                "銀行プロファイルのファイルではありません（フォルダーや特殊なファイル、または大きすぎるファイルです）。".into(),
                "This is not a bank profile file (a folder, a special file, or far too large).".into(),
            ));
        }
        _ => {}
    }
    let mut found = Catalog::single(source);
    let Some(bank) = found.banks.pop() else {
        return Err(found.profiles.pop().unwrap_or_else(|| {
            refuse(
                ProfileState::Unreadable,
                "読めません。".into(),
                "Cannot read it.".into(),
            )
        }));
    };
    if let Some(admin) = administrator.iter().find(|p| p.id == bank.id) {
        return Err(refuse(
            ProfileState::OverriddenByAdministrator,
            format!(
                "管理者が同じ名前の銀行プロファイル（{}）を配布しています。そちらが使われるため、追加しません。",
                admin.path
            ),
            format!(
                "An administrator deployed a bank profile of the same name ({}); it is the one used, so this one is not added.",
                admin.path
            ),
        ));
    }
    let source_dir = source.parent().unwrap_or(Path::new("."));
    let mut copies = Vec::new();
    for ca in &bank.profile.est.ca_files {
        let Ok(relative) = ca.strip_prefix(source_dir) else {
            continue; // an absolute path: read from where it is, like the original
        };
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(refuse(
                ProfileState::Invalid,
                format!("CA ファイル {} がプロファイルと同じフォルダーにないため、追加できません。銀行または管理者にお問い合わせください。", relative.display()),
                format!("The CA file {} is not in the profile's folder, so the profile cannot be added; ask your bank or administrator.", relative.display()),
            ));
        }
        copies.push((ca.clone(), user_dir.join(relative)));
    }
    let io = |e: std::io::Error| {
        refuse(
            ProfileState::Unreadable,
            format!("コピーできません（{e}）。"),
            format!("Cannot copy it ({e})."),
        )
    };
    let target = user_dir.join(source.file_name().unwrap_or_default());
    for (from, to) in &copies {
        let bytes = std::fs::read(from).map_err(io)?;
        // Only a plain file is read back: a FIFO of that name would block the read.
        if std::fs::metadata(to).is_ok_and(|m| !m.is_file()) {
            return Err(refuse(
                ProfileState::Invalid,
                format!("{} はファイルではありません（フォルダーや特殊なファイルです）。上書きしません。", to.display()),
                format!("{} is not a plain file (a folder or a special file); it is not overwritten.", to.display()),
            ));
        }
        match std::fs::read(to) {
            Ok(existing) if existing == bytes => continue,
            Ok(_) if !same_file(from, to) => {
                return Err(refuse(
                    ProfileState::Invalid,
                    format!("別の銀行プロファイルの CA ファイルが同じ名前（{}）で保存されています。上書きしません。", to.display()),
                    format!("Another bank profile's CA file has the same name ({}); it is not overwritten.", to.display()),
                ));
            }
            _ => atomic_file::replace(to, &bytes).map_err(io)?,
        }
    }
    if !same_file(source, &target) {
        let text = std::fs::read(source).map_err(io)?;
        atomic_file::replace(&target, &text).map_err(io)?;
    }
    let mut copied = Catalog::single(&target);
    let mut view = copied
        .profiles
        .pop()
        .ok_or_else(|| io(std::io::ErrorKind::NotFound.into()))?;
    view.origin = ProfileOrigin::User;
    tracing::info!(profile = %target.display(), "bank profile added");
    if view.state == ProfileState::Loaded {
        Ok(view)
    } else {
        Err(view)
    }
}

/// Removes the user's profile `id` from `user_dir` (its CA files stay: another
/// profile may name them). An administrator's profile is never touched.
pub fn remove(id: &str, user_dir: &Path) -> std::io::Result<PathBuf> {
    let name = Path::new(id);
    let plain = name.components().count() == 1
        && matches!(name.components().next(), Some(Component::Normal(_)));
    if !plain || id.is_empty() {
        return Err(std::io::ErrorKind::InvalidInput.into());
    }
    let path = user_dir.join(format!("{id}.toml"));
    std::fs::remove_file(&path)?;
    tracing::info!(profile = %path.display(), "bank profile removed");
    Ok(path)
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}
