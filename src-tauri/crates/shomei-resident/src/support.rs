//! The support bundle as both binaries make it (`shomei support-bundle`, the
//! window's 「サポート情報を保存」): this user's places, settings and log folder
//! around [`shomei_support::write`].

use std::path::{Path, PathBuf};

use shomei_engine::{settings, Banks};
pub use shomei_support::Summary;

/// Writes the bundle for the banks in use (`Err`: why there are none), from the
/// data folder `data_dir` (`banks::data_dir`). `app` names the program.
pub fn write(
    out: &Path,
    app: &str,
    data_dir: &Path,
    banks: Result<&Banks, String>,
) -> std::io::Result<Summary> {
    let (banks, banks_error) = match banks {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(e)),
    };
    let settings = crate::banks::config_dir().map(|dir| settings::load(&dir));
    shomei_support::write(
        out,
        &shomei_support::Request {
            app: format!("{app} {}", env!("CARGO_PKG_VERSION")),
            data_dir: data_dir.to_path_buf(),
            // The folder this process logs to, when it has one (the same, normally).
            log_dir: shomei_engine::logging::directory(),
            banks,
            banks_error,
            settings,
            redactor: shomei_support::Redactor::of_this_user(),
        },
    )
}

/// `shomei-support-YYYYMMDD-HHMMSS.zip` (UTC), the name the window suggests.
pub fn file_name() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "shomei-support-{:04}{:02}{:02}-{:02}{:02}{:02}.zip",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Where the window saves when no file chooser is available: the user's
/// Downloads folder, else the desktop, else the home folder.
pub fn default_folder() -> Option<PathBuf> {
    dirs::download_dir()
        .or_else(dirs::desktop_dir)
        .or_else(dirs::home_dir)
}
