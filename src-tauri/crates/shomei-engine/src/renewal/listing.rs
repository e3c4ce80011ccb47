//! What the list shows: every identity of every store of this bank, whether it
//! can be renewed at all, what could not be read, and the unfinished renewals
//! (from this computer's journal and from the USB token's own copies).

use shomei_est::{issued_by, same_name};
use shomei_store::{Identity, KeyPresence, Token};

use super::{poll, Engine};
use crate::error::EngineError;
use crate::journal::{on_token, Record, Stage};
use crate::model::{
    ErrorCode, ErrorView, IdentityListing, NotRenewable, StorageKind, UnfinishedRenewal,
    UnfinishedStage,
};
use crate::rules::RenewalRules;
use crate::views;

impl Engine {
    /// Every identity of every store of this bank, with what could not be read,
    /// and the renewals left unfinished. Needs no PIN.
    pub fn list(&self) -> IdentityListing {
        let now = self.now();
        let rules = RenewalRules::from(&self.profile.renewal);
        let mut listing = IdentityListing {
            identities: Vec::new(),
            errors: Vec::new(),
            unfinished: Vec::new(),
            profiles: Vec::new(),
        };
        let mut tokens = Vec::new();
        for source in &self.sources {
            let token = match source.open() {
                Ok(token) => token,
                Err(e) if source.worth_reporting(&e) => {
                    listing.errors.push(EngineError::from(e).view());
                    continue;
                }
                Err(e) => {
                    tracing::debug!(store = source.name, error = %e, "store not available");
                    continue;
                }
            };
            // Certificates are read without the PIN, so a locked one would go unseen
            // until the next renewal: the token's flags say it now.
            if token.pin_status().is_ok_and(|pin| pin.locked) {
                listing.errors.push(ErrorView::of(
                    ErrorCode::PinLocked,
                    Some(token.label().to_owned()),
                ));
            }
            let found = token.list_identities();
            listing.identities.extend(found.identities.iter().map(|i| {
                let mut view = views::identity_view(
                    &self.profile,
                    &rules,
                    i,
                    token.storage(),
                    token.label(),
                    now,
                );
                view.not_renewable = self.not_renewable(token.as_ref(), i, &found.identities);
                view.bank = self.issued(&i.certificate).then(|| self.bank.clone());
                if view.not_renewable.is_none() {
                    view.renewable_into = self.renewable_into(view.storage);
                }
                view
            }));
            listing.errors.extend(
                found
                    .errors
                    .into_iter()
                    .map(|e| EngineError::from(e).view()),
            );
            tokens.push(token);
        }
        let known = self.known(&tokens.iter().map(|t| t.as_ref()).collect::<Vec<_>>(), None);
        listing.unfinished = known
            .records
            .iter()
            .filter(|r| !self.awaiting_in_this_run(&r.renewal_id))
            .map(|r| {
                let storage = tokens
                    .iter()
                    .find(|t| on_token::belongs_to(r, t.as_ref()))
                    .map_or(shomei_store::StorageKind::UsbToken, |t| t.storage());
                self.unfinished_view(r, views::storage(storage), now)
            })
            .collect();
        listing
            .errors
            .extend(known.unreadable.into_iter().map(|detail| {
                ErrorView::of(
                    ErrorCode::Internal,
                    Some(format!("journal record not readable: {detail}")),
                )
            }));
        listing
    }

    /// Why `identity` (in `token`, among `neighbours`, the same store's identities)
    /// can never be renewed here, if it cannot.
    pub(super) fn not_renewable(
        &self,
        token: &dyn Token,
        identity: &Identity,
        neighbours: &[Identity],
    ) -> Option<NotRenewable> {
        if token.key_presence(identity) == KeyPresence::Absent {
            return Some(NotRenewable::NoPrivateKey);
        }
        let cert = &identity.certificate;
        if !self.issued(cert) {
            return Some(NotRenewable::UnknownIssuer);
        }
        // Only a newer certificate that could itself log in to this bank now
        // replaces it: the bank's, valid already, with its key.
        let now = self.now();
        neighbours
            .iter()
            .filter(|n| {
                n.certificate.not_after > cert.not_after
                    && n.certificate.not_before <= now
                    && same_name(&n.certificate.subject_der, &cert.subject_der)
                    && same_name(&n.certificate.issuer_der, &cert.issuer_der)
                    && issued_by(&n.certificate, &self.pinned_roots)
                    && token.key_presence(n) != KeyPresence::Absent
            })
            .max_by_key(|n| n.certificate.not_after)
            .map(|newer| NotRenewable::Superseded {
                by_fingerprint: newer.certificate.fingerprint.clone(),
                by_not_after: views::rfc3339(newer.certificate.not_after),
            })
    }

    /// Where an identity now in `here` can be renewed into: `here`, and the other
    /// kind of store when this bank's profile offers it.
    fn renewable_into(&self, here: StorageKind) -> Vec<StorageKind> {
        let mut into = vec![here];
        for kind in self.sources.iter().filter_map(|s| s.storage) {
            let kind = views::storage(kind);
            if !into.contains(&kind) {
                into.push(kind);
            }
        }
        into
    }

    /// Whether this bank's pinned CA issued `cert`: the identity is this bank's.
    pub(crate) fn issued(&self, cert: &shomei_store::CertificateInfo) -> bool {
        issued_by(cert, &self.pinned_roots)
    }

    fn unfinished_view(&self, r: &Record, storage: StorageKind, now: i64) -> UnfinishedRenewal {
        UnfinishedRenewal {
            renewal_id: r.renewal_id.clone(),
            fingerprint: r.old_fingerprint.clone(),
            label: r.old_label.clone(),
            new_fingerprint: r.new_fingerprint.clone(),
            store: r.store.clone(),
            store_label: r.token_label.clone(),
            storage,
            stage: match r.stage {
                Stage::Begun | Stage::KeyGenerated => UnfinishedStage::Interrupted,
                Stage::Requested | Stage::Pending if r.issued.is_some() => {
                    UnfinishedStage::NotYetValid
                }
                Stage::Requested | Stage::Pending => UnfinishedStage::Pending,
                Stage::Issued => UnfinishedStage::AwaitingInstall,
                Stage::Installing => UnfinishedStage::Installing,
                Stage::Installed | Stage::Done => UnfinishedStage::Archiving,
            },
            started_at: views::rfc3339(r.started_at),
            next_poll_at: poll::due_at(r, i64::MAX, now).map(views::rfc3339),
            stuck: poll::stuck(r, self.profile.renewal.pending_limit_days, now),
            archive_error: r.archive_error.clone(),
            bank: (r.bank == self.bank.id).then(|| self.bank.clone()),
        }
    }

    pub(super) fn awaiting_in_this_run(&self, renewal_id: &str) -> bool {
        self.awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(renewal_id)
    }
}
