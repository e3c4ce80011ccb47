//! GNOME: `org.gnome.system.proxy` through `gsettings`.

use super::*;

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
                Ok(a.with_credentials(&user, &SecretString::from(password)))
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
pub(super) fn parse_gvariant_string(text: &str) -> Option<(String, &str)> {
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

// --- running gsettings -------------------------------------------------------------------

/// `gsettings list-recursively org.gnome.system.proxy` in `env`, killed after
/// [`GSETTINGS_TIMEOUT`].
#[cfg(target_os = "linux")]
pub(super) fn run_gsettings(env: &ProxyEnvironment) -> Result<String, String> {
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
