//! The crash harness's hook: with the `crash-hook` feature, `SHOMEI_CRASH_AT=N`
//! aborts the process at the N-th crash point, and `SHOMEI_CRASH_TRACE=1` names
//! each point on stderr. The points are numbered in the order a process reaches
//! them, whichever crate names them: the engine's journal writes, and the steps
//! inside an install that no journal write separates (certificate stored, key not
//! yet relabelled). Points count only once the harness has [`arm`]ed them, so
//! that setting a store up (installing its first identity) is not a crash point.
//! Without the feature (every shipped build) a point is nothing.

#[cfg(feature = "crash-hook")]
static ARMED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Start counting crash points (the harness, once its set-up is done).
#[cfg(feature = "crash-hook")]
pub fn arm() {
    ARMED.store(true, std::sync::atomic::Ordering::SeqCst);
}

#[cfg(feature = "crash-hook")]
pub fn point(name: &str) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static REACHED: AtomicU32 = AtomicU32::new(0);
    if !ARMED.load(Ordering::SeqCst) {
        return;
    }
    let n = REACHED.fetch_add(1, Ordering::SeqCst) + 1;
    if std::env::var_os("SHOMEI_CRASH_TRACE").is_some() {
        eprintln!("crash-point {n}: {name}");
    }
    let target = std::env::var("SHOMEI_CRASH_AT")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    if target == Some(n) {
        eprintln!("crash-hook: aborting at journal point {n} ({name})");
        std::process::abort();
    }
}

#[cfg(not(feature = "crash-hook"))]
#[inline(always)]
pub fn point(_name: &str) {}
