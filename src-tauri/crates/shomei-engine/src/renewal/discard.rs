//! Discarding an unfinished renewal: the user gives up on it (the bank says
//! "later" for ever, the renewal was started by mistake, its identity is gone).
//! The old identity is left as it is; what the renewal made is removed, unless it
//! is all that is left. Works when the identity the record names is gone: the
//! token is found by the record's label and serial.
//!
//! | stage                         | what goes                                      |
//! |-------------------------------|------------------------------------------------|
//! | begun … issued                | the new key (a certificate issued for it is never used) |
//! | installing, old one present, new key not yet relabelled | the new certificate and key (the old one was never touched) |
//! | installing, otherwise         | nothing: the new identity stays (beside the old one, or alone) |
//! | installed (archiving)         | nothing: both identities stay                  |
//!
//! A renewal into the other store one of whose stores cannot be opened (a token
//! lost for good) loses only its record: nothing in any store is touched.
//!
//! A record whose certificate the engine cannot vouch for (`vouch_for`: a token's
//! copy is writable by other programs) touches nothing in the store. In every case
//! the record goes, here and on the token.

use secrecy::SecretString;
use shomei_store::{CertificateInfo, StoreError};

use super::steps::check_pin;
use super::undo::{remove_new_keys, roll_back_install};
use super::Engine;
use crate::error::{EngineError, Result};
use crate::journal::Stage;

impl Engine {
    /// Discard the unfinished renewal `renewal_id` (logs in with `pin` to remove
    /// its key).
    pub fn discard_renewal(
        &self,
        renewal_id: &str,
        pin: SecretString,
        confirm_final_try: bool,
    ) -> Result<()> {
        let (record, _claim) = self.claim_record(renewal_id)?;
        let stores = match self.stores_of(&record) {
            Ok(stores) => stores,
            // A renewal into the other store, one of whose stores is gone for good
            // (a token lost): only the record goes, so the identity can be renewed
            // again. What the renewal made is in use (kept: a key a certificate uses
            // is never deleted) or a pending key the orphan tidy removes when that
            // store is next logged in to (on a token, once it is older than the
            // profile's pending limit).
            Err(
                e @ EngineError::Store(
                    StoreError::TokenAbsent(_) | StoreError::ModuleMissing { .. },
                ),
            ) if record.target.is_some() => {
                tracing::warn!(renewal = %renewal_id, error = %e, "discarding a renewal into another store whose store is not here: only its record goes");
                drop(pin);
                return self.journal.remove(&record.renewal_id);
            }
            Err(e) => return Err(e),
        };
        for token in stores.each() {
            check_pin(token, confirm_final_try)?;
        }
        let logged_in = stores.each().into_iter().try_for_each(|t| t.login(&pin));
        drop(pin);
        if let Err(e) = logged_in {
            self.log_out_all(&stores);
            return Err(e.into());
        }
        let token = &stores.new;
        tracing::info!(renewal = %renewal_id, stage = ?record.stage, "discarding an unfinished renewal");
        let discarded = match record.stage {
            Stage::Installed | Stage::Done => Ok(()),
            Stage::Installing => {
                let old_present = match stores.old.find_identity(&record.old_fingerprint) {
                    Ok(_) => true,
                    Err(StoreError::NotFound(_)) => false,
                    Err(e) => {
                        self.log_out_all(&stores);
                        return Err(e.into());
                    }
                };
                // Still labelled as pending: the install did not get as far as
                // making it an identity of its own.
                let still_pending = token.keys_labelled(&record.key_label).is_ok_and(|keys| {
                    keys.iter().any(|(id, label)| {
                        *label == record.key_label && Some(id) == record.key_id.as_ref()
                    })
                });
                let vouched = self.vouch_for(&stores, &record).is_ok();
                match (
                    old_present && still_pending && vouched,
                    &record.issued,
                    &record.key_id,
                ) {
                    (true, Some(issued), Some(key_id)) => {
                        let issued = CertificateInfo::parse(issued)?;
                        if roll_back_install(token.as_ref(), &issued, key_id) {
                            Ok(())
                        } else {
                            Err(EngineError::Internal(
                                "the new certificate or key could not be removed".into(),
                            ))
                        }
                    }
                    _ => Ok(()),
                }
            }
            _ if self.vouch_for(&stores, &record).is_err() => Ok(()),
            _ => remove_new_keys(token.as_ref(), &record),
        };
        let result = discarded.and_then(|()| self.journal_remove(token.as_ref(), &record));
        self.log_out_all(&stores);
        result
    }
}
