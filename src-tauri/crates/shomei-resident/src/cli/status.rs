//! `status [--json]`: every identity, its expiry date (JST), days left, state and store.

use shomei_engine::model::{
    CertStatus, ErrorView, IdentityListing, IdentityView, NotRenewable, StorageKind,
};

use super::profiles;
use super::session::Session;
use super::unfinished::unfinished_words;
use super::{dates, exit, output, Lang};
use shomei_engine::words;

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
        let printed = output::print(&text(&listing, lang));
        for error in &listing.errors {
            eprintln!("shomei: {}", exit::message(error, lang));
        }
        for problem in profiles::problems(&listing.profiles, lang) {
            eprintln!("shomei: {problem}");
        }
        printed
    };
    if let Err(code) = printed {
        return code;
    }
    match exit::read_error(&listing) {
        Some(e) => exit::for_error(e.code),
        None if profiles::any_broken(&listing.profiles) => exit::PROFILE,
        None => exit::OK,
    }
}

pub fn state_word(status: CertStatus, lang: Lang) -> String {
    match status {
        CertStatus::Valid => words::text(lang, "status.valid", &[]),
        CertStatus::RenewalOpen => words::text(lang, "status.renewalOpen", &[]),
        CertStatus::Expired => words::text(lang, "status.expired", &[]),
    }
}

pub fn store_word(storage: StorageKind, lang: Lang) -> String {
    match storage {
        StorageKind::UsbToken => words::text(lang, "storage.usbToken", &[]),
        StorageKind::ThisPc => words::text(lang, "storage.thisPc", &[]),
    }
}

/// The expiry date in Japan time, in the language's words.
pub fn expiry(identity: &IdentityView, lang: Lang) -> String {
    dates::jst_day(&identity.not_after, lang)
}

/// Each bank with its identities, in the order of the profiles; then the
/// identities of no bank (発行元不明); then the unfinished renewals.
fn text(listing: &IdentityListing, lang: Lang) -> String {
    let mut out = String::new();
    if listing.identities.is_empty() {
        out.push_str(&words::text(lang, "list.empty", &[]));
        out.push('\n');
    }
    let mut groups: Vec<(String, Vec<&IdentityView>)> = Vec::new();
    for id in &listing.identities {
        let heading = match &id.bank {
            Some(bank) => bank.name.clone(),
            None => words::text(lang, "list.unknownIssuerHeading", &[]),
        };
        match groups.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((heading, vec![id])),
        }
    }
    groups.sort_by_key(|(_, ids)| ids[0].bank.is_none());
    for (heading, ids) in groups {
        out.push_str(&format!("\n{heading}\n"));
        identities(&mut out, listing, &ids, lang);
    }
    unfinished(&mut out, listing, lang);
    out
}

/// Days left, or days since the expiry date: the list's words.
fn days(n: i32, lang: Lang) -> String {
    if n >= 0 {
        words::text(lang, "list.days", &[("n", &n.to_string())])
    } else {
        words::text(lang, "list.daysOverdue", &[("n", &(-n).to_string())])
    }
}

fn identities(out: &mut String, listing: &IdentityListing, ids: &[&IdentityView], lang: Lang) {
    for id in ids {
        let store = if id.store_label.is_empty() {
            store_word(id.storage, lang)
        } else {
            words::text(
                lang,
                "cli.status.storeWithLabel",
                &[
                    ("store", &store_word(id.storage, lang)),
                    ("label", &id.store_label),
                ],
            )
        };
        let state = match &id.not_renewable {
            None => state_word(id.status, lang),
            Some(why) => not_renewable_word(why, lang),
        };
        let rows = [
            (
                words::text(lang, "list.subject", &[]),
                id.subject_cn.clone(),
            ),
            (words::text(lang, "list.expiry", &[]), expiry(id, lang)),
            (
                words::text(lang, "list.daysLeft", &[]),
                days(id.days_left, lang),
            ),
            (words::text(lang, "list.status", &[]), state),
            (words::text(lang, "list.storage", &[]), store),
            (
                words::text(lang, "details.fingerprint", &[]),
                id.fingerprint.clone(),
            ),
        ];
        out.push('\n');
        for (label, value) in rows {
            out.push_str(&format!("  {label}: {value}\n"));
        }
        if let Some(failure) = &id.last_failure {
            let label = words::text(lang, "cli.status.lastFailure", &[]);
            let time = dates::jst_moment(&failure.at, lang);
            let error = ErrorView::of(failure.code, failure.native_code.clone());
            let value = format!(
                "{} {}",
                words::text(lang, "list.lastFailed", &[("time", &time)]),
                exit::message(&error, lang)
            );
            out.push_str(&format!("  {label}: {value}\n"));
        }
        if let Some(unfinished) = listing
            .unfinished
            .iter()
            .find(|u| u.fingerprint.eq_ignore_ascii_case(&id.fingerprint))
        {
            let label = words::text(lang, "cli.status.unfinished", &[]);
            let value = words::text(
                lang,
                "cli.status.unfinishedOf",
                &[
                    ("what", &unfinished_words(unfinished, lang).what),
                    ("id", &unfinished.renewal_id),
                ],
            );
            out.push_str(&format!("  {label}: {value}\n"));
        }
    }
}

fn unfinished(out: &mut String, listing: &IdentityListing, lang: Lang) {
    if !listing.unfinished.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            words::text(lang, "list.unfinishedHeading", &[])
        ));
    }
    for u in &listing.unfinished {
        let gone = !listing
            .identities
            .iter()
            .any(|i| i.fingerprint.eq_ignore_ascii_case(&u.fingerprint));
        let what = unfinished_words(u, lang);
        let mut target = format!("{} ({})", u.label, u.fingerprint);
        if gone {
            target.push_str(&words::text(lang, "cli.status.gone", &[]));
        }
        let rows = [
            ("ID".to_owned(), u.renewal_id.clone()),
            (words::text(lang, "cli.status.certificate", &[]), target),
            (
                words::text(lang, "list.storage", &[]),
                format!("{} ({})", u.store, u.store_label),
            ),
            (
                words::text(lang, "cli.status.started", &[]),
                dates::jst_moment(&u.started_at, lang),
            ),
            (words::text(lang, "cli.status.what", &[]), what.what),
            (
                words::text(lang, "cli.status.carryOn", &[]),
                format!(
                    "shomei renew --identity {} …: {}",
                    u.fingerprint, what.carry_on
                ),
            ),
            (
                words::text(lang, "list.discard", &[]),
                format!("shomei discard {} …: {}", u.renewal_id, what.discard),
            ),
        ];
        out.push('\n');
        for (label, value) in rows {
            out.push_str(&format!("  {label}: {value}\n"));
        }
    }
}

/// Why an identity cannot be renewed here: the list's words.
fn not_renewable_word(why: &NotRenewable, lang: Lang) -> String {
    match why {
        NotRenewable::NoPrivateKey => words::text(lang, "list.notRenewableNoPrivateKey", &[]),
        NotRenewable::UnknownIssuer => words::text(lang, "list.notRenewableUnknownIssuer", &[]),
        NotRenewable::Superseded { by_not_after, .. } => words::text(
            lang,
            "list.notRenewableSuperseded",
            &[("date", &dates::jst_day(by_not_after, lang))],
        ),
    }
}
