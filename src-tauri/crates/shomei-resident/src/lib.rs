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
pub mod support;
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

/// The log (`shomei_engine::logging`): daily files in the data folder, set by
/// [`log_to`] once it is known; the console too in debug builds, never for a
/// subcommand (the command line's own words are its output).
pub fn init_logging() {
    use shomei_engine::logging::{init, Config};
    let cli =
        options::parse(std::env::args().skip(1)).map_or(true, |o| o.help || !o.command.is_empty());
    init(if cli { Config::cli() } else { Config::app() });
}

/// From now on the log goes to `<data_dir>/logs/`.
pub fn log_to(data_dir: &std::path::Path) {
    if let Err(e) = shomei_engine::logging::set_directory(data_dir) {
        eprintln!(
            "shomei: cannot write the log in {}: {e}",
            data_dir.display()
        );
    }
}
