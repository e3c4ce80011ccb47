//! Exit codes (documented in `--help`) and the words for engine errors.

use shomei_engine::model::{ErrorCode, ErrorView};

use shomei_engine::words;

use super::{dates, Lang};

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
        TokenAbsent | ModuleMissing | DemoNeedsSoftHsm | TokenRemoved | NotFound
        | StoreNotOffered => STORE,
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
        RenewalUnknown | NotSaved | InvalidRequest | Internal => FAILURE,
    }
}

/// What happened and what to do, for the terminal, then the technical detail for
/// the helpdesk. The window's words (`errors.*`) where they fit a terminal too; the
/// command line's own (`cli.errors.*`) where it says a command or an option.
pub fn message(error: &ErrorView, lang: Lang) -> String {
    use ErrorCode::*;
    let at = error.at.as_deref().map(|at| dates::jst_moment(at, lang));
    let mut out = match (error.code, at) {
        (StillPending, Some(time)) => {
            words::text(lang, "cli.errors.stillPendingAt", &[("time", &time)])
        }
        (IssuedNotYetValid, Some(time)) => {
            words::text(lang, "cli.errors.issuedNotYetValidAt", &[("time", &time)])
        }
        // The token says few tries are left, not how many: the window's words.
        (PinIncorrect, _) if error.few_left && error.retries_left.is_none() => {
            words::text(lang, "pin.incorrectFewLeft", &[])
        }
        (code, _) => worded(code, lang),
    };
    if let Some(n) = error.retries_left {
        out.push_str(&words::text(
            lang,
            "cli.errors.retriesLeft",
            &[("n", &n.to_string())],
        ));
    }
    if let Some(detail) = &error.detail {
        out.push_str(&format!("\n  ({detail})"));
    }
    out
}

fn worded(code: ErrorCode, lang: Lang) -> String {
    use ErrorCode::*;
    match code {
        BankAuthRequired => words::text(lang, "cli.errors.bankAuthRequired", &[]),
        BankRequirementUnsupported => words::text(lang, "errors.bankRequirementUnsupported", &[]),
        UnfinishedElsewhere => words::text(lang, "cli.errors.unfinishedElsewhere", &[]),
        StoreNotOffered => words::text(lang, "cli.errors.storeNotOffered", &[]),
        NoBankProfile => words::text(lang, "cli.errors.noBankProfile", &[]),
        TokenAbsent => words::text(lang, "errors.tokenAbsent", &[]),
        ModuleMissing => words::text(lang, "errors.moduleMissing", &[]),
        DemoNeedsSoftHsm => words::text(lang, "errors.demoNeedsSoftHsm", &[]),
        TokenRemoved => words::text(lang, "errors.tokenRemoved", &[]),
        PinIncorrect => words::text(lang, "errors.pinIncorrect", &[]),
        PinFinalTry => words::text(lang, "cli.errors.pinFinalTry", &[]),
        PinLocked => words::text(lang, "errors.pinLocked", &[]),
        Cancelled => words::text(lang, "errors.cancelled", &[]),
        NotFound => words::text(lang, "cli.errors.notFound", &[]),
        BankUnreachable => words::text(lang, "errors.bankUnreachable", &[]),
        BankNotTrusted => words::text(lang, "errors.bankNotTrusted", &[]),
        BankRejected => words::text(lang, "errors.bankRejected", &[]),
        CertificateMismatch => words::text(lang, "errors.certificateMismatch", &[]),
        StillPending => words::text(lang, "cli.errors.stillPending", &[]),
        OutsideWindow => words::text(lang, "errors.outsideWindow", &[]),
        RenewalUnknown => words::text(lang, "cli.errors.renewalUnknown", &[]),
        AlreadyRenewed => words::text(lang, "cli.errors.alreadyRenewed", &[]),
        RenewalInProgress => words::text(lang, "errors.renewalInProgress", &[]),
        NotRenewable => words::text(lang, "cli.errors.notRenewable", &[]),
        IssuedNotLonger => words::text(lang, "errors.issuedNotLonger", &[]),
        IssuedNotYetValid => words::text(lang, "errors.issuedNotYetValid", &[]),
        NotSaved => words::text(lang, "errors.notSaved", &[]),
        InvalidRequest => words::text(lang, "errors.invalidRequest", &[]),
        Internal => words::text(lang, "errors.internal", &[]),
    }
}

/// The first error of the list that says something could not be read: what a
/// command's exit code reports. A locked PIN is printed, but every certificate
/// was read, so it does not decide the exit code.
pub fn read_error(listing: &shomei_engine::model::IdentityListing) -> Option<&ErrorView> {
    listing
        .errors
        .iter()
        .find(|e| e.code != ErrorCode::PinLocked)
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

    /// Every code the UI knows (the generated bindings list them) is said in both
    /// languages as what happened and what to do: two sentences at least.
    #[test]
    fn every_error_code_says_what_happened_and_what_to_do() {
        let bindings = include_str!("../../../../../ui/src/lib/backend/bindings.ts");
        let line = bindings
            .lines()
            .find(|l| l.starts_with("export type ErrorCode ="))
            .expect("ErrorCode in bindings.ts");
        let mut named: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        use ErrorCode::*;
        let codes = [
            BankAuthRequired,
            BankRequirementUnsupported,
            UnfinishedElsewhere,
            NoBankProfile,
            StoreNotOffered,
            TokenAbsent,
            ModuleMissing,
            DemoNeedsSoftHsm,
            TokenRemoved,
            PinIncorrect,
            PinFinalTry,
            PinLocked,
            Cancelled,
            NotFound,
            BankUnreachable,
            BankNotTrusted,
            BankRejected,
            CertificateMismatch,
            StillPending,
            OutsideWindow,
            RenewalUnknown,
            AlreadyRenewed,
            RenewalInProgress,
            NotRenewable,
            IssuedNotLonger,
            IssuedNotYetValid,
            NotSaved,
            InvalidRequest,
            Internal,
        ];
        let mut listed: Vec<String> = codes
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        named.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, named, "list every ErrorCode here");
        for code in codes {
            for lang in [Lang::Ja, Lang::En] {
                let said = message(&ErrorView::of(code, None), lang);
                let sentences = match lang {
                    Lang::Ja => said.matches('。').count(),
                    Lang::En => said.matches(['.', '!', '?']).count(),
                };
                assert!(sentences >= 2, "{code:?} in {lang:?}: {said}");
            }
        }
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

    #[test]
    fn a_locked_pin_is_said_but_does_not_decide_the_exit_code() {
        let listing = |errors| shomei_engine::model::IdentityListing {
            identities: Vec::new(),
            errors,
            unfinished: Vec::new(),
            profiles: Vec::new(),
        };
        let locked = ErrorView::of(ErrorCode::PinLocked, Some("USB".into()));
        let unread = ErrorView::of(ErrorCode::Internal, Some("C_FindObjects".into()));
        assert_eq!(read_error(&listing(vec![locked.clone()])), None);
        let both = listing(vec![locked, unread]);
        assert_eq!(read_error(&both).map(|e| e.code), Some(ErrorCode::Internal));
    }
}
