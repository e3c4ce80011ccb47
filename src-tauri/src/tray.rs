//! The window binary's own tray, when no resident runs (Windows and macOS today,
//! Linux without a session bus; on Linux the resident's StatusNotifierItem is the
//! tray). Its tooltip and badge show the most urgent state over every bank
//! (`shomei_engine::tray_state`, pure and tested in the core); its menu, in the
//! user's language, is the only way in on Linux (the tray gets menu events only,
//! no clicks): 証明書を確認 / 更新する / 終了.

use shomei_engine::model::IdentityListing;
use shomei_engine::settings;
use shomei_engine::tray_state::{tray_state, TrayLevel, TrayState};
use shomei_engine::updates;
use shomei_engine::words::{self, Locale};
use shomei_resident::tray::icon::picture;
use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::lifecycle;
use crate::state::AppState;

const TRAY: &str = "main";
const OPEN: &str = "open";
const RENEW: &str = "renew";
const QUIT: &str = "quit";

/// Creates the tray (once, at start), showing "fine" until the first check says more.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let state = TrayState::FINE;
    let locale = locale(app);
    TrayIconBuilder::with_id(TRAY)
        .icon(icon(state.level)?)
        .tooltip(state.tooltip(locale))
        .menu(&menu(app, locale, &state)?)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu)
        .build(app)?;
    app.manage(Shown(std::sync::Mutex::new(state)));
    Ok(())
}

/// What the tray shows now (更新する opens its `renew`).
struct Shown(std::sync::Mutex<TrayState>);

/// Shows the state of `listing` (`lifecycle::on_listing`: the periodic check's and
/// the window's own listings).
pub fn show(app: &AppHandle, listing: &IdentityListing) {
    let failed_update = updates::remembered(app.state::<AppState>().data_dir());
    let state = tray_state(listing).with_update(failed_update.as_ref());
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    let locale = locale(app);
    let result = (|| {
        tray.set_icon(Some(icon(state.level)?))?;
        tray.set_tooltip(Some(state.tooltip(locale)))?;
        tray.set_menu(Some(menu(app, locale, &state)?))
    })();
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not update the tray");
    }
    tracing::debug!(level = ?state.level, "tray state");
    if let Some(shown) = app.try_state::<Shown>() {
        *shown.0.lock().unwrap_or_else(|p| p.into_inner()) = state;
    }
}

/// The language of the tray: the user's setting, else the OS's.
fn locale(app: &AppHandle) -> Locale {
    let chosen = app.state::<AppState>().settings();
    Locale::from_tag(settings::locale(&chosen, Some(words::os_locale().tag())))
}

fn menu<R: Runtime>(
    app: &AppHandle<R>,
    locale: Locale,
    state: &TrayState,
) -> tauri::Result<Menu<R>> {
    let open = MenuItem::with_id(
        app,
        OPEN,
        words::text(locale, "tray.open", &[]),
        true,
        None::<&str>,
    )?;
    // Nothing to renew (all fine, or only an expired certificate: 再取得 at the bank):
    // greyed rather than opening something else.
    let renew = MenuItem::with_id(
        app,
        RENEW,
        words::text(locale, "tray.renew", &[]),
        state.renew.is_some(),
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(
        app,
        QUIT,
        words::text(locale, "tray.quit", &[]),
        true,
        None::<&str>,
    )?;
    Menu::with_items(app, &[&open, &renew, &quit])
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    match event.id.as_ref() {
        OPEN => lifecycle::show_window(app),
        RENEW => {
            let target = app
                .try_state::<Shown>()
                .and_then(|s| s.0.lock().unwrap_or_else(|p| p.into_inner()).renew.clone());
            match target {
                Some(fp) => lifecycle::open_renewal(app, fp),
                None => lifecycle::show_window(app),
            }
        }
        QUIT => lifecycle::quit(app),
        _ => {}
    }
}

/// The app's icon with its badge for `level` (`shomei_resident::tray::icon`).
fn icon(level: TrayLevel) -> tauri::Result<Image<'static>> {
    let picture = picture(level);
    Ok(Image::new_owned(
        picture.rgba,
        picture.width,
        picture.height,
    ))
}
