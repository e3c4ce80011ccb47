//! An unfinished renewal in the command line's words (`status`, `discard`): what
//! happened, and what carrying it on (`renew`) or discarding it (`discard`) does.

use shomei_engine::model::{UnfinishedRenewal, UnfinishedStage};

use super::{dates, Lang};

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
