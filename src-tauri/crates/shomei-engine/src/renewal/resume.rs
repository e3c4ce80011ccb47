//! Carrying on a renewal a previous run left in the journal.
//!
//! | journaled stage          | may exist now                      | what happens            |
//! |--------------------------|------------------------------------|-------------------------|
//! | begun, key generated     | a new key (by label or id)         | undone: key removed     |
//! | requested, pending       | a new key; the bank may have issued| same request sent again |
//! | issued                   | a new key; a verified certificate  | back to consent 2       |
//! | installing               | the certificate may be stored      | install finished        |
//! | installed                | both identities                    | replaced one archived   |
//!
//! Every stage needs the token logged in (removing or using a private key), so
//! carrying on happens when the user gives the PIN again: from the renewal
//! screen or `shomei renew`, which both come here through `start_renewal`, or
//! `resume_renewal` by id. Until then the old identity is untouched and usable.

use std::sync::Arc;

use secrecy::SecretString;
use shomei_store::Token;

use super::start::check_pin;
use super::steps::{log_out, Steps};
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
    /// The new identity is installed and the replaced one archived.
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
        let record = self
            .journal
            .get(renewal_id)
            .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))?;
        let _busy = self.claim(&record.old_fingerprint)?;
        let steps = Steps {
            id: renewal_id.to_owned(),
            sink: &progress,
        };
        let token = steps.run(RenewalStep::Check, || {
            let token = self.token_of(&record)?;
            check_pin(token.as_ref(), confirm_final_try)?;
            Ok(token)
        })?;
        steps.run(RenewalStep::Login, || Ok(token.login(&pin)?))?;
        drop(pin);
        let resumed = self.carry_on(&steps, token.clone(), record).await;
        if !matches!(resumed, Ok(Resumed::AwaitingInstall(_))) {
            log_out(token.as_ref());
        }
        resumed
    }

    /// The store of a journaled renewal: where the old identity is, or (once it
    /// was archived) the new one.
    fn token_of(&self, record: &Record) -> Result<Arc<dyn Token>> {
        match self.locate(&record.old_fingerprint) {
            Ok((token, _, _)) => Ok(token),
            Err(e) => match &record.new_fingerprint {
                Some(new) => self.locate(new).map(|(token, _, _)| token).map_err(|_| e),
                None => Err(e),
            },
        }
    }

    /// With the token logged in: take the renewal from its journaled stage to a
    /// resting point. Leaves the login to the caller.
    pub(super) async fn carry_on(
        &self,
        steps: &Steps<'_>,
        token: Arc<dyn Token>,
        mut record: Record,
    ) -> Result<Resumed> {
        tracing::info!(renewal = %record.renewal_id, stage = ?record.stage, "carrying on a journaled renewal");
        match record.stage {
            Stage::Begun | Stage::KeyGenerated => {
                // Nothing was sent: undo. The key may or may not exist.
                super::start::remove_new_keys(token.as_ref(), &record)?;
                self.journal.remove(&record.renewal_id)?;
                Ok(Resumed::RolledBack)
            }
            Stage::Requested | Stage::Pending => {
                // The bank may have issued for this key already: ask again with the
                // same request rather than throwing the key away.
                let old = token.find_identity(&record.old_fingerprint)?;
                self.request_until_issued(steps, &token, &old, record, None)
                    .await
                    .map(Resumed::AwaitingInstall)
            }
            Stage::Issued => {
                let issued = shomei_store::CertificateInfo::parse(
                    record.issued.as_deref().unwrap_or_default(),
                )?;
                Ok(Resumed::AwaitingInstall(
                    self.hold_for_install(token, record, &issued),
                ))
            }
            Stage::Installing | Stage::Installed | Stage::Done => self
                .finish_install(steps, &token, &mut record)
                .map(Resumed::Installed),
        }
    }
}
