//! The tray icon: its tooltip and badge show the most urgent state over every bank
//! (`shomei_engine::tray_state`, pure and tested in the core); its menu, in the
//! user's language, is the only way in on Linux (the tray gets menu events only,
//! no clicks): 証明書を確認 / 更新する / 終了.

use shomei_engine::model::IdentityListing;
use shomei_engine::settings;
use shomei_engine::tray_state::{tray_state, TrayLevel, TrayState};
use shomei_engine::words::{self, Locale};
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

const ICON: &[u8] = include_bytes!("../../icons/32x32.png");

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
    let state = tray_state(listing);
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

/// The app's icon with a badge in its lower right corner: none when fine, amber
/// when a renewal is due, red when expired or a renewal needs the user.
fn icon(level: TrayLevel) -> tauri::Result<Image<'static>> {
    let base = Image::from_bytes(ICON)?;
    let (width, height) = (base.width(), base.height());
    let mut rgba = base.rgba().to_vec();
    if let Some(color) = badge_color(level) {
        badge(&mut rgba, width, height, color);
    }
    Ok(Image::new_owned(rgba, width, height))
}

fn badge_color(level: TrayLevel) -> Option<[u8; 3]> {
    match level {
        TrayLevel::Fine => None,
        TrayLevel::RenewalDue => Some([0xE0, 0x9A, 0x00]),
        TrayLevel::Expired | TrayLevel::Failed => Some([0xD3, 0x2F, 0x2F]),
    }
}

/// Paints an opaque disc of `color` (white ring) over the lower right 40 % of an RGBA image.
fn badge(rgba: &mut [u8], width: u32, height: u32, color: [u8; 3]) {
    let size = width.min(height) as f32;
    let r = size * 0.2;
    let (cx, cy) = (width as f32 - r - 0.5, height as f32 - r - 0.5);
    for y in 0..height {
        for x in 0..width {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let fill = if d <= r - 1.5 {
                color
            } else if d <= r {
                [0xFF; 3]
            } else {
                continue;
            };
            let i = ((y * width + x) * 4) as usize;
            rgba[i..i + 4].copy_from_slice(&[fill[0], fill[1], fill[2], 0xFF]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_colours_the_lower_right_corner_only() {
        let fine = icon(TrayLevel::Fine).unwrap();
        let due = icon(TrayLevel::RenewalDue).unwrap();
        let expired = icon(TrayLevel::Expired).unwrap();
        let (w, h) = (fine.width(), fine.height());
        let px = |img: &Image<'_>, x: u32, y: u32| {
            let i = ((y * w + x) * 4) as usize;
            img.rgba()[i..i + 4].to_vec()
        };
        let corner = (w - w / 5, h - h / 5);
        assert_eq!(px(&due, corner.0, corner.1), vec![0xE0, 0x9A, 0x00, 0xFF]);
        assert_eq!(
            px(&expired, corner.0, corner.1),
            vec![0xD3, 0x2F, 0x2F, 0xFF]
        );
        assert_ne!(px(&fine, corner.0, corner.1), px(&due, corner.0, corner.1));
        // The upper left is the app's own icon in every state.
        assert_eq!(px(&fine, 2, 2), px(&due, 2, 2));
        assert_eq!(fine.rgba().len(), (w * h * 4) as usize);
        assert!(badge_color(TrayLevel::Fine).is_none());
        assert_eq!(
            badge_color(TrayLevel::Failed),
            badge_color(TrayLevel::Expired)
        );
    }
}
