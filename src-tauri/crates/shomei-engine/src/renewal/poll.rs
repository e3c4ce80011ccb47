//! When to ask the bank again about a pending request, and when a pending
//! request is stuck. Pure functions of the journaled record, the bank's answer,
//! the rules and `now`.
//!
//! The bank's Retry-After is honoured, but never as a reason to stop asking: one
//! huge value (or a far HTTP-date) once parked a renewal until the year 2163. So
//! the wait is at most [`MAX_POLL_INTERVAL`], never past the renewal window's
//! cut-off (after it the current certificate cannot log in any more), and at
//! least a back-off that doubles with every "pending" (a bank that answers
//! "Retry-After: 0" is not asked in a loop).

use super::PollPolicy;
use crate::journal::{Record, Stage};

/// The longest the engine waits between two questions to the bank (a day).
pub const MAX_POLL_INTERVAL: i64 = 24 * 3600;

/// When to ask again after the `polls`-th "pending" (counting from 1), answered
/// at `now` with a Retry-After of `retry_after` seconds, for a certificate whose
/// renewal window closes at `closes_at` (Unix seconds).
pub fn next_poll_at(
    now: i64,
    retry_after: u64,
    polls: u32,
    policy: &PollPolicy,
    closes_at: i64,
) -> i64 {
    let asked = i64::try_from(retry_after).unwrap_or(i64::MAX);
    let wait = asked.max(backoff(polls, policy)).min(MAX_POLL_INTERVAL);
    let at = now.saturating_add(wait);
    // Before the cut-off, never past it; after it (a last try with a certificate
    // that may no longer log in), at the back-off's pace, never in a burst.
    if closes_at > now {
        at.min(closes_at)
    } else {
        at
    }
}

/// The least wait after the `polls`-th "pending": the first back-off, doubled for
/// each further one, at most `backoff_max`.
fn backoff(polls: u32, policy: &PollPolicy) -> i64 {
    let first = i64::try_from(policy.backoff_first.as_secs()).unwrap_or(i64::MAX);
    let max = i64::try_from(policy.backoff_max.as_secs()).unwrap_or(i64::MAX);
    let doublings = polls.saturating_sub(1).min(62);
    first.saturating_mul(1_i64 << doublings).min(max)
}

/// The time a journaled renewal may be asked about again. A record written by
/// an earlier version, by a computer whose clock is ahead, or from a hostile
/// answer may hold any time: it is capped the same way when read, against its
/// own writing and against `now`.
pub fn due_at(record: &Record, closes_at: i64, now: i64) -> Option<i64> {
    record.next_poll_at.map(|at| {
        at.min(record.updated_at.saturating_add(MAX_POLL_INTERVAL))
            .min(now.saturating_add(MAX_POLL_INTERVAL))
            .min(closes_at)
    })
}

/// Whether the bank has kept this request pending for longer than the profile
/// allows: the user is told, and may discard it.
pub fn stuck(record: &Record, pending_limit_days: u32, now: i64) -> bool {
    matches!(record.stage, Stage::Requested | Stage::Pending)
        && record.issued.is_none()
        && now.saturating_sub(record.started_at) > i64::from(pending_limit_days) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const NOW: i64 = 1_800_000_000;
    const FAR: i64 = i64::MAX;

    fn policy() -> PollPolicy {
        PollPolicy::default()
    }

    #[test]
    fn a_huge_retry_after_waits_a_day_at_most() {
        assert_eq!(
            next_poll_at(NOW, u64::MAX, 1, &policy(), FAR),
            NOW + MAX_POLL_INTERVAL
        );
        // 2163, as a far HTTP-date once asked.
        let years = 137 * 365 * 86_400;
        assert_eq!(
            next_poll_at(NOW, years, 1, &policy(), FAR),
            NOW + MAX_POLL_INTERVAL
        );
        assert_eq!(next_poll_at(NOW, 120, 1, &policy(), FAR), NOW + 120);
    }

    #[test]
    fn never_past_the_renewal_cut_off_and_never_in_a_burst_after_it() {
        assert_eq!(next_poll_at(NOW, 7200, 1, &policy(), NOW + 600), NOW + 600);
        assert_eq!(next_poll_at(NOW, 0, 1, &policy(), NOW - 600), NOW + 1);
        assert_eq!(next_poll_at(NOW, 0, 3, &policy(), NOW - 600), NOW + 4);
    }

    #[test]
    fn the_back_off_doubles_and_is_capped() {
        let p = PollPolicy {
            backoff_first: Duration::from_secs(10),
            backoff_max: Duration::from_secs(100),
            ..policy()
        };
        let waits: Vec<i64> = (1..=6)
            .map(|n| next_poll_at(NOW, 0, n, &p, FAR) - NOW)
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 100, 100]);
        // The bank's longer wait wins over the back-off.
        assert_eq!(next_poll_at(NOW, 500, 2, &p, FAR) - NOW, 500);
        // A thousand "pending"s do not overflow.
        assert_eq!(next_poll_at(NOW, 0, 1000, &p, FAR) - NOW, 100);
    }

    fn pending(started_at: i64, next_poll_at: Option<i64>) -> Record {
        Record {
            format: crate::journal::FORMAT,
            renewal_id: "1-0".into(),
            stage: Stage::Pending,
            started_at,
            updated_at: NOW,
            store: "USB token".into(),
            bank: String::new(),
            target: None,
            token_label: "t".into(),
            token_serial: String::new(),
            on_token: false,
            old_fingerprint: "ab".repeat(32),
            old_label: String::new(),
            key_label: "shomei-pending-1-0".into(),
            key_id: Some(vec![1]),
            new_public_key: None,
            csr: Some(vec![1]),
            challenge: false,
            new_key_kind: None,
            polls: 1,
            next_poll_at,
            issued: None,
            new_fingerprint: None,
            archive_error: None,
        }
    }

    #[test]
    fn a_journaled_far_time_is_capped_when_read() {
        let parked = pending(NOW, Some(6_000_000_000)); // the year 2160
        assert_eq!(due_at(&parked, FAR, NOW), Some(NOW + MAX_POLL_INTERVAL));
        assert_eq!(due_at(&parked, NOW + 60, NOW), Some(NOW + 60));
        assert_eq!(
            due_at(&pending(NOW, Some(NOW + 5)), FAR, NOW),
            Some(NOW + 5)
        );
        assert_eq!(due_at(&pending(NOW, None), FAR, NOW), None);
        // Written "in the future" (a clock ahead, a crafted copy): capped by now.
        let mut ahead = pending(NOW, Some(6_000_000_000));
        ahead.updated_at = NOW + 365 * 86_400;
        assert_eq!(due_at(&ahead, FAR, NOW), Some(NOW + MAX_POLL_INTERVAL));
    }

    #[test]
    fn stuck_after_the_profile_limit() {
        let day = 86_400;
        assert!(!stuck(&pending(NOW - 14 * day, None), 14, NOW));
        assert!(stuck(&pending(NOW - 14 * day - 1, None), 14, NOW));
        let mut issued = pending(NOW - 30 * day, None);
        issued.stage = Stage::Issued;
        assert!(
            !stuck(&issued, 14, NOW),
            "only a request the bank has not answered"
        );
    }
}
