//! `export-ical [--out FILE]`: per certificate, an all-day event on its expiry
//! date and one on the day its renewal window opens (JST), as RFC 5545 text:
//! CRLF line endings, lines folded at 75 octets, TEXT values escaped.

use std::path::Path;

use shomei_engine::model::IdentityListing;

use super::session::Session;
use super::status::store_word;
use super::{dates, exit, output, Lang};
use shomei_engine::words;

pub fn run(session: &Session, out: Option<&Path>, lang: Lang) -> i32 {
    let listing = session.engine.list();
    let now = session.engine.now();
    let window_days = |bank: &str| {
        session
            .engine
            .profile(bank)
            .map(|p| i64::from(p.renewal.window_opens_days))
    };
    let text = calendar(&listing, &window_days, now, lang);
    for error in &listing.errors {
        eprintln!("shomei: {}", exit::message(error, lang));
    }
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("shomei: export-ical: {e}");
                return exit::FAILURE;
            }
        }
        None => {
            if let Err(code) = output::print(&text) {
                return code;
            }
        }
    }
    if let Some(path) = out {
        let events = 2 * listing
            .identities
            .iter()
            .filter(|i| i.not_renewable.is_none())
            .count();
        eprintln!(
            "shomei: {}",
            words::text(
                lang,
                "cli.ical.written",
                &[
                    ("file", &path.display().to_string()),
                    ("n", &events.to_string())
                ]
            )
        );
    }
    exit::read_error(&listing).map_or(exit::OK, |e| exit::for_error(e.code))
}

/// The whole VCALENDAR, in `lang`'s words. `window_days`: for a bank's id, the days
/// before the expiry date its window opens.
pub fn calendar(
    listing: &IdentityListing,
    window_days: &dyn Fn(&str) -> Option<i64>,
    now: i64,
    lang: Lang,
) -> String {
    let mut banks: Vec<&str> = listing
        .identities
        .iter()
        .filter_map(|i| i.bank.as_ref().map(|b| b.name.as_str()))
        .collect();
    banks.dedup();
    let title = match banks.as_slice() {
        [one] => words::text(lang, "cli.ical.calendarOf", &[("bank", one)]),
        _ => words::text(lang, "cli.ical.calendar", &[]),
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!(
            "PRODID:-//Shomei//Shomei CLI//{}",
            lang.tag().to_uppercase()
        ),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(&title)),
    ];
    // A certificate that can never be renewed here (no key, no bank's, replaced by
    // a newer one) gets no reminder, in the calendar either.
    for (id, bank) in listing
        .identities
        .iter()
        .filter(|i| i.not_renewable.is_none())
        .filter_map(|i| i.bank.as_ref().map(|b| (i, b)))
    {
        let Some(window_days) = window_days(&bank.id) else {
            continue;
        };
        let bank = &bank.name;
        let Some(expiry) = dates::parse_rfc3339(&id.not_after).map(dates::jst_date) else {
            continue;
        };
        let (expiry_day, opens_day) = (expiry, expiry.plus_days(-window_days));
        let (expiry, opens) = (day_words(expiry_day, lang), day_words(opens_day, lang));
        let about = words::text(
            lang,
            "cli.ical.about",
            &[
                ("bank", bank),
                ("name", &id.subject_cn),
                ("expiry", &expiry),
                ("opens", &opens),
                ("store", &store_word(id.storage, lang)),
                ("fingerprint", &id.fingerprint),
            ],
        );
        let events = [
            (
                "expiry",
                expiry_day,
                words::text(lang, "cli.ical.expiry", &[]),
            ),
            (
                "window-opens",
                opens_day,
                words::text(lang, "cli.ical.windowOpens", &[]),
            ),
        ];
        for (kind, day, title) in events {
            lines.extend([
                "BEGIN:VEVENT".to_owned(),
                format!(
                    "UID:shomei-{kind}-{}@shomei.invalid",
                    uid_part(&id.fingerprint)
                ),
                format!("DTSTAMP:{}", dates::utc_stamp(now)),
                format!("DTSTART;VALUE=DATE:{}", day.basic()),
                format!("DTEND;VALUE=DATE:{}", day.plus_days(1).basic()),
                format!("SUMMARY:{}", escape(&format!("{title}: {}", id.subject_cn))),
                format!("DESCRIPTION:{}", escape(&about)),
                "TRANSP:TRANSPARENT".to_owned(),
                "END:VEVENT".to_owned(),
            ]);
        }
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

/// A calendar day in the language's words (no time zone: an all-day event's day).
fn day_words(day: dates::Ymd, lang: Lang) -> String {
    match lang {
        Lang::Ja => day.ja(),
        Lang::En => day.iso(),
    }
}

/// The fingerprint as it is, minus anything that is not a hex digit (colons).
fn uid_part(fingerprint: &str) -> String {
    fingerprint
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// RFC 5545 §3.3.11 TEXT escaping.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (§3.1): at most 75 octets per physical line, never
/// inside a UTF-8 character; continuations start with a space. Ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shomei_engine::model::{CertStatus, IdentityView, StorageKind};

    #[test]
    fn folds_at_75_octets_between_characters() {
        let long = format!("SUMMARY:{}", "電子証明書の有効期限".repeat(5));
        let folded = fold(&long);
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn two_all_day_events_per_certificate() {
        let listing = IdentityListing {
            identities: vec![IdentityView {
                fingerprint: "AB:CD".into(),
                subject_cn: "株式会社デモ商事".into(),
                subject: String::new(),
                issuer: String::new(),
                not_before: String::new(),
                not_after: "2026-12-06T14:59:59Z".into(),
                days_left: 12,
                status: CertStatus::RenewalOpen,
                window_opens: None,
                storage: StorageKind::UsbToken,
                store_label: String::new(),
                expired: None,
                not_renewable: None,
                bank: Some(shomei_engine::model::BankRef {
                    id: "demo".into(),
                    name: "デモ信用金庫".into(),
                    support: None,
                    asks_password: false,
                }),
                renewable_into: vec![StorageKind::UsbToken],
                role: None,
                last_failure: None,
            }],
            errors: vec![],
            unfinished: vec![],
            profiles: vec![],
        };
        let mut listing = listing;
        // A certificate that can never be renewed gets no events.
        let mut replaced = listing.identities[0].clone();
        replaced.fingerprint = "EF:01".into();
        replaced.not_renewable = Some(shomei_engine::model::NotRenewable::NoPrivateKey);
        listing.identities.push(replaced);
        // Nor does one of no bank's.
        let mut unknown = listing.identities[0].clone();
        unknown.fingerprint = "23:45".into();
        unknown.bank = None;
        listing.identities.push(unknown);
        let cal = calendar(
            &listing,
            &|bank| (bank == "demo").then_some(30),
            0,
            Lang::Ja,
        );
        assert!(cal.contains("X-WR-CALNAME:電子証明書の期限（デモ信用金庫）\r\n"));
        assert!(!cal.contains("23:45"));
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\n") && cal.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(cal.matches("BEGIN:VEVENT\r\n").count(), 2);
        assert!(!cal.contains("EF:01"));
        assert!(cal.contains("DTSTART;VALUE=DATE:20261206\r\nDTEND;VALUE=DATE:20261207\r\n"));
        assert!(cal.contains("DTSTART;VALUE=DATE:20261106\r\n"));
        assert!(cal.contains("UID:shomei-expiry-abcd@shomei.invalid\r\n"));
        assert!(cal.contains("SUMMARY:電子証明書の有効期限: 株式会社デモ商事\r\n"));
        assert!(!cal.replace("\r\n", "").contains('\n'));
    }
}
