//! `status [--json]`: every identity, its expiry date (JST), days left, state and store.

use shomei_engine::model::{
    CertStatus, IdentityListing, IdentityView, NotRenewable, StorageKind, UnfinishedRenewal,
    UnfinishedStage,
};

use super::session::Session;
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
        let printed = output::print(&text(
            &listing,
            session.engine.profile().name.as_str(),
            lang,
        ));
        for error in &listing.errors {
            eprintln!("shomei: {}", exit::message(error, lang));
        }
        printed
    };
    if let Err(code) = printed {
        return code;
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
    out
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
                "この銀行の認証局が発行した電子証明書ではありません",
                "not issued by this bank's CA",
            )
            .to_owned(),
        NotRenewable::Superseded { by_fingerprint, .. } => match lang {
            Lang::Ja => format!("新しい電子証明書（拇印 {by_fingerprint}）に置き換え済みです"),
            Lang::En => format!("replaced by a newer certificate ({by_fingerprint})"),
        },
    }
}

/// An unfinished renewal in words: what happened, what carrying it on (renew)
/// and discarding it (discard) would do.
pub struct UnfinishedWords {
    pub what: String,
    pub carry_on: &'static str,
    pub discard: &'static str,
}

pub fn unfinished_words(u: &UnfinishedRenewal, lang: Lang) -> UnfinishedWords {
    let at = u
        .next_poll_at
        .as_deref()
        .map(|at| dates::jst_moment(at, lang))
        .unwrap_or_default();
    let (what, carry_on, discard) = match u.stage {
        UnfinishedStage::Interrupted => (
            lang.t(
                "申請を送る前に中断しました",
                "stopped before the request was sent",
            )
            .to_owned(),
            lang.t(
                "取り消してから、新しく更新します",
                "undoes it and renews afresh",
            ),
            lang.t(
                "作りかけの鍵を削除します。古い電子証明書はそのままです",
                "removes the new key; the old certificate is unchanged",
            ),
        ),
        UnfinishedStage::Pending => (
            match lang {
                Lang::Ja => format!("銀行の発行待ちです（次の問い合わせ: {at}以降）"),
                Lang::En => format!("waiting for the bank (to be asked again after {at})"),
            },
            lang.t(
                "同じ申請で銀行に問い合わせます",
                "asks the bank again with the same request",
            ),
            lang.t(
                "申請用の新しい鍵を削除します。あとで銀行が発行しても使われません。古い電子証明書はそのままです",
                "removes the request's new key; whatever the bank issues later is never used; the old certificate is unchanged",
            ),
        ),
        UnfinishedStage::NotYetValid => (
            match lang {
                Lang::Ja => format!("発行済みですが、有効期間の開始（{at}）がこのパソコンの時計より先です"),
                Lang::En => format!("issued, but valid only from {at}, ahead of this computer's clock"),
            },
            lang.t(
                "開始時刻を過ぎていれば保存の確認に進みます",
                "continues at the install consent once that time has come",
            ),
            lang.t(
                "発行された電子証明書と新しい鍵を捨てます。古い電子証明書はそのままです",
                "throws the issued certificate and its key away; the old certificate is unchanged",
            ),
        ),
        UnfinishedStage::AwaitingInstall => (
            lang.t(
                "発行済みで、保存の確認の前です",
                "issued, not installed yet",
            )
            .to_owned(),
            lang.t(
                "保存の確認から続けます",
                "continues at the install consent",
            ),
            lang.t(
                "発行された電子証明書と新しい鍵を捨てます。古い電子証明書はそのままです",
                "throws the issued certificate and its key away; the old certificate is unchanged",
            ),
        ),
        UnfinishedStage::Installing => (
            lang.t("保存の途中で中断しました", "the install was interrupted").to_owned(),
            lang.t("保存を完了します", "finishes the install"),
            lang.t(
                "保存しかけた新しい電子証明書と鍵を削除します。古い電子証明書はそのままです",
                "removes the half-installed new certificate and key; the old certificate is unchanged",
            ),
        ),
        UnfinishedStage::Archiving => (
            match &u.archive_error {
                Some(e) => match lang {
                    Lang::Ja => format!("新しい電子証明書は保存済みです。古い電子証明書を削除できませんでした（{e}）"),
                    Lang::En => format!("the new certificate is installed; removing the old one failed ({e})"),
                },
                None => lang
                    .t(
                        "新しい電子証明書は保存済みです。古い電子証明書の削除の前に中断しました",
                        "the new certificate is installed; stopped before removing the old one",
                    )
                    .to_owned(),
            },
            lang.t(
                "古い電子証明書の削除をもう一度試みます",
                "tries again to remove the old certificate",
            ),
            lang.t(
                "記録だけを消します。新旧どちらの電子証明書も残ります",
                "forgets it; both certificates stay",
            ),
        ),
    };
    let what = if u.stuck {
        format!(
            "{what}{}",
            lang.t(
                "。発行待ちの期間が上限を超えています。銀行に確認するか、破棄してください",
                "; pending for longer than the bank profile allows: ask the bank, or discard it"
            )
        )
    } else {
        what
    };
    UnfinishedWords {
        what,
        carry_on,
        discard,
    }
}
