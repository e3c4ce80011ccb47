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
    let words = unfinished_words(unfinished, lang);
    let question = match lang {
        Lang::Ja => format!(
            "{}（{}）の中断された更新を破棄します。{}よろしいですか？",
            unfinished.label, words.what, words.discard
        ),
        Lang::En => format!(
            "Discard the unfinished renewal of {} ({}). {} Continue?",
            unfinished.label, words.what, words.discard
        ),
    };
    let pin = match pin_and_consent(
        pin,
        &args.secured,
        &question,
        lang.t("破棄を取り消しました。", "Not discarded."),
        lang,
    ) {
        Ok(pin) => pin,
        Err(code) => return code,
    };
    match engine.discard_renewal(&args.renewal_id, pin, args.secured.confirm_final_try) {
        Ok(()) => output::print(&format!(
            "{}\n",
            lang.t(
                "中断された更新を破棄しました。",
                "The unfinished renewal was discarded."
            )
        ))
        .err()
        .unwrap_or(exit::OK),
        Err(e) => fail(&e.view(), lang),
    }
}
