//! The one proxy address Shomei accepts: `http://[user[:password]@]host:port[/]`.
//!
//! Shared by the bank profile (`[network] proxy`, checked in shomei-engine) and the
//! desktop's settings ([`crate::desktop_proxy`]), so both refuse the same things.
//! Only `http://` proxies: the TLS connection to the bank runs inside the proxy's
//! CONNECT tunnel, pinned to the bank's CA; TLS to the proxy itself (`https://`) and
//! SOCKS are not supported. The port is required (a corporate proxy is rarely on 80,
//! and guessing one hides a mistake). A user and password, percent-encoded, answer a
//! proxy that asks for one (407). The password is a [`SecretString`] from the
//! moment it is read to reqwest ([`ProxyAddress::url`]): [`ProxyAddress`]'s `Debug`,
//! `Display` and [`ProxyAddress::redacted`] never show it (nor the user), and the
//! address cannot be serialized.

use std::fmt;
use std::net::Ipv6Addr;

use secrecy::{ExposeSecret, SecretString};

/// Why a proxy address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyUrlError {
    /// Not `http://…` at all (no scheme, or an unknown one).
    #[error("not an http:// URL")]
    NotHttp,
    /// `https://` or `socks…://`: a real scheme Shomei does not speak to a proxy.
    #[error("only http:// proxies are supported (not https:// or socks://)")]
    UnsupportedScheme,
    #[error("no host")]
    NoHost,
    /// Not a host name, an IPv4 address or a bracketed IPv6 address.
    #[error("the host is not a host name or an IP address")]
    BadHost,
    #[error("no port")]
    NoPort,
    /// Not a number from 1 to 65535.
    #[error("the port is not a number from 1 to 65535")]
    BadPort,
    /// Empty, or holding characters (space, `@`, `/`…) that must be percent-encoded.
    #[error("the user or password is empty or holds characters that must be percent-encoded")]
    BadUserinfo,
    /// Something after the port other than a single `/`.
    #[error("a path, query or fragment follows the port")]
    Trailing,
}

/// A checked proxy address. Not `Serialize`: it may hold a password.
#[derive(Clone)]
pub struct ProxyAddress {
    /// The user, percent-encoded as written.
    user: Option<String>,
    /// The user's password, percent-encoded as written.
    password: Option<SecretString>,
    /// As in a URL: an IPv6 address in brackets.
    host: String,
    port: u16,
}

impl PartialEq for ProxyAddress {
    fn eq(&self, other: &Self) -> bool {
        let password = |a: &Self| a.password.as_ref().map(|p| p.expose_secret().to_owned());
        self.user == other.user
            && self.host == other.host
            && self.port == other.port
            && password(self) == password(other)
    }
}

impl Eq for ProxyAddress {}

impl ProxyAddress {
    /// `http://[user[:password]@]host:port[/]`, nothing else.
    pub fn parse_url(url: &str) -> Result<ProxyAddress, ProxyUrlError> {
        let (scheme, rest) = url.split_once("://").ok_or(ProxyUrlError::NotHttp)?;
        match scheme.to_ascii_lowercase().as_str() {
            "http" => {}
            "https" | "socks4" | "socks4a" | "socks5" | "socks5h" | "socks" => {
                return Err(ProxyUrlError::UnsupportedScheme)
            }
            _ => return Err(ProxyUrlError::NotHttp),
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if !tail.is_empty() && tail != "/" {
            return Err(ProxyUrlError::Trailing);
        }
        let ((user, password), host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (check_userinfo(userinfo)?, host_port),
            None => ((None, None), authority),
        };
        let (host, port) = split_host_port(host_port)?;
        Ok(ProxyAddress {
            user,
            password,
            host: check_host(host)?,
            port: parse_port(port)?,
        })
    }

    /// A host (name, IPv4, IPv6 with or without brackets) and a port given apart,
    /// as the desktops store them.
    pub fn from_host_port(host: &str, port: i64) -> Result<ProxyAddress, ProxyUrlError> {
        let port = u16::try_from(port)
            .ok()
            .filter(|p| *p != 0)
            .ok_or(ProxyUrlError::BadPort)?;
        Ok(ProxyAddress {
            user: None,
            password: None,
            host: check_host(host)?,
            port,
        })
    }

    /// The same proxy, answering a 407 with this user and password (any characters:
    /// they are percent-encoded here).
    pub fn with_credentials(mut self, user: &str, password: &SecretString) -> ProxyAddress {
        self.user = Some(percent_encode(user));
        self.password = Some(SecretString::from(percent_encode(password.expose_secret())));
        self
    }

    /// The host as in a URL (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether a user (and maybe a password) is part of the address.
    pub fn has_credentials(&self) -> bool {
        self.user.is_some()
    }

    /// The full URL, credentials included, still a secret: for reqwest only.
    pub fn url(&self) -> SecretString {
        let Some(user) = &self.user else {
            return SecretString::from(self.redacted());
        };
        let password = self.password.as_ref().map(ExposeSecret::expose_secret);
        let port = self.port.to_string();
        // Sized once, so no copy of the password is left behind by a reallocation.
        let mut url = String::with_capacity(
            "http://:@:".len()
                + user.len()
                + password.map_or(0, str::len)
                + self.host.len()
                + port.len(),
        );
        url.push_str("http://");
        url.push_str(user);
        if let Some(password) = password {
            url.push(':');
            url.push_str(password);
        }
        url.push('@');
        url.push_str(&self.host);
        url.push(':');
        url.push_str(&port);
        SecretString::from(url)
    }

    /// The URL for messages and logs: `http://<redacted>@host:port` when it holds
    /// credentials.
    pub fn redacted(&self) -> String {
        let who = if self.user.is_some() {
            "<redacted>@"
        } else {
            ""
        };
        format!("http://{who}{}:{}", self.host, self.port)
    }
}

impl fmt::Debug for ProxyAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProxyAddress")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for ProxyAddress {
    /// The redacted form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn split_host_port(host_port: &str) -> Result<(&str, &str), ProxyUrlError> {
    if host_port.is_empty() {
        return Err(ProxyUrlError::NoHost);
    }
    if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or(ProxyUrlError::BadHost)?;
        let (host, rest) = host_port.split_at(close + 1);
        return match rest.strip_prefix(':') {
            Some(port) => Ok((host, port)),
            None if rest.is_empty() => Err(ProxyUrlError::NoPort),
            None => Err(ProxyUrlError::BadHost),
        };
    }
    match host_port.rsplit_once(':') {
        // More colons: an IPv6 address without brackets, ambiguous with a port.
        Some((host, _)) if host.contains(':') => Err(ProxyUrlError::BadHost),
        Some((host, port)) => Ok((host, port)),
        None => Err(ProxyUrlError::NoPort),
    }
}

/// A host name (ASCII or internationalised), an IPv4 address, or an IPv6 address
/// (bracketed on the way out).
fn check_host(host: &str) -> Result<String, ProxyUrlError> {
    if host.is_empty() || host == "[]" {
        return Err(ProxyUrlError::NoHost);
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(ProxyUrlError::BadHost)?;
        inner
            .parse::<Ipv6Addr>()
            .map_err(|_| ProxyUrlError::BadHost)?;
        return Ok(host.to_owned());
    }
    if host.parse::<Ipv6Addr>().is_ok() {
        return Ok(format!("[{host}]"));
    }
    let name_char = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '-' | '.' | '_')
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
    };
    // One trailing dot (a fully qualified name) is allowed; empty labels are not.
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels_ok = name
        .split('.')
        .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    if host.chars().all(name_char) && labels_ok {
        Ok(host.to_owned())
    } else {
        Err(ProxyUrlError::BadHost)
    }
}

fn parse_port(port: &str) -> Result<u16, ProxyUrlError> {
    if port.is_empty() {
        return Err(ProxyUrlError::NoPort);
    }
    if port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProxyUrlError::BadPort);
    }
    match port.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err(ProxyUrlError::BadPort),
    }
}

/// The user and the password in it.
type Userinfo = (Option<String>, Option<SecretString>);

/// RFC 3986 userinfo: unreserved, sub-delims, `:` and `%HH`; split at the first `:`.
fn check_userinfo(userinfo: &str) -> Result<Userinfo, ProxyUrlError> {
    let bytes = userinfo.as_bytes();
    let user_empty = userinfo.split(':').next().is_none_or(str::is_empty);
    if user_empty {
        return Err(ProxyUrlError::BadUserinfo);
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(ProxyUrlError::BadUserinfo)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(ProxyUrlError::BadUserinfo);
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:".contains(&b)) {
            return Err(ProxyUrlError::BadUserinfo);
        }
        i += 1;
    }
    Ok(match userinfo.split_once(':') {
        Some((user, password)) => (
            Some(user.to_owned()),
            Some(SecretString::from(password.to_owned())),
        ),
        None => (Some(userinfo.to_owned()), None),
    })
}

/// Percent-encode everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProxyUrlError::*;

    #[test]
    fn accepts_plain_addresses() {
        for (url, host, port) in [
            ("http://proxy.corp.example:8080", "proxy.corp.example", 8080),
            ("http://proxy:3128/", "proxy", 3128),
            ("HTTP://10.0.0.1:1", "10.0.0.1", 1),
            ("http://[::1]:65535", "[::1]", 65535),
            ("http://[fe80::1:2]:80", "[fe80::1:2]", 80),
            ("http://プロキシ.例え.jp:8080", "プロキシ.例え.jp", 8080),
            (
                "http://under_score.example:8080",
                "under_score.example",
                8080,
            ),
        ] {
            let a = ProxyAddress::parse_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!((a.host(), a.port()), (host, port), "{url}");
            assert!(!a.has_credentials());
            assert_eq!(a.url().expose_secret(), format!("http://{host}:{port}"));
        }
    }

    #[test]
    fn refuses_hostile_or_malformed_addresses() {
        for (url, why) in [
            ("", NotHttp),
            ("proxy:8080", NotHttp),
            ("ftp://proxy:21", NotHttp),
            ("https://proxy:8443", UnsupportedScheme),
            ("socks5://proxy:1080", UnsupportedScheme),
            ("http://", NoHost),
            ("http://:8080", NoHost),
            ("http://[]:8080", NoHost),
            ("http://proxy", NoPort),
            ("http://proxy:", NoPort),
            ("http://[::1]", NoPort),
            ("http://proxy:0", BadPort),
            ("http://proxy:65536", BadPort),
            ("http://proxy:99999999999999999999", BadPort),
            ("http://proxy:-1", BadPort),
            ("http://proxy:+80", BadPort),
            ("http://proxy:80a", BadPort),
            ("http://proxy: 80", BadPort),
            ("http://::1:8080", BadHost),
            ("http://[::1:8080", BadHost),
            ("http://[not-v6]:8080", BadHost),
            ("http://[::1]x:8080", BadHost),
            ("http://pro xy:8080", BadHost),
            ("http://\"proxy\":8080", BadHost),
            ("http://'proxy':8080", BadHost),
            ("http://proxy\n:8080", BadHost),
            ("http://-proxy:8080", BadHost),
            ("http://a..b:8080", BadHost),
            ("http://pro%78y:8080", BadHost),
            ("http://proxy:8080/path", Trailing),
            ("http://proxy:8080?q", Trailing),
            ("http://proxy:8080#f", Trailing),
            ("http://proxy:8080//", Trailing),
            ("http://@proxy:8080", BadUserinfo),
            ("http://:pw@proxy:8080", BadUserinfo),
            ("http://us er:pw@proxy:8080", BadUserinfo),
            ("http://user:p%zz@proxy:8080", BadUserinfo),
            ("http://user:p%4@proxy:8080", BadUserinfo),
            ("http://user:\"pw\"@proxy:8080", BadUserinfo),
        ] {
            assert_eq!(ProxyAddress::parse_url(url), Err(why), "{url:?}");
        }
    }

    #[test]
    fn credentials_are_kept_for_reqwest_and_never_shown() {
        let a = ProxyAddress::parse_url("http://shomei:s3cret%40pw@proxy:8080").unwrap();
        assert!(a.has_credentials());
        assert_eq!(
            a.url().expose_secret(),
            "http://shomei:s3cret%40pw@proxy:8080"
        );
        for shown in [a.redacted(), format!("{a}"), format!("{a:?}")] {
            assert!(
                !shown.contains("s3cret") && !shown.contains("shomei"),
                "{shown}"
            );
            assert!(shown.contains("<redacted>@proxy:8080"), "{shown}");
        }
        // A user without a password is kept as it is.
        let user = ProxyAddress::parse_url("http://shomei@proxy:8080").unwrap();
        assert_eq!(user.url().expose_secret(), "http://shomei@proxy:8080");
        assert_eq!(user.redacted(), "http://<redacted>@proxy:8080");
        assert_ne!(user, a);
        // The last @ separates the host: an @ in the password must be encoded.
        assert_eq!(
            ProxyAddress::parse_url("http://u:p@w@proxy:8080"),
            Err(BadUserinfo)
        );
    }

    #[test]
    fn host_and_port_given_apart() {
        let a = ProxyAddress::from_host_port("::1", 3128).unwrap();
        assert_eq!(a.url().expose_secret(), "http://[::1]:3128");
        assert_eq!(
            ProxyAddress::from_host_port("[::1]", 3128).unwrap().host(),
            "[::1]"
        );
        assert_eq!(ProxyAddress::from_host_port("", 3128), Err(NoHost));
        assert_eq!(ProxyAddress::from_host_port("proxy", 0), Err(BadPort));
        assert_eq!(ProxyAddress::from_host_port("proxy", -1), Err(BadPort));
        assert_eq!(ProxyAddress::from_host_port("proxy", 70000), Err(BadPort));
        assert_eq!(
            ProxyAddress::from_host_port("proxy:8080", 3128),
            Err(BadHost)
        );
        assert_eq!(
            ProxyAddress::from_host_port("it's [::1]", 3128),
            Err(BadHost)
        );
        let with = ProxyAddress::from_host_port("proxy", 8080)
            .unwrap()
            .with_credentials("田中 a@b", &SecretString::from("p:w/%".to_owned()));
        assert_eq!(
            with.url().expose_secret(),
            "http://%E7%94%B0%E4%B8%AD%20a%40b:p%3Aw%2F%25@proxy:8080"
        );
        assert_eq!(with.redacted(), "http://<redacted>@proxy:8080");
    }
}
