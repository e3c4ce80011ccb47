use std::path::{Path, PathBuf};

use super::*;

mod errors;
mod install;
mod network;

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/shinkin-example.toml")
}

/// A valid profile; tests append to or replace its lines.
pub(super) const BASE: &str = "name = \"テスト信用金庫\"\n\
                    [est]\n\
                    base_url = \"https://est.example.jp\"\n\
                    ca_file = \"ca.pem\"\n";

pub(super) fn issues(text: &str) -> Vec<ProfileIssue> {
    parse(text, Path::new("/etc/shomei/bank.toml")).expect_err("should be refused")
}

/// The one issue of `text`, checked for its field, line and both languages.
pub(super) fn one_issue(text: &str, field: &str, line: usize) -> ProfileIssue {
    let found = issues(text);
    assert_eq!(found.len(), 1, "{text}\n{found:#?}");
    let issue = found.into_iter().next().unwrap();
    assert_eq!(
        (issue.field.as_str(), issue.line),
        (field, line),
        "{text}\n{issue}"
    );
    assert!(!issue.ja.is_ascii(), "Japanese: {issue}");
    assert!(
        issue.en.is_ascii() || issue.en.contains('"'),
        "English: {issue}"
    );
    assert!(issue.to_string().contains(&issue.ja) && issue.to_string().contains(&issue.en));
    issue
}

#[test]
fn the_shinkin_example_loads() {
    let (p, roots) = BankProfile::load(&example_path()).unwrap();
    assert_eq!(p.name, "しょうめい信用金庫");
    assert_eq!(p.est.base_url, "https://est.shomei-shinkin.example.jp");
    assert_eq!(p.est.label.as_deref(), Some("corp"));
    assert_eq!(
        p.est.ca_files,
        [example_path().with_file_name("shinkin-example-ca.pem")]
    );
    assert_eq!(roots.len(), 1);
    assert!(p.media_storage);
    assert_eq!(p.key_policy, KeyPolicy::Same);
    assert_eq!(p.replaced, Replaced::Remove);
    let r = &p.renewal;
    assert_eq!((r.window_opens_days, r.reacquire_grace_days), (30, 90));
    assert_eq!(r.last_day_cutoff, Some(time::macros::time!(09:00)));
    assert_eq!(r.reminder_days, [30, 10, 3, 1, 0]);
    let token = p.token.as_ref().unwrap();
    assert_eq!(token.label.as_deref(), Some("SHINKIN-IB"));
    assert_eq!(
        token.module.windows.as_deref(),
        Some(Path::new("C:\\Windows\\System32\\eTPKCS11.dll"))
    );
    #[cfg(target_os = "linux")]
    assert_eq!(
        p.module_path(),
        Some(PathBuf::from("/usr/lib/libeTPkcs11.so"))
    );
    assert_eq!(
        p.support.as_ref().unwrap().phone.as_deref(),
        Some("0120-000-000")
    );
    assert!(p.pc_store.enabled);
    assert_eq!(p.network.proxy, shomei_est::ProxyChoice::System);
    assert_eq!(
        (p.network.timeout_seconds, p.network.connect_timeout_seconds),
        (60, 15)
    );
    assert_eq!(
        p.key_spec_for(shomei_store::KeyAlgorithm::Rsa { bits: 2048 }),
        Ok(shomei_store::KeySpec::Rsa2048)
    );
}

#[test]
fn loads_profile_and_pinned_ca_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let ca = shomei_testca::TestCa::generate("Profile Test CA").unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca.cert_pem()).unwrap();
    let path = dir.path().join("bank.toml");
    std::fs::write(&path, format!("{BASE}[token]\nlabel = \"Shomei Demo\"\n")).unwrap();
    let (profile, roots) = BankProfile::load(&path).unwrap();
    assert_eq!(profile.name, "テスト信用金庫");
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].as_ref(), ca.cert_der());
    assert!(profile.media_storage, "[token] present means media storage");
    assert_eq!(profile.renewal, RenewalSection::default());
    assert_eq!(profile.renewal.reminder_days, [30, 10, 3, 1, 0]);
    assert_eq!(
        profile.module_path(),
        Some(PathBuf::from(shomei_store::pkcs11::DEFAULT_MODULE))
    );
    let plain = parse(BASE, &path).unwrap();
    assert!(!plain.media_storage && plain.token.is_none() && plain.module_path().is_none());
}

#[test]
fn the_demo_profile_is_valid() {
    let text = crate::demo::profile_text(
        "https://127.0.0.1:8443",
        Path::new("C:\\softhsm\\\"x\".dll"),
        None,
    );
    let p = parse(&text, Path::new("/tmp/demo/bank.toml")).unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(p.media_storage && !p.pc_store.enabled);
    assert_eq!(
        p.module_path(),
        Some(PathBuf::from("C:\\softhsm\\\"x\".dll"))
    );
    assert_eq!(
        p.support.as_ref().and_then(|s| s.name.as_deref()),
        Some(crate::demo::DEMO_SUPPORT)
    );
    // With the demo's own PC store: that database, never this PC's.
    let text = crate::demo::profile_text(
        "https://127.0.0.1:8443",
        Path::new("/usr/lib/softhsm/libsofthsm2.so"),
        Some(Path::new("/tmp/demo \"d\"/nssdb")),
    );
    let p = parse(&text, Path::new("/tmp/demo/bank.toml")).unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(p.pc_store.enabled);
    assert_eq!(
        p.pc_store.nss_database,
        Some(PathBuf::from("/tmp/demo \"d\"/nssdb"))
    );
}

#[test]
fn module_paths_per_os_or_one_for_all() {
    let text = format!("{BASE}[token]\nserial = \"42\"\n[token.module]\nlinux = \"/opt/a.so\"\n");
    let p = parse(&text, Path::new("bank.toml")).unwrap();
    let m = &p.token.unwrap().module;
    assert_eq!(
        (m.windows.as_ref(), m.linux.as_deref()),
        (None, Some(Path::new("/opt/a.so")))
    );
    one_issue(
        &format!("{BASE}[token]\nlabel = \"x\"\nmodule.bsd = \"/a\"\n"),
        "token.module.bsd",
        7,
    );
}

#[test]
fn cutoff_may_be_a_toml_time() {
    let text = format!("{BASE}[renewal]\nlast_day_cutoff = 17:30:00\nca_file_list = 1\n");
    let issue = one_issue(&text, "renewal.ca_file_list", 7);
    assert!(issue.en.contains("unknown field"), "{issue}");
    let ok = format!("{BASE}[renewal]\nlast_day_cutoff = 17:30:00\n");
    let p = parse(&ok, Path::new("b.toml")).unwrap();
    assert_eq!(p.renewal.last_day_cutoff, Some(time::macros::time!(17:30)));
}

#[test]
fn an_http_user_says_the_bank_wants_http_authentication() {
    let path = Path::new("/etc/shomei/bank.toml");
    assert_eq!(parse(BASE, path).unwrap().est.http_user, None);
    let with = parse(&format!("{BASE}http_user = \"corp-0123\"\n"), path).unwrap();
    assert_eq!(with.est.http_user.as_deref(), Some("corp-0123"));
    for bad in ["\"\"", "\"a:b\"", "\"a\\tb\""] {
        let found = issues(&format!("{BASE}http_user = {bad}\n"));
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        assert_eq!(
            (found[0].field.as_str(), found[0].line),
            ("est.http_user", 5)
        );
    }
}
