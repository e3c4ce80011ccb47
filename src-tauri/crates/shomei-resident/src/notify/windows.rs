//! Windows: a toast through tauri-winrt-notification (WinRT `ToastNotification`), whose
//! `Activated` event is the click. The toast is shown under PowerShell's app id until an
//! installer registers Shomei's own (AUMID with a Start menu shortcut, issue 13): an
//! unregistered id shows nothing on Windows 10/11.

use tauri_winrt_notification::Toast;

use super::{OnClick, Shown};

pub fn show(on_click: OnClick, shown: Shown) {
    let fingerprint = shown.fingerprint.clone();
    let result = Toast::new(Toast::POWERSHELL_APP_ID)
        .title(&shown.title)
        .text1(&shown.body)
        .on_activated(move |_action| {
            tracing::info!("notification answered");
            on_click(fingerprint.clone());
            Ok(())
        })
        .show();
    match result {
        Ok(()) => tracing::info!("notification shown"),
        Err(e) => tracing::warn!(error = %e, "cannot show the notification"),
    }
}
