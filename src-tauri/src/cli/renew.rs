//! `renew`: the engine's two halves with the two consents in between, the PIN
//! from an environment variable or stdin (never argv), progress on stderr.

use std::io::Write;
use std::sync::Arc;

use secrecy::SecretString;
use shomei_engine::model::{ErrorCode, ErrorView, ProgressEvent, RenewalStep, StepPhase};
use shomei_engine::{PollPolicy, ProgressSink, RenewalOptions};

use super::args::{RenewArgs, Secured};
use super::pin::Pin;
use super::session::Session;
use super::status::{expiry, store_word};
use super::{dates, exit, output, Lang};

pub fn run(
    session: &mut Session,
    args: &RenewArgs,
    pin: Pin,
    bank_password: Option<SecretString>,
    lang: Lang,
) -> i32 {
    if let Some(limit) = args.wait {
        session.engine.set_poll_policy(PollPolicy::waiting(limit));
    }
    let session = &*session;
    let engine = &session.engine;
    let listing = engine.list();
    let current = listing
        .identities
        .iter()
        .find(|i| same_fingerprint(&i.fingerprint, &args.identity));
    // An identity that is gone can still have its unfinished renewal carried on.
    let unfinished = listing
        .unfinished
        .iter()
        .find(|u| same_fingerprint(&u.fingerprint, &args.identity));
    let (fingerprint, question) = match (current, unfinished) {
        (Some(current), _) => (
            current.fingerprint.clone(),
            match (lang, args.into.filter(|into| *into != current.storage)) {
                (Lang::Ja, None) => format!(
                    "{}（{}、有効期限 {}）の電子証明書を更新します。よろしいですか？",
                    current.subject_cn,
                    store_word(current.storage, lang),
                    expiry(current, lang)
                ),
                (Lang::Ja, Some(into)) => format!(
                    "{}（{}、有効期限 {}）の電子証明書を更新し、新しい電子証明書を{}に保存します。よろしいですか？",
                    current.subject_cn,
                    store_word(current.storage, lang),
                    expiry(current, lang),
                    store_word(into, lang)
                ),
                (Lang::En, None) => format!(
                    "Renew the client certificate of {} ({}, expires {})?",
                    current.subject_cn,
                    store_word(current.storage, lang),
                    expiry(current, lang)
                ),
                (Lang::En, Some(into)) => format!(
                    "Renew the client certificate of {} ({}, expires {}) and save the new one on {}?",
                    current.subject_cn,
                    store_word(current.storage, lang),
                    expiry(current, lang),
                    store_word(into, lang)
                ),
            },
        ),
        (None, Some(u)) => (
            u.fingerprint.clone(),
            match lang {
                Lang::Ja => format!("{} の中断された更新を続けます。よろしいですか？", u.label),
                Lang::En => format!("Carry on the unfinished renewal of {}?", u.label),
            },
        ),
        (None, None) => {
            let error = listing.errors.first().cloned().unwrap_or(ErrorView::of(
                ErrorCode::NotFound,
                Some(args.identity.clone()),
            ));
            return fail(&error, lang);
        }
    };
    // "Not before HH:MM" needs no PIN.
    if let Err(e) = engine.not_before(&fingerprint) {
        return fail(&e.view(), lang);
    }
    let pin = match pin_and_consent(
        pin,
        &args.secured,
        &question,
        lang.t("更新を取り消しました。", "Renewal cancelled."),
        lang,
    ) {
        Ok(pin) => pin,
        Err(code) => return code,
    };
    let options = RenewalOptions {
        into: args.into,
        confirm_final_try: args.secured.confirm_final_try,
        bank_password,
    };
    let started =
        session
            .runtime
            .block_on(engine.start_renewal(&fingerprint, options, pin, progress(lang)));
    let issued = match started {
        Ok(issued) => issued,
        Err(e) => return fail(&e.view(), lang),
    };
    let new_expiry = dates::parse_rfc3339(&issued.details.not_after)
        .map(dates::jst_date)
        .map_or_else(
            || issued.details.not_after.clone(),
            |d| match lang {
                Lang::Ja => d.ja(),
                Lang::En => format!("{} (JST)", d.iso()),
            },
        );
    let store = args
        .into
        .or(current.map(|c| c.storage))
        .map_or_else(String::new, |s| store_word(s, lang).to_owned());
    let question = match lang {
        Lang::Ja => format!(
            "銀行から新しい電子証明書が届きました（有効期限 {new_expiry}）。{store}に保存し、古い電子証明書と置き換えます。よろしいですか？"
        ),
        Lang::En => format!(
            "The bank issued the new certificate (expires {new_expiry}). Install it ({store}) in place of the old one?"
        ),
    };
    if !args.secured.yes && !consent(&question, lang) {
        if let Err(e) = engine.cancel_renewal(&issued.renewal_id) {
            return fail(&e.view(), lang);
        }
        eprintln!(
            "shomei: {}",
            lang.t(
                "更新を取り消しました。古い電子証明書はそのままです。",
                "Renewal cancelled; the old certificate is unchanged."
            )
        );
        return exit::CANCELLED;
    }
    let installed = session
        .runtime
        .block_on(engine.install_renewal(&issued.renewal_id, progress(lang)));
    match installed {
        Ok(outcome) => {
            if let Some(e) = &outcome.archive_error {
                eprintln!(
                    "shomei: {}\n  ({})",
                    lang.t(
                        "新しい電子証明書は使えます。古い電子証明書を削除できなかったため残っています（次の更新の妨げにはなりません。shomei status で確認できます）。",
                        "The new certificate is in place. The old one could not be removed and is still there (this never blocks a renewal; see shomei status)."
                    ),
                    e.detail.as_deref().unwrap_or_default()
                );
            }
            let text = format!(
                "{}: {new_expiry}\n{}: {}\n",
                lang.t(
                    "電子証明書を更新しました。新しい有効期限",
                    "Renewed. New expiry date"
                ),
                lang.t("拇印 (SHA-256)", "Fingerprint (SHA-256)"),
                outcome.installed.fingerprint
            );
            output::print(&text).err().unwrap_or(exit::OK)
        }
        Err(e) => fail(&e.view(), lang),
    }
}

pub fn fail(error: &ErrorView, lang: Lang) -> i32 {
    eprintln!("shomei: {}", exit::message(error, lang));
    exit::for_error(error.code)
}

pub fn same_fingerprint(a: &str, b: &str) -> bool {
    let hex = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    !hex(b).is_empty() && hex(a) == hex(b)
}

/// The PIN (read now from stdin if that is its source), then the first consent
/// unless `--yes`; on a failure or a いいえ, what was said and the exit code.
pub fn pin_and_consent(
    pin: Pin,
    secured: &Secured,
    question: &str,
    declined: &str,
    lang: Lang,
) -> Result<secrecy::SecretString, i32> {
    let pin = pin.get(lang).map_err(|message| {
        eprintln!("shomei: {message}");
        exit::USAGE
    })?;
    if !secured.yes && !consent(question, lang) {
        eprintln!("shomei: {declined}");
        return Err(exit::CANCELLED);
    }
    Ok(pin)
}

/// Asks on the terminal; only はい / yes / y is a yes.
pub fn consent(question: &str, lang: Lang) -> bool {
    eprint!("{question} [{}] ", lang.t("はい/いいえ", "y/n"));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(
        answer.trim().to_lowercase().as_str(),
        "はい" | "y" | "yes" | "ｙ"
    )
}

fn progress(lang: Lang) -> ProgressSink {
    Arc::new(move |event: ProgressEvent| {
        let step = match event.step {
            RenewalStep::Check => lang.t("確認", "check"),
            RenewalStep::Login => lang.t("ログイン（PIN）", "log in (PIN)"),
            RenewalStep::Requirements => lang.t("銀行の要件の確認", "what the bank asks for"),
            RenewalStep::GenerateKey => lang.t("鍵の生成", "generate the key"),
            RenewalStep::Request => lang.t("銀行への発行申請", "request from the bank"),
            RenewalStep::Verify => lang.t("新しい電子証明書の検証", "verify the new certificate"),
            RenewalStep::Install => lang.t("保存", "install"),
            RenewalStep::ReadBack => lang.t("保存内容の確認", "read back"),
            RenewalStep::Archive => lang.t("古い電子証明書の整理", "archive the replaced one"),
        };
        let phase = match event.phase {
            StepPhase::Started => lang.t("開始", "started"),
            StepPhase::Finished => lang.t("完了", "done"),
            StepPhase::Failed => lang.t("失敗", "failed"),
        };
        match event.error {
            Some(e) => eprintln!("shomei: {step}: {phase} ({:?})", e.code),
            None => eprintln!("shomei: {step}: {phase}"),
        }
    })
}
