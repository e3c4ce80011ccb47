//! `profile check FILE`: every problem of a bank profile with its place, in
//! Japanese and English; a short summary when it is valid.

use std::path::Path;

use shomei_engine::profile::ProfileError;
use shomei_engine::BankProfile;

use super::{exit, output, Lang};

pub fn run(file: &Path, lang: Lang) -> i32 {
    match BankProfile::load(file) {
        Ok((profile, roots)) => {
            let yes_no = |b: bool| {
                if b {
                    lang.t("あり", "yes")
                } else {
                    lang.t("なし", "no")
                }
            };
            let r = &profile.renewal;
            let reminders: Vec<String> = r.reminder_days.iter().map(u32::to_string).collect();
            let cutoff = r.last_day_cutoff.map_or_else(
                || "-".to_owned(),
                |t| format!("{:02}:{:02}", t.hour(), t.minute()),
            );
            let rows = [
                (lang.t("銀行", "Bank"), profile.name.clone()),
                ("EST", profile.est.base_url.clone()),
                (
                    lang.t("固定した CA 証明書", "Pinned CA certificates"),
                    roots.len().to_string(),
                ),
                (
                    lang.t("専用USB（電子証明書媒体保管）", "USB token (media storage)"),
                    yes_no(profile.media_storage).to_owned(),
                ),
                (
                    lang.t("このパソコンの保管場所", "This PC's store"),
                    yes_no(profile.pc_store.enabled).to_owned(),
                ),
                (
                    lang.t(
                        "更新期間の開始（日前）",
                        "Renewal window opens (days before)",
                    ),
                    r.window_opens_days.to_string(),
                ),
                (lang.t("最終日の締め切り", "Last-day cut-off"), cutoff),
                (
                    lang.t("お知らせ（日前）", "Reminders (days before)"),
                    reminders.join(", "),
                ),
                (
                    lang.t("再取得の猶予（日）", "Re-acquire grace (days)"),
                    r.reacquire_grace_days.to_string(),
                ),
                (
                    lang.t("発行待ちの上限（日）", "Pending limit (days)"),
                    r.pending_limit_days.to_string(),
                ),
            ];
            let mut text = format!(
                "{}: {}\n",
                file.display(),
                lang.t("問題はありません", "valid")
            );
            for (label, value) in rows {
                text.push_str(&format!("  {label}: {value}\n"));
            }
            output::print(&text).err().unwrap_or(exit::OK)
        }
        Err(ProfileError::Invalid { path, issues }) => {
            let n = issues.len();
            let mut text = format!(
                "{}: 銀行プロファイルに {n} 件の問題があります / the bank profile has {n} problem(s)\n",
                path.display()
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
