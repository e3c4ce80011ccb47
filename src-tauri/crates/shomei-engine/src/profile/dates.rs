//! `[renewal]` (the bank's dates) and `[support]`.

use super::read::{Ctx, Field, Section};
use super::tree::Node;
use super::{RenewalSection, SupportContact};

/// Window opening allowed by the banks we know (SPEC §1: 28, 30 or 40 days).
pub const WINDOW_OPENS_DAYS: std::ops::RangeInclusive<u32> = 28..=40;
/// Re-acquisition grace days after expiry (SPEC §1: 80–300 depending on the bank).
pub const GRACE_DAYS_MAX: u32 = 400;
/// Reminders earlier than this make no sense for a certificate.
pub const REMINDER_DAYS_MAX: u32 = 60;
/// A bank that takes longer than this to issue does not issue.
pub const PENDING_LIMIT_DAYS: std::ops::RangeInclusive<u32> = 1..=90;

pub(crate) fn read(ctx: &mut Ctx, s: &mut Section, out: &mut RenewalSection) {
    if let Some(f) = s.get("window_opens_days") {
        let range = i64::from(*WINDOW_OPENS_DAYS.start())..i64::from(*WINDOW_OPENS_DAYS.end()) + 1;
        if let Some(days) = ctx.int(&f, range) {
            out.window_opens_days = days;
        }
    }
    if let Some(f) = s.get("last_day_cutoff") {
        out.last_day_cutoff = cutoff(ctx, &f);
    }
    if let Some(f) = s.get("reminder_days") {
        if let Some(days) = reminder_days(ctx, &f) {
            out.reminder_days = days;
        }
    }
    if let Some(f) = s.get("reacquire_grace_days") {
        if let Some(days) = ctx.int(&f, 0..i64::from(GRACE_DAYS_MAX) + 1) {
            out.reacquire_grace_days = days;
        }
    }
    if let Some(f) = s.get("pending_limit_days") {
        let range =
            i64::from(*PENDING_LIMIT_DAYS.start())..i64::from(*PENDING_LIMIT_DAYS.end()) + 1;
        if let Some(days) = ctx.int(&f, range) {
            out.pending_limit_days = days;
        }
    }
}

/// `"09:00"` (or a TOML local time, `09:00:00`), Japan time.
fn cutoff(ctx: &mut Ctx, f: &Field) -> Option<time::Time> {
    let (text, format) = match f.node {
        Node::Str(s) => (
            s.as_str(),
            time::macros::format_description!("[hour]:[minute]"),
        ),
        Node::Datetime(s) => (
            s.as_str(),
            time::macros::format_description!("[hour]:[minute]:[second]"),
        ),
        _ => ("", time::macros::format_description!("[hour]:[minute]")),
    };
    match time::Time::parse(text, format) {
        Ok(t) => Some(t),
        Err(_) => {
            ctx.issue(
                f.span,
                &f.path,
                "日本時間の \"09:00\" のように 時:分 で書いてください（00:00〜23:59）。".into(),
                "Must be a Japan time written \"HH:MM\", like \"09:00\" (00:00 to 23:59).".into(),
            );
            None
        }
    }
}

/// Whole days, largest first, no repeats, at most [`REMINDER_DAYS_MAX`].
fn reminder_days(ctx: &mut Ctx, f: &Field) -> Option<Vec<u32>> {
    let Node::Array(items) = f.node else {
        ctx.issue(
            f.span,
            &f.path,
            "[30, 10, 3, 1, 0] のような整数の配列で書いてください。".into(),
            "Must be an array of whole days, like [30, 10, 3, 1, 0].".into(),
        );
        return None;
    };
    let mut days = Vec::new();
    let mut ok = !items.is_empty();
    if items.is_empty() {
        ctx.issue(
            f.span,
            &f.path,
            "空です。通知する日を少なくとも1つ書いてください。".into(),
            "Empty; give at least one reminder day.".into(),
        );
    }
    for node in items {
        let item = Field { node, ..f.clone() };
        match ctx.int(&item, 0..i64::from(REMINDER_DAYS_MAX) + 1) {
            Some(d) => days.push(d),
            None => ok = false,
        }
    }
    if let Some(w) = days.windows(2).find(|w| w[0] <= w[1]) {
        let (a, b) = (w[0], w[1]);
        let (ja, en) = if a == b {
            (
                format!("{a} が2回あります。"),
                format!("{a} is listed twice."),
            )
        } else {
            (
                format!("大きい順に書いてください（{a} の後に {b}）。例: [30, 10, 3, 1, 0]"),
                format!("Must go from the largest to the smallest ({a} before {b}), e.g. [30, 10, 3, 1, 0]."),
            )
        };
        ctx.issue(f.span, &f.path, ja, en);
        ok = false;
    }
    ok.then_some(days)
}

pub(crate) fn read_support(ctx: &mut Ctx, s: &mut Section) -> SupportContact {
    let mut get = |ctx: &mut Ctx, name: &str| s.get(name).and_then(|f| ctx.str(&f).map(|v| (f, v)));
    let mut contact = SupportContact {
        name: get(ctx, "name").map(|(_, v)| v),
        hours: get(ctx, "hours").map(|(_, v)| v),
        ..SupportContact::default()
    };
    if let Some((f, phone)) = get(ctx, "phone") {
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || "-+() ".contains(c))
        {
            ctx.issue(
                f.span,
                &f.path,
                format!("数字と - + ( ) で書いてください（\"{phone}\"）。"),
                format!("May only hold digits and - + ( ) (\"{phone}\")."),
            );
        }
        contact.phone = Some(phone);
    }
    if let Some((f, url)) = get(ctx, "url") {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            ctx.issue(
                f.span,
                &f.path,
                format!("https:// で始まる URL で書いてください（\"{url}\"）。"),
                format!("Must be a URL starting with https:// (\"{url}\")."),
            );
        }
        contact.url = Some(url);
    }
    contact
}
