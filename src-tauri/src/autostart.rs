//! Start at login (tauri-plugin-autostart): on by default, following
//! `Settings.autostart`, applied at start and whenever the settings are saved. The
//! login start passes [`LOGIN_ARG`], which starts Shomei in the tray with no window.
//! On Linux the plugin writes `~/.config/autostart/Shomei.desktop` (auto-launch takes
//! `$HOME/.config`, whatever `XDG_CONFIG_HOME` says).

use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use tauri_plugin_autostart::ManagerExt;

/// The name of the login entry (the desktop file's, the registry value's, the login item's).
pub const APP_NAME: &str = "Shomei";
/// What the login start passes: the tray only, no window.
pub const LOGIN_ARG: &str = "--tray";

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new()
        .app_name(APP_NAME)
        .arg(LOGIN_ARG)
        .build()
}

/// Makes the login entry match `wanted`; touches nothing when it already does.
pub fn apply<R: Runtime, M: tauri::Manager<R>>(app: &M, wanted: bool) -> Result<(), String> {
    let launch = app.autolaunch();
    let enabled = launch.is_enabled().map_err(|e| e.to_string())?;
    match (wanted, enabled) {
        (true, false) => launch.enable().map_err(|e| e.to_string())?,
        (false, true) => launch.disable().map_err(|e| e.to_string())?,
        _ => return Ok(()),
    }
    tracing::info!(wanted, "start at login changed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real plugin on Tauri's mock runtime (no window needed), under a private
    /// XDG_CONFIG_HOME: on writes the desktop entry with `--tray`, off removes it.
    #[test]
    #[cfg(target_os = "linux")]
    fn writes_and_removes_the_login_entry() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".config");
        // Only this test of the crate's unit tests reads these variables.
        std::env::set_var("HOME", home.path());
        std::env::set_var("XDG_CONFIG_HOME", &config);
        let app = tauri::test::mock_builder()
            .plugin(plugin())
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .unwrap();
        let entry = config.join("autostart").join(format!("{APP_NAME}.desktop"));
        assert!(!entry.exists());

        apply(&app, true).unwrap();
        let text = std::fs::read_to_string(&entry).unwrap();
        let exe = std::env::current_exe().unwrap();
        assert!(
            text.contains(&format!("Exec={} {LOGIN_ARG}", exe.display())),
            "{text}"
        );
        apply(&app, true).unwrap(); // already on: unchanged
        assert!(entry.exists());

        apply(&app, false).unwrap();
        assert!(!entry.exists());
        apply(&app, false).unwrap(); // already off: no error
    }
}
