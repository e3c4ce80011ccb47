//! Start at login: on by default, following `Settings.autostart`, applied when the
//! resident starts and whenever the window saves the settings. The entry starts the
//! resident binary (`shomei`, [`crate::launcher::resident`]) with [`LOGIN_ARG`]: the
//! tray only, no window.
//!
//! auto-launch (what tauri-plugin-autostart wraps) writes it: on Linux
//! `~/.config/autostart/Shomei.desktop` (it takes `$HOME/.config`, whatever
//! `XDG_CONFIG_HOME` says), the `Run` key on Windows, a launch agent on macOS.
//!
//! The .deb also installs a system-wide entry, [`SYSTEM_ENTRY`], so the tray starts at
//! the first login after a deployment even before anyone opened the app. A user's file
//! of the same name hides it (the XDG autostart rule), so where it exists "off" writes
//! a user `Shomei.desktop` with `Hidden=true`, and "on" removes that file again.

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

/// The package's system-wide login entry (src-tauri/bundle/linux/autostart.desktop).
pub const SYSTEM_ENTRY: &str = "/etc/xdg/autostart/Shomei.desktop";

/// Makes the login entry (starting `exe --tray`) match `wanted`; touches nothing
/// when it already does.
pub fn apply(exe: &Path, wanted: bool) -> Result<(), String> {
    if cfg!(target_os = "linux") && Path::new(SYSTEM_ENTRY).exists() {
        let dir = dirs::config_dir()
            .ok_or("no configuration directory (HOME is not set)")?
            .join("autostart");
        return apply_over_system_entry(&dir, wanted);
    }
    apply_own(exe, wanted)
}

/// With the package's system-wide entry: on is that entry (no user file of its name),
/// off is a user file of its name with `Hidden=true` in `user_dir`.
fn apply_over_system_entry(user_dir: &Path, wanted: bool) -> Result<(), String> {
    let own = user_dir.join(format!("{APP_NAME}.desktop"));
    let hidden = std::fs::read_to_string(&own)
        .map(|text| text.lines().any(|l| l.trim() == "Hidden=true"))
        .unwrap_or(false);
    match (wanted, hidden) {
        // On with no user file, or with auto-launch's own entry from before the package
        // (it starts the tray too); off and already hidden.
        (true, false) | (false, true) => return Ok(()),
        (true, true) => std::fs::remove_file(&own).map_err(|e| e.to_string())?,
        (false, false) => {
            std::fs::create_dir_all(user_dir).map_err(|e| e.to_string())?;
            let text = format!("[Desktop Entry]\nType=Application\nName={APP_NAME}\nHidden=true\n");
            std::fs::write(&own, text).map_err(|e| e.to_string())?;
        }
    }
    tracing::info!(
        wanted,
        "start at login changed (over the system-wide entry)"
    );
    Ok(())
}

/// Without the package's entry: auto-launch's own per-user entry.
fn apply_own(exe: &Path, wanted: bool) -> Result<(), String> {
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

    /// Under a private HOME (without the package's system-wide entry): on writes the desktop entry starting the resident with
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

        apply_own(exe, true).unwrap();
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(
            text.contains(&format!("Exec={} {LOGIN_ARG}", exe.display())),
            "{text}"
        );
        apply_own(exe, true).unwrap(); // already on: unchanged
        assert!(entry.exists());

        apply_own(exe, false).unwrap();
        assert!(!entry.exists());
        apply_own(exe, false).unwrap(); // already off: no error
    }

    /// With the package's system-wide entry: off hides it with a user file of its
    /// name, on removes that file; both idempotent; an own entry counts as on.
    #[test]
    fn hides_and_unhides_the_system_wide_entry() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("autostart");
        let own = user.join(format!("{APP_NAME}.desktop"));

        apply_over_system_entry(&user, true).unwrap(); // on: nothing to write
        assert!(!own.exists());
        apply_over_system_entry(&user, false).unwrap();
        let text = std::fs::read_to_string(&own).unwrap();
        assert!(text.starts_with("[Desktop Entry]\n"), "{text}");
        assert!(text.lines().any(|l| l == "Hidden=true"), "{text}");
        apply_over_system_entry(&user, false).unwrap(); // already off
        assert_eq!(std::fs::read_to_string(&own).unwrap(), text);
        apply_over_system_entry(&user, true).unwrap();
        assert!(!own.exists());

        // auto-launch's own entry from before the package: on leaves it, off hides.
        std::fs::write(&own, "[Desktop Entry]\nExec=/usr/bin/shomei --tray\n").unwrap();
        apply_over_system_entry(&user, true).unwrap();
        assert!(std::fs::read_to_string(&own).unwrap().contains("Exec="));
        apply_over_system_entry(&user, false).unwrap();
        assert!(std::fs::read_to_string(&own)
            .unwrap()
            .contains("Hidden=true"));
    }
}
