//! One resident per user (per configuration; per demo directory for the demo).
//!
//! On Linux the resident owns a well-known name on the session bus,
//! `<id>.Resident`; a second `shomei` finds it taken and only starts (or, through
//! the window's own single-instance hand-over, focuses) the window. The window
//! binary's tauri-plugin-single-instance uses `<id>.SingleInstance`, so a window
//! and its resident never take each other's place.

use std::path::Path;

/// Who counts as "the same Shomei": the same user configuration, or for the demo
/// the same demo directory (so `--demo-dir D --open FP` reaches the demo on D, and
/// 「デモを試す」's fresh demo never hands itself to the app it replaces). Both
/// binaries compute it alike: SipHash with fixed keys gives the same name in every
/// process of one build.
pub fn id(demo_dir: Option<&Path>, config_dir: Option<&Path>) -> String {
    use std::hash::{Hash, Hasher};
    let scope = demo_dir.or(config_dir);
    let mut hasher = std::hash::DefaultHasher::new();
    scope.map(Path::to_path_buf).hash(&mut hasher);
    format!("jp.shomei.desktop.i{:016x}", hasher.finish())
}

/// Whether this process is the resident.
#[cfg(target_os = "linux")]
pub enum Claim {
    /// It is; the name is held as long as this connection lives.
    Won(zbus::Connection),
    /// Another resident holds it.
    Taken,
}

/// Claims `<id>.Resident` on the session bus (on a tokio runtime, which must outlive
/// the claim); an error when there is no bus.
#[cfg(target_os = "linux")]
pub async fn claim(id: &str) -> Result<Claim, String> {
    use zbus::fdo::{RequestNameFlags, RequestNameReply};
    let connection = zbus::Connection::session()
        .await
        .map_err(|e| e.to_string())?;
    let name = format!("{id}.Resident");
    match connection
        .request_name_with_flags(name.as_str(), RequestNameFlags::DoNotQueue.into())
        .await
        .map_err(|e| e.to_string())?
    {
        RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner => {
            Ok(Claim::Won(connection))
        }
        RequestNameReply::Exists | RequestNameReply::InQueue => Ok(Claim::Taken),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_per_configuration_or_demo() {
        let a = id(None, Some(Path::new("/home/a/.config/shomei")));
        assert_eq!(a, id(None, Some(Path::new("/home/a/.config/shomei"))));
        assert_ne!(a, id(None, Some(Path::new("/home/b/.config/shomei"))));
        let demo = id(
            Some(Path::new("/tmp/d")),
            Some(Path::new("/home/a/.config/shomei")),
        );
        assert_ne!(a, demo);
        assert!(
            a.starts_with("jp.shomei.desktop.i") && a.len() == "jp.shomei.desktop.i".len() + 16
        );
    }
}
