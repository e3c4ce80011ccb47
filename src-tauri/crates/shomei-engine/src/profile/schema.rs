//! The profile's keys: every one read from the spanned tree, checked, and turned
//! into [`BankProfile`]. Problems are collected, never returned early.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::read::{Ctx, Field, Section};
use super::tree::{self, Node};
use super::*;

pub(crate) struct Built {
    /// Complete when `issues` is empty; otherwise holds defaults where values were bad.
    pub profile: BankProfile,
    pub issues: Vec<ProfileIssue>,
    /// Where `est.ca_file` is, for problems with the files it names.
    pub ca_file_span: Option<Range<usize>>,
}

const TOP: &[&str] = &[
    "name",
    "media_storage",
    "key_policy",
    "replaced",
    "est",
    "renewal",
    "token",
    "support",
    "pc_store",
    "network",
];

pub(crate) fn build(text: &str, origin: &Path) -> Built {
    let mut ctx = Ctx {
        text,
        issues: Vec::new(),
    };
    let mut profile = BankProfile {
        name: String::new(),
        est: EstSection {
            base_url: String::new(),
            http_user: None,
            label: None,
            ca_files: Vec::new(),
        },
        media_storage: false,
        token: None,
        key_policy: KeyPolicy::Same,
        renewal: RenewalSection::default(),
        support: None,
        replaced: Replaced::Remove,
        pc_store: PcStoreSection::default(),
        network: NetworkSection::default(),
    };
    let entries = match tree::parse(text) {
        Ok(entries) => entries,
        Err(e) => {
            let msg = e.message().trim().to_owned();
            ctx.issue(
                e.span().as_ref(),
                "",
                format!("TOML の書き方に誤りがあります: {msg}"),
                format!("TOML syntax error: {msg}"),
            );
            return Built {
                profile,
                issues: ctx.issues,
                ca_file_span: None,
            };
        }
    };
    let mut top = Section::new("", None, &entries);
    match top.get("name") {
        Some(f) => profile.name = ctx.str(&f).unwrap_or_default(),
        None => ctx.missing(&top, "name"),
    }
    let mut ca_file_span = None;
    match top.get("est").and_then(|f| ctx.table(&f)) {
        Some(mut est) => {
            ca_file_span = est.get("ca_file").and_then(|f| f.span.cloned());
            read_est(&mut ctx, &mut est, origin, &mut profile.est);
            ctx.finish(est, &["base_url", "label", "ca_file", "http_user"]);
        }
        None if top.get("est").is_none() => ctx.missing(&top, "est"),
        None => {}
    }
    let token_field = top.get("token");
    let token = token_field
        .as_ref()
        .and_then(|f| ctx.table(f))
        .map(|mut s| {
            let t = read_token(&mut ctx, &mut s);
            ctx.finish(s, &["module", "label", "serial"]);
            t
        });
    match top.get("media_storage") {
        Some(f) => {
            let offered = ctx.bool(&f).unwrap_or(false);
            if offered && token_field.is_none() {
                ctx.issue(
                    f.span,
                    &f.path,
                    "media_storage = true には専用USBを選ぶ [token]（label か serial）が必要です。".into(),
                    "media_storage = true needs a [token] section (label or serial) to choose the USB token.".into(),
                );
            }
            if !offered {
                if let Some(t) = &token_field {
                    ctx.issue(
                        t.span,
                        &t.path,
                        "media_storage = false なのに [token] があります。どちらかに揃えてください。".into(),
                        "[token] is given but media_storage = false; make them agree.".into(),
                    );
                }
            }
            profile.media_storage = offered;
        }
        None => profile.media_storage = token_field.is_some(),
    }
    profile.token = token.filter(|_| profile.media_storage);
    if let Some(f) = top.get("key_policy") {
        let choices = [
            ("same", KeyPolicy::Same),
            ("rsa3072", KeyPolicy::Rsa3072),
            ("p256", KeyPolicy::P256),
        ];
        profile.key_policy = ctx.choice(&f, &choices).unwrap_or_default();
    }
    if let Some(f) = top.get("replaced") {
        let choices = [("remove", Replaced::Remove), ("keep", Replaced::Keep)];
        profile.replaced = ctx.choice(&f, &choices).unwrap_or_default();
    }
    if let Some(mut s) = top.get("renewal").and_then(|f| ctx.table(&f)) {
        super::dates::read(&mut ctx, &mut s, &mut profile.renewal);
        let known = [
            "window_opens_days",
            "last_day_cutoff",
            "reminder_days",
            "reacquire_grace_days",
            "pending_limit_days",
        ];
        ctx.finish(s, &known);
    }
    if let Some(mut s) = top.get("support").and_then(|f| ctx.table(&f)) {
        profile.support = Some(super::dates::read_support(&mut ctx, &mut s));
        ctx.finish(s, &["name", "phone", "url", "hours"]);
    }
    if let Some(mut s) = top.get("pc_store").and_then(|f| ctx.table(&f)) {
        if let Some(f) = s.get("enabled") {
            profile.pc_store.enabled = ctx.bool(&f).unwrap_or(true);
        }
        if let Some(f) = s.get("nss_database") {
            profile.pc_store.nss_database = ctx.str(&f).map(PathBuf::from);
        }
        ctx.finish(s, &["enabled", "nss_database"]);
    }
    if let Some(mut s) = top.get("network").and_then(|f| ctx.table(&f)) {
        super::network::read(&mut ctx, &mut s, &mut profile.network);
        ctx.finish(s, super::network::KEYS);
    }
    ctx.finish(top, TOP);
    ctx.issues.sort_by_key(|i| (i.line, i.column));
    Built {
        profile,
        issues: ctx.issues,
        ca_file_span,
    }
}

fn read_est(ctx: &mut Ctx, est: &mut Section, origin: &Path, out: &mut EstSection) {
    match est.get("base_url") {
        Some(f) => {
            if let Some(url) = ctx.str(&f) {
                if let Err((ja, en)) = check_base_url(&url) {
                    ctx.issue(f.span, &f.path, ja, en);
                }
                out.base_url = url;
            }
        }
        None => ctx.missing(est, "base_url"),
    }
    if let Some(f) = est.get("label") {
        out.label = ctx.str(&f);
        let ok = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
        if out.label.as_ref().is_some_and(|l| !l.chars().all(ok)) {
            ctx.issue(
                f.span,
                &f.path,
                "英数字と - . _ ~ だけが使えます（URL の一部になります）。".into(),
                "May only hold letters, digits and - . _ ~ (it becomes part of the URL).".into(),
            );
        }
    }
    if let Some(f) = est.get("http_user") {
        out.http_user = ctx.str(&f);
        let bad = |u: &String| u.is_empty() || u.contains(':') || u.chars().any(char::is_control);
        if out.http_user.as_ref().is_some_and(bad) {
            ctx.issue(
                f.span,
                &f.path,
                "空でなく、「:」と制御文字を含まない利用者名にしてください（HTTP Basic 認証）。"
                    .into(),
                "Must be a non-empty user name without ':' or control characters (HTTP Basic)."
                    .into(),
            );
        }
    }
    match est.get("ca_file") {
        Some(f) => {
            let dir = origin.parent().unwrap_or(Path::new("."));
            out.ca_files = ctx
                .strings(&f)
                .unwrap_or_default()
                .iter()
                .map(|p| dir.join(p))
                .collect();
        }
        None => ctx.missing(est, "ca_file"),
    }
}

/// `https://host[:port][/path]`, nothing else: the bank is never reached over HTTP.
fn check_base_url(url: &str) -> Result<(), (String, String)> {
    let rest = url.strip_prefix("https://").ok_or_else(|| {
        (
            format!("https:// で始めてください（\"{url}\"）。平文の HTTP は使えません。"),
            format!("Must start with https:// (\"{url}\"); plain HTTP is never used."),
        )
    })?;
    let host = rest.split('/').next().unwrap_or("");
    let bad_char = |c: char| c.is_whitespace() || "?#@\\".contains(c);
    if host.is_empty() || host.starts_with(':') || url.chars().any(bad_char) {
        return Err((
            format!("\"{url}\" は https://ホスト名[:ポート][/パス] の形で書いてください（? # @ や空白は使えません）。"),
            format!("\"{url}\" must look like https://host[:port][/path] (no ?, #, @ or spaces)."),
        ));
    }
    Ok(())
}

fn read_token(ctx: &mut Ctx, s: &mut Section) -> TokenSection {
    let mut token = TokenSection::default();
    if let Some(f) = s.get("module") {
        token.module = read_modules(ctx, &f);
    }
    if let Some(f) = s.get("label") {
        token.label = ctx.str(&f);
    }
    if let Some(f) = s.get("serial") {
        token.serial = ctx.str(&f);
    }
    if s.get("label").is_none() && s.get("serial").is_none() {
        ctx.issue(
            s.span.as_ref(),
            "token",
            "[token] には専用USBを選ぶ label か serial が必要です（スロット番号では選びません）。"
                .into(),
            "[token] needs a label or a serial to choose the token by (never a slot index).".into(),
        );
    }
    token
}

fn read_modules(ctx: &mut Ctx, f: &Field) -> ModulePaths {
    if let Node::Str(_) = f.node {
        let path = ctx.str(f).map(PathBuf::from);
        return ModulePaths {
            windows: path.clone(),
            macos: path.clone(),
            linux: path,
        };
    }
    let mut paths = ModulePaths::default();
    if let Some(mut s) = ctx.table(f) {
        for (os, slot) in [
            ("windows", &mut paths.windows),
            ("macos", &mut paths.macos),
            ("linux", &mut paths.linux),
        ] {
            if let Some(f) = s.get(os) {
                *slot = ctx.str(&f).map(PathBuf::from);
            }
        }
        ctx.finish(s, &["windows", "macos", "linux"]);
    }
    paths
}
