//! What the window's commands share: the banks in use (swapped when the user adds
//! or removes a bank profile, or an administrator deploys one), the settings,
//! and how the app was started.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use shomei_engine::model::{AppInfo, ErrorCode, ErrorView, Settings};
use shomei_engine::{settings, words, Banks};

use crate::banks;

/// How the app was started: which profiles it may serve.
pub enum Source {
    /// The OS's places (administrator's, user's): the user may add and remove.
    Places,
    /// `--profile FILE` or the demo: exactly these, fixed for the session.
    Fixed,
}

pub struct AppState {
    banks: RwLock<Arc<Banks>>,
    source: Source,
    demo_pin: Option<String>,
    /// Shomei's configuration directory (settings.toml); `None` when the OS has none.
    config_dir: Option<PathBuf>,
    settings: Mutex<Settings>,
    /// The data folder (journal, reminders, logs): the support bundle reads it.
    data_dir: PathBuf,
}

impl AppState {
    pub fn new(banks: Banks, source: Source, demo_pin: Option<String>) -> AppState {
        let config_dir = banks::config_dir();
        let settings = config_dir
            .as_deref()
            .map(settings::load)
            .unwrap_or_default();
        AppState {
            banks: RwLock::new(Arc::new(banks)),
            source,
            demo_pin,
            config_dir,
            settings: Mutex::new(settings),
            data_dir: crate::banks::data_dir(None),
        }
    }

    /// The data folder when it is not the user's (the demo's).
    pub fn with_data_dir(mut self, data_dir: PathBuf) -> AppState {
        self.data_dir = data_dir;
        self
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The banks now in use (a renewal keeps the set it started with).
    pub fn banks(&self) -> Arc<Banks> {
        self.banks.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn save_settings(&self, wanted: Settings) -> Result<Settings, ErrorView> {
        let dir = self.config_dir.as_deref().ok_or_else(|| {
            ErrorView::of(
                ErrorCode::NotSaved,
                Some("no configuration directory".into()),
            )
        })?;
        let mut current = self.settings.lock().unwrap_or_else(|p| p.into_inner());
        let saved = settings::save(dir, wanted).map_err(|e| match e {
            settings::SaveError::Invalid(e) => {
                ErrorView::of(ErrorCode::NotSaved, Some(format!("{} / {}", e.ja, e.en)))
            }
            settings::SaveError::Io(e) => ErrorView::of(ErrorCode::NotSaved, Some(e.to_string())),
        })?;
        *current = saved.clone();
        tracing::info!("settings saved");
        Ok(saved)
    }

    /// Whether profiles may be added and removed here (not in the demo, not with
    /// `--profile FILE`).
    pub fn profiles_editable(&self) -> bool {
        matches!(self.source, Source::Places)
    }

    /// Reads the profiles again and serves what they say from now on. Refused while
    /// a renewal is running or waiting at consent 2 (it would lose its bank).
    pub fn reload(&self) -> Result<(), ErrorView> {
        if !self.profiles_editable() {
            return Ok(());
        }
        let mut current = self.banks.write().unwrap_or_else(|p| p.into_inner());
        if !current.is_idle() {
            return Err(ErrorView::of(ErrorCode::RenewalInProgress, None));
        }
        let fresh = banks::open(banks::catalog(None), None).map_err(|e| e.view())?;
        *current = Arc::new(fresh);
        Ok(())
    }

    pub fn info(&self) -> AppInfo {
        let banks = self.banks();
        let names: Vec<&str> = banks
            .engines()
            .iter()
            .map(|e| e.profile().name.as_str())
            .collect();
        let places = banks::places();
        let shown = |p: Option<PathBuf>| p.map(|p| p.display().to_string());
        AppInfo {
            bank_name: names.join("・"),
            demo: self.demo_pin.is_some(),
            demo_pin: self.demo_pin.clone(),
            usb_offered: banks.engines().iter().any(|e| e.profile().token.is_some()),
            locale: settings::locale(&self.settings(), Some(words::os_locale().tag())).to_owned(),
            needs_profile: banks.engines().is_empty(),
            user_profiles_dir: shown(places.user),
            administrator_profiles_dir: shown(places.administrator),
            profiles_editable: self.profiles_editable(),
        }
    }
}
