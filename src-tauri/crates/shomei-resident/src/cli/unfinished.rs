//! An unfinished renewal in the command line's words (`status`, `discard`): what
//! happened, and what carrying it on (`renew`) or discarding it (`discard`) does.
//! What discarding does is said in the list's words (`discard.*`).

use shomei_engine::model::{UnfinishedRenewal, UnfinishedStage};
use shomei_engine::words;

use super::{dates, Lang};

/// An unfinished renewal in words: what happened, what carrying it on (renew)
/// and discarding it (discard) would do.
pub struct UnfinishedWords {
    pub what: String,
    pub carry_on: String,
    pub discard: String,
}

pub fn unfinished_words(u: &UnfinishedRenewal, lang: Lang) -> UnfinishedWords {
    let time = u
        .next_poll_at
        .as_deref()
        .map(|at| dates::jst_moment(at, lang))
        .unwrap_or_default();
    let (what, carry_on, discard) = match u.stage {
        UnfinishedStage::Interrupted => (
            words::text(lang, "cli.unfinished.interrupted", &[]),
            words::text(lang, "cli.carryOn.interrupted", &[]),
            words::text(lang, "discard.interrupted", &[]),
        ),
        UnfinishedStage::Pending => (
            words::text(lang, "cli.unfinished.pending", &[("time", &time)]),
            words::text(lang, "cli.carryOn.pending", &[]),
            words::text(lang, "discard.pending", &[]),
        ),
        UnfinishedStage::NotYetValid => (
            words::text(lang, "cli.unfinished.notYetValid", &[("time", &time)]),
            words::text(lang, "cli.carryOn.notYetValid", &[]),
            words::text(lang, "discard.issued", &[]),
        ),
        UnfinishedStage::AwaitingInstall => (
            words::text(lang, "cli.unfinished.awaitingInstall", &[]),
            words::text(lang, "cli.carryOn.awaitingInstall", &[]),
            words::text(lang, "discard.issued", &[]),
        ),
        UnfinishedStage::Installing => (
            words::text(lang, "cli.unfinished.installing", &[]),
            words::text(lang, "cli.carryOn.installing", &[]),
            words::text(lang, "discard.installing", &[]),
        ),
        UnfinishedStage::Archiving => (
            match &u.archive_error {
                Some(e) => words::text(lang, "cli.unfinished.archivingFailed", &[("error", e)]),
                None => words::text(lang, "cli.unfinished.archiving", &[]),
            },
            words::text(lang, "cli.carryOn.archiving", &[]),
            words::text(lang, "discard.archiving", &[]),
        ),
    };
    let what = if u.stuck {
        words::text(lang, "cli.unfinished.stuck", &[("what", &what)])
    } else {
        what
    };
    UnfinishedWords {
        what,
        carry_on,
        discard,
    }
}
