//! `status [--json]`: every identity, its expiry date (JST), days left, state and store.

use shomei_engine::model::{
    CertStatus, IdentityListing, IdentityView, StorageKind, UnfinishedStage,
};

use super::session::Session;
use super::{dates, exit, Lang};

pub fn run(session: &Session, json: bool, lang: Lang) -> i32 {
    let listing = session.engine.list();
    if json {
        match serde_json::to_string_pretty(&listing) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("shomei: {e}");
                return exit::FAILURE;
            }
        }
    } else {
        print!(
            "{}",
            text(&listing, session.engine.profile().name.as_str(), lang)
        );
        for error in &listing.errors {
            eprintln!("shomei: {}", exit::message(error, lang));
        }
    }
    listing
        .errors
        .first()
        .map_or(exit::OK, |e| exit::for_error(e.code))
}

pub fn state_word(status: CertStatus, lang: Lang) -> &'static str {
    match status {
        CertStatus::Valid => lang.t("有効", "valid"),
        CertStatus::RenewalOpen => lang.t("更新期間中", "renewal open"),
        CertStatus::Expired => lang.t("期限切れ", "expired"),
    }
}

pub fn store_word(storage: StorageKind, lang: Lang) -> &'static str {
    match storage {
        StorageKind::UsbToken => lang.t("専用USB", "USB token"),
        StorageKind::ThisPc => lang.t("このパソコン", "this PC"),
    }
}

/// The expiry date in Japan time, in the language's words.
pub fn expiry(identity: &IdentityView, lang: Lang) -> String {
    match dates::parse_rfc3339(&identity.not_after).map(dates::jst_date) {
        Some(d) if lang == Lang::Ja => d.ja(),
        Some(d) => format!("{} (JST)", d.iso()),
        None => identity.not_after.clone(),
    }
}

fn text(listing: &IdentityListing, bank: &str, lang: Lang) -> String {
    let mut out = format!("{bank}\n");
    if listing.identities.is_empty() {
        out.push_str(lang.t(
            "電子証明書は見つかりませんでした。\n",
            "No client certificate was found.\n",
        ));
    }
    for id in &listing.identities {
        let days = match (lang, id.days_left) {
            (Lang::Ja, n) if n >= 0 => format!("{n}日"),
            (Lang::Ja, n) => format!("{}日経過", -n),
            (Lang::En, n) if n >= 0 => format!("{n} days"),
            (Lang::En, n) => format!("expired {} days ago", -n),
        };
        let store = if id.store_label.is_empty() {
            store_word(id.storage, lang).to_owned()
        } else {
            let word = store_word(id.storage, lang);
            match lang {
                Lang::Ja => format!("{word}（{}）", id.store_label),
                Lang::En => format!("{word} ({})", id.store_label),
            }
        };
        let rows = [
            (lang.t("発行先", "Issued to"), id.subject_cn.clone()),
            (lang.t("有効期限", "Expiry date"), expiry(id, lang)),
            (lang.t("残り日数", "Days left"), days),
            (
                lang.t("状態", "State"),
                state_word(id.status, lang).to_owned(),
            ),
            (lang.t("保管場所", "Store"), store),
            (
                lang.t("拇印 (SHA-256)", "Fingerprint (SHA-256)"),
                id.fingerprint.clone(),
            ),
        ];
        out.push('\n');
        for (label, value) in rows {
            out.push_str(&format!("  {label}: {value}\n"));
        }
        if let Some(unfinished) = listing
            .unfinished
            .iter()
            .find(|u| u.fingerprint.eq_ignore_ascii_case(&id.fingerprint))
        {
            out.push_str(&format!(
                "  {}: {}\n",
                lang.t("中断された更新", "Unfinished renewal"),
                unfinished_word(unfinished.stage, lang)
            ));
        }
    }
    out
}

/// What `renew` will do with a renewal a previous run left unfinished.
fn unfinished_word(stage: UnfinishedStage, lang: Lang) -> &'static str {
    match stage {
        UnfinishedStage::Interrupted => lang.t(
            "申請の前に中断しました（renew で取り消してやり直します）",
            "stopped before the request (renew undoes it and starts again)",
        ),
        UnfinishedStage::Pending => lang.t(
            "銀行の発行待ち（renew で同じ申請を問い合わせます）",
            "waiting for the bank (renew asks again with the same request)",
        ),
        UnfinishedStage::AwaitingInstall => lang.t(
            "発行済み・保存前（renew で保存の確認から続けます）",
            "issued, not installed (renew continues at the install consent)",
        ),
        UnfinishedStage::Installing => lang.t(
            "保存の途中（renew で保存を完了します）",
            "install interrupted (renew finishes it)",
        ),
    }
}
