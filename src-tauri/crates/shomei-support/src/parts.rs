//! The bundle's parts, each collected on its own: a failure is that part's error.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::path::Path;

use shomei_engine::journal::Record;
use shomei_engine::model::{IdentityListing, ProfileState};
use shomei_engine::{failures, profile, reminders, updates};

use crate::logs::{self, Log};
use crate::{redact, Files, Request, Summary};

type Collect<'a> = Box<dyn FnOnce() -> Result<Files, String> + 'a>;

/// What more than one part reads, read once.
#[derive(Default)]
pub struct Shared {
    listing: OnceCell<Result<IdentityListing, String>>,
    logs: OnceCell<Result<Vec<Log>, String>>,
}

/// Every part, in the bundle's order. The listing and the logs are read once and
/// shared with `errors`.
pub fn all<'a>(request: &'a Request<'a>, shared: &'a Shared) -> Vec<(&'static str, Collect<'a>)> {
    let (listing, logs) = (&shared.listing, &shared.logs);
    let list = move || {
        listing
            .get_or_init(|| match request.banks {
                Some(banks) => Ok(banks.list()),
                None => Err(request
                    .banks_error
                    .clone()
                    .unwrap_or_else(|| "no bank profile could be opened".into())),
            })
            .clone()
    };
    let read_logs = move || {
        logs.get_or_init(|| {
            let dir = request
                .log_dir
                .clone()
                .unwrap_or_else(|| request.data_dir.join(shomei_engine::logging::LOG_DIR));
            logs::read(&dir, &request.redactor)
        })
        .as_ref()
        .map(|l| {
            l.iter()
                .map(|l| (l.name.clone(), l.text.clone()))
                .collect::<Vec<_>>()
        })
        .map_err(Clone::clone)
    };
    vec![
        (
            "system",
            Box::new(|| Ok(vec![text("system.txt", system(request))])),
        ),
        (
            "status",
            Box::new(move || Ok(vec![json(request, "status.json", &list()?)?])),
        ),
        ("profiles", Box::new(move || profiles(request))),
        ("journal", Box::new(move || journal(request))),
        (
            "reminders",
            Box::new(move || state_file(request, reminders::state::FILE_NAME)),
        ),
        (
            "failures",
            Box::new(move || state_file(request, failures::FILE_NAME)),
        ),
        (
            "update",
            Box::new(move || state_file(request, updates::FAILURE_FILE)),
        ),
        (
            "settings",
            Box::new(move || match &request.settings {
                Some(s) => Ok(vec![json(request, "settings.json", s)?]),
                None => Err("the settings could not be read".into()),
            }),
        ),
        (
            "logs",
            Box::new(move || {
                Ok(read_logs()?
                    .into_iter()
                    .map(|(name, t)| text(&format!("logs/{name}"), t))
                    .collect())
            }),
        ),
        (
            "errors",
            Box::new(move || {
                Ok(vec![text(
                    "errors.txt",
                    errors(request, list(), read_logs()),
                )])
            }),
        ),
    ]
}

fn text(name: &str, text: String) -> (String, Vec<u8>) {
    (name.to_owned(), text.into_bytes())
}

/// Serialized, then redacted like every text.
fn json(
    request: &Request,
    name: &str,
    value: &impl serde::Serialize,
) -> Result<(String, Vec<u8>), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    Ok((
        name.to_owned(),
        format!("{}\n", request.redactor.text(&text)).into_bytes(),
    ))
}

/// A name safe inside the zip: letters, digits, `.`, `-`, `_`.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn system(request: &Request) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "app: {}", request.app);
    let _ = writeln!(out, "engine: shomei-engine {}", shomei_engine::VERSION);
    let _ = writeln!(
        out,
        "support bundle: shomei-support {}",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "build: {}",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    let _ = writeln!(
        out,
        "os: {} {} ({})",
        std::env::consts::OS,
        std::env::consts::ARCH,
        std::env::consts::FAMILY
    );
    if let Some(name) = os_name() {
        let _ = writeln!(out, "os name: {name}");
    }
    if let Ok(kernel) = std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        let _ = writeln!(out, "kernel: {}", kernel.trim());
    }
    let _ = writeln!(out, "language: {}", shomei_engine::words::os_locale().tag());
    for var in ["LANG", "LC_ALL", "XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE"] {
        if let Ok(v) = std::env::var(var) {
            let _ = writeln!(out, "{var}: {v}");
        }
    }
    let now = time::OffsetDateTime::now_utc();
    let _ = writeln!(
        out,
        "created: {}",
        now.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    );
    let _ = writeln!(out, "data folder: {}", request.data_dir.display());
    request.redactor.text(&out)
}

/// Linux: `/etc/os-release`'s PRETTY_NAME (other systems: the family above).
fn os_name() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_owned())
}

/// `profiles.json` (every profile found, its state and problems) and each
/// profile's file as it is on disk, proxy passwords removed.
fn profiles(request: &Request) -> Result<Files, String> {
    let banks = request.banks.ok_or("no bank profile could be opened")?;
    let mut files = vec![json(request, "profiles.json", &banks.profiles())?];
    for p in banks.profiles() {
        let name = format!("profiles/{}", safe(&p.id));
        // Read as the catalog reads it: at most 1 MiB, UTF-8, never a FIFO's endless wait
        // for a whole file.
        match profile::read_profile_text(Path::new(&p.path)) {
            Ok(profile_text) => files.push(text(
                &format!("{name}.toml"),
                redact::profile(&request.redactor, &profile_text),
            )),
            Err(e) => files.push(text(
                &format!("{name}.error.txt"),
                request.redactor.text(&format!("{}: {e}\n", p.path)),
            )),
        }
    }
    Ok(files)
}

/// Each record of the journal, decoded and written again: only its public fields.
fn journal(request: &Request) -> Result<Files, String> {
    let dir = request.data_dir.join("journal");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let stem = safe(&path.file_stem().unwrap_or_default().to_string_lossy());
        let decoded = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| Record::decode(&bytes));
        files.push(match decoded {
            Ok(record) => json(
                request,
                &format!("journal/{}.json", safe(&record.renewal_id)),
                &record,
            )?,
            Err(e) => text(
                &format!("journal/{stem}.error.txt"),
                request.redactor.text(&format!("{}: {e}\n", path.display())),
            ),
        });
    }
    files.sort();
    Ok(files)
}

/// The reminders' memory (what was announced, the failures seen).
/// A JSON state file of the data folder (`name`), re-encoded; nothing when absent.
fn state_file(request: &Request, name: &str) -> Result<Files, String> {
    let path = request.data_dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(vec![json(request, name, &value)?])
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(request.redactor.text(&format!("{}: {e}", path.display()))),
    }
}

/// The last errors: what the stores and the profiles say now, the unfinished
/// renewals, and the log's recent warnings and errors.
fn errors(
    request: &Request,
    listing: Result<IdentityListing, String>,
    logs: Result<Vec<(String, String)>, String>,
) -> String {
    let mut out = String::new();
    match &listing {
        Ok(listing) => {
            let _ = writeln!(out, "# Errors of the list ({})", listing.errors.len());
            for e in &listing.errors {
                let _ = writeln!(out, "{}", serde_json::to_string(e).unwrap_or_default());
            }
            let broken: Vec<_> = listing
                .profiles
                .iter()
                .filter(|p| p.state != ProfileState::Loaded)
                .collect();
            let _ = writeln!(out, "\n# Profiles not in use ({})", broken.len());
            for p in broken {
                let _ = writeln!(out, "{} ({:?}): {}", p.id, p.state, p.path);
                for i in &p.issues {
                    let _ = writeln!(
                        out,
                        "  {}:{} {}: {} / {}",
                        i.line, i.column, i.field, i.ja, i.en
                    );
                }
            }
            let _ = writeln!(
                out,
                "\n# Unfinished renewals ({})",
                listing.unfinished.len()
            );
            for u in &listing.unfinished {
                let _ = writeln!(out, "{}", serde_json::to_string(u).unwrap_or_default());
            }
        }
        Err(e) => {
            let _ = writeln!(out, "# The list could not be read: {e}");
        }
    }
    match logs {
        Ok(logs) => {
            let logs: Vec<Log> = logs
                .into_iter()
                .map(|(name, text)| Log { name, text })
                .collect();
            let lines = logs::problems(&logs);
            let _ = writeln!(
                out,
                "\n# Warnings and errors of the log (the last {})",
                lines.len()
            );
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
        }
        Err(e) => {
            let _ = writeln!(out, "\n# The log could not be read: {e}");
        }
    }
    request.redactor.text(&out)
}

/// README.txt: what this is, what was left out, and every part's state.
pub fn readme(request: &Request, summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Shomei support bundle / Shomei サポート情報");
    let _ = writeln!(out, "{}\n", request.app);
    let _ = writeln!(
        out,
        "No PIN, password or private key is ever collected. The home folder is shown as {}, \
         the user name as {}, and the user and password of any URL (a proxy's) as {}.\n\
         PIN・パスワード・秘密鍵は含まれません。ホームフォルダーは {}、ユーザー名は {}、\
         URL のユーザーとパスワード（プロキシ）は {} と表示しています。\n",
        redact::HOME,
        redact::USER,
        redact::USERINFO,
        redact::HOME,
        redact::USER,
        redact::USERINFO
    );
    let _ = writeln!(out, "Parts ({} could not be collected):", summary.failed());
    for p in &summary.parts {
        let state = if p.error.is_some() { "ERROR" } else { "ok" };
        let files = if p.files.is_empty() {
            "(nothing to collect)".to_owned()
        } else {
            p.files.join(", ")
        };
        let _ = writeln!(out, "  {state:<5} {:<10} {files}", p.part);
        if let Some(e) = &p.error {
            let _ = writeln!(out, "        {e}");
        }
    }
    out
}
