//! Exit codes (documented in `--help`) and the words for engine errors.

use shomei_engine::model::{ErrorCode, ErrorView};

use super::Lang;

pub const OK: i32 = 0;
pub const FAILURE: i32 = 1;
pub const USAGE: i32 = 2;
pub const PIN: i32 = 3;
pub const PIN_FINAL_TRY: i32 = 4;
pub const STORE: i32 = 5;
pub const BANK: i32 = 6;
pub const OUTSIDE_WINDOW: i32 = 7;
pub const PROFILE: i32 = 8;
pub const CANCELLED: i32 = 9;
pub const PENDING: i32 = 10;
pub const IN_PROGRESS: i32 = 11;
pub const NOT_RENEWABLE: i32 = 12;

pub fn for_error(code: ErrorCode) -> i32 {
    use ErrorCode::*;
    match code {
        PinIncorrect | PinLocked => PIN,
        PinFinalTry => PIN_FINAL_TRY,
        TokenAbsent | ModuleMissing | TokenRemoved | NotFound | StoreNotOffered => STORE,
        UnfinishedElsewhere => IN_PROGRESS,
        BankUnreachable
        | BankNotTrusted
        | BankRejected
        | CertificateMismatch
        | IssuedNotLonger
        | BankAuthRequired
        | BankRequirementUnsupported => BANK,
        // Nothing is wrong: the bank (or the clock) says "later"; the request is kept.
        StillPending | IssuedNotYetValid => PENDING,
        RenewalInProgress => IN_PROGRESS,
        NotRenewable => NOT_RENEWABLE,
        OutsideWindow => OUTSIDE_WINDOW,
        Cancelled => CANCELLED,
        // An interrupted renewal of this identity was just finished: it is renewed.
        AlreadyRenewed => OK,
        NoBankProfile => PROFILE,
        RenewalUnknown | NotSaved | Internal => FAILURE,
    }
}

/// One sentence for the terminal, then the technical detail for the helpdesk.
pub fn message(error: &ErrorView, lang: Lang) -> String {
    use ErrorCode::*;
    let at = error
        .at
        .as_deref()
        .map(|at| super::dates::jst_moment(at, lang));
    let timed = match (error.code, &at) {
        (StillPending, Some(at)) => Some(match lang {
            Lang::Ja => format!(
                "銀行はまだ電子証明書を発行していません。申請は保存されています。{at}以降に、もう一度実行してください（同じ申請で問い合わせます）。"
            ),
            Lang::En => format!(
                "The bank has not issued yet. The request is kept: run again after {at} and the same request is asked after."
            ),
        }),
        (IssuedNotYetValid, Some(at)) => Some(match lang {
            Lang::Ja => format!(
                "銀行は電子証明書を発行しましたが、有効期間の開始（{at}）がこのパソコンの時計より先です。パソコンの時計を確認してください。新しい電子証明書は保存してあり、その時刻以降にもう一度実行すると続けられます。"
            ),
            Lang::En => format!(
                "The bank issued the certificate, but it is valid only from {at}, later than this computer's clock. Check the clock. The new certificate is kept: run again after that time to carry on."
            ),
        }),
        _ => None,
    };
    let text = match error.code {
        _ if timed.is_some() => "",
        BankAuthRequired => lang.t(
            "銀行がパスワード（利用者名とパスワード、またはチャレンジパスワード）を求めています。--bank-password-env で銀行から通知されたパスワードを渡してください（渡した場合は、受け付けられませんでした）。",
            "The bank asks for a password (a user name and password, or a challenge password). Give the password your bank sent with --bank-password-env (if you did, it was refused).",
        ),
        BankRequirementUnsupported => lang.t(
            "銀行の認証局が、この申請に入れられないもの（作れない種類の鍵、チャレンジパスワードなど）を求めています。何も作成・送信していません。お取引の銀行にお問い合わせください。",
            "The bank's CA asks for something this request cannot carry (a kind of key the store cannot make, a challenge password). Nothing was made or sent. Contact your bank.",
        ),
        UnfinishedElsewhere => lang.t(
            "この電子証明書には、もう一方の保管場所への中断された更新があります。--into を付けずに renew で続けるか、discard で破棄してから、もう一度実行してください。",
            "An unfinished renewal of this certificate goes into the other store. Carry it on (renew without --into) or discard it, then run again.",
        ),
        StoreNotOffered => lang.t(
            "この銀行は専用USBへの保存を提供していません（--into pc で、このパソコンに保存できます）。",
            "This bank offers no USB token to save into (--into pc saves on this PC).",
        ),
        NoBankProfile => lang.t(
            "銀行プロファイルがありません（shomei status で各プロファイルの状態を確認できます）。",
            "No bank profile is loaded (shomei status shows every profile and its problems).",
        ),
        TokenAbsent => lang.t(
            "専用USBが見つかりません。差し込んでから、もう一度実行してください。",
            "The USB token was not found. Insert it and run again.",
        ),
        ModuleMissing => lang.t(
            "専用USBの管理ソフトが見つかりません。インストールしてください。",
            "The token software (PKCS#11 module) is not installed.",
        ),
        TokenRemoved => lang.t(
            "専用USBが抜かれました。差し込んでから、もう一度実行してください。",
            "The USB token was removed. Insert it and run again.",
        ),
        PinIncorrect => lang.t(
            "専用USBのパスワード（PIN）が違います。",
            "The token PIN is incorrect.",
        ),
        PinFinalTry => lang.t(
            "専用USBのパスワード（PIN）は残り1回です。間違えるとロックされ、銀行での手続きが必要になります。\
             PINが確実なときだけ --confirm-final-try を付けて、もう一度実行してください（今回は試していません）。",
            "The token is at its final PIN try: a wrong PIN locks it and the bank must reset it. \
             Only if you are sure of the PIN, run again with --confirm-final-try (nothing was tried).",
        ),
        PinLocked => lang.t(
            "専用USBはロックされています。銀行にお問い合わせください。",
            "The token is locked. Contact the bank.",
        ),
        Cancelled => lang.t("取り消しました。", "Cancelled."),
        NotFound => lang.t(
            "指定の拇印 (SHA-256) の電子証明書が見つかりません（shomei status で確認できます）。",
            "No client certificate has that SHA-256 fingerprint (see shomei status).",
        ),
        BankUnreachable => lang.t(
            "銀行に接続できません。ネットワークとプロキシの設定を確認してください。",
            "Cannot reach the bank. Check the network and proxy settings.",
        ),
        BankNotTrusted => lang.t(
            "接続先が銀行であることを確認できませんでした（通信を検査するプロキシの可能性があります）。",
            "The server did not prove to be the bank (a TLS-inspecting proxy may be in the way).",
        ),
        BankRejected => lang.t(
            "銀行が更新の申請を受け付けませんでした。",
            "The bank rejected the renewal request.",
        ),
        CertificateMismatch => lang.t(
            "銀行から届いた電子証明書が申請と一致しないため、保存しませんでした。",
            "The certificate from the bank does not match the request; nothing was installed.",
        ),
        StillPending => lang.t(
            "銀行はまだ発行していません。申請は保存されています。しばらくしてから、もう一度実行してください（同じ申請で問い合わせます）。",
            "The bank has not issued yet. The request is kept: run again later and the same request is asked after.",
        ),
        AlreadyRenewed => lang.t(
            "中断されていた更新を完了しました。新しい電子証明書が使えます（shomei status で確認できます）。",
            "An interrupted renewal of this certificate has been completed; the new certificate is in place (see shomei status).",
        ),
        IssuedNotYetValid => lang.t(
            "銀行は電子証明書を発行しましたが、有効期間の開始がこのパソコンの時計より先です。パソコンの時計を確認してください。新しい電子証明書は保存してあります。",
            "The bank issued the certificate, but it is valid only from a time later than this computer's clock. Check the clock. The new certificate is kept.",
        ),
        IssuedNotLonger => lang.t(
            "銀行から届いた電子証明書の有効期限が、いまの電子証明書より後ではないため、保存しませんでした。いまの電子証明書はそのまま使えます。銀行にお問い合わせください。",
            "The certificate from the bank expires no later than the current one, so it was not installed. The current certificate is unchanged. Contact the bank.",
        ),
        RenewalInProgress => lang.t(
            "この電子証明書の更新は、別のウィンドウまたはコマンドで処理中です。何も変更していません。そちらが終わってから、もう一度実行してください。",
            "This renewal is in progress in another window or command. Nothing was changed. Run again once that one has finished.",
        ),
        NotRenewable => lang.t(
            "この電子証明書はここでは更新できません（秘密鍵がない、銀行の認証局の発行ではない、または新しい電子証明書に置き換え済み）。shomei status で理由を確認できます。",
            "This certificate cannot be renewed here (no private key, not issued by the bank's CA, or replaced by a newer one). See shomei status for why.",
        ),
        OutsideWindow => lang.t(
            "いまは更新期間ではありません。",
            "Renewal is not possible now (outside the renewal window).",
        ),
        RenewalUnknown => lang.t(
            "その更新は見つかりません。終わっているか、破棄されています（shomei status で確認できます）。",
            "No such unfinished renewal: it has ended or was discarded (see shomei status).",
        ),
        NotSaved => lang.t("保存できませんでした。", "Could not be saved."),
        Internal => lang.t("内部エラーが発生しました。", "Internal error."),
    };
    let mut out = timed.unwrap_or_else(|| text.to_owned());
    if let Some(n) = error.retries_left {
        out.push_str(&match lang {
            Lang::Ja => format!("（残り{n}回）"),
            Lang::En => format!(" ({n} tries left)"),
        });
    }
    if let Some(detail) = &error.detail {
        out.push_str(&format!("\n  ({detail})"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_groups_have_their_documented_codes() {
        assert_eq!(for_error(ErrorCode::PinIncorrect), PIN);
        assert_eq!(for_error(ErrorCode::PinLocked), PIN);
        assert_eq!(for_error(ErrorCode::PinFinalTry), PIN_FINAL_TRY);
        assert_eq!(for_error(ErrorCode::TokenAbsent), STORE);
        assert_eq!(for_error(ErrorCode::BankNotTrusted), BANK);
        assert_eq!(for_error(ErrorCode::OutsideWindow), OUTSIDE_WINDOW);
        assert_eq!(for_error(ErrorCode::Internal), FAILURE);
        assert_eq!(for_error(ErrorCode::StillPending), PENDING);
        assert_eq!(for_error(ErrorCode::IssuedNotYetValid), PENDING);
        assert_eq!(for_error(ErrorCode::BankRejected), BANK);
        assert_eq!(for_error(ErrorCode::IssuedNotLonger), BANK);
        assert_eq!(for_error(ErrorCode::RenewalInProgress), IN_PROGRESS);
        assert_eq!(for_error(ErrorCode::NotRenewable), NOT_RENEWABLE);
        assert_eq!(for_error(ErrorCode::NoBankProfile), PROFILE);
        let view = ErrorView::of(ErrorCode::PinFinalTry, None);
        assert!(message(&view, Lang::En).contains("--confirm-final-try"));
        assert!(message(&view, Lang::Ja).contains("--confirm-final-try"));
    }

    #[test]
    fn a_pending_renewal_says_when_in_japan_time() {
        let mut view = ErrorView::of(ErrorCode::StillPending, None);
        view.at = Some("2026-12-06T05:05:00Z".into());
        assert!(
            message(&view, Lang::Ja).contains("2026年12月6日 14:05（日本時間）以降に"),
            "{}",
            message(&view, Lang::Ja)
        );
        assert!(message(&view, Lang::En).contains("after 2026-12-06 14:05 JST"));
        view.code = ErrorCode::IssuedNotYetValid;
        assert!(message(&view, Lang::Ja).contains("パソコンの時計"));
    }
}
