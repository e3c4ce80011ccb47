//! `support-bundle --out FILE`: the zip for the bank's helpdesk. It is written
//! even when the banks cannot be opened: then with the profiles as found (each
//! broken one with its problems), or that part as an error inside.

use std::path::Path;

use shomei_engine::words;

use super::{exit, session, Lang};
use crate::options::Options;

pub fn run(options: &Options, out: &Path, lang: Lang) -> i32 {
    let opened = session::open(options, lang);
    let demo_dir = options.demo_dir.as_deref();
    // A fresh demo (no --demo-dir) has its own folder, named by the session.
    let data_dir = match &opened {
        Ok(s) => s.data_dir.clone(),
        Err(_) => crate::banks::data_dir(demo_dir),
    };
    // No bank loads (every profile broken, or none): the profiles as found still
    // tell the helpdesk why.
    let found = match (&opened, options.demo) {
        (Err(_), false) => Some(shomei_engine::Banks::of(
            Vec::new(),
            crate::banks::catalog(options.profile.as_deref()).profiles,
        )),
        _ => None,
    };
    let banks = match (&opened, &found) {
        (Ok(s), _) => Ok(&s.engine),
        (Err(_), Some(found)) => Ok(found),
        (Err(code), None) => Err(format!(
            "the bank profiles could not be opened (exit {code})"
        )),
    };
    match crate::support::write(out, "shomei (command line)", &data_dir, banks) {
        Ok(summary) => {
            let file = out.display().to_string();
            eprintln!(
                "shomei: {}",
                words::text(lang, "cli.supportBundle.written", &[("file", &file)])
            );
            if summary.failed() > 0 {
                let n = summary.failed().to_string();
                eprintln!(
                    "shomei: {}",
                    words::text(lang, "cli.supportBundle.partsFailed", &[("n", &n)])
                );
            }
            exit::OK
        }
        Err(e) => {
            let (file, error) = (out.display().to_string(), e.to_string());
            eprintln!(
                "shomei: {}",
                words::text(
                    lang,
                    "cli.supportBundle.failed",
                    &[("file", &file), ("error", &error)]
                )
            );
            exit::FAILURE
        }
    }
}
