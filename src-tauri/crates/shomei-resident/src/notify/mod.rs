//! OS notifications for the scheduler's notices, in the user's language, and the
//! OS log entry of each. Clicking a notification calls the caller's [`OnClick`]
//! with the notice's identity (the resident starts the window on that renewal, the
//! all-in-one window process opens it), or `None` when the notice names none.
//!
//! - Linux: notify-rust over org.freedesktop.Notifications (its `d` backend, the
//!   `dbus` crate that tao already links), with a "default" action; one thread per
//!   shown notification waits for `ActionInvoked(id, "default")` or
//!   `NotificationClosed(id, _)`.
//! - Windows and macOS: not shown yet (see `other.rs`), only logged.
//!   tauri-plugin-notification has no click actions on desktop; the crates that
//!   do are tauri-winrt-notification (a toast's `on_activated`) on Windows and
//!   mac-notification-sys (`wait_for_click`) on macOS, both behind notify-rust.
//!
//! Owns: showing and logging. Must never: block the scheduler's thread.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(not(target_os = "linux"))]
mod other;

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
    #[cfg(not(target_os = "linux"))]
    {
        let _ = on_click;
        other::show(shown);
    }
}
