//! Which bank profiles the app and the command line serve, and where the
//! journal lives: the OS's places, the demo's, or exactly one `--profile FILE`.

use std::path::{Path, PathBuf};

use shomei_engine::demo::Demo;
use shomei_engine::failures::Failures;
use shomei_engine::model::{ProfileOrigin, ProfileState, ProfileView};
use shomei_engine::profile::{system_directory, Catalog, Places};
use shomei_engine::words::{self, Locale};
use shomei_engine::{Banks, Engine, EngineError, Journal};

/// Names another directory as the administrator's (tests, and an IT department
/// trying a profile before deploying it). It changes nothing for other users:
/// what it names is read with this user's rights, like the user's own profiles.
pub const SYSTEM_BANKS_ENV: &str = "SHOMEI_SYSTEM_BANKS_DIR";

/// `--profile FILE`: exactly that file. Otherwise the administrator's directory,
/// the user's `shomei/banks/`, and the older single `shomei/bank.toml`.
pub fn catalog(profile: Option<&Path>) -> Catalog {
    match profile {
        Some(file) => Catalog::single(file),
        None => Catalog::load(&places()),
    }
}

/// Where the administrator's and the user's profiles are.
pub fn places() -> Places {
    let config = config_dir();
    Places {
        administrator: Some(
            std::env::var_os(SYSTEM_BANKS_ENV).map_or_else(system_directory, PathBuf::from),
        ),
        user: config.as_ref().map(|d| d.join("banks")),
        legacy_file: config.map(|d| d.join("bank.toml")),
    }
}

/// The name of Shomei's own directories under the user's configuration and data
/// directories. Debug builds (development, the README's demo) use their own, so they
/// never share settings, profiles, the journal or the single-instance names with an
/// installed release; the window gives them their own Tauri identifier too.
pub const DIR_NAME: &str = if cfg!(debug_assertions) {
    "shomei-dev"
} else {
    "shomei"
};

/// Shomei's configuration directory for this user (`…/shomei`, or `…/shomei-dev` in
/// a debug build): the user's bank profiles and settings.toml.
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(DIR_NAME))
}

/// What to say when no profile was found at all: where profiles go.
pub fn none_found(lang: Locale) -> String {
    let places = places();
    let shown = |p: &Option<PathBuf>| {
        p.as_ref()
            .map_or_else(String::new, |p| p.display().to_string())
    };
    words::text(
        lang,
        "cli.noProfile",
        &[
            ("user", &shown(&places.user)),
            ("admin", &shown(&places.administrator)),
        ],
    )
}

/// Says on stderr what is wrong with the profiles of `catalog` (each issue by line
/// and column, ja and en), and where profiles go when there is none: for whoever
/// started the app from a terminal (the window shows the same).
pub fn report_problems(catalog: &Catalog) {
    for p in catalog
        .profiles
        .iter()
        .filter(|p| p.state != ProfileState::Loaded)
    {
        for i in &p.issues {
            eprintln!(
                "shomei: {}:{}:{} {} / {}",
                p.path, i.line, i.column, i.ja, i.en
            );
        }
    }
    if catalog.banks.is_empty() {
        eprintln!("shomei: {}", none_found(words::os_locale()));
    }
}

/// Every loaded bank of `catalog`, journaled in the user's journal directory.
/// Failed renewals are remembered in the data directory (`failures.json`).
pub fn open(catalog: Catalog, demo_dir: Option<&Path>) -> Result<Banks, EngineError> {
    Ok(Banks::open(catalog, &journal_dir(demo_dir))?
        .with_failures(Failures::open(&data_dir(demo_dir))))
}

/// The demo's one bank, journaled in the demo's directory.
pub fn demo(demo: &Demo, dir: &Path) -> Result<Banks, EngineError> {
    let engine = Engine::new(demo.profile.clone(), demo.pinned_roots.clone())
        .with_bank_id("demo")
        .with_journal(Journal::open(&journal_dir(Some(dir)))?);
    let view = ProfileView {
        id: "demo".into(),
        name: Some(demo.profile.name.clone()),
        path: dir.join("bank.toml").display().to_string(),
        origin: ProfileOrigin::File,
        state: ProfileState::Loaded,
        issues: Vec::new(),
    };
    Ok(Banks::of(vec![engine], vec![view]).with_failures(Failures::open(dir)))
}

/// Where unfinished renewals are journaled: the demo's own directory, or the
/// user's local data directory (never roaming: a record names local keys).
pub fn journal_dir(demo_dir: Option<&Path>) -> PathBuf {
    data_dir(demo_dir).join("journal")
}

/// The directory that holds `journal/`, the reminders' memory (`reminders.json`)
/// and the failed renewals' (`failures.json`): the demo's own, or the user's
/// local data directory.
pub fn data_dir(demo_dir: Option<&Path>) -> PathBuf {
    match demo_dir {
        Some(dir) => dir.to_path_buf(),
        None => dirs::data_local_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(DIR_NAME),
    }
}
