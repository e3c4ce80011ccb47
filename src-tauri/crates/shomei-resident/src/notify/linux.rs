//! org.freedesktop.Notifications through notify-rust (the `dbus` crate backend).

use super::{OnClick, Shown};
use notify_rust::Notification;

/// Shows `shown` and, on a thread of its own, waits for its click.
pub fn show(on_click: OnClick, shown: Shown) {
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
                    on_click(shown.fingerprint.clone());
                }
            });
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the notification's thread");
    }
}
