//! The app's life in the tray: the window is built on demand and destroyed on close
//! (its WebKit web process exits; freed heap goes back to the OS), the app exits only
//! by 終了, a second launch hands its arguments to the first, and a timer looks at
//! the stores now and then.
//!
//! The hook for the reminder scheduler is [`check_now`]: it runs at start, every
//! [`CHECK_EVERY`] and after each renewal, over a fresh listing of all banks.

use std::sync::Mutex;
use std::time::Duration;

use shomei_engine::model::IdentityListing;
use tauri::webview::WebviewWindowBuilder;
use tauri::{AppHandle, Emitter, Manager, RunEvent, State, WindowEvent};

use crate::options;
use crate::state::AppState;
use crate::tray;

/// The window's label (the capability names it).
pub const MAIN: &str = "main";
/// Tells the window that a renewal was asked for (`--open FP`, the tray's 更新する);
/// the window takes it with `take_open_request` (so one built just now gets it too).
pub const OPEN_RENEWAL_EVENT: &str = "open-renewal";
/// How often the stores are looked at while Shomei sits in the tray.
pub const CHECK_EVERY: Duration = Duration::from_secs(30 * 60);

/// How this process was started: `window_only` (a resident runs the tray) means
/// the process ends with its window.
pub struct Mode {
    pub window_only: bool,
}

/// The renewal asked for and not yet taken by the window.
#[derive(Default)]
pub struct OpenRequest(Mutex<Option<String>>);

/// 証明書を確認: the window on the list, built again if it was closed, and focused.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        if let Err(e) = window.set_focus() {
            tracing::warn!(error = %e, "could not focus the window");
        }
        return;
    }
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        tracing::error!("no window {MAIN} in tauri.conf.json");
        return;
    };
    let built = WebviewWindowBuilder::from_config(app, config).and_then(|b| {
        b.on_navigation(|url| {
            let ours = is_ours(url);
            if !ours {
                tracing::warn!(%url, "refused to navigate away from the app's own pages");
            }
            ours
        })
        .on_new_window(|url, _| {
            tracing::warn!(%url, "refused to open a window");
            tauri::webview::NewWindowResponse::Deny
        })
        .build()
    });
    match built {
        Ok(window) => {
            let _ = window.set_focus();
        }
        Err(e) => tracing::error!(error = %e, "could not build the window"),
    }
}

/// The window shows the app's own pages (ui/dist, served by Tauri: `tauri://localhost`
/// on Linux and macOS, `http://tauri.localhost` on Windows) and nothing else.
pub fn is_ours(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// Opens the renewal of `fingerprint`: kept for the window, which is shown and told.
/// A malformed fingerprint (from `--open` or a notification) only shows the window.
pub fn open_renewal(app: &AppHandle, fingerprint: String) {
    let fingerprint = match crate::validate::fingerprint(&fingerprint) {
        Ok(fp) => fp,
        Err(e) => {
            tracing::warn!(detail = ?e.detail, "a renewal asked for with a malformed fingerprint");
            return show_window(app);
        }
    };
    tracing::info!(%fingerprint, "renewal asked for");
    *app.state::<OpenRequest>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(fingerprint.clone());
    show_window(app);
    // A window built just now is not listening yet: it takes the request when it
    // has its list (take_open_request).
    let _ = app.emit_to(MAIN, OPEN_RENEWAL_EVENT, fingerprint);
}

/// The renewal asked for, once: the window calls it when it shows the list and on
/// each [`OPEN_RENEWAL_EVENT`].
#[tauri::command]
pub fn take_open_request(request: State<'_, OpenRequest>) -> Option<String> {
    request.0.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// The screens the window reports as shown ([`ui_shown`]).
const SHOWN_SCREENS: &[&str] = &["list"];

/// The window reports that a screen is on it: `list`, once per page load, when the
/// certificate list with the stores' identities is in the DOM and painted. Logged as
/// one info line (`ui: list shown`), which bench/footprint.py times from launch. Only
/// the names in [`SHOWN_SCREENS`]; anything else is refused and not logged.
#[tauri::command]
pub fn ui_shown(what: String) -> Result<(), String> {
    match SHOWN_SCREENS.iter().find(|s| **s == what) {
        Some(screen) => {
            tracing::info!("ui: {screen} shown");
            Ok(())
        }
        None => Err(format!(
            "ui_shown: unknown screen {:?}",
            what.chars().take(32).collect::<String>()
        )),
    }
}

/// 終了: the only way out (closing the window leaves Shomei in the tray).
pub fn quit(app: &AppHandle) {
    tracing::info!("quit from the tray");
    app.exit(0);
}

/// A second `shomei` was started: it has exited, and its arguments are ours to
/// serve. `--open FP` opens that renewal; `--tray` (a login start) changes
/// nothing; anything else shows the window.
pub fn on_second_instance(app: &AppHandle, argv: Vec<String>) {
    match options::parse(argv.into_iter().skip(1)) {
        Ok(o) if o.open.is_some() => open_renewal(app, o.open.unwrap_or_default()),
        Ok(o) if o.tray => {}
        Ok(_) => show_window(app),
        Err(e) => {
            tracing::warn!("a second launch's arguments: {e}");
            show_window(app);
        }
    }
}

/// The events that keep the app alive in the tray.
pub fn on_run_event(app: &AppHandle, event: RunEvent) {
    let window_only = app.try_state::<Mode>().is_some_and(|m| m.window_only);
    match event {
        // The last window closed (`code` is None): stay in the tray, unless a
        // resident keeps the tray. `app.exit` (終了) comes with a code and is let through.
        RunEvent::ExitRequested {
            code: None, api, ..
        } if !window_only => api.prevent_exit(),
        RunEvent::WindowEvent {
            label,
            event: WindowEvent::Destroyed,
            ..
        } if label == MAIN && window_only => tracing::info!("window closed"),
        RunEvent::WindowEvent {
            label,
            event: WindowEvent::Destroyed,
            ..
        } if label == MAIN => {
            tracing::info!("window closed; Shomei stays in the tray");
            release_heap();
        }
        _ => {}
    }
}

/// Gives the heap the window freed back to the OS. glibc keeps freed memory in its
/// arenas (the tray would hold the window's peak for the whole year); musl, Windows
/// (HeapDecommit happens by itself) and macOS (magazine allocator returns pages
/// lazily) need no call.
pub fn release_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The hook for everything that looks at the stores on its own: the tray now, the
/// reminder scheduler (`Scheduler::due(now, &listing, &settings)`) when it lands.
/// Reads every bank's stores on a blocking thread.
pub fn check_now(app: &AppHandle) {
    if app.try_state::<Mode>().is_some_and(|m| m.window_only) {
        // The resident looks again when this process ends.
        return;
    }
    let app = app.clone();
    let banks = app.state::<AppState>().banks();
    tauri::async_runtime::spawn_blocking(move || {
        let listing = banks.list();
        on_listing(&app, &listing);
    });
}

/// A fresh listing of all banks (from [`check_now`] or the window's own list).
/// The scheduler's call goes here, beside the tray's.
pub fn on_listing(app: &AppHandle, listing: &IdentityListing) {
    tray::show(app, listing);
}

/// Looks at the stores every [`CHECK_EVERY`] for as long as the app runs.
pub fn start_timer(app: &AppHandle) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("shomei-check".into())
        .spawn(move || loop {
            std::thread::sleep(CHECK_EVERY);
            check_now(&app);
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the periodic check");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ui_shown_takes_only_the_known_screens() {
        assert!(super::ui_shown("list".into()).is_ok());
        for other in ["", "List", "list\nshomei: forged", "settings"] {
            assert!(super::ui_shown(other.into()).is_err(), "{other:?}");
        }
    }
}
