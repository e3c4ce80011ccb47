//! The reminder scheduler (SPEC §1 and §8, issue 12 item 3): which notices the
//! tray shows now, and when to look again. Pure and testable: no timer, no
//! thread, no Tauri. The shell calls it on its own timer, after wake and after
//! a clock change:
//!
//! ```no_run
//! # fn f(banks: &shomei_engine::Banks, settings: &shomei_engine::settings::Settings) {
//! use shomei_engine::reminders::{Points, Scheduler};
//! let mut scheduler = Scheduler::open(std::path::Path::new("/data/dir/of/shomei"));
//! // Re-reads the stores (`Banks::list`) and takes the engines' clock:
//! let check = scheduler.check(banks, settings);
//! // …or, with a listing and a time of the caller's:
//! let check = scheduler.due(banks.now(), &banks.list(), &Points::of(settings, banks));
//! for notice in &check.notices { /* notice.title(lang), notice.body(lang) */ }
//! // and look again at check.next_check_at (Unix seconds) at the latest.
//! # }
//! ```
//!
//! Rules:
//! - Points are days before the expiry date, counted in Japan time
//!   ([`crate::rules::days_left`]): the user's `Settings.reminder_days` when set,
//!   else the bank profile's `renewal.reminder_days` ([30, 10, 3, 1, 0] by
//!   default). Past notAfter comes one more point, `Expired`.
//! - Only identities a bank claims and that can be renewed get reminders (not
//!   発行元不明, not one without its key, not one already superseded).
//! - Each point fires once per identity (by fingerprint), even across restarts:
//!   the latest point fired is kept in `reminders.json` ([`state`]). Points missed
//!   while the PC slept or was off are caught up, only the latest of them shown;
//!   a clock moved back repeats nothing, a clock moved forward shows only the
//!   latest point reached.
//! - The stores are read before each decision: an identity renewed elsewhere (its
//!   fingerprint gone) gets no more reminders; its state is forgotten once it has
//!   been missing for [`FORGET_MISSING_AFTER`] (a USB token away for a few days
//!   does not repeat its reminders when it comes back).
//! - Failures (a request stuck at the bank, a renewal stopped where only the user
//!   can carry it on, a locked PIN, a profile that no longer loads) are announced
//!   once per occurrence, and again if they come back after being resolved. A USB
//!   token that is not plugged in (`tokenAbsent`) is not a failure.
//!
//! Owns: the decision and its persisted memory. Must never: show a point twice
//! for one certificate, or remind of a certificate that is gone.

pub mod notice;
pub mod points;
pub mod state;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::model::{ErrorCode, IdentityListing, ProfileState, Settings};
use crate::Banks;

pub use notice::Notice;
pub use points::{Point, Points};
pub use state::State;

/// Look again at least this often, whatever the next point: the stores, the
/// renewals and the profiles change without the scheduler being told.
pub const CHECK_EVERY: i64 = 3 * 3600;

/// An identity missing from the stores this long is forgotten.
pub const FORGET_MISSING_AFTER: i64 = 14 * 86_400;

/// A renewal stopped where only the user can carry it on is announced only once
/// it is this old: until then it may be another window or command's, running.
pub const RENEWAL_GRACE: i64 = 15 * 60;

/// What a check found.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// To show now, reminders first in the list's order, then failures.
    pub notices: Vec<Notice>,
    /// When to check again at the latest (Unix seconds): the next point's time,
    /// at most [`CHECK_EVERY`] from now.
    pub next_check_at: i64,
}

pub struct Scheduler {
    dir: PathBuf,
    state: State,
}

impl Scheduler {
    /// The scheduler whose memory is `dir/reminders.json` (the directory that
    /// holds the journal's directory; not the journal's own). A missing or broken
    /// file starts afresh.
    pub fn open(dir: &Path) -> Scheduler {
        Scheduler {
            dir: dir.to_path_buf(),
            state: state::load(dir),
        }
    }

    /// What it remembers (tests, diagnostics).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Reads the stores of every bank, takes the engines' clock and decides.
    pub fn check(&mut self, banks: &Banks, settings: &Settings) -> Check {
        let listing = banks.list();
        self.due(banks.now(), &listing, &Points::of(settings, banks))
    }

    /// The notices due at `now` for `listing` (fresh from `Banks::list`), and when
    /// to look again. Remembers (on disk) what it returns; a failed write is
    /// logged and the memory of this run still holds.
    pub fn due(&mut self, now: i64, listing: &IdentityListing, points: &Points) -> Check {
        let before = self.state.clone();
        let mut notices = Vec::new();
        let mut next = now.saturating_add(CHECK_EVERY);
        let present = self.reminders(now, listing, points, &mut notices, &mut next);
        self.forget_missing(now, &present);
        self.failures(now, listing, &mut notices, &mut next);
        if self.state != before {
            if let Err(e) = state::save(&self.dir, &self.state) {
                tracing::warn!(dir = %self.dir.display(), error = %e, "cannot save the reminder state");
            }
        }
        for notice in &notices {
            tracing::info!(?notice, "reminder due");
        }
        Check {
            notices,
            next_check_at: next,
        }
    }

    /// The latest point reached by each identity, if later than the one it fired.
    /// Returns the fingerprints that may be reminded of.
    fn reminders(
        &mut self,
        now: i64,
        listing: &IdentityListing,
        points: &Points,
        notices: &mut Vec<Notice>,
        next: &mut i64,
    ) -> HashSet<String> {
        let mut present = HashSet::new();
        for view in &listing.identities {
            let (Some(bank), None) = (&view.bank, &view.not_renewable) else {
                continue;
            };
            let Some(not_after) = crate::views::unix(&view.not_after) else {
                tracing::warn!(fingerprint = %view.fingerprint, not_after = %view.not_after, "unreadable notAfter; no reminder");
                continue;
            };
            let fingerprint = view.fingerprint.to_ascii_lowercase();
            if !present.insert(fingerprint.clone()) {
                continue;
            }
            let days = points.for_bank(&bank.id);
            if let Some(at) = points::next_after(days, not_after, now) {
                *next = (*next).min(at);
            }
            let fired = self.state.identities.get_mut(&fingerprint);
            let last = fired.as_ref().map(|f| f.point);
            if let Some(f) = fired {
                f.missing_since = None;
            }
            let Some(point) = points::reached(days, not_after, now) else {
                continue;
            };
            if last.is_some_and(|last| point <= last) {
                continue;
            }
            self.state.identities.insert(
                fingerprint,
                state::Fired {
                    not_after,
                    point,
                    fired_at: now,
                    missing_since: None,
                },
            );
            notices.push(match point {
                Point::Days(p) => Notice::Due {
                    fingerprint: view.fingerprint.clone(),
                    bank: bank.clone(),
                    subject: view.subject_cn.clone(),
                    not_after,
                    days_left: crate::rules::days_left(not_after, now),
                    point: p,
                },
                Point::Expired => Notice::Expired {
                    fingerprint: view.fingerprint.clone(),
                    bank: bank.clone(),
                    subject: view.subject_cn.clone(),
                    not_after,
                    guidance: view.expired.clone(),
                },
            });
        }
        present
    }

    /// Identities no longer in the stores: marked missing, forgotten after a while.
    fn forget_missing(&mut self, now: i64, present: &HashSet<String>) {
        self.state.identities.retain(|fingerprint, fired| {
            if present.contains(fingerprint) {
                return true;
            }
            let since = fired.missing_since.map_or(now, |s| s.min(now));
            fired.missing_since = Some(since);
            now - since < FORGET_MISSING_AFTER
        });
    }

    /// Failures found now and not announced yet; resolved ones are forgotten, so
    /// they are announced again if they come back.
    fn failures(
        &mut self,
        now: i64,
        listing: &IdentityListing,
        notices: &mut Vec<Notice>,
        next: &mut i64,
    ) {
        let mut found: Vec<(String, Notice)> = Vec::new();
        for u in &listing.unfinished {
            let grace_ends = crate::views::unix(&u.started_at)
                .map_or(now, |started| started.saturating_add(RENEWAL_GRACE));
            let old_enough = now >= grace_ends;
            let needs_user = u.stopped_halfway();
            if u.stuck {
                found.push((
                    format!("stuck:{}", u.renewal_id),
                    Notice::RenewalStuck {
                        renewal_id: u.renewal_id.clone(),
                        fingerprint: u.fingerprint.clone(),
                        label: u.label.clone(),
                        bank: u.bank.clone(),
                    },
                ));
            } else if needs_user && !old_enough {
                *next = (*next).min(grace_ends);
            } else if needs_user {
                found.push((
                    format!("failed:{}:{:?}", u.renewal_id, u.stage),
                    Notice::RenewalFailed {
                        renewal_id: u.renewal_id.clone(),
                        fingerprint: u.fingerprint.clone(),
                        label: u.label.clone(),
                        bank: u.bank.clone(),
                        stage: u.stage,
                    },
                ));
            }
        }
        for e in listing
            .errors
            .iter()
            .filter(|e| e.code == ErrorCode::PinLocked)
        {
            found.push((
                format!("pinLocked:{}", e.detail.as_deref().unwrap_or_default()),
                Notice::PinLocked {
                    detail: e.detail.clone(),
                },
            ));
        }
        for p in &listing.profiles {
            if matches!(p.state, ProfileState::Invalid | ProfileState::Unreadable) {
                found.push((
                    format!("profile:{}:{}", p.id, p.path),
                    Notice::ProfileBroken {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        path: p.path.clone(),
                        state: p.state,
                    },
                ));
            }
        }
        let keys: HashSet<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        self.state
            .failures
            .retain(|key, _| keys.contains(key.as_str()));
        for (key, notice) in found {
            if let std::collections::btree_map::Entry::Vacant(e) = self.state.failures.entry(key) {
                e.insert(now);
                notices.push(notice);
            }
        }
    }
}
