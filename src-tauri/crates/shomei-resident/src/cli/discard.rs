//! `discard RENEWAL_ID`: give up an unfinished renewal (the bank says "later" for
//! ever, its certificate is gone, it was started by mistake). The old
//! certificate stays as it is; the renewal's new key goes (see the engine's
//! `discard_renewal`). Asks first, unless `--yes`.

use super::args::DiscardArgs;
use super::pin::Pin;
use super::renew::{fail, pin_and_consent};
use super::session::Session;
use super::unfinished::unfinished_words;
use super::{exit, output, Lang};
use shomei_engine::model::{ErrorCode, ErrorView};
use shomei_engine::words;

pub fn run(session: &Session, args: &DiscardArgs, pin: Pin, lang: Lang) -> i32 {
    let engine = &session.engine;
    let listing = engine.list();
    let Some(unfinished) = listing
        .unfinished
        .iter()
        .find(|u| u.renewal_id == args.renewal_id)
    else {
        return fail(
            &ErrorView::of(ErrorCode::RenewalUnknown, Some(args.renewal_id.clone())),
            lang,
        );
    };
    let said = unfinished_words(unfinished, lang);
    let question = words::text(
        lang,
        "cli.discard.ask",
        &[
            ("name", &unfinished.label),
            ("what", &said.what),
            ("effect", &said.discard),
        ],
    );
    let pin = match pin_and_consent(
        pin,
        &args.secured,
        &question,
        &words::text(lang, "cli.discard.declined", &[]),
        lang,
    ) {
        Ok(pin) => pin,
        Err(code) => return code,
    };
    match engine.discard_renewal(&args.renewal_id, pin, args.secured.confirm_final_try) {
        Ok(()) => output::print(&format!("{}\n", words::text(lang, "cli.discard.done", &[])))
            .err()
            .unwrap_or(exit::OK),
        Err(e) => fail(&e.view(), lang),
    }
}
