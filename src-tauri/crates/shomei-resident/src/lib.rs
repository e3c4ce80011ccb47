//! Shomei without the webview: the command line, and the resident that lives in the
//! tray all year (its StatusNotifierItem, the reminder loop, the notifications, the
//! OS log and the login entry), starting the window binary (`shomei-window`, the
//! Tauri app) on demand. The window binary uses the same options, places, OS log,
//! notifications and login entry from here.
//!
//! Nothing here links GTK or WebKit (`.ci/test core-deps` checks the tree).

pub mod autostart;
pub mod banks;
mod cli;
pub mod instance;
pub mod launcher;
pub mod notify;
pub mod options;
pub mod oslog;
pub mod reminder_loop;
mod resident;
pub mod tray;

/// `shomei [OPTIONS] [COMMAND]`: a subcommand or `--help` runs the command line;
/// otherwise the resident starts. Returns the process exit code.
pub fn main_entry() -> i32 {
    init_logging();
    let options = match options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("shomei: {e}\n\n{}", options::USAGE);
            return 2;
        }
    };
    if options.help || !options.command.is_empty() {
        return cli::run(options);
    }
    resident::run(options)
}

/// tracing to stderr, filtered by `SHOMEI_LOG` (default `info`).
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SHOMEI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
