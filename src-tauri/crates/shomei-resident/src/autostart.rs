//! Start at login: on by default, following `Settings.autostart`, applied when the
//! resident starts and whenever the window saves the settings. The entry starts the
//! resident binary (`shomei`, [`crate::launcher::resident`]) with [`LOGIN_ARG`]: the
//! tray only, no window.
//!
//! auto-launch (what tauri-plugin-autostart wraps) writes it: on Linux
//! `~/.config/autostart/Shomei.desktop` (it takes `$HOME/.config`, whatever
//! `XDG_CONFIG_HOME` says), the `Run` key on Windows, a launch agent on macOS.

use std::path::Path;

use auto_launch::{AutoLaunch, AutoLaunchBuilder};

/// The name of the login entry (the desktop file's, the registry value's, the login item's).
pub const APP_NAME: &str = "Shomei";
/// What the login start passes: the tray only, no window.
pub const LOGIN_ARG: &str = "--tray";

fn entry(exe: &Path) -> Result<AutoLaunch, String> {
    let path = exe
        .to_str()
        .ok_or_else(|| format!("the program's path is not UTF-8: {}", exe.display()))?;
    let mut builder = AutoLaunchBuilder::new();
    builder
        .set_app_name(APP_NAME)
        .set_app_path(path)
        .set_args(&[LOGIN_ARG]);
    #[cfg(target_os = "macos")]
    builder.set_macos_launch_mode(auto_launch::MacOSLaunchMode::LaunchAgent);
    builder.build().map_err(|e| e.to_string())
}

/// Makes the login entry (starting `exe --tray`) match `wanted`; touches nothing
/// when it already does.
pub fn apply(exe: &Path, wanted: bool) -> Result<(), String> {
    let launch = entry(exe)?;
    let enabled = launch.is_enabled().map_err(|e| e.to_string())?;
    match (wanted, enabled) {
        (true, false) => launch.enable().map_err(|e| e.to_string())?,
        (false, true) => launch.disable().map_err(|e| e.to_string())?,
        _ => return Ok(()),
    }
    tracing::info!(wanted, "start at login changed");
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Under a private HOME: on writes the desktop entry starting the resident with
    /// `--tray`, off removes it, and both are idempotent.
    #[test]
    fn writes_and_removes_the_login_entry() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".config");
        // Only this test of the crate's unit tests reads these variables.
        std::env::set_var("HOME", home.path());
        std::env::set_var("XDG_CONFIG_HOME", &config);
        let entry = config.join("autostart").join(format!("{APP_NAME}.desktop"));
        let exe = Path::new("/opt/shomei/bin/shomei");
        assert!(!entry.exists());

        apply(exe, true).unwrap();
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(
            text.contains(&format!("Exec={} {LOGIN_ARG}", exe.display())),
            "{text}"
        );
        apply(exe, true).unwrap(); // already on: unchanged
        assert!(entry.exists());

        apply(exe, false).unwrap();
        assert!(!entry.exists());
        apply(exe, false).unwrap(); // already off: no error
    }
}
