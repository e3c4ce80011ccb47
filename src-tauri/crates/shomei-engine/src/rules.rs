//! The bank's rules about dates (SPEC §1), in Japan time.
//!
//! Days are calendar days in Asia/Tokyo (UTC+9, no daylight saving) counted from
//! the certificate's notAfter. The renewal window runs from 30 days before the
//! expiry date until the expiry itself. Profiles that move the opening or close
//! earlier on the last day come with the rules work (issue 5).

use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::model::CertStatus;

pub const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+9 is a valid offset"),
};

/// Days before the expiry date on which the window opens (有効期限の30日前から).
pub const DEFAULT_WINDOW_DAYS: i64 = 30;

/// The calendar date in Japan of a Unix time.
pub fn jst_date(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(JST)
        .date()
}

/// Calendar days from today (JST) to the expiry date (JST); negative once past.
pub fn days_left(not_after: i64, now: i64) -> i32 {
    (jst_date(not_after) - jst_date(now)).whole_days() as i32
}

/// 有効 / 更新期間中 / 期限切れ.
pub fn status(not_after: i64, now: i64) -> CertStatus {
    if now > not_after {
        CertStatus::Expired
    } else if jst_date(now) >= jst_date(not_after) - Duration::days(DEFAULT_WINDOW_DAYS) {
        CertStatus::RenewalOpen
    } else {
        CertStatus::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn unix(dt: OffsetDateTime) -> i64 {
        dt.unix_timestamp()
    }

    #[test]
    fn days_are_counted_in_japan_time() {
        // 15:00 UTC is midnight in Tokyo: one second apart, one calendar day apart.
        let not_after = unix(datetime!(2026-12-06 14:59:59 UTC)); // 12/6 23:59:59 JST
        assert_eq!(
            days_left(not_after, unix(datetime!(2026-12-05 14:59:59 UTC))),
            1
        );
        assert_eq!(
            days_left(not_after, unix(datetime!(2026-12-05 15:00:00 UTC))),
            0
        );
        let just_after_midnight_jst = unix(datetime!(2026-12-06 15:00:00 UTC)); // 12/7 00:00 JST
        assert_eq!(
            days_left(
                just_after_midnight_jst,
                unix(datetime!(2026-12-06 14:00:00 UTC))
            ),
            1
        );
    }

    #[test]
    fn window_opens_thirty_days_before_the_expiry_date() {
        let not_after = unix(datetime!(2026-12-06 14:59:59 UTC)); // expiry date 12/6 JST
                                                                  // 11/6 JST is 30 days before: open from 11/6 00:00 JST = 11/5 15:00 UTC.
        assert_eq!(
            status(not_after, unix(datetime!(2026-11-05 14:59:59 UTC))),
            CertStatus::Valid
        );
        assert_eq!(
            status(not_after, unix(datetime!(2026-11-05 15:00:00 UTC))),
            CertStatus::RenewalOpen
        );
        assert_eq!(status(not_after, not_after), CertStatus::RenewalOpen);
        assert_eq!(status(not_after, not_after + 1), CertStatus::Expired);
    }

    #[test]
    fn window_spans_month_end_and_leap_day() {
        // Expiry 2028-03-01 JST: 30 days before is 2028-01-31 (2028 is a leap year).
        let not_after = unix(datetime!(2028-03-01 03:00:00 UTC));
        assert_eq!(
            status(not_after, unix(datetime!(2028-01-30 14:59:59 UTC))),
            CertStatus::Valid
        );
        assert_eq!(
            status(not_after, unix(datetime!(2028-01-30 15:00:00 UTC))),
            CertStatus::RenewalOpen
        );
        assert_eq!(
            days_left(not_after, unix(datetime!(2028-02-29 00:00:00 UTC))),
            1
        );
    }
}
