//! Concrete JST examples for each rule (the property tests are in `props.rs`).

use super::*;
use time::macros::{date, datetime, time};

fn unix(dt: OffsetDateTime) -> i64 {
    dt.unix_timestamp()
}

fn rules(window: u32, cutoff: Option<Time>, grace: u32) -> RenewalRules {
    RenewalRules {
        window_opens_days: window,
        last_day_cutoff: cutoff,
        reacquire_grace_days: grace,
        ..RenewalRules::default()
    }
}

/// Expiry date 2026-12-06 JST, notAfter at its last second (23:59:59 JST).
const NOT_AFTER: i64 = datetime!(2026-12-06 23:59:59 +9).unix_timestamp();

#[test]
fn defaults_come_from_the_profile_section() {
    let r = RenewalRules::default();
    assert_eq!(r.window_opens_days, 30);
    assert_eq!(r.last_day_cutoff, None);
    assert_eq!(r.reminder_days, [30, 10, 3, 1, 0]);
    assert_eq!(r.reacquire_grace_days, 0);
}

#[test]
fn days_are_counted_in_japan_time() {
    // 15:00 UTC is midnight in Tokyo: one second apart, one calendar day apart.
    let not_after = unix(datetime!(2026-12-06 14:59:59 UTC));
    assert_eq!(
        days_left(not_after, unix(datetime!(2026-12-05 14:59:59 UTC))),
        1
    );
    assert_eq!(
        days_left(not_after, unix(datetime!(2026-12-05 15:00:00 UTC))),
        0
    );
    let midnight_jst = unix(datetime!(2026-12-06 15:00:00 UTC)); // 12/7 00:00 JST
    assert_eq!(
        days_left(midnight_jst, unix(datetime!(2026-12-06 14:00:00 UTC))),
        1
    );
    assert_eq!(days_left(not_after, not_after + 1), -1);
}

#[test]
fn window_opens_thirty_days_before_the_expiry_date() {
    let r = RenewalRules::default();
    // 11/6 00:00 JST = 11/5 15:00 UTC.
    assert_eq!(
        evaluate(&r, NOT_AFTER, unix(datetime!(2026-11-05 14:59:59 UTC))),
        RuleState::Valid {
            window_opens_on: date!(2026 - 11 - 06)
        }
    );
    let open = evaluate(&r, NOT_AFTER, unix(datetime!(2026-11-05 15:00:00 UTC)));
    assert_eq!(
        open,
        RuleState::RenewalOpen {
            closes_at: jst(NOT_AFTER)
        }
    );
    assert_eq!(open.status(), CertStatus::RenewalOpen);
    assert_eq!(
        status(&r, NOT_AFTER, NOT_AFTER - 1),
        CertStatus::RenewalOpen
    );
    // Closes at notAfter; no grace: only a reissue.
    assert_eq!(
        evaluate(&r, NOT_AFTER, NOT_AFTER),
        RuleState::ExpiredReissueNeeded
    );
    assert_eq!(status(&r, NOT_AFTER, NOT_AFTER + 1), CertStatus::Expired);
}

#[test]
fn window_may_open_at_28_or_40_days() {
    let r28 = rules(28, None, 0);
    let opens = unix(datetime!(2026-11-08 00:00 +9));
    assert!(
        matches!(evaluate(&r28, NOT_AFTER, opens - 1), RuleState::Valid { window_opens_on } if window_opens_on == date!(2026-11-08))
    );
    assert!(matches!(
        evaluate(&r28, NOT_AFTER, opens),
        RuleState::RenewalOpen { .. }
    ));

    let r40 = rules(40, None, 0);
    let opens = unix(datetime!(2026-10-27 00:00 +9));
    assert!(
        matches!(evaluate(&r40, NOT_AFTER, opens - 1), RuleState::Valid { window_opens_on } if window_opens_on == date!(2026-10-27))
    );
    assert!(matches!(
        evaluate(&r40, NOT_AFTER, opens),
        RuleState::RenewalOpen { .. }
    ));
}

#[test]
fn a_nine_oclock_cutoff_closes_the_last_day_at_nine_jst() {
    let r = rules(30, Some(time!(09:00)), 90);
    let nine = datetime!(2026-12-06 09:00 +9);
    assert_eq!(r.closes_at(NOT_AFTER), nine);
    assert_eq!(
        evaluate(&r, NOT_AFTER, unix(nine) - 1),
        RuleState::RenewalOpen { closes_at: nine }
    );
    // From 09:00 the certificate still works, but renewal is over: 再取得 only.
    let after = evaluate(&r, NOT_AFTER, unix(nine));
    assert_eq!(
        after,
        RuleState::ExpiredReacquirable {
            until: date!(2027 - 03 - 06)
        }
    );
    let why = refusal(&r, NOT_AFTER, unix(nine)).unwrap();
    assert!(why.contains("closed at 2026-12-06 09:00 JST"), "{why}");
    assert!(why.contains("until 2027-03-06"), "{why}");
}

#[test]
fn the_cutoff_never_extends_past_not_after() {
    // notAfter 08:00 JST on the expiry date, cut-off 09:00: closes at notAfter.
    let not_after = unix(datetime!(2026-12-06 08:00 +9));
    let r = rules(30, Some(time!(09:00)), 0);
    assert_eq!(r.closes_at(not_after), jst(not_after));
    assert_eq!(
        evaluate(&r, not_after, not_after),
        RuleState::ExpiredReissueNeeded
    );
}

#[test]
fn grace_days_allow_reacquisition_through_the_last_day_jst() {
    let r = rules(30, None, 80);
    let until = date!(2027 - 02 - 24); // 2026-12-06 + 80 days
    let last = unix(datetime!(2027-02-24 23:59:59 +9));
    assert_eq!(
        evaluate(&r, NOT_AFTER, NOT_AFTER + 1),
        RuleState::ExpiredReacquirable { until }
    );
    assert_eq!(
        evaluate(&r, NOT_AFTER, last),
        RuleState::ExpiredReacquirable { until }
    );
    assert_eq!(
        evaluate(&r, NOT_AFTER, last + 1),
        RuleState::ExpiredReissueNeeded
    );
    assert_eq!(
        RuleState::ExpiredReacquirable { until }.status(),
        CertStatus::Expired
    );
    let why = refusal(&r, NOT_AFTER, last + 1).unwrap();
    assert!(why.contains("reissue (再発行)"), "{why}");
}

#[test]
fn refusal_says_when_the_window_opens() {
    let r = rules(40, None, 0);
    assert_eq!(
        refusal(&r, NOT_AFTER, unix(datetime!(2026-10-27 00:00 +9))),
        None
    );
    let why = refusal(&r, NOT_AFTER, unix(datetime!(2026-10-01 12:00 +9))).unwrap();
    assert!(why.contains("opens on 2026-10-27 00:00 JST"), "{why}");
    assert!(why.contains("66 days left"), "{why}");
}

#[test]
fn window_spans_month_end_and_leap_day() {
    // Expiry 2028-03-01 JST: 30 days before is 2028-01-31 (2028 is a leap year).
    let r = RenewalRules::default();
    let not_after = unix(datetime!(2028-03-01 03:00:00 UTC));
    assert_eq!(
        status(&r, not_after, unix(datetime!(2028-01-30 14:59:59 UTC))),
        CertStatus::Valid
    );
    assert_eq!(
        status(&r, not_after, unix(datetime!(2028-01-30 15:00:00 UTC))),
        CertStatus::RenewalOpen
    );
    assert_eq!(
        days_left(not_after, unix(datetime!(2028-02-29 00:00:00 UTC))),
        1
    );
    // Expiry on the leap day itself, 40 days: opens 2028-01-20.
    let leap = unix(datetime!(2028-02-29 23:59:59 +9));
    assert_eq!(
        rules(40, None, 0).opens_at(leap),
        datetime!(2028-01-20 00:00 +9)
    );
    // notAfter 14:59:59 UTC vs 15:00:00 UTC: different expiry dates.
    assert_eq!(
        r.expiry_date(unix(datetime!(2028-02-29 14:59:59 UTC))),
        date!(2028 - 02 - 29)
    );
    assert_eq!(
        r.expiry_date(unix(datetime!(2028-02-29 15:00:00 UTC))),
        date!(2028 - 03 - 01)
    );
}
