//! The two binaries of one installation and how one starts the other. `shomei`
//! (this crate: the command line, the tray, the reminders) never links the
//! webview; `shomei-window` (the Tauri app) is started on demand and, started with
//! [`WINDOW_ONLY`], exits when its window closes. They are installed side by side.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The resident binary's name (without the `.exe`).
pub const RESIDENT: &str = "shomei";
/// The window binary's name (without the `.exe`).
pub const WINDOW: &str = "shomei-window";
/// Tells the window binary that a resident runs the tray and the reminders: no tray,
/// no reminders, no login entry of its own, and exit when the window closes.
pub const WINDOW_ONLY: &str = "--window-only";

/// `name` beside the running program (`shomei` ↔ `shomei-window`).
pub fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from(name));
    let dir = exe.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The resident binary of this installation.
pub fn resident() -> PathBuf {
    sibling(RESIDENT)
}

/// Where the window should look: the same bank profiles as the one who starts it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub demo_dir: Option<PathBuf>,
    pub profile: Option<PathBuf>,
}

impl Scope {
    fn args(&self) -> Vec<std::ffi::OsString> {
        let mut args = Vec::new();
        if let Some(d) = &self.demo_dir {
            args.push("--demo-dir".into());
            args.push(d.clone().into_os_string());
        }
        if let Some(p) = &self.profile {
            args.push("--profile".into());
            args.push(p.clone().into_os_string());
        }
        args
    }
}

/// The arguments of the window process: the scope, [`WINDOW_ONLY`] when a resident
/// runs, and `--open FP`.
pub fn window_args(
    scope: &Scope,
    window_only: bool,
    open: Option<&str>,
) -> Vec<std::ffi::OsString> {
    let mut args = scope.args();
    if window_only {
        args.push(WINDOW_ONLY.into());
    }
    if let Some(fp) = open {
        args.push("--open".into());
        args.push(fp.into());
    }
    args
}

/// Starts the window process. A window already open (the same scope) gets the
/// arguments instead, through its own single-instance hand-over, and the process
/// started here exits at once.
pub fn start_window(scope: &Scope, open: Option<&str>) -> std::io::Result<Child> {
    let exe = sibling(WINDOW);
    tracing::info!(exe = %exe.display(), ?open, "starting the window");
    Command::new(&exe)
        .args(window_args(scope, true, open))
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", exe.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_gets_the_scope_and_the_renewal() {
        let scope = Scope {
            demo_dir: Some("/tmp/d".into()),
            profile: None,
        };
        let args: Vec<String> = window_args(&scope, true, Some("AB:CD"))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        assert_eq!(
            args,
            ["--demo-dir", "/tmp/d", "--window-only", "--open", "AB:CD"]
        );
        let args = window_args(&Scope::default(), false, None);
        assert!(args.is_empty());
        assert!(sibling(WINDOW)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("shomei-window"));
    }
}
