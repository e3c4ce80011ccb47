//! The user's settings as the UI edits them (`settings.rs` keeps them on disk).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The UI language: the OS's until the user chooses one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LanguageChoice {
    #[default]
    Os,
    Ja,
    En,
}

/// Everything the settings screen shows and changes. The tray (reminders,
/// autostart) and the updater read their part from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Settings {
    pub language: LanguageChoice,
    /// Days before expiry at which the tray reminds; `None`: each bank profile's
    /// own `reminder_days` (SPEC §1: 30, 10, 3, 1 and the expiry day).
    pub reminder_days: Option<Vec<u32>>,
    /// Start in the tray at login.
    pub autostart: bool,
    /// Look for signed updates.
    pub update_checks: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: LanguageChoice::Os,
            reminder_days: None,
            autostart: true,
            update_checks: true,
        }
    }
}
