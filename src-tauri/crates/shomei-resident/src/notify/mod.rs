//! OS notifications for the scheduler's notices, in the user's language, and the
//! OS log entry of each. Clicking a notification calls the caller's [`OnClick`]
//! with the notice's identity (the resident starts the window on that renewal, the
//! all-in-one window process opens it), or `None` when the notice names none.
//!
//! - Linux: notify-rust over org.freedesktop.Notifications (its `d` backend, the
//!   `dbus` crate that tao already links), with a "default" action; one thread per
//!   shown notification waits for `ActionInvoked(id, "default")` or
//!   `NotificationClosed(id, _)`.
//! - Windows: a toast through tauri-winrt-notification, its `on_activated` the click
//!   (`windows.rs`); macOS: mac-notification-sys with `wait_for_click` (`macos.rs`).
//!   Both are compiled in CI (check-windows, check-macos), not run: no Windows or
//!   macOS desktop here. tauri-plugin-notification has no click actions on desktop.
//! - Elsewhere: only logged (`other.rs`).
//!
//! Owns: showing and logging. Must never: block the scheduler's thread.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
mod other;
#[cfg(windows)]
mod windows;

use shomei_engine::reminders::Notice;
use shomei_engine::words::{self, Locale};
use std::sync::Arc;

use crate::oslog::{self, Level};

/// What a click on a notification does: opens the renewal of the fingerprint given,
/// or the window when there is none.
pub type OnClick = Arc<dyn Fn(Option<String>) + Send + Sync>;

/// What one notification says and what its click opens.
pub struct Shown {
    pub title: String,
    pub body: String,
    /// The default action's label (servers that show it; most only make the
    /// notification clickable).
    pub action: String,
    pub fingerprint: Option<String>,
}

/// Writes `notice` to the OS log and shows it as an OS notification.
pub fn show(notice: &Notice, lang: Locale, on_click: &OnClick) {
    let (level, event) = if notice.is_failure() {
        (Level::Warning, "failure")
    } else {
        (Level::Notice, "reminder")
    };
    oslog::write_json(level, event, notice);
    let shown = Shown {
        title: notice.title(lang),
        body: notice.body(lang),
        action: words::text(lang, "notify.renewAction", &[]),
        fingerprint: notice.fingerprint().map(str::to_owned),
    };
    #[cfg(target_os = "linux")]
    linux::show(on_click.clone(), shown);
    #[cfg(windows)]
    windows::show(on_click.clone(), shown);
    #[cfg(target_os = "macos")]
    macos::show(on_click.clone(), shown);
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        let _ = on_click;
        other::show(shown);
    }
}
