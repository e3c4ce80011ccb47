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
use shomei_engine::words;

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
        (Some(current), _) => {
            let name = &current.subject_cn;
            let store = store_word(current.storage, lang);
            let expiry = expiry(current, lang);
            let question = match args.into.filter(|into| *into != current.storage) {
                None => words::text(
                    lang,
                    "cli.renew.ask",
                    &[("name", name), ("store", &store), ("expiry", &expiry)],
                ),
                Some(into) => words::text(
                    lang,
                    "cli.renew.askInto",
                    &[
                        ("name", name),
                        ("store", &store),
                        ("expiry", &expiry),
                        ("into", &store_word(into, lang)),
                    ],
                ),
            };
            (current.fingerprint.clone(), question)
        }
        (None, Some(u)) => (
            u.fingerprint.clone(),
            words::text(lang, "cli.renew.askCarryOn", &[("name", &u.label)]),
        ),
        (None, None) => {
            let error = exit::read_error(&listing).cloned().unwrap_or(ErrorView::of(
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
        &words::text(lang, "errors.cancelled", &[]),
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
    let new_expiry = dates::jst_day(&issued.details.not_after, lang);
    let store = args
        .into
        .or(current.map(|c| c.storage))
        .map_or_else(String::new, |s| store_word(s, lang));
    // What いいえ means is said before it is answered (the window says the same).
    let question = words::text(
        lang,
        "cli.renew.install",
        &[
            ("expiry", &new_expiry),
            ("store", &store),
            ("no", &words::text(lang, "consent.installNoMeans", &[])),
        ],
    );
    if !args.secured.yes && !consent(&question, lang) {
        if let Err(e) = engine.cancel_renewal(&issued.renewal_id) {
            return fail(&e.view(), lang);
        }
        eprintln!(
            "shomei: {}",
            words::text(lang, "cli.renew.installDeclined", &[])
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
                    words::text(lang, "cli.renew.archiveFailed", &[]),
                    e.detail.as_deref().unwrap_or_default()
                );
            }
            let text = format!(
                "{}\n{}: {}\n",
                words::text(lang, "cli.renew.done", &[("expiry", &new_expiry)]),
                words::text(lang, "details.fingerprint", &[]),
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
    eprint!(
        "{question} [{}] ",
        words::text(lang, "cli.consent.answers", &[])
    );
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
            RenewalStep::Check => words::text(lang, "cli.steps.check", &[]),
            RenewalStep::Login => words::text(lang, "cli.steps.login", &[]),
            RenewalStep::Requirements => words::text(lang, "cli.steps.requirements", &[]),
            RenewalStep::GenerateKey => words::text(lang, "cli.steps.generateKey", &[]),
            RenewalStep::Request => words::text(lang, "cli.steps.request", &[]),
            RenewalStep::Verify => words::text(lang, "cli.steps.verify", &[]),
            RenewalStep::Install => words::text(lang, "cli.steps.install", &[]),
            RenewalStep::ReadBack => words::text(lang, "cli.steps.readBack", &[]),
            RenewalStep::Archive => words::text(lang, "cli.steps.archive", &[]),
        };
        let phase = match event.phase {
            StepPhase::Started => words::text(lang, "cli.phases.started", &[]),
            StepPhase::Finished => words::text(lang, "cli.phases.finished", &[]),
            StepPhase::Failed => words::text(lang, "cli.phases.failed", &[]),
        };
        match event.error {
            Some(e) => eprintln!("shomei: {step}: {phase} ({:?})", e.code),
            None => eprintln!("shomei: {step}: {phase}"),
        }
    })
}
