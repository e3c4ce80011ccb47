//! `renew`: the engine's two halves with the two consents in between, the PIN
//! from an environment variable or stdin (never argv), progress on stderr.

use std::io::{BufRead, Write};
use std::sync::Arc;

use secrecy::SecretString;
use shomei_engine::model::{ErrorView, ProgressEvent, RenewalStep, StepPhase};
use shomei_engine::ProgressSink;

use super::args::{PinSource, RenewArgs};
use super::session::Session;
use super::status::{expiry, store_word};
use super::{dates, exit, Lang};

pub fn run(session: &Session, args: &RenewArgs, lang: Lang) -> i32 {
    let engine = &session.engine;
    let listing = engine.list();
    let Some(current) = listing
        .identities
        .iter()
        .find(|i| same_fingerprint(&i.fingerprint, &args.identity))
    else {
        let error = listing.errors.first().cloned().unwrap_or(ErrorView {
            code: shomei_engine::model::ErrorCode::NotFound,
            retries_left: None,
            detail: Some(args.identity.clone()),
        });
        return fail(&error, lang);
    };
    let pin = match read_pin(&args.pin, lang) {
        Ok(pin) => pin,
        Err(message) => {
            eprintln!("shomei: {message}");
            return exit::USAGE;
        }
    };
    let question = match lang {
        Lang::Ja => format!(
            "{}（{}、有効期限 {}）の電子証明書を更新します。よろしいですか？",
            current.subject_cn,
            store_word(current.storage, lang),
            expiry(current, lang)
        ),
        Lang::En => format!(
            "Renew the client certificate of {} ({}, expires {})?",
            current.subject_cn,
            store_word(current.storage, lang),
            expiry(current, lang)
        ),
    };
    if !args.yes && !consent(&question, lang) {
        eprintln!(
            "shomei: {}",
            lang.t("更新を取り消しました。", "Renewal cancelled.")
        );
        return exit::CANCELLED;
    }
    let fingerprint = current.fingerprint.clone();
    let started = session.runtime.block_on(engine.start_renewal(
        &fingerprint,
        pin,
        args.confirm_final_try,
        progress(lang),
    ));
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
    let question = match lang {
        Lang::Ja => format!(
            "銀行から新しい電子証明書が届きました（有効期限 {new_expiry}）。{}に保存し、古い電子証明書と置き換えます。よろしいですか？",
            store_word(current.storage, lang)
        ),
        Lang::En => format!(
            "The bank issued the new certificate (expires {new_expiry}). Install it into the {} in place of the old one?",
            store_word(current.storage, lang)
        ),
    };
    if !args.yes && !consent(&question, lang) {
        if let Err(e) = engine.cancel_renewal(&issued.renewal_id) {
            eprintln!("shomei: {}", exit::message(&e.view(), lang));
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
            println!(
                "{}: {new_expiry}",
                lang.t(
                    "電子証明書を更新しました。新しい有効期限",
                    "Renewed. New expiry date"
                )
            );
            println!(
                "{}: {}",
                lang.t("拇印 (SHA-256)", "Fingerprint (SHA-256)"),
                outcome.installed.fingerprint
            );
            exit::OK
        }
        Err(e) => fail(&e.view(), lang),
    }
}

fn fail(error: &ErrorView, lang: Lang) -> i32 {
    eprintln!("shomei: {}", exit::message(error, lang));
    exit::for_error(error.code)
}

fn same_fingerprint(a: &str, b: &str) -> bool {
    let hex = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    !hex(b).is_empty() && hex(a) == hex(b)
}

/// The PIN, straight into a `SecretString`; it is never printed or logged.
fn read_pin(source: &PinSource, lang: Lang) -> Result<SecretString, String> {
    let pin = match source {
        PinSource::Env(var) => std::env::var(var).map_err(|_| match lang {
            Lang::Ja => format!("環境変数 {var} に PIN が設定されていません。"),
            Lang::En => format!("the environment variable {var} holds no PIN."),
        })?,
        PinSource::Stdin => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("stdin: {e}"))?;
            let len = line.trim_end_matches(['\r', '\n']).len();
            line.truncate(len);
            line
        }
    };
    if pin.is_empty() {
        return Err(lang.t("PIN が空です。", "the PIN is empty.").to_owned());
    }
    Ok(SecretString::from(pin))
}

/// Asks on the terminal; only はい / yes / y is a yes.
fn consent(question: &str, lang: Lang) -> bool {
    eprint!("{question} [{}] ", lang.t("はい/いいえ", "y/n"));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
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
