//! `status [--json]`: every identity, its expiry date (JST), days left, state and store.

use shomei_engine::model::{CertStatus, IdentityListing, IdentityView, NotRenewable, StorageKind};

use super::profiles;
use super::session::Session;
use super::unfinished::unfinished_words;
use super::{dates, exit, output, Lang};

pub fn run(session: &Session, json: bool, lang: Lang) -> i32 {
    let listing = session.engine.list();
    let printed = if json {
        match serde_json::to_string_pretty(&listing) {
            Ok(text) => output::print(&format!("{text}\n")),
            Err(e) => {
                eprintln!("shomei: {e}");
                return exit::FAILURE;
            }
        }
    } else {
        let printed = output::print(&text(&listing, lang));
        for error in &listing.errors {
            eprintln!("shomei: {}", exit::message(error, lang));
        }
        for problem in profiles::problems(&listing.profiles, lang) {
            eprintln!("shomei: {problem}");
        }
        printed
    };
    if let Err(code) = printed {
        return code;
    }
    match listing.errors.first() {
        Some(e) => exit::for_error(e.code),
        None if profiles::any_broken(&listing.profiles) => exit::PROFILE,
        None => exit::OK,
    }
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

/// Each bank with its identities, in the order of the profiles; then the
/// identities of no bank (発行元不明); then the unfinished renewals.
fn text(listing: &IdentityListing, lang: Lang) -> String {
    let mut out = String::new();
    if listing.identities.is_empty() {
        out.push_str(lang.t(
            "電子証明書は見つかりませんでした。\n",
            "No client certificate was found.\n",
        ));
    }
    let mut groups: Vec<(String, Vec<&IdentityView>)> = Vec::new();
    for id in &listing.identities {
        let heading = match &id.bank {
            Some(bank) => bank.name.clone(),
            None => lang
                .t(
                    "発行元不明（どの銀行の電子証明書でもありません）",
                    "Unknown issuer (no bank's certificate)",
                )
                .to_owned(),
        };
        match groups.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((heading, vec![id])),
        }
    }
    groups.sort_by_key(|(_, ids)| ids[0].bank.is_none());
    for (heading, ids) in groups {
        out.push_str(&format!("\n{heading}\n"));
        identities(&mut out, listing, &ids, lang);
    }
    unfinished(&mut out, listing, lang);
    out
}

fn identities(out: &mut String, listing: &IdentityListing, ids: &[&IdentityView], lang: Lang) {
    for id in ids {
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
        let state = match &id.not_renewable {
            None => state_word(id.status, lang).to_owned(),
            Some(why) => format!(
                "{}{}",
                lang.t("更新できません：", "not renewable: "),
                not_renewable_word(why, lang)
            ),
        };
        let rows = [
            (lang.t("発行先", "Issued to"), id.subject_cn.clone()),
            (lang.t("有効期限", "Expiry date"), expiry(id, lang)),
            (lang.t("残り日数", "Days left"), days),
            (lang.t("状態", "State"), state),
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
                "  {}: {}（{}）\n",
                lang.t("中断された更新", "Unfinished renewal"),
                unfinished_words(unfinished, lang).what,
                unfinished.renewal_id
            ));
        }
    }
}

fn unfinished(out: &mut String, listing: &IdentityListing, lang: Lang) {
    if !listing.unfinished.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            lang.t("中断された更新", "Unfinished renewals")
        ));
    }
    for u in &listing.unfinished {
        let gone = !listing
            .identities
            .iter()
            .any(|i| i.fingerprint.eq_ignore_ascii_case(&u.fingerprint));
        let words = unfinished_words(u, lang);
        let mut target = format!("{} ({})", u.label, u.fingerprint);
        if gone {
            target.push_str(lang.t(
                "　※この電子証明書はもうありません",
                " (this certificate is no longer there)",
            ));
        }
        let rows = [
            ("ID", u.renewal_id.clone()),
            (lang.t("対象", "Certificate"), target),
            (
                lang.t("保管場所", "Store"),
                format!("{} ({})", u.store, u.store_label),
            ),
            (
                lang.t("開始", "Started"),
                dates::jst_moment(&u.started_at, lang),
            ),
            (lang.t("状況", "What happened"), words.what),
            (
                lang.t("続ける", "Carry on"),
                format!(
                    "shomei renew --identity {} …: {}",
                    u.fingerprint, words.carry_on
                ),
            ),
            (
                lang.t("破棄", "Discard"),
                format!("shomei discard {} …: {}", u.renewal_id, words.discard),
            ),
        ];
        out.push('\n');
        for (label, value) in rows {
            out.push_str(&format!("  {label}: {value}\n"));
        }
    }
}

fn not_renewable_word(why: &NotRenewable, lang: Lang) -> String {
    match why {
        NotRenewable::NoPrivateKey => lang
            .t(
                "秘密鍵がありません",
                "the store holds no private key for it",
            )
            .to_owned(),
        NotRenewable::UnknownIssuer => lang
            .t(
                "発行元不明（どの銀行プロファイルの認証局の発行でもありません）",
                "unknown issuer (no bank profile's CA issued it)",
            )
            .to_owned(),
        NotRenewable::Superseded { by_fingerprint, .. } => match lang {
            Lang::Ja => format!("新しい電子証明書（拇印 {by_fingerprint}）に置き換え済みです"),
            Lang::En => format!("replaced by a newer certificate ({by_fingerprint})"),
        },
    }
}
