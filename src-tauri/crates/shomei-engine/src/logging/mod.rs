//! The log: `tracing` events in daily files in the app's data folder
//! (`<data dir>/logs/shomei.YYYY-MM-DD.log`, UTC dates and times, the newest
//! [`files::KEEP`] kept), and in development also on the console (stderr).
//!
//! Both binaries call [`init`] first thing, then [`set_directory`] once they know
//! their data folder (the user's, or the demo's). Lines logged before that are
//! held in memory (at most [`EARLY_LIMIT`] bytes) and written when the folder is
//! set, so the start of a run is not lost.
//!
//! - Files never hold ANSI colour codes; the console has them only on a terminal
//!   (and not with `NO_COLOR`).
//! - The command line prints its own words; the log goes to the file only (unless
//!   `SHOMEI_LOG_CONSOLE=1`), so no WARN line lands in the middle of its output.
//! - `SHOMEI_LOG` sets the levels: `debug`, or per target `shomei_engine=debug,info`
//!   (`tracing_subscriber::filter::Targets`); default `info`.
//! - `SHOMEI_LOG_COPY_DIR=DIR` (CI's leak sweep) also appends every file line to
//!   `DIR/<program>-<pid>.log`, from the first line on, whether or not the data
//!   folder is ever set (tests that never set one are swept too).
//!
//! Owns: where log lines go. Must never: receive a PIN, a password, a private key
//! or a request body (callers log codes, fingerprints and timings; secrets are
//! `secrecy` types whose `Debug` is redacted).

mod files;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use time::OffsetDateTime;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::{DefaultFields, Writer};
use tracing_subscriber::fmt::{FormatFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub use files::KEEP;

/// The log directory's name inside the data folder.
pub const LOG_DIR: &str = "logs";
/// Turns the console on (`1`) or off (`0`) whatever the build and the binary.
pub const CONSOLE_ENV: &str = "SHOMEI_LOG_CONSOLE";
/// The levels (`tracing_subscriber::filter::Targets` syntax: `info`, `hyper=warn,debug`).
pub const FILTER_ENV: &str = "SHOMEI_LOG";
/// A folder that also gets every line of the log, one file per process (CI's leak sweep).
pub const COPY_ENV: &str = "SHOMEI_LOG_COPY_DIR";
/// The most bytes held before [`set_directory`]; later early lines are dropped.
pub const EARLY_LIMIT: usize = 256 * 1024;

/// How one process logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Also to stderr.
    pub console: bool,
    /// Colours on the console (never in the files).
    pub console_ansi: bool,
    /// Levels, as in [`FILTER_ENV`].
    pub filter: String,
}

impl Config {
    /// The desktop app (and the resident one): the console in debug builds.
    pub fn app() -> Config {
        Config::from_env(cfg!(debug_assertions))
    }

    /// The command line: its own words on the terminal, the log in the file.
    pub fn cli() -> Config {
        Config::from_env(false)
    }

    fn from_env(console_by_default: bool) -> Config {
        let console = match std::env::var(CONSOLE_ENV).as_deref() {
            Ok("1") => true,
            Ok("0") => false,
            _ => console_by_default,
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Config {
            console,
            console_ansi: !no_color && io::stderr().is_terminal(),
            filter: std::env::var(FILTER_ENV).unwrap_or_else(|_| "info".to_owned()),
        }
    }
}

/// Installs the process's logging. A second call (or another subscriber already
/// installed, as in tests) changes nothing.
pub fn init(config: Config) {
    let filter = config.filter.parse::<Targets>().unwrap_or_else(|e| {
        eprintln!(
            "shomei: {FILTER_ENV}={:?} is not usable ({e}); logging at info",
            config.filter
        );
        Targets::new().with_default(tracing::Level::INFO)
    });
    let file = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .fmt_fields(FileFields::default())
        .with_writer(FileSink);
    let console = config.console.then(|| {
        tracing_subscriber::fmt::layer()
            .with_ansi(config.console_ansi)
            .with_writer(io::stderr)
    });
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .with(console)
        .try_init()
        .is_ok();
    if let Some(dir) = std::env::var_os(COPY_ENV).filter(|_| installed) {
        match open_copy(Path::new(&dir)) {
            Ok(file) => *COPY.lock().unwrap_or_else(|p| p.into_inner()) = Some(file),
            Err(e) => eprintln!("shomei: {COPY_ENV}: {e}"),
        }
    }
}

/// `<dir>/<program>-<pid>.log`, appended to, the owner's only.
fn open_copy(dir: &Path) -> io::Result<std::fs::File> {
    std::fs::create_dir_all(dir)?;
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "shomei".into());
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(dir.join(format!("{program}-{}.log", std::process::id())))
}

/// The copy of [`COPY_ENV`], when asked for.
static COPY: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Writes the log into `<data_dir>/logs/` from now on (pruning old files), with
/// the lines held since [`init`]. Called again (a demo started from the window),
/// it moves on to the new folder. Both folders must be (or are made) private to
/// this user, like the journal's: nothing is written into one others could change.
pub fn set_directory(data_dir: &Path) -> io::Result<PathBuf> {
    crate::private_dir::create(data_dir)?;
    let dir = data_dir.join(LOG_DIR);
    let mut files = files::LogFiles::open(&dir, KEEP, today())?;
    let mut sink = lock();
    let early = std::mem::take(&mut sink.early);
    if !early.is_empty() {
        files.write(today(), &early)?;
    }
    sink.files = Some(files);
    sink.early_full = false;
    Ok(dir)
}

/// The folder the log is written to, once set.
pub fn directory() -> Option<PathBuf> {
    lock().files.as_ref().map(|f| f.dir().to_path_buf())
}

fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// Where the file layer's lines go: the files, or memory until they are set.
#[derive(Default)]
struct Sink {
    files: Option<files::LogFiles>,
    early: Vec<u8>,
    early_full: bool,
}

static SINK: Mutex<Sink> = Mutex::new(Sink {
    files: None,
    early: Vec::new(),
    early_full: false,
});

fn lock() -> std::sync::MutexGuard<'static, Sink> {
    SINK.lock().unwrap_or_else(|p| p.into_inner())
}

/// The file layer's writer: one formatted event per `write`.
struct FileSink;

impl<'a> MakeWriter<'a> for FileSink {
    type Writer = FileSink;

    fn make_writer(&'a self) -> FileSink {
        FileSink
    }
}

impl Write for FileSink {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        if let Some(copy) = COPY.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            let _ = copy.write_all(line);
        }
        let mut sink = lock();
        let Sink {
            files,
            early,
            early_full,
        } = &mut *sink;
        match files {
            Some(files) => files.write(today(), line)?,
            None if early.len() + line.len() <= EARLY_LIMIT => early.extend_from_slice(line),
            None if !*early_full => {
                *early_full = true;
                early.extend_from_slice(b"(more early log lines were dropped)\n");
            }
            None => {}
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The file layer's field formatter: the default one under its own type, so the
/// fields of spans it formats (kept per formatter type) are never the console's
/// coloured ones.
#[derive(Default)]
struct FileFields(DefaultFields);

impl<'w> FormatFields<'w> for FileFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        writer: Writer<'w>,
        fields: R,
    ) -> std::fmt::Result {
        self.0.format_fields(writer, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The only test of this binary that touches the process's sink.
    #[test]
    fn early_lines_are_held_within_the_limit_then_written() {
        let line = [b'x'; 1023];
        let mut sink = FileSink;
        for _ in 0..(EARLY_LIMIT / 1024 + 10) {
            sink.write_all(&line).unwrap();
            sink.write_all(b"\n").unwrap();
        }
        assert_eq!(directory(), None);
        let tmp = tempfile::tempdir().unwrap();
        let dir = set_directory(tmp.path()).unwrap();
        assert_eq!(directory(), Some(dir.clone()));
        sink.write_all(b"after\n").unwrap();
        let text = std::fs::read_to_string(dir.join(files::file_name(today()))).unwrap();
        assert!(text.len() <= EARLY_LIMIT + 100, "{}", text.len());
        assert!(text.ends_with("(more early log lines were dropped)\nafter\n"));
        assert_eq!(
            text.lines().filter(|l| l.len() == 1023).count(),
            EARLY_LIMIT / 1024
        );
    }
}
