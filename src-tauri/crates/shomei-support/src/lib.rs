//! The support bundle (SPEC §5, issue 14): one zip a user sends the bank's
//! helpdesk, written by the window's 「サポート情報を保存」 and by
//! `shomei support-bundle --out FILE`. No Tauri: both binaries call [`write`].
//!
//! It holds the recent logs (each read capped at [`LOG_CAP`]), the versions and
//! the OS, the bank profiles (files without proxy passwords, and their state),
//! the identities' public details (what `shomei status --json` shows), the
//! journal's public records, the reminders' memory, the renewal and update failures
//! remembered for the tray, the settings and the last errors; `README.txt` and `manifest.json` list every part and whether it could
//! be collected. A part that cannot be collected (or panics) becomes
//! `<part>.error.txt` and never stops the others.
//!
//! Every text is redacted ([`Redactor`]): the home directory as `~`, the user
//! name as `<user>`, a URL's user info as `<redacted>`. Nothing secret is ever
//! read: PINs and passwords are never stored, keys never leave their stores, and
//! journal records are decoded and written again (only their public fields).
//!
//! Owns: what goes into the bundle. Must never: include a PIN, a password, a
//! private key, the home directory or the user name.

mod logs;
mod parts;
pub mod redact;

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde::Serialize;
use shomei_engine::model::Settings;
use shomei_engine::Banks;
use zip::write::SimpleFileOptions;

pub use logs::LOG_CAP;
pub use redact::Redactor;

/// What to collect.
pub struct Request<'a> {
    /// Which program made the bundle and its version (`shomei 0.1.0 (command line)`).
    pub app: String,
    /// The data folder: `journal/`, `logs/`, `reminders.json`, `failures.json`,
    /// `update-failed.json`.
    pub data_dir: PathBuf,
    /// The log folder when it is not `<data_dir>/logs` (the one the process logs to).
    pub log_dir: Option<PathBuf>,
    /// The banks in use; `None` (they could not be opened) is written as an error.
    pub banks: Option<&'a Banks>,
    /// Why the banks are missing, when they are.
    pub banks_error: Option<String>,
    pub settings: Option<Settings>,
    pub redactor: Redactor,
}

/// One part of the bundle and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartStatus {
    /// The part's name (`logs`, `status`, …).
    pub part: String,
    /// The files it wrote.
    pub files: Vec<String>,
    /// Why it could not be collected (then `<part>.error.txt` says so too).
    pub error: Option<String>,
}

/// What [`write`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub parts: Vec<PartStatus>,
}

impl Summary {
    /// The parts that could not be collected.
    pub fn failed(&self) -> usize {
        self.parts.iter().filter(|p| p.error.is_some()).count()
    }
}

/// The files of one part: (name inside the zip, content).
type Files = Vec<(String, Vec<u8>)>;

/// Writes the bundle to `out` (a new file, replaced in one step; owner-only on
/// Unix). Fails only when the zip itself cannot be written.
pub fn write(out: &Path, request: &Request) -> io::Result<Summary> {
    let shared = parts::Shared::default();
    let collected = parts::all(request, &shared);
    let mut summary = Summary { parts: Vec::new() };
    let mut entries: Files = Vec::new();
    for (part, result) in collected {
        let status = match catch_unwind(AssertUnwindSafe(result)) {
            Ok(Ok(files)) => {
                let names = files.iter().map(|(n, _)| n.clone()).collect();
                entries.extend(files);
                PartStatus {
                    part: part.to_owned(),
                    files: names,
                    error: None,
                }
            }
            Ok(Err(e)) => failed(part, request.redactor.text(&e), &mut entries),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failed(
                    part,
                    request.redactor.text(&format!("panicked: {what}")),
                    &mut entries,
                )
            }
        };
        summary.parts.push(status);
    }
    entries.insert(
        0,
        (
            "README.txt".into(),
            parts::readme(request, &summary).into_bytes(),
        ),
    );
    entries.insert(
        1,
        (
            "manifest.json".into(),
            serde_json::to_vec_pretty(&summary).map_err(io::Error::other)?,
        ),
    );
    write_zip(out, &entries)?;
    tracing::info!(
        parts = summary.parts.len(),
        failed = summary.failed(),
        "support bundle written"
    );
    Ok(summary)
}

fn failed(part: &str, error: String, entries: &mut Files) -> PartStatus {
    let name = format!("{part}.error.txt");
    tracing::warn!(part, error = %error, "support bundle: a part could not be collected");
    entries.push((name.clone(), format!("{error}\n").into_bytes()));
    PartStatus {
        part: part.to_owned(),
        files: vec![name],
        error: Some(error),
    }
}

fn write_zip(out: &Path, entries: &Files) -> io::Result<()> {
    let name = out
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let mut part_name = name.to_os_string();
    part_name.push(".part");
    let partial = out.with_file_name(part_name);
    let result = (|| {
        let file = create_private(&partial)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), options)
                .map_err(io::Error::other)?;
            zip.write_all(bytes)?;
        }
        let file = zip.finish().map_err(io::Error::other)?;
        file.sync_all()?;
        std::fs::rename(&partial, out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn create_private(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
