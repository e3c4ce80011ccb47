//! `support-bundle --out FILE`: the zip for the bank's helpdesk. It is written
//! even when the banks cannot be opened (that part is then an error inside).

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
    let banks = match &opened {
        Ok(s) => Ok(&s.engine),
        Err(code) => Err(format!(
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
