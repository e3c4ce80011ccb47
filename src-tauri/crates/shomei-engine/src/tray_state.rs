//! What the tray says: the most urgent state over every bank's identities, from one
//! [`IdentityListing`]. Pure (no store, no clock: `days_left` is already in the
//! listing), so the shell only draws it and the tests need no token.
//!
//! Urgency, highest first: a renewal stuck or stopped half-way (it needs the user,
//! and nothing else will tell them) > a USB token whose PIN is locked (the bank
//! cannot be logged in to with it) > a renewal that failed and was rolled back (after
//! its window closed) > a bank profile that does not load (its bank's certificates
//! are not even listed) > an expired certificate > a renewal due (fewest days left
//! first) > Shomei's own update failed ([`TrayState::with_update`]) > all fine.
//! Certificates Shomei will never renew (no bank claims them, superseded by a newer
//! one, no private key) never raise the state; an expired certificate's failed
//! renewal is said by "expired".

use crate::model::{
    CertStatus, ErrorCode, IdentityListing, IdentityView, NotRenewable, ProfileState,
};
use crate::updates::UpdateFailure;
use crate::words::{self, Locale};

/// How urgent the tray is; ordered, so `max` is the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrayLevel {
    /// Every certificate is valid and no renewal needs the user.
    Fine,
    /// Nothing about certificates, but Shomei's own update failed in a way the
    /// user must see (`updates::remembered`).
    UpdateFailed,
    /// A certificate is in its renewal window.
    RenewalDue,
    /// A certificate of a bank has expired.
    Expired,
    /// A bank profile is invalid or unreadable: its bank is not served until fixed.
    ProfileBroken,
    /// The last renewal of a certificate failed and was rolled back (the bank
    /// refused, a wrong PIN…), and none has got further since.
    LastFailed,
    /// A USB token's PIN is locked: only the bank can unlock it.
    PinLocked,
    /// A renewal stopped half-way, is stuck at the bank, or left the old identity
    /// behind (archive failed): it needs the user.
    Failed,
}

/// The tray's state: its level, whom it is about, and what 更新する opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayState {
    pub level: TrayLevel,
    /// The certificate's subject name (CN), the renewal's label, the broken
    /// profile's name or the locked token's label; `None` when fine.
    pub subject: Option<String>,
    /// Calendar days left (negative after expiry) for `RenewalDue` and `Expired`.
    pub days_left: Option<i32>,
    /// The identity 更新する opens the renewal of (an unfinished renewal is carried on
    /// by renewing the same identity); `None`: nothing to renew, 更新する opens the list.
    pub renew: Option<String>,
}

impl TrayState {
    pub const FINE: TrayState = TrayState {
        level: TrayLevel::Fine,
        subject: None,
        days_left: None,
        renew: None,
    };

    /// The tooltip in `locale` (the words are in the `tray` section of the catalogs).
    pub fn tooltip(&self, locale: Locale) -> String {
        let name = self.subject.as_deref().unwrap_or("");
        let days = self.days_left.unwrap_or(0);
        match self.level {
            TrayLevel::Fine => words::text(locale, "tray.fine", &[]),
            TrayLevel::UpdateFailed => words::text(locale, "tray.updateFailed", &[]),
            TrayLevel::RenewalDue => words::text(
                locale,
                "tray.due",
                &[("name", name), ("n", &days.to_string())],
            ),
            TrayLevel::Expired => words::text(locale, "tray.expired", &[("name", name)]),
            TrayLevel::ProfileBroken => {
                words::text(locale, "tray.profileBroken", &[("name", name)])
            }
            TrayLevel::LastFailed => words::text(locale, "tray.lastFailed", &[("name", name)]),
            TrayLevel::PinLocked => words::text(locale, "tray.pinLocked", &[("name", name)]),
            TrayLevel::Failed => words::text(locale, "tray.failed", &[("name", name)]),
        }
    }
}

impl TrayState {
    /// This state, or the failed update when nothing about certificates is
    /// urgent: a certificate always comes first.
    pub fn with_update(self, failure: Option<&UpdateFailure>) -> TrayState {
        match (self.level, failure) {
            (TrayLevel::Fine, Some(_)) => TrayState {
                level: TrayLevel::UpdateFailed,
                ..TrayState::FINE
            },
            _ => self,
        }
    }
}

/// The most urgent state over `listing` (all banks).
pub fn tray_state(listing: &IdentityListing) -> TrayState {
    let failed = listing
        .unfinished
        .iter()
        .filter(|u| u.needs_user())
        .min_by(|a, b| a.started_at.cmp(&b.started_at))
        .map(|u| TrayState {
            level: TrayLevel::Failed,
            subject: Some(u.label.clone()),
            days_left: None,
            renew: Some(u.fingerprint.clone()),
        });
    if let Some(state) = failed {
        return state;
    }
    let locked = listing
        .errors
        .iter()
        .find(|e| e.code == ErrorCode::PinLocked)
        .map(|e| TrayState {
            level: TrayLevel::PinLocked,
            subject: e.detail.clone(),
            days_left: None,
            renew: None,
        });
    if let Some(state) = locked {
        return state;
    }
    let ours = || listing.identities.iter().filter(|i| counts(i));
    // An expired certificate's failure is said by "expired" (再取得 is at the bank).
    let last_failed = ours()
        .filter(|i| i.last_failure.is_some() && i.status == CertStatus::RenewalOpen)
        // The latest failure: the one the user saw last.
        .max_by(|a, b| at_of(a).cmp(at_of(b)))
        .map(|i| at(TrayLevel::LastFailed, i, renewable(i)));
    if let Some(state) = last_failed {
        return state;
    }
    let broken = listing
        .profiles
        .iter()
        .find(|p| matches!(p.state, ProfileState::Invalid | ProfileState::Unreadable))
        .map(|p| TrayState {
            level: TrayLevel::ProfileBroken,
            subject: Some(p.name.clone().unwrap_or_else(|| p.id.clone())),
            days_left: None,
            renew: None,
        });
    if let Some(state) = broken {
        return state;
    }
    let expired = ours()
        .filter(|i| i.status == CertStatus::Expired)
        // The one that expired last: the likeliest still to be reacquired.
        .max_by_key(|i| i.days_left)
        .map(|i| at(TrayLevel::Expired, i, None));
    if let Some(state) = expired {
        return state;
    }
    ours()
        .filter(|i| i.status == CertStatus::RenewalOpen)
        .min_by_key(|i| i.days_left)
        .map(|i| at(TrayLevel::RenewalDue, i, renewable(i)))
        .unwrap_or(TrayState::FINE)
}

/// The identity 更新する renews, when it can be renewed at all.
fn renewable(i: &IdentityView) -> Option<String> {
    (i.not_renewable.is_none() && !i.renewable_into.is_empty()).then(|| i.fingerprint.clone())
}

fn at_of(i: &IdentityView) -> &str {
    i.last_failure.as_ref().map_or("", |f| f.at.as_str())
}

fn at(level: TrayLevel, i: &IdentityView, renew: Option<String>) -> TrayState {
    TrayState {
        level,
        subject: Some(i.subject_cn.clone()),
        days_left: Some(i.days_left),
        renew,
    }
}

/// A certificate of a bank that Shomei renews (or would have): one it lists but
/// never renews cannot make the tray urgent.
fn counts(i: &IdentityView) -> bool {
    i.bank.is_some()
        && !matches!(
            i.not_renewable,
            Some(NotRenewable::Superseded { .. } | NotRenewable::UnknownIssuer)
        )
}

#[cfg(test)]
#[path = "tray_state_tests.rs"]
mod tests;
