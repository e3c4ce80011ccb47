//! Second half, after consent 2: install and read back; then `archive`. Also
//! used to finish an install a previous run was cut out of.

use shomei_store::{CertificateInfo, Identity, StoreError, Token};

use super::pair::StorePair;
use super::steps::Steps;
use super::undo::{remove_new_keys, roll_back_install};
use super::{AwaitingInstall, Engine, ProgressSink};
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage, PENDING_KEY_PREFIX};
use crate::model::{RenewalOutcome, RenewalStep};

impl Engine {
    /// Second half, after the user's second consent.
    pub async fn install_renewal(
        &self,
        renewal_id: &str,
        progress: ProgressSink,
    ) -> Result<RenewalOutcome> {
        let (
            AwaitingInstall {
                stores,
                mut record,
                lock: _lock,
                ..
            },
            _claim,
        ) = self.take_awaiting(renewal_id)?;
        let steps = Steps::new(
            renewal_id.to_owned(),
            &progress,
            None,
            &self.bank.id,
            &record.old_fingerprint,
        );
        let result = self.install(&steps, &stores, &mut record);
        self.log_out_all(&stores);
        result
    }

    /// Abandon a renewal before install: the new key goes, the old identity stays.
    pub fn cancel_renewal(&self, renewal_id: &str) -> Result<()> {
        let (
            AwaitingInstall {
                stores,
                record,
                lock: _lock,
                ..
            },
            _claim,
        ) = self.take_awaiting(renewal_id)?;
        let removed = remove_new_keys(stores.new.as_ref(), &record)
            .and_then(|()| self.journal_remove(stores.new.as_ref(), &record));
        self.log_out_all(&stores);
        match removed {
            // A certificate uses the new key: whatever installed it, the renewal is
            // done and the old identity may be gone. Saying "unchanged" would lie.
            Err(EngineError::Store(StoreError::InUse(_))) => Err(EngineError::AlreadyRenewed(
                record.new_fingerprint.unwrap_or_default(),
            )),
            other => other,
        }
    }

    fn install(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        record: &mut Record,
    ) -> Result<RenewalOutcome> {
        let token = &stores.new;
        let issued = issued_certificate(record)?;
        let key_id = key_id(record)?;
        record.at(Stage::Installing, self.now());
        self.journal_write(token.as_ref(), record)?;
        let label = new_label(record, &issued);
        // Already there (another computer finished this renewal while this window
        // waited): read back, never stored twice, never rolled back.
        let already = token.find_identity(&issued.fingerprint).is_ok();
        let installed = steps
            .run(RenewalStep::Install, || {
                if already {
                    return Ok(());
                }
                token.install_certificate(&key_id, &label, &issued.der)?;
                Ok(())
            })
            .and_then(|()| {
                shomei_store::crash::point("install: stored, not read back");
                steps.run(RenewalStep::ReadBack, || {
                    read_back(token.as_ref(), &issued, &key_id)
                })
            });
        let installed = match installed {
            Ok(installed) => installed,
            Err(e) => {
                // The old identity was never touched; take the half-installed new
                // one away, unless it was there before this call or is all there is.
                // If that fails too (token pulled out), the journal still says
                // "installing" and the next run finishes the install.
                if !already
                    && old_is_there(stores.old.as_ref(), record)
                    && roll_back_install(token.as_ref(), &issued, &key_id)
                {
                    if let Err(e) = self.journal_remove(token.as_ref(), record) {
                        tracing::error!(error = %e, "could not remove the journal record");
                    }
                }
                return Err(e);
            }
        };
        self.archive(steps, stores.old.as_ref(), record, &installed)
    }

    /// Carry on an install a previous run did not finish: the certificate may or
    /// may not be in the store, and its key may still carry its pending label.
    /// Consent 2 was given then.
    pub(super) fn finish_install(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        record: &mut Record,
    ) -> Result<RenewalOutcome> {
        let token = &stores.new;
        let issued = issued_certificate(record)?;
        let key_id = key_id(record)?;
        let label = new_label(record, &issued);
        let found = match token.find_identity(&issued.fingerprint) {
            Ok(found) => {
                if found.label.starts_with(PENDING_KEY_PREFIX) || found.label.is_empty() {
                    token.label_key(&key_id, &label)?;
                }
                Ok(found)
            }
            Err(StoreError::NotFound(_)) if record.stage == Stage::Installing => steps
                .run(RenewalStep::Install, || {
                    Ok(token.install_certificate(&key_id, &label, &issued.der)?)
                }),
            Err(e) => Err(e.into()),
        }?;
        let installed = steps.run(RenewalStep::ReadBack, || {
            read_back(token.as_ref(), &issued, &key_id)
        });
        match installed {
            Ok(_) => self.archive(steps, stores.old.as_ref(), record, &found),
            Err(e @ EngineError::Store(_)) => Err(e), // try again next time
            // Once `installed` was journaled the replaced identity may be archived
            // already: the new one must stay, whatever the read-back says now.
            Err(e) if record.stage != Stage::Installing => Err(e),
            Err(e) => {
                // Stored but not as required: it must not stay, as long as the old
                // identity is there to take its place (archiving comes only after a
                // good read-back, but a stale record may say less than happened).
                if old_is_there(stores.old.as_ref(), record)
                    && roll_back_install(token.as_ref(), &issued, &key_id)
                {
                    let _ = self.journal_remove(token.as_ref(), record);
                }
                Err(e)
            }
        }
    }
}

/// Whether the identity a renewal replaces is still in the store (a failed
/// install may then be rolled back: the user keeps that one).
fn old_is_there(token: &dyn Token, record: &Record) -> bool {
    token.find_identity(&record.old_fingerprint).is_ok()
}

/// The new identity keeps the old one's label (the subject's CN if it had none).
fn new_label(record: &Record, issued: &CertificateInfo) -> String {
    if record.old_label.is_empty() {
        issued.subject_cn.clone()
    } else {
        record.old_label.clone()
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
