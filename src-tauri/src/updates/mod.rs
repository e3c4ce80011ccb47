//! Shomei's own updates, through Tauri's updater plugin: looked for at start and
//! daily (when the settings allow), applied only when the user agrees (更新する)
//! and `shomei_engine::updates::may_apply` says no renewal could be cut in half.
//!
//! The plugin is registered only when the build carries an updater configuration
//! (a release build's `tauri.release.conf.json`: `plugins.updater.pubkey` and
//! `endpoints`); a development or demo build has none and never asks anyone for
//! anything. Whatever the configuration says, [`prepare`] makes it strict: every
//! endpoint https, the signature must name the version it was made for
//! (`requireSignedVersion`), no downgrades, no `dangerous*` switch.
//!
//! The download is verified (minisign, Shomei's public key) before it is kept, and
//! again by the plugin before it installs it (on Linux `dpkg -i` through pkexec or
//! sudo, for a copy installed from the .deb).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shomei_engine::model::{ErrorCode, ErrorView, UpdateProblem, UpdateStatus};
use shomei_engine::updates::{self, RenewalActivity};
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::state::AppState;
use crate::validate;

/// The event the window listens to: the whole [`UpdateStatus`] on every change.
pub const STATUS_EVENT: &str = "update-status";
/// How often a Shomei that keeps running looks again.
pub const CHECK_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// Progress goes to the window at most this often (a download has many chunks).
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

mod config;
#[cfg(debug_assertions)]
mod hook;

pub use config::{prepare, Setup};
#[cfg(debug_assertions)]
pub use hook::{run_test_hook, test_hook};

/// The updater's state, shared by the timer, the commands and the test hook.
pub struct Updates {
    setup: Setup,
    /// The data directory: its `journal/` (an update waits while it holds a
    /// record) and the remembered failure (`shomei_engine::updates::remembered`).
    data_dir: PathBuf,
    can_restart: bool,
    status: Mutex<UpdateStatus>,
    pending: Mutex<Option<Update>>,
    /// The version last offered that was not newer, and whether it was older
    /// (the plugin's version comparator records it; a check then says 'downgrade').
    offered: Arc<Mutex<Option<(String, bool)>>>,
    /// One check or install at a time.
    work: tokio::sync::Mutex<()>,
}

impl Updates {
    /// `data_dir`: the directory of the journal the renewals of this user write (an
    /// update waits while it holds a record), where a failure the tray must show is
    /// remembered. `can_restart`: this process can start Shomei again (it is not the
    /// window of a resident, which would live on in its old version).
    pub fn new(setup: Setup, data_dir: PathBuf, can_restart: bool) -> Updates {
        let status = match &setup {
            Setup::Refused(problem, why) => UpdateStatus::Failed {
                problem: *problem,
                version: None,
                detail: Some(why.clone()),
            },
            _ => UpdateStatus::Off,
        };
        Updates {
            setup,
            data_dir,
            can_restart,
            status: Mutex::new(status),
            pending: Mutex::new(None),
            offered: Arc::new(Mutex::new(None)),
            work: tokio::sync::Mutex::new(()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.setup == Setup::On
    }

    /// The plugin, with a version comparator that allows only newer versions and
    /// remembers an older one offered.
    pub fn plugin<R: tauri::Runtime>(
        &self,
    ) -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
        let offered = self.offered.clone();
        tauri_plugin_updater::Builder::new()
            .default_version_comparator(move |current, release| {
                let newer = release.version > current;
                if !newer {
                    *lock(&offered) =
                        Some((release.version.to_string(), release.version < current));
                }
                newer
            })
            .build()
    }

    pub fn status(&self) -> UpdateStatus {
        lock(&self.status).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn set(app: &AppHandle, status: UpdateStatus) -> UpdateStatus {
    *lock(&app.state::<Updates>().status) = status.clone();
    if let Err(e) = app.emit(STATUS_EVENT, &status) {
        tracing::warn!(error = %e, "could not deliver the update status");
    }
    status
}

fn failed(problem: UpdateProblem, version: Option<String>, detail: Option<String>) -> UpdateStatus {
    UpdateStatus::Failed {
        problem,
        version,
        detail,
    }
}

/// Looks for an update now (when this build and the settings allow).
pub async fn check(app: &AppHandle) -> UpdateStatus {
    let updates = app.state::<Updates>();
    if !updates.enabled() {
        return updates.status();
    }
    if !app.state::<AppState>().settings().update_checks {
        *lock(&updates.pending) = None;
        // Turned off: a failure remembered for the tray is moot.
        conclude(app, &UpdateStatus::Off);
        return set(app, UpdateStatus::Off);
    }
    let _work = updates.work.lock().await;
    // Installed: this process still runs the old version, and would be offered the
    // installed one again until it restarts.
    if let installed @ UpdateStatus::Installed { .. } = updates.status() {
        return installed;
    }
    *lock(&updates.offered) = None;
    let current = app.package_info().version.to_string();
    let found = match app.updater() {
        Ok(updater) => updater.check().await,
        Err(e) => Err(e),
    };
    let status = match found {
        Ok(Some(update)) if update.download_url.scheme() != "https" => failed(
            UpdateProblem::InsecureEndpoint,
            Some(update.version.clone()),
            Some(format!("download URL {} is not https", update.download_url)),
        ),
        Ok(Some(update)) => {
            let status = UpdateStatus::Available {
                current_version: current,
                version: update.version.clone(),
                notes: update.body.clone(),
            };
            *lock(&updates.pending) = Some(update);
            status
        }
        Ok(None) => match lock(&updates.offered).clone() {
            Some((older, true)) => failed(
                UpdateProblem::Downgrade,
                Some(older.clone()),
                Some(format!("the server offers {older}, older than {current}")),
            ),
            _ => UpdateStatus::UpToDate {
                current_version: current,
            },
        },
        Err(e) => failed(problem_of(&e), None, Some(e.to_string())),
    };
    if !matches!(status, UpdateStatus::Available { .. }) {
        *lock(&updates.pending) = None;
    }
    conclude(app, &status);
    set(app, status)
}

/// Downloads, verifies and installs the update the user agreed to (`version`):
/// refused while a renewal runs or the journal holds an unfinished one.
pub async fn apply(app: &AppHandle, version: &str) -> UpdateStatus {
    let updates = app.state::<Updates>();
    let _work = updates.work.lock().await;
    let Some(update) = lock(&updates.pending)
        .clone()
        .filter(|u| u.version == version)
    else {
        return failed(
            UpdateProblem::NothingToApply,
            Some(version.to_owned()),
            None,
        );
    };
    let running = !app.state::<AppState>().banks().is_idle();
    if let Err(problem) = updates::may_apply(RenewalActivity::of(
        running,
        &updates.data_dir.join("journal"),
    )) {
        let status = failed(problem, Some(update.version.clone()), None);
        conclude(app, &status);
        // Still offered: the window may ask again once the renewal is over.
        return set(app, status);
    }
    if let Err(why) = packaged() {
        return set(
            app,
            failed(
                UpdateProblem::NotPackaged,
                Some(update.version.clone()),
                Some(why),
            ),
        );
    }
    let version = update.version.clone();
    set(
        app,
        UpdateStatus::Downloading {
            version: version.clone(),
            received: 0,
            total: None,
        },
    );
    let (mut received, mut last) = (0u64, std::time::Instant::now());
    let progress = app.clone();
    let downloaded = update
        .download(
            |chunk, total| {
                received += chunk as u64;
                if last.elapsed() >= PROGRESS_EVERY {
                    last = std::time::Instant::now();
                    set(
                        &progress,
                        UpdateStatus::Downloading {
                            version: version.clone(),
                            received,
                            total,
                        },
                    );
                }
            },
            || {},
        )
        .await;
    let status = match downloaded {
        Err(e) => failed(problem_of(&e), Some(version.clone()), Some(e.to_string())),
        Ok(bytes) => {
            set(
                app,
                UpdateStatus::Installing {
                    version: version.clone(),
                },
            );
            // The package manager runs synchronously (dpkg through pkexec or sudo).
            let installed =
                tauri::async_runtime::spawn_blocking(move || update.install(bytes)).await;
            match installed {
                Ok(Ok(())) => {
                    *lock(&updates.pending) = None;
                    UpdateStatus::Installed {
                        version: version.clone(),
                        can_restart: updates.can_restart,
                    }
                }
                Ok(Err(e)) => failed(problem_of(&e), Some(version.clone()), Some(e.to_string())),
                Err(e) => failed(
                    UpdateProblem::Internal,
                    Some(version.clone()),
                    Some(e.to_string()),
                ),
            }
        }
    };
    conclude(app, &status);
    set(app, status)
}

/// Whether this copy can be replaced by the updater: on Linux, one installed from
/// Shomei's .deb (the bundler marks the binary); elsewhere the installer's own.
fn packaged() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        use tauri::utils::{config::BundleType, platform::bundle_type};
        if bundle_type() != Some(BundleType::Deb) {
            return Err(format!(
                "this copy was not installed from Shomei's .deb (bundle type {:?})",
                bundle_type()
            ));
        }
    }
    Ok(())
}

fn problem_of(e: &tauri_plugin_updater::Error) -> UpdateProblem {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => UpdateProblem::BadSignature,
        E::SignedVersionMismatch { .. } | E::MissingSignedVersion => UpdateProblem::VersionMismatch,
        E::InsecureTransportProtocol => UpdateProblem::InsecureEndpoint,
        E::Reqwest(_)
        | E::Network(_)
        | E::ReleaseNotFound
        | E::Serialization(_)
        | E::TargetNotFound(_)
        | E::TargetsNotFound(_)
        | E::UrlParse(_) => UpdateProblem::Network,
        E::PackageInstallFailed
        | E::AuthenticationFailed
        | E::InvalidUpdaterFormat
        | E::TempDirNotFound
        | E::Io(_) => UpdateProblem::InstallFailed,
        _ => UpdateProblem::Internal,
    }
}

/// Each outcome to the log (what was offered, installed or refused, and why), and
/// to the data directory when the tray must go on saying it after the window closes.
fn conclude(app: &AppHandle, status: &UpdateStatus) {
    match status {
        UpdateStatus::Failed { .. } => tracing::warn!(?status, "update"),
        _ => tracing::info!(?status, "update"),
    }
    let updates = app.state::<Updates>();
    let before = updates::remembered(&updates.data_dir);
    updates::remember(&updates.data_dir, status, shomei_engine::views::now_unix());
    // This process's own tray (without a resident) shows it now, not at its next look.
    if updates::remembered(&updates.data_dir) != before {
        crate::lifecycle::check_now(app);
    }
}

/// Looks at start and then every [`CHECK_EVERY`] while Shomei runs.
pub fn start_timer(app: &AppHandle) {
    if !app.state::<Updates>().enabled() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            check(&app).await;
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

/// The settings were saved: look now if checks are on, forget what was found if off.
pub fn settings_changed(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        check(&app).await;
    });
}

/// Where the update stands (the window asks when it loads).
#[tauri::command]
pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
    updates.status()
}

/// 更新する: the user agrees to install `version` (the one the window shows).
#[tauri::command]
pub async fn apply_update(app: AppHandle, version: String) -> Result<UpdateStatus, ErrorView> {
    let version = validate::version(&version)?;
    Ok(apply(&app, version).await)
}

/// 再起動: starts the installed version (only after an install, in a process that
/// can start Shomei again).
#[tauri::command]
pub fn restart_after_update(app: AppHandle, updates: State<'_, Updates>) -> Result<(), ErrorView> {
    match updates.status() {
        UpdateStatus::Installed {
            can_restart: true, ..
        } => {
            tracing::info!("restarting into the installed update");
            app.request_restart();
            Ok(())
        }
        _ => Err(ErrorView::of(
            ErrorCode::InvalidRequest,
            Some("restart: no installed update to restart into".into()),
        )),
    }
}
