//! Carrying on a renewal a previous run left in the journal (or on the USB token).
//!
//! | journaled stage          | may exist now                      | what happens            |
//! |--------------------------|------------------------------------|-------------------------|
//! | begun, key generated     | a new key (by label or id)         | undone: key removed     |
//! | requested, pending       | a new key; the bank may have issued| same request sent again |
//! | pending, issued for later| a new key; a not yet valid cert.   | checked again           |
//! | issued                   | a new key; a verified certificate  | back to consent 2       |
//! | installing               | the certificate may be stored      | install finished        |
//! | installed                | both identities                    | replaced one archived   |
//!
//! Every stage needs the token logged in (removing or using a private key), so
//! carrying on happens when the user gives the PIN again: from the renewal
//! screen or `shomei renew`, which both come here through `start_renewal`, or
//! `resume_renewal` by id. Until then the old identity is untouched and usable.

use secrecy::SecretString;

use super::claim::Claim;
use super::pair::StorePair;
use super::steps::{check_pin, Steps};
use super::undo::remove_new_keys;
use super::{Engine, ProgressSink};
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage};
use crate::model::{IssuedCertificate, RenewalOutcome, RenewalStep};

/// How an unfinished renewal ended up.
#[derive(Debug)]
pub enum Resumed {
    /// Nothing of it is left; the old identity is as it was.
    RolledBack,
    /// Issued and verified: ask for consent 2, then `install_renewal`.
    AwaitingInstall(IssuedCertificate),
    /// The new identity is installed and the replaced one archived (or its
    /// archiving reported, see `UnfinishedStage::Archiving`).
    Installed(RenewalOutcome),
}

impl Engine {
    /// Carry on (or undo) the unfinished renewal `renewal_id` with the PIN.
    pub async fn resume_renewal(
        &self,
        renewal_id: &str,
        pin: SecretString,
        confirm_final_try: bool,
        progress: ProgressSink,
    ) -> Result<Resumed> {
        let (record, claim) = self.claim_record(renewal_id)?;
        let mut claim = Some(claim);
        let steps = Steps::new(
            renewal_id.to_owned(),
            &progress,
            None,
            &self.bank.id,
            &record.old_fingerprint,
        );
        let stores = steps.run(RenewalStep::Check, || {
            let stores = self.stores_of(&record)?;
            for token in stores.each() {
                check_pin(token, confirm_final_try)?;
            }
            Ok(stores)
        })?;
        let logged_in = steps.run(RenewalStep::Login, || {
            for token in stores.each() {
                token.login(&pin)?;
            }
            Ok(())
        });
        drop(pin);
        let resumed = match logged_in.and_then(|()| self.adopt(&record)) {
            Ok(()) => {
                self.carry_on(&steps, stores.clone(), record, &mut claim)
                    .await
            }
            Err(e) => Err(e),
        };
        if !matches!(resumed, Ok(Resumed::AwaitingInstall(_))) {
            self.log_out_all(&stores);
        }
        resumed
    }

    /// The unfinished renewal `renewal_id` (from the journal or any token), claimed.
    pub(super) fn claim_record(&self, renewal_id: &str) -> Result<(Record, Claim)> {
        let find = || {
            let tokens = self.open_all();
            self.known(&tokens.iter().map(|t| t.as_ref()).collect::<Vec<_>>(), None)
                .records
                .into_iter()
                .find(|r| r.renewal_id == renewal_id && self.owns(r))
                .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))
        };
        let claim = self.claim(&find()?.old_fingerprint)?;
        // Read again under the claim: another process may have moved it on.
        Ok((find()?, claim))
    }

    /// With the token logged in: take the renewal from its journaled stage to a
    /// resting point. Leaves the login to the caller. Holding for consent 2 takes
    /// the claim out of `claim`.
    pub(super) async fn carry_on(
        &self,
        steps: &Steps<'_>,
        stores: StorePair,
        mut record: Record,
        claim: &mut Option<Claim>,
    ) -> Result<Resumed> {
        tracing::info!(renewal = %record.renewal_id, stage = ?record.stage, "carrying on a journaled renewal");
        match record.stage {
            Stage::Begun | Stage::KeyGenerated => {
                // Nothing was sent: undo. The key may or may not exist.
                remove_new_keys(stores.new.as_ref(), &record)?;
                self.journal_remove(stores.new.as_ref(), &record)?;
                Ok(Resumed::RolledBack)
            }
            Stage::Requested | Stage::Pending => {
                // The bank may have issued for this key already: ask again with the
                // same request rather than throwing the key away.
                let old = stores.old.find_identity(&record.old_fingerprint)?;
                let claim = claim
                    .take()
                    .ok_or_else(|| Self::internal("renewal not claimed"))?;
                self.request_until_issued(steps, &stores, &old, record, None, claim)
                    .await
                    .map(Resumed::AwaitingInstall)
            }
            Stage::Issued => {
                self.vouch_for(&stores, &record)?;
                let issued = shomei_store::CertificateInfo::parse(
                    record.issued.as_deref().unwrap_or_default(),
                )?;
                let claim = claim
                    .take()
                    .ok_or_else(|| Self::internal("renewal not claimed"))?;
                Ok(Resumed::AwaitingInstall(
                    self.hold_for_install(stores, record, &issued, claim),
                ))
            }
            Stage::Installing | Stage::Installed | Stage::Done => {
                self.vouch_for(&stores, &record)?;
                self.finish_install(steps, &stores, &mut record)
                    .map(Resumed::Installed)
            }
        }
    }
}
