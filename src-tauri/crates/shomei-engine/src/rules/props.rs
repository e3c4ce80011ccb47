//! Property tests of the rules around the edges where dates go wrong: midnight
//! JST (15:00 UTC), month ends, leap days, and notAfter just before and after
//! 15:00 UTC. Cases are set explicitly so the whole file runs in about a second.

use proptest::prelude::*;
use time::macros::datetime;
use time::Time;

use super::*;

const CASES: u32 = 2_000;
const DAY: i64 = 86_400;

/// 15:00 UTC (00:00 JST) on awkward days: month ends, leap days, year ends.
fn anchors() -> Vec<i64> {
    [
        datetime!(2026-01-31 15:00 UTC),
        datetime!(2026-02-28 15:00 UTC),
        datetime!(2026-04-30 15:00 UTC),
        datetime!(2026-12-31 15:00 UTC),
        datetime!(2027-02-28 15:00 UTC),
        datetime!(2028-02-28 15:00 UTC),
        datetime!(2028-02-29 15:00 UTC),
        datetime!(2028-03-01 15:00 UTC),
        datetime!(2028-12-31 15:00 UTC),
        datetime!(2032-02-29 15:00 UTC),
    ]
    .iter()
    .map(|t| t.unix_timestamp())
    .collect()
}

/// A notAfter within ±2 h of an anchor's 15:00 UTC, a few days either side.
fn not_after() -> impl Strategy<Value = i64> {
    (
        prop::sample::select(anchors()),
        -3i64..=3,
        -7_200i64..=7_200,
    )
        .prop_map(|(anchor, days, secs)| anchor + days * DAY + secs)
}

/// A moment relative to notAfter: mostly near a JST midnight, from 45 days
/// before (past the earliest window opening) to 420 days after (past any grace).
fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        -45 * DAY..=420 * DAY,
        (-45i64..=420, -7_200i64..=7_200).prop_map(|(d, s)| d * DAY + s),
        -7_200i64..=7_200,
    ]
}

fn rules() -> impl Strategy<Value = RenewalRules> {
    (
        prop::sample::select(vec![28u32, 30, 40]),
        prop::option::of((0u8..24, prop::sample::select(vec![0u8, 30]))),
        prop::sample::select(vec![0u32, 80, 300, 400]),
    )
        .prop_map(|(window, cutoff, grace)| RenewalRules {
            window_opens_days: window,
            last_day_cutoff: cutoff.map(|(h, m)| Time::from_hms(h, m, 0).unwrap()),
            reacquire_grace_days: grace,
            ..RenewalRules::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// (1) Valid → RenewalOpen → ExpiredReacquirable → ExpiredReissueNeeded, never back.
    #[test]
    fn state_is_monotone_in_time(
        r in rules(), na in not_after(), a in offset(), b in offset(),
    ) {
        let (early, late) = (na + a.min(b), na + a.max(b));
        let (s1, s2) = (evaluate(&r, na, early), evaluate(&r, na, late));
        prop_assert!(s1.rank() <= s2.rank(), "{s1:?} at {early} then {s2:?} at {late}");
        // The same holds for what the UI sees.
        prop_assert!(s1.status() as u8 <= s2.status() as u8);
    }

    /// The window opens exactly at 00:00 JST and closes exactly at closes_at.
    #[test]
    fn window_edges_are_exact(r in rules(), na in not_after()) {
        let opens = r.opens_at(na).unix_timestamp();
        let closes = r.closes_at(na).unix_timestamp();
        prop_assert_eq!(opens.rem_euclid(DAY), 15 * 3_600);
        prop_assert_eq!(evaluate(&r, na, opens - 1).rank(), 0);
        prop_assert_eq!(evaluate(&r, na, opens).rank(), 1);
        prop_assert_eq!(evaluate(&r, na, closes - 1).rank(), 1);
        prop_assert!(evaluate(&r, na, closes).rank() >= 2);
        prop_assert_eq!(days_left(na, opens), r.window_opens_days as i32);
    }

    /// (2) days_left drops by one exactly at 15:00 UTC and at no other second.
    #[test]
    fn days_left_changes_exactly_at_15_utc(na in not_after(), a in offset()) {
        let t = na + a;
        let step = days_left(na, t) - days_left(na, t + 1);
        let midnight_jst = (t + 1).rem_euclid(DAY) == 15 * 3_600;
        prop_assert_eq!(step, i32::from(midnight_jst));
    }

    /// (3) An open window always closes after now and never after notAfter.
    #[test]
    fn open_window_closes_after_now_and_not_after_not_after(
        r in rules(), na in not_after(), a in offset(), near in -2i64..=2,
    ) {
        // Random moments, and moments right at the close (cut-off or notAfter).
        let at_close = r.closes_at(na).unix_timestamp() + near;
        for now in [na + a, at_close] {
            if let RuleState::RenewalOpen { closes_at } = evaluate(&r, na, now) {
                prop_assert!(closes_at.unix_timestamp() <= na);
                prop_assert!(closes_at.unix_timestamp() > now);
            }
        }
    }

    /// (4) Polling with increasing `now` and remembering what fired: no point
    /// fires twice, and by the expiry day every point has fired exactly once.
    #[test]
    fn reminders_fire_once_each_by_the_expiry_date(
        na in not_after(),
        points in prop::collection::vec(0u32..=45, 0..6),
        start in 0i64..=50 * DAY,
        steps in prop::collection::vec(1i64..=5 * DAY, 0..40),
    ) {
        let r = RenewalRules { reminder_days: points.clone(), ..RenewalRules::default() };
        let mut fired: Vec<u32> = Vec::new();
        let mut now = na - start;
        let mut times = vec![now];
        for step in steps {
            now += step;
            times.push(now);
        }
        // The last poll is at the expiry day's 00:00 JST or later (but before notAfter).
        let expiry_day = r.expiry_date(na).midnight().assume_offset(JST).unix_timestamp();
        times.push(expiry_day.max(now.min(na)));
        for t in times.into_iter().filter(|&t| t <= na) {
            let due = reminders_due(&r, na, t, &fired);
            for p in due {
                prop_assert!(!fired.contains(&p), "{p} fired twice");
                prop_assert!(i64::from(p) >= i64::from(days_left(na, t)), "{p} early");
                fired.push(p);
            }
        }
        let mut expected = points;
        expected.sort_unstable();
        expected.dedup();
        fired.sort_unstable();
        prop_assert_eq!(fired, expected);
    }
}
