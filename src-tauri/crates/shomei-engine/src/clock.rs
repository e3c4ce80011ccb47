//! The one clock the engine reads: the bank's date rules, journal timestamps,
//! polling, the list, and (next) the reminders. Injected, so that a test can
//! walk a simulated year without waiting for it.
//!
//! Owns: "what time is it" for everything the engine decides.
//! Must never: be used for TLS certificate validity, which rustls checks against
//! the real clock of this computer (the bank checks the same way).

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Unix seconds, as the engine sees them.
pub trait Clock: Send + Sync {
    fn now(&self) -> i64;
}

/// This computer's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        crate::views::now_unix()
    }
}

/// A clock that moves only when told to (tests, simulations). Cloning shares it.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn at(unix: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(unix)))
    }

    pub fn set(&self, unix: i64) {
        self.0.store(unix, Ordering::SeqCst);
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ManualClock({})", self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let clock = ManualClock::at(1_000);
        let shared = clock.clone();
        assert_eq!(clock.now(), 1_000);
        shared.advance(86_400);
        assert_eq!(clock.now(), 87_400);
        clock.set(5);
        assert_eq!(shared.now(), 5);
    }

    #[test]
    fn the_system_clock_is_this_computers() {
        let before = time::OffsetDateTime::now_utc().unix_timestamp();
        let now = SystemClock.now();
        let after = time::OffsetDateTime::now_utc().unix_timestamp();
        assert!(before <= now && now <= after);
    }
}
