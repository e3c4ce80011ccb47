//! After the new identity was read back: the replaced one is removed (or kept,
//! as the profile says), exactly by its fingerprint.
//!
//! From here a failure only means the replaced identity is still there, which is
//! safe. It is reported (the outcome's `archive_error`, the list's `archiving`
//! stage), tried again when this token is next logged in to for a renewal, and
//! can be discarded by the user; it never blocks the new identity's next renewal.

use std::sync::Arc;

use shomei_store::{StoreError, Token};

use super::pair::StorePair;
use super::steps::Steps;
use super::Engine;
use crate::error::Result;
use crate::guidance;
use crate::journal::{Record, Stage};
use crate::model::{RenewalOutcome, RenewalStep};
use crate::profile::Replaced;
use crate::views;

impl Engine {
    pub(super) fn archive(
        &self,
        steps: &Steps<'_>,
        token: &dyn Token,
        record: &mut Record,
        installed: &shomei_store::Identity,
    ) -> Result<RenewalOutcome> {
        record.at(Stage::Installed, self.now());
        self.journal_write(token, record)?;
        let archived = steps.run(RenewalStep::Archive, || self.remove_replaced(token, record));
        let archive_error = self.settle_archive(token, record, archived);
        tracing::info!(
            renewal = %record.renewal_id,
            bank = %self.bank.id,
            fingerprint = %steps.fingerprint,
            new_fingerprint = %installed.certificate.fingerprint,
            replaced_removed = archive_error.is_none(),
            "renewal installed"
        );
        Ok(RenewalOutcome {
            renewal_id: record.renewal_id.clone(),
            installed: views::details(&installed.certificate),
            replaced_fingerprint: record.old_fingerprint.clone(),
            archive_error,
            checklist: guidance::post_renewal_checklist(
                &self.profile,
                &installed.certificate,
                &self.list().identities,
                self.now(),
            ),
        })
    }

    /// With `token` logged in: try again to remove what installed renewals in it
    /// replaced (never blocking; a renewal another call works on is left to it).
    pub(super) fn retry_archives(&self, token: &Arc<dyn Token>, working_on: &str) {
        let known = self.known(&[token.as_ref()], Some(working_on));
        for mut record in known.records {
            let mine = record.old_fingerprint.eq_ignore_ascii_case(working_on);
            // The replaced identity is archived in its own store: this one.
            let here = crate::journal::on_token::belongs_to(&record, token.as_ref());
            if record.stage < Stage::Installed || mine || !here || !self.owns(&record) {
                continue;
            }
            let Ok(_claim) = self.claim_idle(&record.old_fingerprint) else {
                continue;
            };
            // Only what a verified new identity replaced, and only while it is there
            // (in this store, or in the other one it was renewed into).
            let stores = match record.target {
                None => Ok(StorePair::same(token.clone())),
                Some(_) => self.stores_of(&record),
            };
            let new_is_there = |stores: &StorePair| {
                record
                    .new_fingerprint
                    .as_deref()
                    .is_some_and(|fp| stores.new.find_identity(fp).is_ok())
            };
            let vouched = stores
                .ok()
                .filter(|s| new_is_there(s) && self.vouch_for(s, &record).is_ok());
            if vouched.is_none() {
                tracing::warn!(renewal = %record.renewal_id, "not removing what this record names: its new identity is not there as required");
                continue;
            }
            tracing::info!(renewal = %record.renewal_id, "removing the identity an earlier renewal replaced");
            let archived = self.remove_replaced(token.as_ref(), &record);
            self.settle_archive(token.as_ref(), &mut record, archived);
        }
    }

    fn remove_replaced(&self, token: &dyn Token, record: &Record) -> Result<()> {
        if self.profile.replaced == Replaced::Remove {
            match token.remove_identity(&record.old_fingerprint) {
                // Already gone: a previous run archived it before it stopped.
                Ok(()) | Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Done: the record goes. Failed: the record stays at `installed` with why.
    fn settle_archive(
        &self,
        token: &dyn Token,
        record: &mut Record,
        archived: Result<()>,
    ) -> Option<crate::model::ErrorView> {
        match archived {
            Ok(()) => {
                if let Err(e) = self.journal_remove(token, record) {
                    tracing::error!(error = %e, "could not remove the journal record");
                }
                None
            }
            Err(e) => {
                tracing::warn!(renewal = %record.renewal_id, error = %e, "the replaced identity could not be removed; it stays, and removing it is tried again later");
                record.archive_error = Some(e.to_string());
                if let Err(e) = self.journal_write(token, record) {
                    tracing::error!(error = %e, "could not journal the failed archive");
                }
                Some(e.view())
            }
        }
    }
}
