//! The crash harness's hook: with the `crash-hook` feature, `SHOMEI_CRASH_AT=N`
//! aborts the process at the N-th journal point (before and after every record
//! write and removal), and `SHOMEI_CRASH_TRACE=1` names each point on stderr.
//! Without the feature (every shipped build) the hook is nothing.

use super::Stage;

#[cfg(feature = "crash-hook")]
pub(super) fn point(when: &str, stage: Stage) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static REACHED: AtomicU32 = AtomicU32::new(0);
    let n = REACHED.fetch_add(1, Ordering::SeqCst) + 1;
    if std::env::var_os("SHOMEI_CRASH_TRACE").is_some() {
        eprintln!("crash-point {n}: {when} {stage:?}");
    }
    let target = std::env::var("SHOMEI_CRASH_AT")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    if target == Some(n) {
        eprintln!("crash-hook: aborting at journal point {n} ({when} {stage:?})");
        std::process::abort();
    }
}

#[cfg(not(feature = "crash-hook"))]
#[inline(always)]
pub(super) fn point(_when: &str, _stage: Stage) {}
