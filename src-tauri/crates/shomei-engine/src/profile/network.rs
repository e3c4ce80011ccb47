//! `[network]`: the way to the bank (proxy) and how long an exchange may take.

use shomei_est::{ProxyAddress, ProxyChoice, ProxyUrlError};

use super::read::{Ctx, Field, Section};
use super::NetworkSection;

/// `timeout_seconds`: the longest one exchange with the bank may take.
pub const TIMEOUT_SECONDS: std::ops::RangeInclusive<u32> = 5..=600;
/// `connect_timeout_seconds`: the longest connecting (TCP, proxy) may take.
pub const CONNECT_TIMEOUT_SECONDS: std::ops::RangeInclusive<u32> = 1..=120;

pub(crate) const KEYS: &[&str] = &["proxy", "timeout_seconds", "connect_timeout_seconds"];

pub(crate) fn read(ctx: &mut Ctx, s: &mut Section, out: &mut NetworkSection) {
    if let Some(f) = s.get("proxy") {
        if let Some(proxy) = proxy(ctx, &f) {
            out.proxy = proxy;
        }
    }
    let range = |r: &std::ops::RangeInclusive<u32>| i64::from(*r.start())..i64::from(*r.end()) + 1;
    if let Some(f) = s.get("timeout_seconds") {
        if let Some(n) = ctx.int(&f, range(&TIMEOUT_SECONDS)) {
            out.timeout_seconds = n;
        }
    }
    if let Some(f) = s.get("connect_timeout_seconds") {
        if let Some(n) = ctx.int(&f, range(&CONNECT_TIMEOUT_SECONDS)) {
            if n > out.timeout_seconds {
                let t = out.timeout_seconds;
                ctx.issue(
                    f.span,
                    &f.path,
                    format!(
                        "timeout_seconds（{t} 秒）以下にしてください（{n} が書かれています）。"
                    ),
                    format!("Must not exceed timeout_seconds ({t} s) (found {n})."),
                );
            } else {
                out.connect_timeout_seconds = n;
            }
        }
    }
}

/// `"system"`, `"direct"` or `"http://[user:password@]host:port"`. A password is
/// never repeated in a message.
fn proxy(ctx: &mut Ctx, f: &Field) -> Option<ProxyChoice> {
    // The text may hold the proxy's password: zeroed once read.
    let text = secrecy::zeroize::Zeroizing::new(ctx.str(f)?);
    match text.as_str() {
        "system" => return Some(ProxyChoice::System),
        "direct" => return Some(ProxyChoice::Direct),
        _ => {}
    }
    let shown = redact(&text);
    let why = if text.contains("://") {
        match ProxyAddress::parse_url(&text) {
            Ok(address) => return Some(ProxyChoice::Url(address)),
            Err(e) => e,
        }
    } else {
        ProxyUrlError::NotHttp
    };
    let (ja, en) = match why {
        ProxyUrlError::NotHttp => (
            "\"system\"（OS・デスクトップ・環境変数の設定）、\"direct\"（プロキシなし）か \"http://ホスト名:ポート\" のどれかにしてください".to_owned(),
            "Must be \"system\" (the OS, desktop or environment setting), \"direct\" (no proxy) or \"http://host:port\"".to_owned(),
        ),
        ProxyUrlError::UnsupportedScheme => (
            "プロキシは http:// だけが使えます。銀行との TLS はプロキシの CONNECT の中を通るため、https:// や socks:// のプロキシには対応していません".to_owned(),
            "Only http:// proxies are supported: the TLS connection to the bank runs inside the proxy's CONNECT tunnel; https:// and socks:// proxies are not".to_owned(),
        ),
        ProxyUrlError::NoHost | ProxyUrlError::BadHost => (
            "プロキシのホスト名か IP アドレスが正しくありません（IPv6 は [::1] のように [ ] で囲みます）".to_owned(),
            "The proxy's host is not a host name or an IP address (write IPv6 in brackets, like [::1])".to_owned(),
        ),
        ProxyUrlError::NoPort => (
            "プロキシのポート番号が必要です（例: http://proxy.example.jp:8080）".to_owned(),
            "The proxy's port is required (e.g. http://proxy.example.jp:8080)".to_owned(),
        ),
        ProxyUrlError::BadPort => (
            "プロキシのポート番号は 1〜65535 で書いてください".to_owned(),
            "The proxy's port must be a number from 1 to 65535".to_owned(),
        ),
        ProxyUrlError::BadUserinfo => (
            "ユーザー名・パスワードが空か、使えない文字を含んでいます。@ : / 空白などは %40 のようにパーセントエンコードしてください".to_owned(),
            "The user or password is empty or holds characters that must be percent-encoded (@ as %40, : as %3A, a space as %20)".to_owned(),
        ),
        ProxyUrlError::Trailing => (
            "ポート番号の後ろにパスや ? # は書けません".to_owned(),
            "Nothing may follow the port (no path, ? or #)".to_owned(),
        ),
        other => (
            format!("プロキシの URL が正しくありません（{other}）"),
            format!("The proxy URL is not usable ({other})"),
        ),
    };
    ctx.issue(
        f.span,
        &f.path,
        format!("{ja}（\"{shown}\" が書かれています）。"),
        format!("{en} (found \"{shown}\")."),
    );
    None
}

/// The text with whatever precedes the last `@` after the scheme replaced, so a
/// password in a refused URL is not printed.
fn redact(text: &str) -> String {
    match (text.find("://"), text.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}<redacted>{}", &text[..scheme + 3], &text[at..])
        }
        (None, Some(at)) => format!("<redacted>{}", &text[at..]),
        _ => text.to_owned(),
    }
}
