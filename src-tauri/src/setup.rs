//! The IPC commands of the welcome and settings screens: bank profiles (add,
//! remove, look again), the settings, and the demo.

use std::path::PathBuf;

use shomei_engine::model::{AppInfo, ErrorCode, ErrorView, ProfileOrigin, ProfileView, Settings};
use shomei_engine::profile::install;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::state::AppState;
use crate::{autostart, banks, launcher, lifecycle, validate};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    state.info()
}

/// Looks for bank profiles again (the welcome screen asks now and then, so a
/// profile an administrator deploys meanwhile is picked up without a restart).
#[tauri::command]
pub fn reload_profiles(state: State<'_, AppState>) -> Result<AppInfo, ErrorView> {
    state.reload()?;
    Ok(state.info())
}

/// The OS's file chooser, for a bank profile; `None` when the user cancels. The
/// webview itself is given no dialog permission.
#[tauri::command]
pub async fn pick_profile_file(app: AppHandle, title: String) -> Result<Option<String>, ErrorView> {
    let title = validate::text("title", &title, validate::MAX_TITLE)?.to_owned();
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("TOML", &["toml"])
        .pick_file(move |file| {
            let _ = tx.send(file.and_then(|f| f.into_path().ok()));
        });
    Ok(rx.await.ok().flatten().map(|p| p.display().to_string()))
}

/// Checks the profile at `path` and, when it loads, copies it to the user's
/// profiles and serves its bank at once. The answer says which: `state` is
/// `loaded`, or the profile as found with every problem by line and column.
#[tauri::command]
pub fn add_profile(state: State<'_, AppState>, path: String) -> Result<ProfileView, ErrorView> {
    let path = validate::profile_path(&path)?;
    let user_dir = user_dir(&state)?;
    let administrator: Vec<ProfileView> = state
        .banks()
        .profiles()
        .iter()
        .filter(|p| p.origin == ProfileOrigin::Administrator)
        .cloned()
        .collect();
    match install::add(&path, &user_dir, &administrator) {
        Ok(view) => {
            state.reload()?;
            Ok(view)
        }
        Err(refused) => Ok(refused),
    }
}

/// Removes one of the user's own profiles (never an administrator's).
#[tauri::command]
pub fn remove_profile(state: State<'_, AppState>, id: String) -> Result<AppInfo, ErrorView> {
    let id = validate::profile_id(&id)?;
    let user_dir = user_dir(&state)?;
    let ours = state.banks().profiles().iter().any(|p| {
        p.id == id
            && p.origin == ProfileOrigin::User
            && p.path.starts_with(&*user_dir.to_string_lossy())
    });
    if !ours {
        return Err(ErrorView::of(
            ErrorCode::InvalidRequest,
            Some("id: not one of the user's own profiles".into()),
        ));
    }
    if !state.banks().is_idle() {
        return Err(ErrorView::of(ErrorCode::RenewalInProgress, None));
    }
    install::remove(id, &user_dir)
        .map_err(|e| ErrorView::of(ErrorCode::NotSaved, Some(e.to_string())))?;
    state.reload()?;
    Ok(state.info())
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Saves the settings and applies what lives outside the window: start at login
/// (only for the user's own Shomei, not the demo or `--profile FILE`), and the
/// tray's language.
#[tauri::command]
pub fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, ErrorView> {
    let saved = state.save_settings(settings)?;
    if state.profiles_editable() {
        autostart::apply(&launcher::resident(), saved.autostart)
            .map_err(|e| ErrorView::of(ErrorCode::NotSaved, Some(e)))?;
    }
    lifecycle::check_now(&app);
    crate::updates::settings_changed(&app);
    Ok(saved)
}

/// 「デモを試す」: starts Shomei (the resident, which opens its window) again on its
/// embedded demo (a private token and test bank) and closes this window. Nothing of
/// the user's is touched.
#[tauri::command]
pub fn start_demo(app: AppHandle) -> Result<(), ErrorView> {
    // Said here, on screen: the demo process would only print it before it ends.
    shomei_engine::demo::check_requirements().map_err(|e| e.view())?;
    std::process::Command::new(launcher::resident())
        .arg("--demo")
        .spawn()
        .map_err(|e| ErrorView::of(ErrorCode::Internal, Some(e.to_string())))?;
    tracing::info!("restarting on the demo");
    app.exit(0);
    Ok(())
}

fn user_dir(state: &AppState) -> Result<PathBuf, ErrorView> {
    if !state.profiles_editable() {
        return Err(ErrorView::of(
            ErrorCode::NotSaved,
            Some("this session's profiles are fixed (--profile or the demo)".into()),
        ));
    }
    banks::places().user.ok_or_else(|| {
        ErrorView::of(
            ErrorCode::NotSaved,
            Some("no configuration directory".into()),
        )
    })
}
