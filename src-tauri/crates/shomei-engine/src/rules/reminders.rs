//! Which tray reminders are due (SPEC §1: 30 and 10 days like the bank's emails,
//! then 3, 1 and the expiry day).
//!
//! Owns only the decision, as a pure function: a reminder point `p` is due from
//! 00:00 JST on the day `p` days before the expiry date, and stays due (a reminder
//! missed while the PC was off fires at the next start) until it is fired or the
//! certificate has expired. Remembering what fired is the caller's job.

use super::{days_left, RenewalRules};

/// The reminder points whose day has come and that are not in `already_fired`,
/// largest first, each once. (The tray's scheduler, `crate::reminders`, shows only
/// the latest of them and remembers the latest shown.) Empty once `now` is past notAfter: an expired
/// certificate gets the expired guidance, not "expires in 30 days".
pub fn reminders_due(
    rules: &RenewalRules,
    not_after: i64,
    now: i64,
    already_fired: &[u32],
) -> Vec<u32> {
    if now > not_after {
        return Vec::new();
    }
    let left = i64::from(days_left(not_after, now));
    let mut due: Vec<u32> = rules
        .reminder_days
        .iter()
        .copied()
        .filter(|&p| i64::from(p) >= left && !already_fired.contains(&p))
        .collect();
    due.sort_unstable_by(|a, b| b.cmp(a));
    due.dedup();
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    // Expiry date 2026-12-06 JST (notAfter 23:59:59 JST).
    const NOT_AFTER: i64 = datetime!(2026-12-06 14:59:59 UTC).unix_timestamp();

    fn at_jst_midnight_of(days_before: i64) -> i64 {
        datetime!(2026-12-05 15:00:00 UTC).unix_timestamp() - days_before * 86_400
    }

    #[test]
    fn nothing_before_the_first_point() {
        let rules = RenewalRules::default();
        assert!(reminders_due(&rules, NOT_AFTER, at_jst_midnight_of(30) - 1, &[]).is_empty());
        assert_eq!(
            reminders_due(&rules, NOT_AFTER, at_jst_midnight_of(30), &[]),
            [30]
        );
    }

    #[test]
    fn missed_points_fire_at_the_next_start_and_fired_ones_do_not() {
        let rules = RenewalRules::default();
        // The PC was off from 31 days before until 2 days before (12/4 JST).
        let now = at_jst_midnight_of(2) + 3_600;
        assert_eq!(reminders_due(&rules, NOT_AFTER, now, &[]), [30, 10, 3]);
        assert_eq!(reminders_due(&rules, NOT_AFTER, now, &[30]), [10, 3]);
        assert!(reminders_due(&rules, NOT_AFTER, now, &[30, 10, 3]).is_empty());
    }

    #[test]
    fn the_expiry_day_point_and_nothing_after_expiry() {
        let rules = RenewalRules::default();
        let fired = [30, 10, 3, 1];
        assert_eq!(
            reminders_due(&rules, NOT_AFTER, at_jst_midnight_of(0), &fired),
            [0]
        );
        assert_eq!(reminders_due(&rules, NOT_AFTER, NOT_AFTER, &fired), [0]);
        assert!(reminders_due(&rules, NOT_AFTER, NOT_AFTER + 1, &[]).is_empty());
    }

    #[test]
    fn profile_points_are_used_and_duplicates_fire_once() {
        let rules = RenewalRules {
            reminder_days: vec![14, 7, 7, 0],
            ..RenewalRules::default()
        };
        assert_eq!(
            reminders_due(&rules, NOT_AFTER, at_jst_midnight_of(7), &[]),
            [14, 7]
        );
    }
}
