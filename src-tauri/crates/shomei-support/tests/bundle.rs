//! The support bundle of a real demo (SoftHSM token, EST test CA over TLS) after a
//! wrong PIN and a renewal waiting at consent 2 (and the failures remembered for the
//! tray), with a second bank profile that
//! names a proxy with a password, all under a home folder named after the user:
//! the zip is opened and read, for what is in it and what must never be.
//! Then a data folder whose journal cannot be read: that part is an error entry,
//! and the bundle is still written.
//!
//! One test: the log's subscriber and folder belong to the whole process.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use shomei_engine::failures::Failures;
use shomei_engine::logging::{self, Config};
use shomei_engine::model::{Settings, UpdateProblem, UpdateStatus};
use shomei_engine::profile::Catalog;
use shomei_engine::updates;
use shomei_engine::{demo, Banks, Engine, Journal};
use shomei_support::{Redactor, Request};

const USER: &str = "shomeitester";
const WRONG_PIN: &str = "WrongPin-7c1d";
const PROXY_PASSWORD: &str = "Pr0xy-Secret-9f2e";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_holds_what_a_helpdesk_needs_and_no_secret() {
    if !Path::new(&shomei_store::softhsm::module_path()).exists() {
        assert!(
            !shomei_store::softhsm::required_by_environment(),
            "SoftHSM2 required (SHOMEI_REQUIRE_SOFTHSM=1) but missing"
        );
        eprintln!("\n*** SKIPPED: SoftHSM2 is not installed. ***\n");
        return;
    }
    logging::init(Config {
        console: false,
        console_ansi: false,
        filter: "trace".into(),
    });
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home").join(USER);
    let data = home.join(".local/share/shomei-demo");
    std::fs::create_dir_all(&home).unwrap();
    let demo = demo::start(&data).await.expect("demo starts");
    logging::set_directory(&data).unwrap();
    tracing::info!(folder = %home.join("x").display(), "a line naming {USER}'s home folder");

    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
        .with_bank_id("demo")
        .with_journal(Journal::open(&data.join("journal")).unwrap());
    let old = engine.list().identities[0].fingerprint.clone();
    let sink: shomei_engine::ProgressSink = std::sync::Arc::new(|_| {});
    let wrong = secrecy::SecretString::from(WRONG_PIN.to_owned());
    engine
        .start_renewal(&old, wrong, false, sink.clone())
        .await
        .expect_err("a wrong PIN");
    let pin = secrecy::SecretString::from(demo::DEMO_PIN.to_owned());
    let issued = engine
        .start_renewal(&old, pin, false, sink)
        .await
        .expect("issued, waiting at consent 2");

    // A second profile with a proxy password (it is broken: a second [network]).
    let banks_dir = home.join(".config/shomei/banks");
    std::fs::create_dir_all(&banks_dir).unwrap();
    let proxied = banks_dir.join("proxied.toml");
    std::fs::write(
        &proxied,
        format!(
            "{}\n[network]\nproxy = \"http://{USER}:{PROXY_PASSWORD}@proxy.example:3128\"\n",
            std::fs::read_to_string(data.join("bank.toml")).unwrap()
        ),
    )
    .unwrap();
    let mut views = vec![shomei_engine::model::ProfileView {
        id: "demo".into(),
        name: Some(demo.profile.name.clone()),
        path: data.join("bank.toml").display().to_string(),
        origin: shomei_engine::model::ProfileOrigin::File,
        state: shomei_engine::model::ProfileState::Loaded,
        issues: Vec::new(),
    }];
    views.extend(Catalog::single(&proxied).profiles);
    let banks = Banks::of(vec![engine], views);

    // What the window leaves for the tray: a renewal that failed (as the wrong PIN
    // above would through the app's `Banks`) and an update refused for its signature.
    let wrong_pin = shomei_engine::EngineError::Store(shomei_store::StoreError::PinIncorrect {
        retries_left: None,
        few_left: false,
        native: None,
    });
    Failures::open(&data).settle(&old, &Err::<(), _>(wrong_pin), 1_800_000_000);
    updates::remember(
        &data,
        &UpdateStatus::Failed {
            problem: UpdateProblem::BadSignature,
            version: Some("9.9.9".into()),
            detail: None,
        },
        1_800_000_000,
    );

    let out = tmp.path().join("bundle.zip");
    let summary = shomei_support::write(
        &out,
        &Request {
            app: "shomei test".into(),
            data_dir: data.clone(),
            log_dir: None,
            banks: Some(&banks),
            banks_error: None,
            settings: Some(Settings::default()),
            redactor: Redactor::new(Some(&home), Some(USER)),
        },
    )
    .expect("written");
    keep_for_the_sweep(&out);
    assert_eq!(summary.failed(), 0, "{summary:#?}");
    let files = unzip(&out);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for name in [
        "README.txt",
        "manifest.json",
        "system.txt",
        "status.json",
        "profiles.json",
        "profiles/demo.toml",
        "profiles/proxied.toml",
        "settings.json",
        "errors.txt",
    ] {
        assert!(files.contains_key(name), "{name} missing: {names:?}");
    }
    let journal = format!("journal/{}.json", issued.renewal_id);
    assert!(files.contains_key(&journal), "{journal} missing: {names:?}");
    let log = names
        .iter()
        .find(|n| n.starts_with("logs/shomei.") && n.ends_with(".log"))
        .unwrap_or_else(|| panic!("no log: {names:?}"));

    // What a helpdesk needs.
    let has = |name: &str, needle: &str| {
        assert!(
            files[name].contains(needle),
            "{needle:?} not in {name}:\n{}",
            files[name]
        )
    };
    has(
        "system.txt",
        &format!("engine: shomei-engine {}", shomei_engine::VERSION),
    );
    has("system.txt", "os: linux");
    has("status.json", &old);
    has(&journal, "\"stage\": \"issued\"");
    has(log, "code=pinIncorrect");
    has(log, "CKR_PIN_INCORRECT");
    has(log, "a line naming <user>'s home folder");
    has(log, "folder=~/x");
    has("errors.txt", "step=login");
    has("errors.txt", "proxied");
    has(
        "profiles/proxied.toml",
        "proxy = \"http://<redacted>@proxy.example:3128\"",
    );
    has("profiles/demo.toml", "label = \"Shomei Demo USB\"");
    has("failures.json", "\"pinIncorrect\"");
    has("failures.json", &old.to_ascii_lowercase());
    has("update-failed.json", "\"badSignature\"");
    has("profiles.json", "~/.config/shomei/banks/proxied.toml");
    has("README.txt", "ok    logs");
    has("manifest.json", "\"part\": \"journal\"");

    // What must never be there.
    let home_text = home.display().to_string();
    for (name, text) in &files {
        for line in text.lines() {
            // A log line's time (microseconds) could match a PIN's digits by chance.
            let line = match name.starts_with("logs/") {
                true => line.split_once(' ').map_or(line, |(_, rest)| rest),
                false => line,
            };
            for secret in [WRONG_PIN, demo::DEMO_PIN, PROXY_PASSWORD, &home_text] {
                assert!(!line.contains(secret), "{secret:?} in {name}: {line}");
            }
            assert!(
                !line.to_lowercase().contains(USER),
                "the user name in {name}: {line}"
            );
            assert!(
                !line.contains("PRIVATE KEY"),
                "a private key in {name}: {line}"
            );
        }
    }
    banks.cancel_renewal(&issued.renewal_id).expect("cancelled");

    // A part that cannot be collected is an error entry; the rest is still there.
    let broken = tmp.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("journal"), "not a folder").unwrap();
    let out = tmp.path().join("partial.zip");
    let summary = shomei_support::write(
        &out,
        &Request {
            app: "shomei test".into(),
            data_dir: broken.clone(),
            log_dir: None,
            banks: None,
            banks_error: Some(format!("{}: cannot open", broken.display())),
            settings: None,
            redactor: Redactor::new(Some(tmp.path()), Some(USER)),
        },
    )
    .expect("written despite the broken parts");
    keep_for_the_sweep(&out);
    let failed: Vec<&str> = summary
        .parts
        .iter()
        .filter(|p| p.error.is_some())
        .map(|p| p.part.as_str())
        .collect();
    assert_eq!(
        failed,
        ["status", "profiles", "journal", "settings"],
        "{summary:#?}"
    );
    let files = unzip(&out);
    assert!(
        files["journal.error.txt"].contains("~/broken/journal"),
        "{files:#?}"
    );
    assert!(
        files["status.error.txt"].contains("cannot open"),
        "{files:#?}"
    );
    assert!(
        files["README.txt"].contains("ERROR journal"),
        "{}",
        files["README.txt"]
    );
    assert!(files["README.txt"].contains("Parts (4 could not be collected)"));
    assert!(files.contains_key("system.txt") && files.contains_key("errors.txt"));
    assert!(files["errors.txt"].contains("The list could not be read"));
}

/// Under CI's leak sweep, the bundles are searched too (beside the logs it reads).
fn keep_for_the_sweep(zip: &Path) {
    if let Some(dir) = std::env::var_os(logging::COPY_ENV) {
        let name = format!(
            "support-bundle-test-{}",
            zip.file_name().unwrap().to_string_lossy()
        );
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(zip, Path::new(&dir).join(name)).unwrap();
    }
}

/// Every entry of the zip as text.
fn unzip(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        files.insert(entry.name().unwrap().into_owned(), text);
    }
    files
}
