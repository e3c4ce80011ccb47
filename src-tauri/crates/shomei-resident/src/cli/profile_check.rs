//! `profile check FILE`: every problem of a bank profile with its place, in
//! Japanese and English; a short summary when it is valid.

use std::path::Path;

use shomei_engine::profile::ProfileError;
use shomei_engine::BankProfile;

use shomei_engine::words;

use super::{exit, output, Lang};

pub fn run(file: &Path, lang: Lang) -> i32 {
    match BankProfile::load(file) {
        Ok((profile, roots)) => {
            let yes_no = |b: bool| {
                if b {
                    words::text(lang, "cli.profileCheck.yes", &[])
                } else {
                    words::text(lang, "cli.profileCheck.no", &[])
                }
            };
            let r = &profile.renewal;
            let reminders: Vec<String> = r.reminder_days.iter().map(u32::to_string).collect();
            let cutoff = r.last_day_cutoff.map_or_else(
                || "-".to_owned(),
                |t| format!("{:02}:{:02}", t.hour(), t.minute()),
            );
            let rows = [
                (
                    words::text(lang, "cli.profileCheck.bank", &[]),
                    profile.name.clone(),
                ),
                ("EST".to_owned(), profile.est.base_url.clone()),
                (
                    words::text(lang, "cli.profileCheck.pinnedCa", &[]),
                    roots.len().to_string(),
                ),
                (
                    words::text(lang, "cli.profileCheck.mediaStorage", &[]),
                    yes_no(profile.media_storage),
                ),
                (
                    words::text(lang, "cli.profileCheck.pcStore", &[]),
                    yes_no(profile.pc_store.enabled),
                ),
                (
                    words::text(lang, "cli.profileCheck.windowOpens", &[]),
                    r.window_opens_days.to_string(),
                ),
                (words::text(lang, "cli.profileCheck.cutoff", &[]), cutoff),
                (
                    words::text(lang, "cli.profileCheck.reminders", &[]),
                    reminders.join(", "),
                ),
                (
                    words::text(lang, "cli.profileCheck.grace", &[]),
                    r.reacquire_grace_days.to_string(),
                ),
                (
                    words::text(lang, "cli.profileCheck.pendingLimit", &[]),
                    r.pending_limit_days.to_string(),
                ),
            ];
            let mut text = format!(
                "{}: {}\n",
                file.display(),
                words::text(lang, "cli.profileCheck.valid", &[])
            );
            for (label, value) in rows {
                text.push_str(&format!("  {label}: {value}\n"));
            }
            output::print(&text).err().unwrap_or(exit::OK)
        }
        Err(ProfileError::Invalid { path, issues }) => {
            let n = issues.len();
            let mut text = format!(
                "{}: {}\n",
                path.display(),
                words::text(lang, "cli.profileCheck.problems", &[("n", &n.to_string())])
            );
            for issue in issues {
                text.push_str(&format!("{}:{issue}\n", path.display()));
            }
            output::print(&text).err().unwrap_or(exit::PROFILE)
        }
        Err(e) => {
            eprintln!("shomei: {e}");
            exit::PROFILE
        }
    }
}
