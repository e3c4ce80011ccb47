//! The Linux desktop's proxy setting, which reqwest's system proxy does not read
//! (it reads `HTTPS_PROXY`/`NO_PROXY` everywhere, and the OS's setting only on
//! Windows and macOS).
//!
//! Used for [`crate::ProxyChoice::System`] on Linux, and only when the environment
//! names no proxy for https (`HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, `all_proxy`):
//! the environment wins, as it does for curl and reqwest.
//! The desktop is chosen by `XDG_CURRENT_DESKTOP`:
//! - GNOME and the desktops sharing its settings (Unity, Cinnamon, MATE, Budgie,
//!   Pantheon): one run of `gsettings list-recursively org.gnome.system.proxy`
//!   (bounded by [`GSETTINGS_TIMEOUT`]). Mode `manual`: the `https` host and port, or
//!   as GLib does when that is empty the `http` one (with its user and password when
//!   `use-authentication` is set); `ignore-hosts` become the no-proxy list.
//! - KDE: `[Proxy Settings]` of `kioslaverc` (`$XDG_CONFIG_HOME` or `~/.config`, over
//!   the `$XDG_CONFIG_DIRS` copies): `ProxyType=1` (manual), `httpsProxy`
//!   (`http://host port` or `http://host:port`), `NoProxyFor`.
//!
//! Automatic configuration (a PAC script, WPAD), SOCKS, KDE's "reversed"
//! exceptions and unusable values are not supported: a warning says so and the
//! connection goes as if the desktop said nothing (direct, or the environment's).
//! A no-proxy entry's port (`host:8080`) is dropped: that host is then reached
//! directly on every port. `NO_PROXY` from the environment is added to the list.
//!
//! Everything the lookup reads comes through a [`ProxyEnvironment`], so tests give
//! their own instead of changing the process's (tests run on parallel threads).
//! The parsing is pure functions; only [`system_proxy`] runs a program or reads a file.

// The lookup runs on Linux only; the parsers are compiled (and tested) everywhere.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::proxy_url::ProxyAddress;

mod gnome;
mod kde;

// Only the Linux lookup uses them outside the tests.
#[cfg_attr(not(target_os = "linux"), allow(unused_imports))]
pub(crate) use gnome::*;
#[cfg_attr(not(target_os = "linux"), allow(unused_imports))]
pub(crate) use kde::*;

/// The longest `gsettings` may take before the desktop's setting is given up on.
pub const GSETTINGS_TIMEOUT: Duration = Duration::from_secs(3);

/// Larger `gsettings` output or `kioslaverc` files are not read.
const MAX_SETTINGS_BYTES: usize = 256 * 1024;

/// The environment variables the proxy lookup reads (and `gsettings` runs with).
/// [`ProxyEnvironment::from_process`] in the app; tests build their own.
#[derive(Clone, Default)]
pub struct ProxyEnvironment {
    vars: BTreeMap<OsString, OsString>,
}

impl ProxyEnvironment {
    /// A copy of this process's environment.
    pub fn from_process() -> ProxyEnvironment {
        ProxyEnvironment {
            vars: std::env::vars_os().collect(),
        }
    }

    /// No variables at all.
    pub fn empty() -> ProxyEnvironment {
        ProxyEnvironment::default()
    }

    /// The same with `key` set to `value`.
    pub fn with(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.vars.insert(key.into(), value.into());
        self
    }

    /// The same without `key`.
    pub fn without(mut self, key: impl AsRef<OsStr>) -> Self {
        self.vars.remove(key.as_ref());
        self
    }

    /// A variable's value, if set and valid UTF-8.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(OsStr::new(key)).and_then(|v| v.to_str())
    }

    fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.trim().is_empty())
    }
}

impl fmt::Debug for ProxyEnvironment {
    /// Names only: values may hold a proxy password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

/// The desktops whose proxy setting is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Desktop {
    /// `org.gnome.system.proxy`, through `gsettings`.
    Gnome,
    /// `kioslaverc`.
    Kde,
}

impl fmt::Display for Desktop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Desktop::Gnome => "GNOME",
            Desktop::Kde => "KDE",
        })
    }
}

/// `XDG_CURRENT_DESKTOP` is a `:`-separated list, most specific first
/// (`ubuntu:GNOME`, `KDE`, `X-Cinnamon`).
pub(crate) fn desktop(xdg_current_desktop: &str) -> Option<Desktop> {
    xdg_current_desktop.split(':').find_map(|name| {
        match name.trim().to_ascii_lowercase().as_str() {
            "kde" => Some(Desktop::Kde),
            "gnome" | "gnome-classic" | "gnome-flashback" | "unity" | "x-cinnamon" | "cinnamon"
            | "mate" | "budgie" | "budgie-desktop" | "pantheon" => Some(Desktop::Gnome),
            _ => None,
        }
    })
}

/// What a desktop's setting says for https.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Setting {
    /// No proxy (or none for https).
    Direct,
    Manual(DesktopProxy),
    /// Set, but to something not supported or not usable: why, for the log.
    Unusable(String),
}

/// A manual proxy from the desktop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DesktopProxy {
    pub address: ProxyAddress,
    /// Entries for [`reqwest::NoProxy`] (hosts, domains as `.example.com`, IPs, CIDRs).
    pub no_proxy: Vec<String>,
}

/// Whether the environment already names a proxy for https (reqwest uses it).
pub(crate) fn environment_names_a_proxy(env: &ProxyEnvironment) -> bool {
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .any(|k| env.non_empty(k).is_some())
}

/// The desktop's manual proxy as a reqwest proxy, when [`crate::ProxyChoice::System`]
/// should use it (Linux, nothing in the environment). `None`: let reqwest decide
/// (the environment, or direct). Logs what it found.
pub(crate) fn system_proxy(env: &ProxyEnvironment) -> Option<reqwest::Proxy> {
    #[cfg(target_os = "linux")]
    {
        if environment_names_a_proxy(env) {
            return None;
        }
        let desktop = desktop(env.get("XDG_CURRENT_DESKTOP").unwrap_or(""))?;
        let setting = match desktop {
            Desktop::Gnome => match run_gsettings(env) {
                Ok(listing) => gnome_setting(&listing),
                Err(why) => {
                    tracing::debug!("GNOME proxy setting not read: {why}");
                    return None;
                }
            },
            Desktop::Kde => {
                let files: Vec<String> = kioslaverc_paths(env)
                    .iter()
                    .filter_map(|p| read_small(p))
                    .collect();
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                kde_setting(&files)
            }
        };
        to_reqwest(
            desktop,
            setting,
            env.get("NO_PROXY").or(env.get("no_proxy")),
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = env;
        None
    }
}

/// The reqwest proxy for a setting, or `None` (logged) when it cannot be used.
fn to_reqwest(
    desktop: Desktop,
    setting: Setting,
    env_no_proxy: Option<&str>,
) -> Option<reqwest::Proxy> {
    let mut found = match setting {
        Setting::Direct => return None,
        Setting::Unusable(why) => {
            tracing::warn!(
                "the {desktop} desktop's proxy setting is not supported ({why}): \
                 connecting without it (directly, or through HTTPS_PROXY if set)"
            );
            return None;
        }
        Setting::Manual(found) => found,
    };
    if let Some(list) = env_no_proxy {
        found.no_proxy.extend(no_proxy_list(list.split(',')));
    }
    let no_proxy = found.no_proxy.join(",");
    match reqwest::Proxy::https(found.address.url().expose_secret()) {
        Ok(proxy) => {
            tracing::info!(
                "using the {desktop} desktop's proxy {} (not for: {no_proxy})",
                found.address
            );
            Some(proxy.no_proxy(reqwest::NoProxy::from_string(&no_proxy)))
        }
        Err(e) => {
            tracing::warn!(
                "the {desktop} desktop's proxy {} is not usable ({e}): connecting without it",
                found.address
            );
            None
        }
    }
}

// --- no-proxy lists ----------------------------------------------------------------------

/// Entries of a desktop's no-proxy list in the form reqwest matches; entries it
/// cannot express (`<local>`, `192.168.*`, garbage) are left out.
pub(crate) fn no_proxy_list<'a>(entries: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    entries.into_iter().filter_map(no_proxy_entry).collect()
}

/// One entry: `*.example.com` → `.example.com`; `host:port` and `[v6]:port` lose the
/// port; IPs, CIDRs (`10.0.0.0/8`, `fe80::/10`) and `*` stay.
pub(crate) fn no_proxy_entry(raw: &str) -> Option<String> {
    let mut entry = raw.trim();
    for quote in ['"', '\''] {
        if entry.len() >= 2 && entry.starts_with(quote) && entry.ends_with(quote) {
            entry = entry[1..entry.len() - 1].trim();
        }
    }
    if entry.is_empty() {
        return None;
    }
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || ",;\"'@/\\?#<>".contains(c);
    let host = if let Some(inner) = entry.strip_prefix('[') {
        // [IPv6] or [IPv6]:port
        let (inner, rest) = inner.split_once(']')?;
        if !(rest.is_empty() || is_port(rest.strip_prefix(':')?)) {
            return None;
        }
        inner.parse::<std::net::Ipv6Addr>().ok()?;
        return Some(inner.to_owned());
    } else if entry.matches(':').count() >= 2 {
        // IPv6, maybe with a prefix length: `::1`, `fe80::/10`.
        let (addr, len) = entry.split_once('/').unwrap_or((entry, "0"));
        addr.parse::<std::net::Ipv6Addr>().ok()?;
        if !is_prefix_len(len, 128) {
            return None;
        }
        return Some(entry.to_owned());
    } else if let Some((host, port)) = entry.split_once(':') {
        if !is_port(port) {
            return None;
        }
        host
    } else {
        entry
    };
    // IPv4 with a prefix length.
    if let Some((addr, len)) = host.split_once('/') {
        addr.parse::<std::net::Ipv4Addr>().ok()?;
        return is_prefix_len(len, 32).then(|| host.to_owned());
    }
    if host == "*" {
        return Some("*".into());
    }
    let domain = host
        .strip_prefix("*.")
        .map(|d| format!(".{d}"))
        .unwrap_or_else(|| host.to_owned());
    let name = domain.strip_prefix('.').unwrap_or(&domain);
    if name.is_empty() || name.contains('*') || name.chars().any(bad_char) || name.starts_with('.')
    {
        return None;
    }
    Some(domain)
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_prefix_len(text: &str, max: u8) -> bool {
    !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<u8>().is_ok_and(|n| n <= max)
}

#[cfg(test)]
mod tests;
