//! Daily log files in one directory: `shomei.YYYY-MM-DD.log` (UTC dates), the
//! newest [`KEEP`] kept. Older ones are removed when the directory is opened and
//! whenever a new day's file is started.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use time::Date;

/// How many daily files are kept (today's included).
pub const KEEP: usize = 14;

const PREFIX: &str = "shomei.";
const SUFFIX: &str = ".log";

/// The log directory and today's open file.
pub(crate) struct LogFiles {
    dir: PathBuf,
    keep: usize,
    current: Option<(Date, File)>,
}

impl LogFiles {
    /// Opens (creating it owner-only) the directory and removes all but the newest
    /// `keep - 1` files of earlier days, so that with today's there are `keep`.
    pub(crate) fn open(dir: &Path, keep: usize, today: Date) -> io::Result<LogFiles> {
        crate::private_dir::create(dir)?;
        let files = LogFiles {
            dir: dir.to_path_buf(),
            keep: keep.max(1),
            current: None,
        };
        files.prune(today);
        Ok(files)
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends `line` to the file of `today`, starting it (and pruning) on a new day.
    pub(crate) fn write(&mut self, today: Date, line: &[u8]) -> io::Result<()> {
        let stale = self.current.as_ref().is_none_or(|(day, _)| *day != today);
        if stale {
            let file = open_append(&self.dir.join(file_name(today)))?;
            if self.current.is_some() {
                self.prune(today);
            }
            self.current = Some((today, file));
        }
        match &mut self.current {
            Some((_, file)) => file.write_all(line),
            None => Ok(()),
        }
    }

    /// Removes the files of days before `today` beyond the newest `keep - 1`.
    /// Files that are not ours (other names) are never touched.
    fn prune(&self, today: Date) {
        let mut days: Vec<(Date, PathBuf)> = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name();
                    let day = day_of(name.to_str()?)?;
                    (day < today).then(|| (day, e.path()))
                })
                .collect(),
            Err(_) => return,
        };
        days.sort_by_key(|d| std::cmp::Reverse(d.0));
        for (_, path) in days.into_iter().skip(self.keep - 1) {
            if let Err(e) = std::fs::remove_file(&path) {
                // Not traced: this runs inside the log writer.
                eprintln!("shomei: cannot remove old log {}: {e}", path.display());
            }
        }
    }
}

/// `shomei.2026-11-30.log`.
pub(crate) fn file_name(day: Date) -> String {
    format!(
        "{PREFIX}{:04}-{:02}-{:02}{SUFFIX}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// The day of one of our file names; `None` for any other name.
fn day_of(name: &str) -> Option<Date> {
    let date = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(date, format).ok()?;
    (file_name(day) == name).then_some(day)
}

fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn opening_keeps_the_newest_fourteen_days_and_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        std::fs::create_dir(&dir).unwrap();
        let today = date!(2026 - 11 - 30);
        // Twenty days of files, some days missing in between.
        for n in 0..20 {
            let day = today - time::Duration::days(n * 2);
            std::fs::write(dir.join(file_name(day)), b"x\n").unwrap();
        }
        std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
        std::fs::write(dir.join("shomei.2026-13-01.log"), b"not a date").unwrap();
        let mut files = LogFiles::open(&dir, KEEP, today).unwrap();
        let left = names(&dir);
        let logs: Vec<&String> = left.iter().filter(|n| day_of(n).is_some()).collect();
        assert_eq!(logs.len(), KEEP, "{left:?}");
        // The newest ones stay: today and every second day back to 26 days ago.
        assert_eq!(logs.first().unwrap().as_str(), "shomei.2026-11-04.log");
        assert_eq!(logs.last().unwrap().as_str(), "shomei.2026-11-30.log");
        assert!(left.contains(&"notes.txt".to_owned()), "{left:?}");
        assert!(left.contains(&"shomei.2026-13-01.log".to_owned()));

        // Today's file is appended to, not replaced.
        files.write(today, b"a line\n").unwrap();
        let text = std::fs::read_to_string(dir.join(file_name(today))).unwrap();
        assert_eq!(text, "x\na line\n");
    }

    #[test]
    fn a_new_day_starts_a_new_file_and_prunes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        let first = date!(2026 - 01 - 01);
        let mut files = LogFiles::open(&dir, 3, first).unwrap();
        for n in 0..5 {
            let day = first + time::Duration::days(n);
            files.write(day, format!("day {n}\n").as_bytes()).unwrap();
        }
        assert_eq!(
            names(&dir),
            [
                "shomei.2026-01-03.log",
                "shomei.2026-01-04.log",
                "shomei.2026-01-05.log"
            ]
        );
        let last = std::fs::read_to_string(dir.join("shomei.2026-01-05.log")).unwrap();
        assert_eq!(last, "day 4\n");
    }

    #[cfg(unix)]
    #[test]
    fn the_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        let day = date!(2026 - 01 - 01);
        LogFiles::open(&dir, KEEP, day)
            .unwrap()
            .write(day, b"x\n")
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(file_name(day))), 0o600);
    }

    #[test]
    fn only_our_names_are_days() {
        assert_eq!(day_of("shomei.2026-02-28.log"), Some(date!(2026 - 02 - 28)));
        for other in [
            "shomei.2026-2-28.log",
            "shomei.2026-02-30.log",
            "shomei.2026-02-28.log.gz",
            "other.2026-02-28.log",
            "shomei.log",
        ] {
            assert_eq!(day_of(other), None, "{other}");
        }
    }
}
