//! The seam between a clicked notification and the window: open the renewal of
//! one identity. (The tray's branch has its own way of building the window on
//! demand and the same "open-renewal" event; the two meet here at merge.)
//! Only Linux's notifications call it yet, hence the allowance elsewhere.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use tauri::{AppHandle, Emitter, Manager};

/// The UI event that makes the window start an identity's renewal; its payload
/// is the certificate's fingerprint.
pub const OPEN_RENEWAL_EVENT: &str = "open-renewal";

/// Shows the main window and asks it to start the renewal of `fingerprint`.
pub fn open_renewal(app: &AppHandle, fingerprint: &str) {
    tracing::info!(%fingerprint, "opening the renewal from a notification");
    show_window(app);
    if let Err(e) = app.emit(OPEN_RENEWAL_EVENT, fingerprint) {
        tracing::warn!(error = %e, "could not ask the window to open the renewal");
    }
}

/// Shows and focuses the main window.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    } else {
        tracing::warn!("no window to show");
    }
}
