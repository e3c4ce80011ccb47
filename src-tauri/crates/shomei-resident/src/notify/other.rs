//! Windows and macOS: notifications are not shown yet, only logged (and written
//! to the OS log by the caller). What would show them with a click action:
//! tauri-winrt-notification's toast `on_activated` (Windows) and
//! mac-notification-sys's `wait_for_click` (macOS), as notify-rust does.

use super::Shown;

pub fn show(shown: Shown) {
    tracing::info!(
        title = %shown.title,
        body = %shown.body,
        action = %shown.action,
        fingerprint = ?shown.fingerprint,
        "notification not shown: no OS notifications on this OS yet"
    );
}
