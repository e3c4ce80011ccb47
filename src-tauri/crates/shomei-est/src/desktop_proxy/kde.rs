//! KDE: `[Proxy Settings]` of `kioslaverc`.

use super::*;

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

pub(super) fn kconfig_unescape(value: &str) -> String {
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
pub(super) fn kioslaverc_paths(env: &ProxyEnvironment) -> Vec<std::path::PathBuf> {
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
pub(super) fn read_small(path: &std::path::Path) -> Option<String> {
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
