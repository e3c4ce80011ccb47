//! The recent log files (`shomei.YYYY-MM-DD.log`), newest first, each read
//! capped, and their warnings and errors for `errors.txt`.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::Redactor;

/// The most bytes read from one log file: its end, from the first whole line.
pub const LOG_CAP: u64 = 1024 * 1024;
/// The most log files (days) in a bundle.
pub const LOG_FILES: usize = 7;
/// The most warning and error lines `errors.txt` repeats.
pub const ERROR_LINES: usize = 200;

/// One log file as it goes into the bundle.
pub struct Log {
    pub name: String,
    pub text: String,
}

/// The newest [`LOG_FILES`] log files in `dir`, redacted. A missing folder is no
/// log yet (an empty list); an unreadable one or file is an error.
pub fn read(dir: &Path, redactor: &Redactor) -> Result<Vec<Log>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_log_name(n))
        .collect();
    names.sort();
    names.reverse();
    names.truncate(LOG_FILES);
    names
        .into_iter()
        .map(|name| {
            let text = tail(&dir.join(&name), LOG_CAP)
                .map_err(|e| format!("{}: {e}", dir.join(&name).display()))?;
            Ok(Log {
                text: redactor.text(&text),
                name,
            })
        })
        .collect()
}

/// `shomei.YYYY-MM-DD.log`, nothing else (the folder may hold other files).
fn is_log_name(name: &str) -> bool {
    name.strip_prefix("shomei.")
        .and_then(|n| n.strip_suffix(".log"))
        .is_some_and(|d| d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
}

/// The last `cap` bytes of the file, from the first line that starts in them.
fn tail(path: &Path, cap: u64) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let cut = len > cap;
    if cut {
        file.seek(SeekFrom::Start(len - cap))?;
    }
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes)?;
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if cut {
        let start = text.find('\n').map_or(text.len(), |i| i + 1);
        text = format!(
            "(the first {} bytes of this file are left out)\n{}",
            len - cap + start as u64,
            &text[start..]
        );
    }
    Ok(text)
}

/// The WARN and ERROR lines of `logs` (newest file first), oldest first, at most
/// [`ERROR_LINES`].
pub fn problems(logs: &[Log]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for log in logs.iter().rev() {
        for line in log.text.lines() {
            // `2026-11-30T17:40:00.123456Z  WARN target: message`
            let level = line.split_whitespace().nth(1);
            if matches!(level, Some("WARN" | "ERROR")) {
                lines.push(line.to_owned());
            }
        }
    }
    let skip = lines.len().saturating_sub(ERROR_LINES);
    lines.split_off(skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_log_files_newest_first_each_capped() {
        let dir = tempfile_dir();
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        std::fs::write(dir.join("shomei.2026-11-01.log"), "old\n").unwrap();
        let big = "a line of the log\n".repeat((LOG_CAP as usize / 17) + 100);
        std::fs::write(dir.join("shomei.2026-11-02.log"), &big).unwrap();
        let logs = read(&dir, &Redactor::default()).unwrap();
        let names: Vec<_> = logs.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["shomei.2026-11-02.log", "shomei.2026-11-01.log"]);
        assert!(logs[0].text.len() <= LOG_CAP as usize + 100);
        assert!(logs[0].text.starts_with("(the first "));
        assert!(logs[0].text.ends_with("a line of the log\n"));
        assert!(read(&dir.join("none"), &Redactor::default())
            .unwrap()
            .is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn problems_are_the_warn_and_error_lines() {
        let logs = [Log {
            name: "x".into(),
            text: "t  INFO a: fine\nt  WARN a: step failed\nt ERROR b: broke\nWARN not a level\n"
                .into(),
        }];
        assert_eq!(
            problems(&logs),
            ["t  WARN a: step failed", "t ERROR b: broke"]
        );
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("shomei-support-logs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
