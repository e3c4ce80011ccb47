//! Discarding an unfinished renewal: the user gives up on it (the bank says
//! "later" for ever, the renewal was started by mistake, its identity is gone).
//! The old identity is left as it is; what the renewal made is removed, unless it
//! is all that is left. Works when the identity the record names is gone: the
//! token is found by the record's label and serial.
//!
//! | stage                         | what goes                                      |
//! |-------------------------------|------------------------------------------------|
//! | begun … issued                | the new key (a certificate issued for it is never used) |
//! | installing, old one present   | the new certificate and key (the old one was never touched) |
//! | installing, old one gone      | nothing: the new identity is all there is      |
//! | installed (archiving)         | nothing: both identities stay                  |
//!
//! In every case the record goes, here and on the token.

use secrecy::SecretString;
use shomei_store::{CertificateInfo, StoreError};

use super::steps::{check_pin, log_out};
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
        let token = self.token_of(&record)?;
        check_pin(token.as_ref(), confirm_final_try)?;
        token.login(&pin)?;
        drop(pin);
        tracing::info!(renewal = %renewal_id, stage = ?record.stage, "discarding an unfinished renewal");
        let discarded = match record.stage {
            Stage::Installed | Stage::Done => Ok(()),
            Stage::Installing => {
                let old_present = match token.find_identity(&record.old_fingerprint) {
                    Ok(_) => true,
                    Err(StoreError::NotFound(_)) => false,
                    Err(e) => {
                        log_out(token.as_ref());
                        return Err(e.into());
                    }
                };
                match (old_present, &record.issued, &record.key_id) {
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
            _ => remove_new_keys(token.as_ref(), &record),
        };
        let result = discarded.and_then(|()| self.journal_remove(token.as_ref(), &record));
        log_out(token.as_ref());
        result
    }
}
