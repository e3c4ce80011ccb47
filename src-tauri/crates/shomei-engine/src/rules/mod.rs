//! The bank's rules about dates (SPEC §1), in Japan time.
//!
//! Owns: what a profile's `[renewal]` section means for one certificate at one
//! moment: the renewal window, the four rule states (有効 / 更新期間中 /
//! 期限切れ（再取得可能）/ 期限切れ（再発行が必要）), days left, the words of a
//! refusal, and which tray reminders are due ([`reminders_due`]). Everything
//! here is a pure function of (rules, notAfter, now): no clock, no I/O; the
//! persistence of fired reminders belongs to the caller.
//!
//! Days are calendar days in Asia/Tokyo (UTC+9, no daylight saving) counted from
//! the certificate's notAfter: the *expiry date* is notAfter's date in Japan. The
//! window opens at 00:00 JST `window_opens_days` days before the expiry date and
//! closes (exclusive) at notAfter or at the profile's cut-off on the expiry date,
//! whichever is earlier. After that only re-acquisition (再取得, while today is at
//! most `reacquire_grace_days` after the expiry date) or a reissue (再発行) remain.

#[cfg(test)]
mod props;
mod reminders;
#[cfg(test)]
mod tests;

use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use crate::model::CertStatus;
use crate::profile::RenewalSection;

pub use reminders::reminders_due;

pub const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+9 is a valid offset"),
};

/// A Unix time as a Japan-time date and time (the epoch when out of range).
pub fn jst(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(JST)
}

/// The calendar date in Japan of a Unix time.
pub fn jst_date(unix: i64) -> Date {
    jst(unix).date()
}

/// Calendar days from today (JST) to the expiry date (JST); negative once past.
/// It changes exactly at 00:00 JST (15:00 UTC).
pub fn days_left(not_after: i64, now: i64) -> i32 {
    (jst_date(not_after) - jst_date(now)).whole_days() as i32
}

/// The bank's date rules, from the profile's `[renewal]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalRules {
    /// Days before the expiry date when the window opens at 00:00 JST (30).
    pub window_opens_days: u32,
    /// On the expiry date the window closes at this Japan time (e.g. 09:00).
    pub last_day_cutoff: Option<Time>,
    /// Days before the expiry date when the tray reminds ([30, 10, 3, 1, 0]).
    pub reminder_days: Vec<u32>,
    /// Days after the expiry date during which 再取得 is possible (0: never).
    pub reacquire_grace_days: u32,
}

impl Default for RenewalRules {
    fn default() -> Self {
        RenewalRules::from(&RenewalSection::default())
    }
}

impl From<&RenewalSection> for RenewalRules {
    fn from(section: &RenewalSection) -> Self {
        RenewalRules {
            window_opens_days: section.window_opens_days,
            last_day_cutoff: section.last_day_cutoff,
            reminder_days: section.reminder_days.clone(),
            reacquire_grace_days: section.reacquire_grace_days,
        }
    }
}

impl RenewalRules {
    /// The expiry date (有効期限日): notAfter's calendar date in Japan.
    pub fn expiry_date(&self, not_after: i64) -> Date {
        jst_date(not_after)
    }

    /// When the window opens: 00:00 JST, `window_opens_days` before the expiry date.
    pub fn opens_at(&self, not_after: i64) -> OffsetDateTime {
        let day = self
            .expiry_date(not_after)
            .saturating_sub(Duration::days(i64::from(self.window_opens_days)));
        day.midnight().assume_offset(JST)
    }

    /// When the window closes (exclusive): notAfter, or the cut-off on the expiry
    /// date when that is earlier. Never after notAfter.
    pub fn closes_at(&self, not_after: i64) -> OffsetDateTime {
        let end = jst(not_after);
        match self.last_day_cutoff {
            Some(cutoff) => {
                let cut = self
                    .expiry_date(not_after)
                    .with_time(cutoff)
                    .assume_offset(JST);
                cut.min(end)
            }
            None => end,
        }
    }

    /// The last day (JST) of re-acquisition, `None` when the bank has no grace.
    pub fn reacquire_until(&self, not_after: i64) -> Option<Date> {
        (self.reacquire_grace_days > 0).then(|| {
            self.expiry_date(not_after)
                .saturating_add(Duration::days(i64::from(self.reacquire_grace_days)))
        })
    }
}

/// Where a certificate stands under the bank's rules. Only ever moves forward in
/// time: Valid → RenewalOpen → ExpiredReacquirable → ExpiredReissueNeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    /// 有効: before the window, which opens at 00:00 JST on this date.
    Valid { window_opens_on: Date },
    /// 更新期間中: renewal possible until `closes_at` (exclusive, JST offset).
    RenewalOpen { closes_at: OffsetDateTime },
    /// 期限切れ（再取得可能）: the window closed; 再取得 possible through `until` (JST).
    ExpiredReacquirable { until: Date },
    /// 期限切れ（再発行が必要）: only a reissue at the bank.
    ExpiredReissueNeeded,
}

impl RuleState {
    /// The order of the states in time (0..=3).
    pub fn rank(&self) -> u8 {
        match self {
            RuleState::Valid { .. } => 0,
            RuleState::RenewalOpen { .. } => 1,
            RuleState::ExpiredReacquirable { .. } => 2,
            RuleState::ExpiredReissueNeeded => 3,
        }
    }

    /// What the UI shows (both expired kinds are 期限切れ).
    pub fn status(&self) -> CertStatus {
        match self {
            RuleState::Valid { .. } => CertStatus::Valid,
            RuleState::RenewalOpen { .. } => CertStatus::RenewalOpen,
            RuleState::ExpiredReacquirable { .. } | RuleState::ExpiredReissueNeeded => {
                CertStatus::Expired
            }
        }
    }
}

impl From<RuleState> for CertStatus {
    fn from(state: RuleState) -> Self {
        state.status()
    }
}

/// The state of a certificate with this notAfter at `now` (Unix seconds).
pub fn evaluate(rules: &RenewalRules, not_after: i64, now: i64) -> RuleState {
    let at = jst(now);
    let opens = rules.opens_at(not_after);
    let closes = rules.closes_at(not_after);
    if at < opens {
        RuleState::Valid {
            window_opens_on: opens.date(),
        }
    } else if at < closes {
        RuleState::RenewalOpen { closes_at: closes }
    } else {
        match rules.reacquire_until(not_after) {
            Some(until) if at.date() <= until => RuleState::ExpiredReacquirable { until },
            _ => RuleState::ExpiredReissueNeeded,
        }
    }
}

/// 有効 / 更新期間中 / 期限切れ under these rules.
pub fn status(rules: &RenewalRules, not_after: i64, now: i64) -> CertStatus {
    evaluate(rules, not_after, now).status()
}

/// Why renewal is not possible at `now` (technical detail for logs and the
/// error's small print; the UI words the error code). `None` inside the window.
pub fn refusal(rules: &RenewalRules, not_after: i64, now: i64) -> Option<String> {
    let expiry = rules.expiry_date(not_after);
    let closed = hm(rules.closes_at(not_after));
    match evaluate(rules, not_after, now) {
        RuleState::RenewalOpen { .. } => None,
        RuleState::Valid { window_opens_on } => Some(format!(
            "too early: the renewal window opens on {window_opens_on} 00:00 JST \
             ({} days before the expiry date {expiry}); {} days left",
            rules.window_opens_days,
            days_left(not_after, now)
        )),
        RuleState::ExpiredReacquirable { until } => Some(format!(
            "the renewal window closed at {closed} JST; re-acquisition (再取得) \
             is possible until {until} (JST)"
        )),
        RuleState::ExpiredReissueNeeded => Some(format!(
            "the renewal window closed at {closed} JST and re-acquisition (再取得) \
             is not possible: a reissue (再発行) at the bank is needed"
        )),
    }
}

/// `2026-12-06 09:00` (the time's own offset, here always JST).
fn hm(at: OffsetDateTime) -> String {
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}
