//! Adding the bank's profile file to the user's profiles, and removing it.

use std::path::Path;

use super::BASE;
use crate::model::{ProfileOrigin, ProfileState, ProfileView};
use crate::profile::install::{add, remove};
use crate::profile::{Catalog, Places};

fn bank_files(dir: &Path, name: &str, ca_file: &str) -> std::path::PathBuf {
    let ca = shomei_testca::TestCa::generate("Install Test CA").unwrap();
    let ca_path = dir.join(ca_file);
    std::fs::create_dir_all(ca_path.parent().unwrap()).unwrap();
    std::fs::write(&ca_path, ca.cert_pem()).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, BASE.replace("ca.pem", ca_file)).unwrap();
    path
}

fn user_catalog(user: &Path) -> Catalog {
    Catalog::load(&Places {
        administrator: None,
        user: Some(user.to_path_buf()),
        legacy_file: None,
    })
}

#[test]
fn a_good_profile_is_copied_with_its_ca_and_loads_from_the_copy() {
    let from = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let source = bank_files(from.path(), "shinkin", "certs/bank-ca.pem");
    let added = add(&source, &user.path().join("banks"), &[]).unwrap();
    assert_eq!(
        (added.id.as_str(), added.state),
        ("shinkin", ProfileState::Loaded)
    );
    assert_eq!(added.origin, ProfileOrigin::User);
    assert!(user.path().join("banks/certs/bank-ca.pem").is_file());
    // The original may go; the copy stands alone.
    drop(from);
    let catalog = user_catalog(&user.path().join("banks"));
    assert_eq!(catalog.banks.len(), 1, "{:?}", catalog.profiles);
    assert_eq!(catalog.banks[0].pinned_roots.len(), 1);
}

#[test]
fn a_broken_profile_is_not_copied_and_says_where() {
    let from = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let source = bank_files(from.path(), "broken", "ca.pem");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("https://", "http://")).unwrap();
    let refused = add(&source, user.path(), &[]).unwrap_err();
    assert_eq!(refused.state, ProfileState::Invalid);
    let issue = &refused.issues[0];
    assert!(issue.line > 0 && issue.column > 0, "{issue:?}");
    assert!(issue.ja.contains("https://") && issue.en.contains("https://"));
    assert_eq!(
        std::fs::read_dir(user.path()).unwrap().count(),
        0,
        "nothing copied"
    );
}

#[test]
fn refuses_what_is_not_a_profile_a_missing_file_and_a_ca_outside_its_folder() {
    let from = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let pem = from.path().join("ca.pem");
    std::fs::write(&pem, "x").unwrap();
    let not_toml = add(&pem, user.path(), &[]).unwrap_err();
    assert!(not_toml.issues[0].en.contains(".toml"));
    let missing = add(&from.path().join("gone.toml"), user.path(), &[]).unwrap_err();
    assert_eq!(missing.state, ProfileState::Unreadable);
    let inner = from.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let source = bank_files(&inner, "outside", "../outside-ca.pem");
    let outside = add(&source, user.path(), &[]).unwrap_err();
    assert!(
        outside.issues[0].en.contains("not in the profile's folder"),
        "{outside:?}"
    );
    assert_eq!(std::fs::read_dir(user.path()).unwrap().count(), 0);
}

#[test]
fn never_overwrites_another_banks_ca_file_nor_shadows_an_administrators() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    add(&bank_files(one.path(), "first", "ca.pem"), user.path(), &[]).unwrap();
    let clash = add(
        &bank_files(two.path(), "second", "ca.pem"),
        user.path(),
        &[],
    )
    .unwrap_err();
    assert!(clash.issues[0].en.contains("same name"), "{clash:?}");
    assert!(!user.path().join("second.toml").exists());
    // The first bank still loads with its own CA.
    assert_eq!(user_catalog(user.path()).banks.len(), 1);

    let admin = ProfileView {
        id: "third".into(),
        name: Some("x".into()),
        path: "/etc/shomei/banks.d/third.toml".into(),
        origin: ProfileOrigin::Administrator,
        state: ProfileState::Loaded,
        issues: Vec::new(),
    };
    let source = bank_files(two.path(), "third", "third-ca.pem");
    let shadowed = add(&source, user.path(), &[admin]).unwrap_err();
    assert_eq!(shadowed.state, ProfileState::OverriddenByAdministrator);
    assert!(!user.path().join("third.toml").exists());
}

#[test]
fn adding_again_replaces_and_remove_takes_only_that_profile() {
    let from = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let source = bank_files(from.path(), "bank", "ca.pem");
    add(&source, user.path(), &[]).unwrap();
    let renamed = std::fs::read_to_string(&source)
        .unwrap()
        .replace("テスト信用金庫", "新しい信用金庫");
    std::fs::write(&source, renamed).unwrap();
    let again = add(&source, user.path(), &[]).unwrap();
    assert_eq!(again.name.as_deref(), Some("新しい信用金庫"));
    // Adding the copy itself is harmless.
    add(&user.path().join("bank.toml"), user.path(), &[]).unwrap();

    for bad in ["", "..", "../bank", "a/b"] {
        assert!(remove(bad, user.path()).is_err(), "{bad:?}");
    }
    remove("bank", user.path()).unwrap();
    assert!(user_catalog(user.path()).profiles.is_empty());
    assert!(remove("bank", user.path()).is_err(), "already gone");
}

#[test]
fn reads_only_a_plain_file_of_a_profiles_size() {
    let from = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let folder = from.path().join("folder.toml");
    std::fs::create_dir(&folder).unwrap();
    let huge = from.path().join("huge.toml");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(crate::profile::install::MAX_PROFILE_BYTES + 1)
        .unwrap();
    let mut refused = vec![folder, huge];
    for typed in ["bank.toml", "../bank.toml"] {
        let view = add(std::path::Path::new(typed), user.path(), &[]).unwrap_err();
        assert!(view.issues[0].en.contains("full location"), "{view:?}");
    }
    let climbing = from.path().join("x").join("..").join("bank.toml");
    let view = add(&climbing, user.path(), &[]).unwrap_err();
    assert!(view.issues[0].en.contains("full location"), "{view:?}");
    #[cfg(unix)]
    {
        // A FIFO would block the read for ever.
        let fifo = from.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        refused.push(fifo);
    }
    for path in refused {
        let view = add(&path, user.path(), &[]).unwrap_err();
        assert_eq!(view.state, ProfileState::Unreadable, "{path:?}");
        assert!(
            view.issues[0].en.contains("not a bank profile file"),
            "{view:?}"
        );
    }
    assert_eq!(std::fs::read_dir(user.path()).unwrap().count(), 0);
}

/// Where the CA file would go there is a FIFO: reading it back to compare would block
/// for ever (found by the profile_dir fuzz target's kind of tree). It is refused, and
/// neither it nor the profile is replaced.
#[cfg(unix)]
#[test]
fn a_special_file_where_the_ca_copy_goes_is_refused_not_read() {
    let from = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let source = bank_files(from.path(), "shinkin", "ca.pem");
    let fifo = user.path().join("ca.pem");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let refused = add(&source, user.path(), &[]).unwrap_err();
    assert_eq!(refused.state, ProfileState::Invalid);
    assert!(
        refused.issues[0].en.contains("is not a plain file"),
        "{refused:?}"
    );
    assert!(
        refused.issues[0].ja.contains("上書きしません"),
        "{refused:?}"
    );
    let left: Vec<_> = std::fs::read_dir(user.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the FIFO");
    assert!(!std::fs::metadata(&fifo).unwrap().is_file());
}
