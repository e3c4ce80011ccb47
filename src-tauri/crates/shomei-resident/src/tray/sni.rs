//! The resident's tray on Linux: a StatusNotifierItem (with its com.canonical.dbusmenu
//! menu) over the session bus, through ksni. The desktop's StatusNotifierHost shows
//! it; with none running yet (a login start before the panel) it waits for one.

use std::sync::Arc;

use ksni::blocking::{Handle, TrayMethods};
use ksni::menu::StandardItem;
use ksni::{MenuItem, ToolTip};
use shomei_engine::tray_state::{TrayLevel, TrayState};
use shomei_engine::words::{self, Locale};

use super::icon;

/// What the menu asks of the resident.
pub trait Actions: Send + Sync {
    /// 証明書を確認: the window on the list.
    fn open(&self);
    /// 更新する: the window on the renewal of `fingerprint`.
    fn renew(&self, fingerprint: String);
    /// 終了.
    fn quit(&self);
}

/// The item's id (`Id` property) and title.
pub const ID: &str = "shomei";
const TITLE: &str = "Shomei";

struct Item {
    state: TrayState,
    locale: Locale,
    actions: Arc<dyn Actions>,
}

impl ksni::Tray for Item {
    fn id(&self) -> String {
        ID.into()
    }

    fn title(&self) -> String {
        TITLE.into()
    }

    fn status(&self) -> ksni::Status {
        match self.state.level {
            TrayLevel::Fine => ksni::Status::Active,
            _ => ksni::Status::NeedsAttention,
        }
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        let picture = icon::picture(self.state.level);
        vec![ksni::Icon {
            width: picture.width as i32,
            height: picture.height as i32,
            data: picture.argb(),
        }]
    }

    fn tool_tip(&self) -> ToolTip {
        ToolTip {
            title: TITLE.into(),
            description: self.state.tooltip(self.locale),
            ..Default::default()
        }
    }

    /// A click, where the host sends one: the window.
    fn activate(&mut self, _x: i32, _y: i32) {
        self.actions.open();
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let locale = self.locale;
        vec![
            StandardItem {
                label: words::text(locale, "tray.open", &[]),
                activate: Box::new(|item: &mut Item| item.actions.open()),
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: words::text(locale, "tray.renew", &[]),
                // Nothing to renew (all fine, or only an expired certificate: 再取得 at
                // the bank): greyed rather than opening something else.
                enabled: self.state.renew.is_some(),
                activate: Box::new(|item: &mut Item| match item.state.renew.clone() {
                    Some(fp) => item.actions.renew(fp),
                    None => item.actions.open(),
                }),
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: words::text(locale, "tray.quit", &[]),
                activate: Box::new(|item: &mut Item| item.actions.quit()),
                ..Default::default()
            }
            .into(),
        ]
    }

    fn watcher_online(&self) {
        tracing::info!("the desktop's tray is there: the tray icon is shown");
    }

    fn watcher_offline(&self, reason: ksni::OfflineReason) -> bool {
        tracing::warn!(
            ?reason,
            "the desktop shows no tray now; notifications still come"
        );
        true
    }
}

/// The running tray item.
pub struct Tray(Handle<Item>);

impl Tray {
    /// Puts the item on the session bus, showing "fine" until the first check.
    pub fn spawn(locale: Locale, actions: Arc<dyn Actions>) -> Result<Tray, String> {
        let item = Item {
            state: TrayState::FINE,
            locale,
            actions,
        };
        item.assume_sni_available(true)
            .spawn()
            .map(Tray)
            .map_err(|e| e.to_string())
    }

    /// Shows `state` in `locale`.
    pub fn show(&self, state: TrayState, locale: Locale) {
        tracing::debug!(level = ?state.level, "tray state");
        self.0.update(|item| {
            item.state = state;
            item.locale = locale;
        });
    }
}
