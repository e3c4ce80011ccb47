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

use crate::proxy_url::ProxyAddress;

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
    match reqwest::Proxy::https(found.address.url()) {
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

// --- GNOME -------------------------------------------------------------------------------

/// `org.gnome.system.proxy` from `gsettings list-recursively` (one line per key:
/// `schema key value`, the value in GVariant text form).
pub(crate) fn gnome_setting(listing: &str) -> Setting {
    let mut keys: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for line in listing.lines() {
        let mut parts = line.splitn(3, ' ');
        if let (Some(schema), Some(key), Some(value)) = (parts.next(), parts.next(), parts.next()) {
            let child = match schema {
                "org.gnome.system.proxy" => "",
                s => match s.strip_prefix("org.gnome.system.proxy.") {
                    Some(child) => child,
                    None => continue,
                },
            };
            keys.insert((child, key), value.trim());
        }
    }
    let string = |child: &str, key: &str| keys.get(&(child, key)).and_then(|v| gvariant_string(v));
    let mode = match keys.get(&("", "mode")) {
        None => return Setting::Unusable("no proxy mode in the GNOME settings".into()),
        Some(v) => match gvariant_string(v) {
            Some(mode) => mode,
            None => return Setting::Unusable(format!("unreadable proxy mode {v}")),
        },
    };
    match mode.as_str() {
        "none" => return Setting::Direct,
        "manual" => {}
        "auto" => {
            return Setting::Unusable(
                "automatic configuration (a PAC script) is not supported".into(),
            )
        }
        other => return Setting::Unusable(format!("unknown proxy mode {other:?}")),
    }
    let address = |child: &str| -> Option<Result<ProxyAddress, String>> {
        let host = string(child, "host").filter(|h| !h.is_empty())?;
        let port = keys
            .get(&(child, "port"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        Some(
            ProxyAddress::from_host_port(&host, port)
                .map_err(|e| format!("the {child} proxy {host:?} port {port}: {e}")),
        )
    };
    let found = match address("https") {
        Some(found) => found,
        // GLib uses the http proxy for https when no https one is set.
        None => match address("http") {
            Some(Ok(a)) if keys.get(&("http", "use-authentication")) == Some(&"true") => {
                let user = string("http", "authentication-user").unwrap_or_default();
                let password = string("http", "authentication-password").unwrap_or_default();
                Ok(a.with_credentials(&user, &password))
            }
            Some(found) => found,
            None if string("socks", "host").is_some_and(|h| !h.is_empty()) => {
                return Setting::Unusable("a SOCKS proxy is not supported".into())
            }
            None => return Setting::Direct,
        },
    };
    let address = match found {
        Ok(address) => address,
        Err(why) => return Setting::Unusable(why),
    };
    let ignore = keys
        .get(&("", "ignore-hosts"))
        .and_then(|v| gvariant_string_array(v))
        .unwrap_or_default();
    Setting::Manual(DesktopProxy {
        address,
        no_proxy: no_proxy_list(ignore.iter().map(String::as_str)),
    })
}

/// A GVariant text string: `'…'` or `"…"` with GLib's escapes; `None` if malformed.
pub(crate) fn gvariant_string(text: &str) -> Option<String> {
    match parse_gvariant_string(text.trim())? {
        (s, "") => Some(s),
        _ => None,
    }
}

/// A GVariant text string array: `['a', "b"]` or `@as []`; `None` if malformed.
pub(crate) fn gvariant_string_array(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    let text = text
        .strip_prefix("@as")
        .map(str::trim_start)
        .unwrap_or(text);
    let mut rest = text.strip_prefix('[')?.trim_start();
    let mut items = Vec::new();
    if let Some(after) = rest.strip_prefix(']') {
        return after.trim().is_empty().then_some(items);
    }
    loop {
        let (item, after) = parse_gvariant_string(rest)?;
        items.push(item);
        let after = after.trim_start();
        if let Some(next) = after.strip_prefix(',') {
            rest = next.trim_start();
        } else if let Some(end) = after.strip_prefix(']') {
            return end.trim().is_empty().then_some(items);
        } else {
            return None;
        }
    }
}

/// One quoted string at the start of `text`, and what follows it.
fn parse_gvariant_string(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut out = String::new();
    let mut chars = text[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Some((out, &text[1 + i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    '\\' | '\'' | '"' => out.push(e),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let hex: String = chars.by_ref().take(n).map(|(_, c)| c).collect();
                        if hex.len() != n {
                            return None;
                        }
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    None
}

// --- KDE ---------------------------------------------------------------------------------

/// `[Proxy Settings]` of the `kioslaverc` files, lowest priority first (the
/// `$XDG_CONFIG_DIRS` copies, then the user's): later files override keys.
pub(crate) fn kde_setting(files: &[&str]) -> Setting {
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for text in files {
        keys.extend(kconfig_group(text, "Proxy Settings"));
    }
    let get = |k: &str| keys.get(k).map(String::as_str).unwrap_or("");
    match get("ProxyType") {
        "" | "0" => return Setting::Direct,
        "1" => {}
        "2" => return Setting::Unusable("a PAC script is not supported".into()),
        "3" => return Setting::Unusable("automatic detection (WPAD) is not supported".into()),
        // "Use system proxy configuration": the environment, which reqwest reads.
        "4" => return Setting::Direct,
        other => return Setting::Unusable(format!("unknown ProxyType {other:?}")),
    }
    if get("ReversedException").eq_ignore_ascii_case("true") {
        return Setting::Unusable(
            "\"use the proxy only for the listed hosts\" is not supported".into(),
        );
    }
    let value = get("httpsProxy").trim();
    if value.is_empty() {
        return Setting::Direct;
    }
    let address = match kde_proxy_address(value) {
        Ok(address) => address,
        Err(e) => return Setting::Unusable(format!("httpsProxy: {e}")),
    };
    let no_proxy = get("NoProxyFor");
    Setting::Manual(DesktopProxy {
        address,
        no_proxy: no_proxy_list(no_proxy.split(|c: char| c == ',' || c.is_whitespace())),
    })
}

/// KDE writes `http://host port` (a space before the port); older versions and
/// people write `http://host:port`, or leave the scheme out.
pub(crate) fn kde_proxy_address(value: &str) -> Result<ProxyAddress, crate::ProxyUrlError> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let (url, port) = match parts.as_slice() {
        [url] => (*url, None),
        [url, port] => (*url, Some(*port)),
        _ => return Err(crate::ProxyUrlError::BadHost),
    };
    let url = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let url = url.strip_suffix('/').unwrap_or(&url);
    match port {
        Some(port) => ProxyAddress::parse_url(&format!("{url}:{port}")),
        None => ProxyAddress::parse_url(url),
    }
}

/// The `key=value` entries of `[group]` in a KConfig file (`[group][$i]` too),
/// values unescaped (`\s`, `\t`, `\n`, `\r`, `\\`). Localised keys (`key[ja]`)
/// are skipped; flags (`key[$e]`) are dropped.
pub(crate) fn kconfig_group(text: &str, group: &str) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            // `[Proxy Settings]`, `[Proxy Settings][$i]`; `[A][B]` is group B of A.
            inside = match header.split_once(']') {
                Some((name, rest)) => name == group && (rest.is_empty() || rest.starts_with("[$")),
                None => false,
            };
            continue;
        }
        if !inside {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let key = match key.split_once('[') {
            Some((k, flags)) if flags.starts_with('$') => k.trim(),
            Some(_) => continue,
            None => key,
        };
        entries.push((key.to_owned(), kconfig_unescape(value.trim())));
    }
    entries
}

fn kconfig_unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push(' '),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Where KDE keeps `kioslaverc`, lowest priority first.
fn kioslaverc_paths(env: &ProxyEnvironment) -> Vec<std::path::PathBuf> {
    use std::path::PathBuf;
    let dirs = env
        .non_empty("XDG_CONFIG_DIRS")
        .unwrap_or("/etc/xdg")
        .to_owned();
    // XDG_CONFIG_DIRS is most important first: read it backwards.
    let mut paths: Vec<PathBuf> = dirs
        .split(':')
        .filter(|d| d.starts_with('/'))
        .rev()
        .map(|d| PathBuf::from(d).join("kioslaverc"))
        .collect();
    let user = match env
        .non_empty("XDG_CONFIG_HOME")
        .filter(|d| d.starts_with('/'))
    {
        Some(dir) => Some(PathBuf::from(dir)),
        None => env
            .non_empty("HOME")
            .map(|h| PathBuf::from(h).join(".config")),
    };
    paths.extend(user.map(|d| d.join("kioslaverc")));
    paths
}

/// A settings file, if it exists, is UTF-8 and is not absurdly large.
fn read_small(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    let file = std::fs::File::open(path).ok()?;
    let read = file
        .take(MAX_SETTINGS_BYTES as u64 + 1)
        .read_to_string(&mut text);
    match read {
        Ok(n) if n <= MAX_SETTINGS_BYTES => Some(text),
        Ok(_) => {
            tracing::warn!(
                "{} is larger than {MAX_SETTINGS_BYTES} bytes: not read",
                path.display()
            );
            None
        }
        Err(e) => {
            tracing::warn!("{} not read: {e}", path.display());
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

// --- running gsettings -------------------------------------------------------------------

/// `gsettings list-recursively org.gnome.system.proxy` in `env`, killed after
/// [`GSETTINGS_TIMEOUT`].
#[cfg(target_os = "linux")]
fn run_gsettings(env: &ProxyEnvironment) -> Result<String, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Instant;

    let mut child = Command::new("gsettings")
        .args(["list-recursively", "org.gnome.system.proxy"])
        .env_clear()
        .envs(&env.vars)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run gsettings: {e}"))?;
    // Read both pipes on their own threads so a full pipe never blocks the child,
    // and a grandchild holding them open never blocks us.
    let (tx, rx) = mpsc::channel();
    for (which, pipe) in [
        (
            0,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            1,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ] {
        let tx = tx.clone();
        if let Some(pipe) = pipe {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = pipe
                    .take(MAX_SETTINGS_BYTES as u64 + 1)
                    .read_to_end(&mut buf);
                let _ = tx.send((which, buf));
            });
        }
    }
    drop(tx);
    let deadline = Instant::now() + GSETTINGS_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "gsettings gave no answer within {} s",
                    GSETTINGS_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Err(format!("waiting for gsettings: {e}")),
        }
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let grace = Instant::now() + Duration::from_millis(500);
    for _ in 0..2 {
        match rx.recv_timeout(grace.saturating_duration_since(Instant::now())) {
            Ok((0, buf)) => stdout = buf,
            Ok((_, buf)) => stderr = buf,
            Err(_) => break,
        }
    }
    if !status.success() {
        let why = String::from_utf8_lossy(&stderr[..stderr.len().min(300)])
            .trim()
            .to_owned();
        return Err(format!("gsettings failed ({status}): {why}"));
    }
    if stdout.len() > MAX_SETTINGS_BYTES {
        return Err(format!(
            "gsettings answered more than {MAX_SETTINGS_BYTES} bytes"
        ));
    }
    String::from_utf8(stdout).map_err(|_| "gsettings answered non-UTF-8 text".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GNOME_DEFAULT: &str = "\
org.gnome.system.proxy autoconfig-url ''
org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '::1']
org.gnome.system.proxy mode 'none'
org.gnome.system.proxy use-same-proxy true
org.gnome.system.proxy.ftp host ''
org.gnome.system.proxy.ftp port 0
org.gnome.system.proxy.http authentication-password ''
org.gnome.system.proxy.http authentication-user ''
org.gnome.system.proxy.http enabled false
org.gnome.system.proxy.http host ''
org.gnome.system.proxy.http port 8080
org.gnome.system.proxy.http use-authentication false
org.gnome.system.proxy.https host ''
org.gnome.system.proxy.https port 0
org.gnome.system.proxy.socks host ''
org.gnome.system.proxy.socks port 0
";

    /// The default listing with some lines replaced (`schema key` → value).
    fn gnome(changes: &[(&str, &str)]) -> String {
        GNOME_DEFAULT
            .lines()
            .map(|line| {
                let head: String = line.splitn(3, ' ').take(2).collect::<Vec<_>>().join(" ");
                match changes.iter().find(|(k, _)| *k == head) {
                    Some((_, v)) => format!("{head} {v}\n"),
                    None => format!("{line}\n"),
                }
            })
            .collect()
    }

    fn manual(setting: Setting) -> DesktopProxy {
        match setting {
            Setting::Manual(p) => p,
            other => panic!("expected a manual proxy, got {other:?}"),
        }
    }

    fn unusable(setting: Setting) -> String {
        match setting {
            Setting::Unusable(why) => why,
            other => panic!("expected Unusable, got {other:?}"),
        }
    }

    #[test]
    fn the_desktop_comes_from_xdg_current_desktop() {
        for (value, expected) in [
            ("GNOME", Some(Desktop::Gnome)),
            ("ubuntu:GNOME", Some(Desktop::Gnome)),
            ("X-Cinnamon", Some(Desktop::Gnome)),
            ("MATE", Some(Desktop::Gnome)),
            ("Budgie:GNOME", Some(Desktop::Gnome)),
            ("Unity", Some(Desktop::Gnome)),
            ("KDE", Some(Desktop::Kde)),
            ("kde", Some(Desktop::Kde)),
            ("XFCE", None),
            ("", None),
            (":::", None),
            ("sway", None),
        ] {
            assert_eq!(desktop(value), expected, "{value:?}");
        }
    }

    #[test]
    fn the_environment_wins_over_the_desktop() {
        let env = ProxyEnvironment::empty();
        assert!(!environment_names_a_proxy(&env));
        assert!(!environment_names_a_proxy(
            &env.clone().with("HTTPS_PROXY", "  ")
        ));
        assert!(!environment_names_a_proxy(
            &env.clone().with("HTTP_PROXY", "http://p:1")
        ));
        assert!(!environment_names_a_proxy(
            &env.clone().with("NO_PROXY", "*")
        ));
        for key in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
            assert!(
                environment_names_a_proxy(&env.clone().with(key, "http://p:1")),
                "{key}"
            );
        }
        let env = env
            .with("HTTPS_PROXY", "http://u:secret@p:1")
            .with("PATH", "/bin");
        let shown = format!("{env:?}");
        assert!(
            !shown.contains("secret") && shown.contains("HTTPS_PROXY"),
            "{shown}"
        );
        assert_eq!(env.clone().without("PATH").get("PATH"), None);
    }

    #[test]
    fn gnome_modes() {
        assert_eq!(gnome_setting(GNOME_DEFAULT), Setting::Direct);
        let auto = gnome(&[("org.gnome.system.proxy mode", "'auto'")]);
        assert!(unusable(gnome_setting(&auto)).contains("PAC"));
        let odd = gnome(&[("org.gnome.system.proxy mode", "'sideways'")]);
        assert!(unusable(gnome_setting(&odd)).contains("sideways"));
        let broken = gnome(&[("org.gnome.system.proxy mode", "manual")]);
        unusable(gnome_setting(&broken));
        unusable(gnome_setting(""));
        unusable(gnome_setting("No such schema “org.gnome.system.proxy”\n"));
        // Manual with nothing set: direct, as GLib does.
        let empty = gnome(&[("org.gnome.system.proxy mode", "'manual'")]);
        assert_eq!(gnome_setting(&empty), Setting::Direct);
        let socks = gnome(&[
            ("org.gnome.system.proxy mode", "'manual'"),
            ("org.gnome.system.proxy.socks host", "'socks.corp'"),
            ("org.gnome.system.proxy.socks port", "1080"),
        ]);
        assert!(unusable(gnome_setting(&socks)).contains("SOCKS"));
    }

    #[test]
    fn gnome_manual_https_proxy_and_ignore_hosts() {
        let listing = gnome(&[
            ("org.gnome.system.proxy mode", "'manual'"),
            ("org.gnome.system.proxy.https host", "'proxy.corp.example'"),
            ("org.gnome.system.proxy.https port", "3128"),
            ("org.gnome.system.proxy.http host", "'other'"),
            (
                "org.gnome.system.proxy ignore-hosts",
                "['localhost', '127.0.0.0/8', '::1', '*.intra.example', '.lan', 'bank.example:8443', '[fe80::1]:80', \"it's\", '']",
            ),
        ]);
        let p = manual(gnome_setting(&listing));
        assert_eq!(p.address.url(), "http://proxy.corp.example:3128");
        assert_eq!(
            p.no_proxy,
            [
                "localhost",
                "127.0.0.0/8",
                "::1",
                ".intra.example",
                ".lan",
                "bank.example",
                "fe80::1"
            ]
        );
    }

    #[test]
    fn gnome_falls_back_to_the_http_proxy_with_its_password() {
        let listing = gnome(&[
            ("org.gnome.system.proxy mode", "'manual'"),
            ("org.gnome.system.proxy.http host", "'10.1.2.3'"),
            ("org.gnome.system.proxy.http port", "8080"),
            ("org.gnome.system.proxy.http use-authentication", "true"),
            ("org.gnome.system.proxy.http authentication-user", "'田中'"),
            (
                "org.gnome.system.proxy.http authentication-password",
                "'p@ss word\\'s'",
            ),
            ("org.gnome.system.proxy ignore-hosts", "@as []"),
        ]);
        let p = manual(gnome_setting(&listing));
        assert_eq!(
            p.address.url(),
            "http://%E7%94%B0%E4%B8%AD:p%40ss%20word%27s@10.1.2.3:8080"
        );
        assert!(!format!("{p:?}").contains("word"));
        assert!(p.no_proxy.is_empty());
        // Without use-authentication the user and password are not used.
        let listing = listing.replace("use-authentication true", "use-authentication false");
        assert_eq!(
            manual(gnome_setting(&listing)).address.url(),
            "http://10.1.2.3:8080"
        );
    }

    #[test]
    fn gnome_hostile_values_are_unusable_not_guessed() {
        for (host, port) in [
            ("'proxy'", "0"),
            ("'proxy'", "-1"),
            ("'proxy'", "70000"),
            ("'proxy'", "eighty"),
            ("'proxy'", "int32 8080"),
            ("'proxy:3128'", "3128"),
            ("\"it's [::1]\"", "3128"),
            ("'a\\nb'", "3128"),
            ("'x\\u0001y'", "3128"),
            ("'http://proxy'", "3128"),
            ("'user@proxy'", "3128"),
            ("' '", "3128"),
        ] {
            let listing = gnome(&[
                ("org.gnome.system.proxy mode", "'manual'"),
                ("org.gnome.system.proxy.https host", host),
                ("org.gnome.system.proxy.https port", port),
            ]);
            let why = unusable(gnome_setting(&listing));
            assert!(why.contains("https proxy"), "{host} {port}: {why}");
        }
        // IPv6 hosts, bracketed or not.
        for host in ["'::1'", "'[::1]'"] {
            let listing = gnome(&[
                ("org.gnome.system.proxy mode", "'manual'"),
                ("org.gnome.system.proxy.https host", host),
                ("org.gnome.system.proxy.https port", "3128"),
            ]);
            assert_eq!(
                manual(gnome_setting(&listing)).address.url(),
                "http://[::1]:3128"
            );
        }
        // An unreadable ignore-hosts is an empty list, not a crash.
        let listing = gnome(&[
            ("org.gnome.system.proxy mode", "'manual'"),
            ("org.gnome.system.proxy.https host", "'proxy'"),
            ("org.gnome.system.proxy.https port", "3128"),
            ("org.gnome.system.proxy ignore-hosts", "['unterminated"),
        ]);
        assert!(manual(gnome_setting(&listing)).no_proxy.is_empty());
    }

    #[test]
    fn gvariant_text() {
        assert_eq!(gvariant_string("'none'").as_deref(), Some("none"));
        assert_eq!(gvariant_string("\"it's\"").as_deref(), Some("it's"));
        assert_eq!(gvariant_string("'it\\'s'").as_deref(), Some("it's"));
        assert_eq!(gvariant_string("'x\\\\y'").as_deref(), Some("x\\y"));
        assert_eq!(gvariant_string("'a\\nb'").as_deref(), Some("a\nb"));
        assert_eq!(gvariant_string("'x\\u0001y'").as_deref(), Some("x\u{1}y"));
        assert_eq!(gvariant_string("'\\U0001F600'").as_deref(), Some("😀"));
        assert_eq!(gvariant_string("'é日本'").as_deref(), Some("é日本"));
        assert_eq!(gvariant_string("''").as_deref(), Some(""));
        for bad in [
            "",
            "none",
            "'open",
            "'a' b",
            "'\\q'",
            "'\\u00'",
            "'\\uD800'",
            "'\\",
            "\"mixed'",
        ] {
            assert_eq!(gvariant_string(bad), None, "{bad:?}");
        }
        assert_eq!(
            gvariant_string_array("['a', \"b'c\", 'd\\\\']"),
            Some(vec!["a".into(), "b'c".into(), "d\\".into()])
        );
        assert_eq!(gvariant_string_array("@as []"), Some(vec![]));
        assert_eq!(gvariant_string_array("[]"), Some(vec![]));
        assert_eq!(gvariant_string_array("['a,b']"), Some(vec!["a,b".into()]));
        for bad in [
            "",
            "[",
            "['a'",
            "['a' 'b']",
            "['a',]",
            "'a'",
            "[1, 2]",
            "['a'] x",
        ] {
            assert_eq!(gvariant_string_array(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn kde_manual_proxy_and_no_proxy_for() {
        let rc = "[General]\nhttpsProxy=http://wrong 1\n\n[Proxy Settings]\n\
                  NoProxyFor=localhost,.intra.example *.corp 10.0.0.0/8\n\
                  ProxyType=1\nhttpsProxy=http://proxy.corp.example 3128\n\
                  httpProxy=http://other 80\n";
        let p = manual(kde_setting(&[rc]));
        assert_eq!(p.address.url(), "http://proxy.corp.example:3128");
        assert_eq!(
            p.no_proxy,
            ["localhost", ".intra.example", ".corp", "10.0.0.0/8"]
        );
    }

    #[test]
    fn kde_types_and_exceptions() {
        let rc = |body: &str| format!("[Proxy Settings]\n{body}\n");
        let with = "httpsProxy=http://proxy 3128";
        assert_eq!(kde_setting(&[]), Setting::Direct);
        assert_eq!(kde_setting(&[&rc(with)]), Setting::Direct, "no ProxyType");
        assert_eq!(
            kde_setting(&[&rc(&format!("ProxyType=0\n{with}"))]),
            Setting::Direct
        );
        assert_eq!(
            kde_setting(&[&rc(&format!("ProxyType=4\n{with}"))]),
            Setting::Direct
        );
        assert!(unusable(kde_setting(&[&rc(
            "ProxyType=2\nProxy Config Script=http://wpad/x.pac"
        )]))
        .contains("PAC"));
        assert!(unusable(kde_setting(&[&rc("ProxyType=3")])).contains("WPAD"));
        unusable(kde_setting(&[&rc("ProxyType=one")]));
        assert_eq!(
            kde_setting(&[&rc("ProxyType=1\nhttpsProxy=")]),
            Setting::Direct
        );
        let reversed = rc(&format!("ProxyType=1\nReversedException=true\n{with}"));
        assert!(unusable(kde_setting(&[&reversed])).contains("listed hosts"));
        // The user's file overrides the system-wide one, key by key.
        let system = rc(&format!("ProxyType=1\n{with}\nNoProxyFor=a.example"));
        let user = rc("httpsProxy=http://mine:8080");
        let p = manual(kde_setting(&[&system, &user]));
        assert_eq!(p.address.url(), "http://mine:8080");
        assert_eq!(p.no_proxy, ["a.example"]);
        let off = rc("ProxyType=0");
        assert_eq!(kde_setting(&[&system, &off]), Setting::Direct);
    }

    #[test]
    fn kde_proxy_values() {
        for (value, url) in [
            ("http://proxy 3128", "http://proxy:3128"),
            ("http://proxy:3128", "http://proxy:3128"),
            ("http://proxy:3128/", "http://proxy:3128"),
            ("proxy 3128", "http://proxy:3128"),
            ("proxy:3128", "http://proxy:3128"),
            ("http://[::1] 3128", "http://[::1]:3128"),
            ("http://u:p@proxy 3128", "http://u:p@proxy:3128"),
        ] {
            assert_eq!(kde_proxy_address(value).unwrap().url(), url, "{value}");
        }
        for value in [
            "http://proxy",
            "http://proxy 0",
            "http://proxy 99999",
            "http://proxy port",
            "http://proxy:1 2",
            "http://pro xy 3128",
            "socks://proxy 1080",
            "https://proxy 3128",
            "\"http://proxy 3128\"",
            "http://::1 3128",
            " ",
        ] {
            assert!(kde_proxy_address(value).is_err(), "{value:?}");
        }
        let rc = "[Proxy Settings]\nProxyType=1\nhttpsProxy=socks://proxy 1080\n";
        assert!(unusable(kde_setting(&[rc])).contains("httpsProxy"));
    }

    #[test]
    fn kconfig_groups_flags_and_escapes() {
        let text = "# comment\n[Proxy Settings][$i]\n  ProxyType = 1 \n\
                    httpsProxy[$e]=http://proxy\\s3128\nNoProxyFor[ja]=localized\n\
                    Weird\\Key=a\\\\b\\q\nno equals sign\n\
                    [Proxy Settings][Nested]\nProxyType=0\n[Other]\nProxyType=2\n";
        assert_eq!(
            kconfig_group(text, "Proxy Settings"),
            [
                ("ProxyType".to_owned(), "1".to_owned()),
                ("httpsProxy".to_owned(), "http://proxy 3128".to_owned()),
                ("Weird\\Key".to_owned(), "a\\b\\q".to_owned()),
            ]
        );
        assert!(kconfig_group("", "Proxy Settings").is_empty());
        assert!(kconfig_group("[Proxy Settings", "Proxy Settings").is_empty());
    }

    #[test]
    fn no_proxy_entries() {
        for (raw, expected) in [
            ("localhost", Some("localhost")),
            ("  bank.example  ", Some("bank.example")),
            ("*.example.com", Some(".example.com")),
            (".example.com", Some(".example.com")),
            ("*", Some("*")),
            ("example.com:8443", Some("example.com")),
            ("10.0.0.1", Some("10.0.0.1")),
            ("10.0.0.1:80", Some("10.0.0.1")),
            ("10.0.0.0/8", Some("10.0.0.0/8")),
            ("::1", Some("::1")),
            ("fe80::/10", Some("fe80::/10")),
            ("[::1]", Some("::1")),
            ("[::1]:8080", Some("::1")),
            ("'quoted.example'", Some("quoted.example")),
            ("\"quoted.example\"", Some("quoted.example")),
            ("日本.example", Some("日本.example")),
            ("", None),
            ("   ", None),
            ("''", None),
            ("<local>", None),
            ("192.168.*", None),
            ("*example.com", None),
            ("*.", None),
            (".", None),
            ("..example", None),
            ("a b", None),
            ("a,b", None),
            ("host:port", None),
            ("host:123456", None),
            ("10.0.0.0/33", None),
            ("10.0.0.0/", None),
            ("fe80::/129", None),
            ("[::1", None),
            ("[nope]", None),
            ("[::1]junk", None),
            ("gg::1", None),
            ("it's", None),
            ("x\u{1}y", None),
        ] {
            assert_eq!(no_proxy_entry(raw).as_deref(), expected, "{raw:?}");
        }
    }

    #[test]
    fn a_desktop_proxy_becomes_a_reqwest_proxy_with_its_exceptions() {
        let found = DesktopProxy {
            address: ProxyAddress::parse_url("http://proxy:3128").unwrap(),
            no_proxy: vec![".intra.example".into()],
        };
        assert!(to_reqwest(Desktop::Gnome, Setting::Manual(found), Some("a.example, b")).is_some());
        assert!(to_reqwest(Desktop::Kde, Setting::Direct, None).is_none());
        assert!(to_reqwest(Desktop::Kde, Setting::Unusable("PAC".into()), None).is_none());
    }

    #[test]
    fn the_environment_is_honoured_before_anything_is_run() {
        // A proxy in the environment: the desktop is not even asked (gsettings is
        // never run, kioslaverc never read), whatever XDG_CURRENT_DESKTOP says.
        let env = ProxyEnvironment::empty()
            .with("HTTPS_PROXY", "http://env-proxy:1")
            .with("XDG_CURRENT_DESKTOP", "GNOME")
            .with("PATH", "/nonexistent");
        assert!(system_proxy(&env).is_none());
        // No desktop we know: nothing either.
        let env = ProxyEnvironment::empty().with("XDG_CURRENT_DESKTOP", "XFCE");
        assert!(system_proxy(&env).is_none());
        // GNOME without a runnable gsettings: nothing, no panic.
        let env = ProxyEnvironment::empty()
            .with("XDG_CURRENT_DESKTOP", "GNOME")
            .with("PATH", "/nonexistent");
        assert!(system_proxy(&env).is_none());
    }
}
