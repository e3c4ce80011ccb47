//! The journal's crash points (see `shomei_store::crash`): before and after
//! every record write and removal. Without the `crash-hook` feature (every
//! shipped build) they are nothing.

use super::Stage;

#[cfg(feature = "crash-hook")]
pub(super) fn point(when: &str, stage: Stage) {
    shomei_store::crash::point(&format!("{when} {stage:?}"));
}

#[cfg(not(feature = "crash-hook"))]
#[inline(always)]
pub(super) fn point(_when: &str, _stage: Stage) {}
