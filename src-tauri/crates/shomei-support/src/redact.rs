//! What the bundle never shows: the user's home directory (as `~`), the user's
//! name (as `<user>`), and the user info of any URL (`http://<redacted>@host`,
//! where a proxy's password would be). Applied to every text that goes into the
//! bundle, logs included.

use std::path::Path;

/// What stands for the home directory.
pub const HOME: &str = "~";
/// What stands for the user name.
pub const USER: &str = "<user>";
/// What stands for a URL's user info (user name and password).
pub const USERINFO: &str = "<redacted>";

/// Redacts one user's home directory and name.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Each spelling of the home directory, longest first.
    homes: Vec<String>,
    user: Option<String>,
}

impl Redactor {
    /// `home` is replaced wherever it occurs (also with the other kind of slash);
    /// `user` wherever it stands as a word of its own (ASCII case ignored).
    pub fn new(home: Option<&Path>, user: Option<&str>) -> Redactor {
        let mut homes = Vec::new();
        if let Some(home) =
            home.map(|h| h.to_string_lossy().trim_end_matches(['/', '\\']).to_owned())
        {
            // "/" or "C:" would redact every path; a home that short is not redacted.
            if home.chars().count() >= 3 {
                for spelling in [
                    home.clone(),
                    home.replace('\\', "/"),
                    home.replace('/', "\\"),
                ] {
                    if !homes.contains(&spelling) {
                        homes.push(spelling);
                    }
                }
            }
        }
        homes.sort_by_key(|h| std::cmp::Reverse(h.len()));
        let user = user
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        Redactor { homes, user }
    }

    /// This process's user: `HOME` (`USERPROFILE` on Windows) and `USER`
    /// (`USERNAME`, `LOGNAME`; else the home directory's last part).
    pub fn of_this_user() -> Redactor {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var_os(n).filter(|v| !v.is_empty()))
        };
        let home = var(if cfg!(windows) {
            &["USERPROFILE", "HOME"]
        } else {
            &["HOME"]
        })
        .map(std::path::PathBuf::from);
        let user = var(&["USER", "USERNAME", "LOGNAME"])
            .map(|u| u.to_string_lossy().into_owned())
            .or_else(|| {
                home.as_ref()
                    .and_then(|h| h.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
            });
        Redactor::new(home.as_deref(), user.as_deref())
    }

    /// `text` with the URL user info, the home directory and the user name redacted.
    pub fn text(&self, text: &str) -> String {
        let mut out = userinfo(text);
        for home in &self.homes {
            out = out.replace(home.as_str(), HOME);
        }
        if let Some(user) = &self.user {
            out = words(&out, user);
        }
        out
    }
}

/// Every `scheme://user:password@host` as `scheme://<redacted>@host`.
pub fn userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The authority ends at a path, a space, a quote or a bracket.
        let end = after
            .find(|c: char| c == '/' || c.is_whitespace() || "\"'<>()[]{}`,;".contains(c))
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(i) => {
                out.push_str(USERINFO);
                out.push_str(&authority[i..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with every stand-alone `word` (not inside a longer name) as [`USER`].
fn words(text: &str, word: &str) -> String {
    // ASCII lower-casing keeps every byte where it was, so indices carry over.
    let (hay, needle) = if word.is_ascii() {
        (text.to_ascii_lowercase(), word.to_ascii_lowercase())
    } else {
        (text.to_owned(), word.to_owned())
    };
    let part_of_name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, _) in hay.match_indices(needle.as_str()) {
        if i < last {
            continue;
        }
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        if part_of_name(before) || part_of_name(after) {
            continue;
        }
        out.push_str(&text[last..i]);
        out.push_str(USER);
        last = i + needle.len();
    }
    out.push_str(&text[last..]);
    out
}

/// A bank profile's text: as [`Redactor::text`], and a `proxy = "…"` line that
/// still holds an `@` of its own (a password with an escaped quote, say) loses
/// its whole value.
pub fn profile(redactor: &Redactor, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in redactor.text(text).split_inclusive('\n') {
        let key = line.trim_start();
        let is_proxy = key
            .strip_prefix("proxy")
            .is_some_and(|r| r.trim_start().starts_with('='));
        let bare_at = line.matches('@').count() > line.matches(&format!("{USERINFO}@")).count();
        if is_proxy && bare_at {
            let indent = &line[..line.len() - key.len()];
            let newline = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("{indent}proxy = \"{USERINFO}\"{newline}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_user_info() {
        assert_eq!(
            userinfo("proxy = \"http://shomei:hunter2@proxy:8080\" and https://a@b/c x://y"),
            "proxy = \"http://<redacted>@proxy:8080\" and https://<redacted>@b/c x://y"
        );
        assert_eq!(
            userinfo("http://u:p@w@proxy:1"),
            "http://<redacted>@proxy:1"
        );
        assert_eq!(userinfo("no url"), "no url");
    }

    #[test]
    fn home_and_user_are_redacted_but_not_inside_other_words() {
        let r = Redactor::new(Some(Path::new("/home/ken/")), Some("ken"));
        assert_eq!(
            r.text("/home/ken/.local/share/shomei by Ken, token KEN_x ken-1"),
            "~/.local/share/shomei by <user>, token KEN_x <user>-1"
        );
        let w = Redactor::new(Some(Path::new("C:\\Users\\佐藤")), Some("佐藤"));
        assert_eq!(w.text("C:/Users/佐藤/x 佐藤さん"), "~/x 佐藤さん");
        assert_eq!(w.text("C:\\Users\\佐藤\\x (佐藤)"), "~\\x (<user>)");
        // A home of "/" would redact every path.
        assert_eq!(
            Redactor::new(Some(Path::new("/")), None).text("/etc"),
            "/etc"
        );
    }

    #[test]
    fn a_proxy_line_with_an_at_sign_loses_its_value() {
        let r = Redactor::default();
        assert_eq!(
            profile(&r, "[network]\n  proxy = \"http://u:p\\\"x@h:1\"\nx = 1"),
            "[network]\n  proxy = \"<redacted>\"\nx = 1"
        );
        assert_eq!(
            profile(&r, "proxy = \"http://u:p\\u0040x@h:1\""),
            "proxy = \"http://<redacted>@h:1\""
        );
        assert_eq!(profile(&r, "proxy = \"system\"\n"), "proxy = \"system\"\n");
    }
}
