//! macOS: mac-notification-sys (NSUserNotificationCenter) with `wait_for_click`, on a
//! thread of its own per notification: a click on the notification (or its action
//! button) calls the click closure.

use mac_notification_sys::{Notification, NotificationResponse};

use super::{OnClick, Shown};

/// The bundle the notifications are shown as (tauri.conf.json's identifier).
const BUNDLE: &str = "jp.shomei.desktop";

pub fn show(on_click: OnClick, shown: Shown) {
    let spawned = std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            // Set once per process; later calls say it is set already.
            let _ = mac_notification_sys::set_application(BUNDLE);
            let mut options = Notification::new();
            options.wait_for_click(true).main_button(
                mac_notification_sys::MainButton::SingleAction(&shown.action),
            );
            match mac_notification_sys::send_notification(
                &shown.title,
                None,
                &shown.body,
                Some(&options),
            ) {
                Ok(NotificationResponse::Click | NotificationResponse::ActionButton(_)) => {
                    tracing::info!("notification answered");
                    on_click(shown.fingerprint.clone());
                }
                Ok(other) => tracing::info!(?other, "notification not clicked"),
                Err(e) => tracing::warn!(error = %e, "cannot show the notification"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the notification's thread");
    }
}
