//! Second half, after consent 2: install, read back, archive the replaced
//! identity. Also used to finish an install a previous run was cut out of.

use std::sync::Arc;

use shomei_store::{CertificateInfo, Identity, StoreError, Token};

use super::start::remove_new_keys;
use super::steps::{log_out, Steps};
use super::{AwaitingInstall, Engine, ProgressSink};
use crate::error::{EngineError, Result};
use crate::guidance;
use crate::journal::{Record, Stage};
use crate::model::{RenewalOutcome, RenewalStep};
use crate::profile::Replaced;
use crate::views;

impl Engine {
    /// Second half, after the user's second consent.
    pub async fn install_renewal(
        &self,
        renewal_id: &str,
        progress: ProgressSink,
    ) -> Result<RenewalOutcome> {
        let AwaitingInstall { token, mut record } = self
            .awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(renewal_id)
            .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))?;
        let steps = Steps {
            id: renewal_id.to_owned(),
            sink: &progress,
        };
        let result = self.install(&steps, &token, &mut record);
        log_out(token.as_ref());
        result
    }

    /// Abandon a renewal before install: the new key goes, the old identity stays.
    pub fn cancel_renewal(&self, renewal_id: &str) -> Result<()> {
        let AwaitingInstall { token, record } = self
            .awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(renewal_id)
            .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))?;
        let removed =
            remove_new_keys(token.as_ref(), &record).and_then(|()| self.journal.remove(renewal_id));
        log_out(token.as_ref());
        removed
    }

    fn install(
        &self,
        steps: &Steps<'_>,
        token: &Arc<dyn Token>,
        record: &mut Record,
    ) -> Result<RenewalOutcome> {
        let issued = issued_certificate(record)?;
        let key_id = key_id(record)?;
        self.journal
            .write(record.at(Stage::Installing, views::now_unix()))?;
        let label = self.new_label(record, &issued);
        let installed = steps
            .run(RenewalStep::Install, || {
                Ok(token.install_certificate(&key_id, &label, &issued.der)?)
            })
            .and_then(|_| {
                steps.run(RenewalStep::ReadBack, || {
                    read_back(token.as_ref(), &issued, &key_id)
                })
            });
        let installed = match installed {
            Ok(installed) => installed,
            Err(e) => {
                // The old identity was never touched; take the half-installed new
                // one away. If that fails too (token pulled out), the journal
                // still says "installing" and the next run finishes the install.
                if roll_back_install(token.as_ref(), &issued, &key_id) {
                    if let Err(e) = self.journal.remove(&record.renewal_id) {
                        tracing::error!(error = %e, "could not remove the journal record");
                    }
                }
                return Err(e);
            }
        };
        self.archive(steps, token.as_ref(), record, &installed)
    }

    /// Carry on an install a previous run did not finish: the certificate may or
    /// may not be in the store. Consent 2 was given then.
    pub(super) fn finish_install(
        &self,
        steps: &Steps<'_>,
        token: &Arc<dyn Token>,
        record: &mut Record,
    ) -> Result<RenewalOutcome> {
        let issued = issued_certificate(record)?;
        let key_id = key_id(record)?;
        let found = match token.find_identity(&issued.fingerprint) {
            Ok(found) => Ok(found),
            Err(StoreError::NotFound(_)) if record.stage == Stage::Installing => {
                let label = self.new_label(record, &issued);
                steps.run(RenewalStep::Install, || {
                    Ok(token.install_certificate(&key_id, &label, &issued.der)?)
                })
            }
            Err(e) => Err(e.into()),
        }?;
        let installed = steps.run(RenewalStep::ReadBack, || {
            read_back(token.as_ref(), &issued, &key_id)
        });
        match installed {
            Ok(_) => self.archive(steps, token.as_ref(), record, &found),
            Err(e @ EngineError::Store(_)) => Err(e), // try again next time
            // Once `installed` was journaled the replaced identity may be archived
            // already: the new one must stay, whatever the read-back says now.
            Err(e) if record.stage != Stage::Installing => Err(e),
            Err(e) => {
                // Stored but not as required: it must not stay. The old identity is
                // still there (archiving comes only after a good read-back).
                if roll_back_install(token.as_ref(), &issued, &key_id) {
                    let _ = self.journal.remove(&record.renewal_id);
                }
                Err(e)
            }
        }
    }

    /// The new identity is installed and verified: from here a failure only means
    /// the replaced one is still there, which is safe. It is reported, not fatal.
    fn archive(
        &self,
        steps: &Steps<'_>,
        token: &dyn Token,
        record: &mut Record,
        installed: &Identity,
    ) -> Result<RenewalOutcome> {
        self.journal
            .write(record.at(Stage::Installed, views::now_unix()))?;
        let archived = steps.run(RenewalStep::Archive, || {
            if self.profile.replaced == Replaced::Remove {
                match token.remove_identity(&record.old_fingerprint) {
                    // Already gone: a previous run archived it before it stopped.
                    Ok(()) | Err(StoreError::NotFound(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(())
        });
        if archived.is_ok() {
            self.journal.remove(&record.renewal_id)?;
        }
        Ok(RenewalOutcome {
            renewal_id: record.renewal_id.clone(),
            installed: views::details(&installed.certificate),
            replaced_fingerprint: record.old_fingerprint.clone(),
            checklist: guidance::post_renewal_checklist(
                &self.profile,
                &installed.certificate,
                &self.list().identities,
                views::now_unix(),
            ),
        })
    }

    /// The new identity keeps the old one's label (the subject's CN if it had none).
    fn new_label(&self, record: &Record, issued: &CertificateInfo) -> String {
        if record.old_label.is_empty() {
            issued.subject_cn.clone()
        } else {
            record.old_label.clone()
        }
    }
}

/// The new key's id; never empty (an empty CKA_ID would match unrelated keys).
fn key_id(record: &Record) -> Result<Vec<u8>> {
    record
        .key_id
        .clone()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| EngineError::Internal("journal record has no key id".into()))
}

fn issued_certificate(record: &Record) -> Result<CertificateInfo> {
    let der = record
        .issued
        .as_deref()
        .ok_or_else(|| EngineError::Internal("journal record has no certificate".into()))?;
    Ok(CertificateInfo::parse(der)?)
}

/// The new identity as the store now has it: same certificate, a private key
/// that signs for it and can never leave the store.
fn read_back(token: &dyn Token, issued: &CertificateInfo, key_id: &[u8]) -> Result<Identity> {
    let found = token.find_identity(&issued.fingerprint)?;
    let mismatch = |what: &str| EngineError::Internal(format!("read back: {what}"));
    if found.certificate.der != issued.der || found.key_id != key_id {
        return Err(mismatch("stored certificate differs from the issued one"));
    }
    let protection = token.key_protection(key_id)?;
    if !protection.on_token
        || !protection.sensitive
        || protection.extractable
        || !protection.never_extractable
    {
        return Err(mismatch("new private key is not protected as required"));
    }
    if token.private_key(&found)?.public_key() != issued.public_key.as_slice() {
        return Err(mismatch("stored key does not match the certificate"));
    }
    Ok(found)
}

/// Remove a new certificate that may have been stored, and the new key.
/// Whether both are gone now.
fn roll_back_install(token: &dyn Token, issued: &CertificateInfo, key_id: &[u8]) -> bool {
    let mut clean = true;
    match token.remove_identity(&issued.fingerprint) {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(e) => {
            tracing::error!(error = %e, "could not remove the half-installed certificate");
            clean = false;
        }
    }
    match token.delete_key(key_id) {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(e) => {
            tracing::error!(error = %e, "could not remove the new key after a failed install");
            clean = false;
        }
    }
    clean
}
