//! The bank profile: what an administrator deploys so Shomei knows the bank.
//!
//! A TOML file (see `profiles/shinkin-example.toml` for every key, documented).
//! [`parse`] reads it in memory and reports EVERY problem at once, each with its
//! line, column and dotted key, in Japanese and English ([`ProfileIssue`]);
//! [`BankProfile::load`] also reads the pinned CA file(s) next to it.
//! Unknown keys are errors. This module only describes the bank: the rules that
//! use the window, reminders and grace days live in `rules/` / `renewal/`.

mod catalog;
mod dates;
pub mod install;
mod issue;
mod keys;
mod load;
mod network;
mod read;
mod schema;
mod tree;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use catalog::{system_directory, Catalog, LoadedBank, Places};
pub use issue::ProfileIssue;
pub use load::{read_profile_text, ProfileError};
pub use network::{CONNECT_TIMEOUT_SECONDS, TIMEOUT_SECONDS};

/// Parse a profile's text. `origin` is the file it came from: `ca_file` paths are
/// resolved against its directory (nothing is read from disk here).
pub fn parse(text: &str, origin: &Path) -> Result<BankProfile, Vec<ProfileIssue>> {
    let built = schema::build(text, origin);
    if built.issues.is_empty() {
        Ok(built.profile)
    } else {
        Err(built.issues)
    }
}

/// What to do with the replaced identity once the new one is installed and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Replaced {
    /// Delete exactly the replaced certificate (and its key if nothing else uses it).
    #[default]
    Remove,
    /// Leave it in the store.
    Keep,
}

/// The key of the renewed certificate (`key_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyPolicy {
    /// `"same"`: the algorithm and size of the current certificate's key.
    #[default]
    Same,
    /// `"rsa3072"`: at least RSA 3072 (a current RSA 2048 key becomes RSA 3072).
    Rsa3072,
    /// `"p256"`: at least ECDSA P-256.
    P256,
}

#[derive(Debug, Clone)]
pub struct BankProfile {
    /// Display name, e.g. 「しょうめい信用金庫」.
    pub name: String,
    pub est: EstSection,
    /// Whether the bank offers media storage (電子証明書媒体保管, 専用USB).
    /// `media_storage = true|false`; when absent, whether `[token]` is present.
    pub media_storage: bool,
    /// The USB token; `Some` exactly when `media_storage` is true.
    pub token: Option<TokenSection>,
    pub key_policy: KeyPolicy,
    pub renewal: RenewalSection,
    pub support: Option<SupportContact>,
    pub replaced: Replaced,
    pub pc_store: PcStoreSection,
    pub network: NetworkSection,
}

#[derive(Debug, Clone)]
pub struct EstSection {
    /// `https://…`; requests go to `{base_url}/.well-known/est[/label]/…`.
    pub base_url: String,
    /// `http_user`: the bank's EST service also wants HTTP authentication after
    /// the client certificate (RFC 7030 §3.2.3) with this user name. The password
    /// is never in the profile: the user gives it with the renewal, like the PIN.
    pub http_user: Option<String>,
    pub label: Option<String>,
    /// The pinned CA file(s) (`ca_file`, one path or a list), resolved against the
    /// profile's directory; every certificate in them is a trust anchor.
    pub ca_files: Vec<PathBuf>,
}

/// `[renewal]`: the bank's dates (SPEC §1), counted in Japan time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalSection {
    /// Days before the expiry date when renewal opens (30; 28..=40).
    pub window_opens_days: u32,
    /// On the expiry date, renewal closes at this Japan time (e.g. 09:00); `None`:
    /// open the whole day.
    pub last_day_cutoff: Option<time::Time>,
    /// Days before expiry when the tray reminds, largest first ([30, 10, 3, 1, 0]).
    pub reminder_days: Vec<u32>,
    /// Days after expiry during which re-acquisition (再取得) is still possible
    /// (0..=400; 0: after expiry only a reissue (再発行) at the bank).
    pub reacquire_grace_days: u32,
    /// Days a request may stay pending at the bank (202) before it is reported as
    /// stuck (14; 1..=90).
    pub pending_limit_days: u32,
}

pub const DEFAULT_WINDOW_OPENS_DAYS: u32 = 30;
pub const DEFAULT_REMINDER_DAYS: [u32; 5] = [30, 10, 3, 1, 0];
pub const DEFAULT_PENDING_LIMIT_DAYS: u32 = 14;

impl Default for RenewalSection {
    fn default() -> Self {
        RenewalSection {
            window_opens_days: DEFAULT_WINDOW_OPENS_DAYS,
            last_day_cutoff: None,
            reminder_days: DEFAULT_REMINDER_DAYS.to_vec(),
            reacquire_grace_days: 0,
            pending_limit_days: DEFAULT_PENDING_LIMIT_DAYS,
        }
    }
}

/// `[support]`: who the user calls (shown on errors and expired certificates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    /// Free text, e.g. 「平日 9:00〜17:00」.
    pub hours: Option<String>,
}

/// `[network]`: the way to the bank and how long an exchange may take
/// (`crate::network::est_options` turns it into the EST client's options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSection {
    /// `proxy = "system"` (default: the environment's `HTTPS_PROXY`/`NO_PROXY`, the
    /// OS's setting on Windows and macOS, the GNOME/KDE setting on Linux),
    /// `"direct"`, or `"http://[user:password@]host:port"` (checked when loading;
    /// the password never shows in `Debug`, messages or logs).
    pub proxy: shomei_est::ProxyChoice,
    /// The longest one exchange may take, answer included (60; 5..=600).
    pub timeout_seconds: u32,
    /// The longest connecting (TCP, proxy) may take (15; 1..=120, at most
    /// `timeout_seconds`).
    pub connect_timeout_seconds: u32,
}

pub const DEFAULT_TIMEOUT_SECONDS: u32 = 60;
pub const DEFAULT_CONNECT_TIMEOUT_SECONDS: u32 = 15;

impl Default for NetworkSection {
    fn default() -> Self {
        NetworkSection {
            proxy: shomei_est::ProxyChoice::System,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            connect_timeout_seconds: DEFAULT_CONNECT_TIMEOUT_SECONDS,
        }
    }
}

/// The OS store of this PC (パソコンに保存する).
#[derive(Debug, Clone)]
pub struct PcStoreSection {
    /// Whether to look there at all (the demo does not: it never reads the user's stores).
    pub enabled: bool,
    /// Linux: another NSS database than Chromium's `~/.pki/nssdb`.
    pub nss_database: Option<PathBuf>,
}

impl Default for PcStoreSection {
    fn default() -> Self {
        PcStoreSection {
            enabled: true,
            nss_database: None,
        }
    }
}

/// `[token]`: the dedicated USB token (専用USB).
#[derive(Debug, Clone, Default)]
pub struct TokenSection {
    /// PKCS#11 module per OS; the SafeNet eToken default where absent.
    pub module: ModulePaths,
    /// The token is chosen by label and/or serial number, never by slot index.
    pub label: Option<String>,
    pub serial: Option<String>,
}

/// `module = "path"` (every OS) or `module.windows/.macos/.linux = "path"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModulePaths {
    pub windows: Option<PathBuf>,
    pub macos: Option<PathBuf>,
    pub linux: Option<PathBuf>,
}

impl ModulePaths {
    /// The path given for the OS this binary runs on (other Unixes use `linux`).
    pub fn for_this_os(&self) -> Option<&PathBuf> {
        if cfg!(windows) {
            self.windows.as_ref()
        } else if cfg!(target_os = "macos") {
            self.macos.as_ref()
        } else {
            self.linux.as_ref()
        }
    }
}

impl TokenSection {
    pub fn selector(&self) -> shomei_store::pkcs11::TokenSelector {
        shomei_store::pkcs11::TokenSelector {
            label: self.label.clone(),
            serial: self.serial.clone(),
        }
    }
}

impl BankProfile {
    /// See [`parse`].
    pub fn parse(text: &str, origin: &Path) -> Result<BankProfile, Vec<ProfileIssue>> {
        parse(text, origin)
    }

    /// The PKCS#11 module for this OS when the bank offers media storage.
    pub fn module_path(&self) -> Option<PathBuf> {
        self.token.as_ref().map(|t| {
            t.module
                .for_this_os()
                .cloned()
                .unwrap_or_else(|| PathBuf::from(shomei_store::pkcs11::DEFAULT_MODULE))
        })
    }
}
