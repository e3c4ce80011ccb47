//! The tray: its picture ([`icon`], shared with the window binary's own tray) and,
//! on Linux, the resident's StatusNotifierItem over D-Bus ([`sni`]), which needs no
//! GTK. Its menu, in the user's language, is the only way in (many Linux trays send
//! menu events only, no clicks): 証明書を確認 / 更新する / 終了.

pub mod icon;
#[cfg(target_os = "linux")]
pub mod sni;
