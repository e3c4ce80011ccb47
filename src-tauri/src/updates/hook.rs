//! Debug builds only: the hook tests/update drives an installed .deb with.

use shomei_engine::model::UpdateStatus;
use tauri::{AppHandle, Manager};

use super::{apply, check, Updates, STATUS_EVENT};

/// Debug builds only: `SHOMEI_TEST_UPDATE=check|apply` makes this process look for
/// an update (and, with `apply`, install it, the user's 更新する given by the
/// variable) through exactly the window's path, print each status as one line of
/// JSON and its words, and exit: 0 when installed (apply) or checked (check), 1
/// otherwise. tests/update drives the installed .deb with it.
pub fn test_hook() -> Option<String> {
    std::env::var("SHOMEI_TEST_UPDATE")
        .ok()
        .filter(|v| v == "check" || v == "apply")
}

pub fn run_test_hook(app: &AppHandle, what: String) {
    use tauri::Listener;
    // Every status on its way to the window, as the window would get it.
    app.listen_any(STATUS_EVENT, |event| {
        eprintln!("shomei-update: {}", event.payload());
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if !app.state::<Updates>().enabled() {
            report(&app.state::<Updates>().status(), true);
            return app.exit(1);
        }
        let mut status = check(&app).await;
        report(&status, false);
        let mut ok = !matches!(status, UpdateStatus::Failed { .. } | UpdateStatus::Off);
        if what == "apply" {
            if let UpdateStatus::Available { version, .. } = &status {
                status = apply(&app, &version.clone()).await;
                report(&status, false);
            }
            ok = matches!(status, UpdateStatus::Installed { .. });
        }
        app.exit(if ok { 0 } else { 1 });
    });
}

/// A refusal's words in both languages (and the status itself when no event carried it).
fn report(status: &UpdateStatus, with_status: bool) {
    use shomei_engine::words::{text, Locale};
    if with_status {
        eprintln!(
            "shomei-update: {}",
            serde_json::to_string(status).unwrap_or_default()
        );
    }
    if let UpdateStatus::Failed { problem, .. } = status {
        let key = format!(
            "update.problem.{}",
            serde_json::to_value(problem)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        );
        eprintln!(
            "shomei-update: {} / {}",
            text(Locale::Ja, &key, &[]),
            text(Locale::En, &key, &[])
        );
    }
}
