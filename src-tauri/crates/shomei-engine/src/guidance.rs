//! What the user should do next: the checklist after a renewal (SPEC §4) and the
//! guidance for an expired certificate (SPEC §1: 再取得 until a date, or 再発行 at
//! the bank).
//!
//! Owns: which items the 完了 screen lists and what an expired certificate still
//! allows. Pure functions of (profile, certificates, now): no clock, no store. The
//! dates come from `rules/` (Japan time); the words are the UI's, from the data here.
//!
//! "The other role's certificate": certificates carry no 管理者 / 利用者 role, so
//! the other role is another subject whose certificate the same bank issued (same
//! issuer name), told apart by its 発行先 (subject CN).

use shomei_store::CertificateInfo;

use crate::model::{ChecklistItem, ExpiredGuidance, IdentityView, SupportContactView};
use crate::profile::{BankProfile, SupportContact};
use crate::rules::{self, RenewalRules, RuleState};
use crate::views;

/// The checklist for the 完了 screen after `renewed` was installed.
///
/// `others` is the listing after the install (it may contain `renewed` itself and,
/// with `replaced = "keep"`, the replaced identity: neither is listed again).
/// Always: restart the browser, update other software; then each other subject's
/// certificate of this bank that is in its renewal window now or will be within the
/// profile's `window_opens_days`, soonest expiry first.
pub fn post_renewal_checklist(
    profile: &BankProfile,
    renewed: &CertificateInfo,
    others: &[IdentityView],
    now: i64,
) -> Vec<ChecklistItem> {
    let rules = RenewalRules::from(&profile.renewal);
    let ahead = now.saturating_add(i64::from(rules.window_opens_days) * 86_400);
    let mut due: Vec<(i64, ChecklistItem)> = others
        .iter()
        .filter(|v| {
            v.fingerprint != renewed.fingerprint
                && v.subject != renewed.subject
                && v.issuer == renewed.issuer
                // Never suggested: it cannot be renewed (no key, replaced, …).
                && v.not_renewable.is_none()
        })
        .filter_map(|v| {
            let not_after = views::unix(&v.not_after)?;
            let state = rules::evaluate(&rules, not_after, now);
            let renewal_opens = match state {
                RuleState::RenewalOpen { .. } => None,
                // Japan time has no daylight saving: N days ahead is N × 86,400 s.
                RuleState::Valid { window_opens_on }
                    if rules::evaluate(&rules, not_after, ahead).rank() > state.rank() =>
                {
                    Some(window_opens_on.to_string())
                }
                // Not due yet, or expired: the list shows its own guidance then.
                _ => return None,
            };
            let item = ChecklistItem::RenewOther {
                fingerprint: v.fingerprint.clone(),
                subject_cn: v.subject_cn.clone(),
                subject: v.subject.clone(),
                not_after: v.not_after.clone(),
                days_left: rules::days_left(not_after, now),
                status: state.status(),
                renewal_opens,
                storage: v.storage,
                store_label: v.store_label.clone(),
            };
            Some((not_after, item))
        })
        .collect();
    due.sort_by_key(|(not_after, _)| *not_after);

    let mut items = vec![
        ChecklistItem::RestartBrowser,
        ChecklistItem::UpdateOtherSoftware,
    ];
    items.extend(due.into_iter().map(|(_, item)| item));
    items
}

/// For an expired certificate: 再取得 possible through a date (the profile's grace
/// days, Japan time) or a 再発行 at the bank, with the bank's support contact.
/// `None` while the certificate is not expired under the profile's rules.
pub fn expired_guidance(
    profile: &BankProfile,
    certificate: &CertificateInfo,
    now: i64,
) -> Option<ExpiredGuidance> {
    let rules = RenewalRules::from(&profile.renewal);
    for_state(
        rules::evaluate(&rules, certificate.not_after, now),
        profile.support.as_ref(),
    )
}

/// [`expired_guidance`] for a state already evaluated (the listing has it at hand).
pub fn for_state(state: RuleState, support: Option<&SupportContact>) -> Option<ExpiredGuidance> {
    let support = support_view(support);
    match state {
        RuleState::Valid { .. } | RuleState::RenewalOpen { .. } => None,
        RuleState::ExpiredReacquirable { until } => Some(ExpiredGuidance::Reacquire {
            until: until.to_string(),
            support,
        }),
        RuleState::ExpiredReissueNeeded => Some(ExpiredGuidance::Reissue { support }),
    }
}

/// The profile's `[support]`; `None` when absent or when it names nothing.
pub fn support_view(support: Option<&SupportContact>) -> Option<SupportContactView> {
    let s = support?;
    let view = SupportContactView {
        name: s.name.clone(),
        phone: s.phone.clone(),
        url: s.url.clone(),
        hours: s.hours.clone(),
    };
    let empty =
        view.name.is_none() && view.phone.is_none() && view.url.is_none() && view.hours.is_none();
    (!empty).then_some(view)
}

#[cfg(test)]
mod tests;
