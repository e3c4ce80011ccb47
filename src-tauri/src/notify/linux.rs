//! org.freedesktop.Notifications through notify-rust (the `dbus` crate backend).

use notify_rust::Notification;
use tauri::AppHandle;

use super::Shown;
use crate::lifecycle;

/// Shows `shown` and, on a thread of its own, waits for its click.
pub fn show(app: AppHandle, shown: Shown) {
    let spawned = std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            let handle = match Notification::new()
                .appname("Shomei")
                .summary(&shown.title)
                .body(&shown.body)
                .action("default", &shown.action)
                .show()
            {
                Ok(handle) => handle,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot show the notification (no notification service?)");
                    return;
                }
            };
            tracing::info!(id = handle.id(), "notification shown");
            // Returns on our ActionInvoked or NotificationClosed.
            handle.wait_for_action(|action| {
                tracing::info!(action, "notification answered");
                if action == "default" {
                    match &shown.fingerprint {
                        Some(fp) => lifecycle::open_renewal(&app, fp.to_owned()),
                        None => lifecycle::show_window(&app),
                    }
                }
            });
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the notification's thread");
    }
}
