//! The records of unfinished renewals: this computer's journal, and on a USB
//! token the copies that travel with it ([`crate::journal::on_token`]).
//!
//! Writing: the token's copy first, then the journal (durable). Reading: both,
//! one record per renewal, the further one winning. A record only the token has
//! (the renewal began on another computer or in another account) is adopted
//! into the journal when this computer works on it. A journal record whose
//! token copy has vanished from the token it was written to was finished or
//! discarded on another computer: it is dropped, touching nothing in the store.

use shomei_est::{issued_by, same_name};
use shomei_store::{CertificateInfo, StoreError, Token};

use super::pair::StorePair;
use super::Engine;
use crate::error::{EngineError, Result};
use crate::journal::{on_token, Record};

/// What the journal and (where opened) the tokens know, merged.
#[derive(Default)]
pub(super) struct Known {
    pub records: Vec<Record>,
    /// Records that could not be read, for the list's warnings.
    pub unreadable: Vec<String>,
}

impl Known {
    /// The unfinished renewal of the identity `fingerprint` (the one it replaces).
    pub fn replacing(&self, fingerprint: &str) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.old_fingerprint.eq_ignore_ascii_case(fingerprint))
    }

    /// An unfinished renewal whose NEW identity is `fingerprint`.
    pub fn installing(&self, fingerprint: &str) -> Option<&Record> {
        self.records.iter().find(|r| {
            r.new_fingerprint
                .as_deref()
                .is_some_and(|f| f.eq_ignore_ascii_case(fingerprint))
        })
    }
}

impl Engine {
    /// Journal `record` before the step it names.
    pub(super) fn journal_write(&self, token: &dyn Token, record: &mut Record) -> Result<()> {
        // A renewal into another store is carried on only where both stores are.
        if record.target.is_none() && on_token::travels(token) {
            // Counted as on the token only once it is seen there as every other
            // computer will look for it (public, by application): a copy that later
            // vanishes then really means another computer ended the renewal.
            let written = on_token::put(token, record).and_then(|()| {
                // Read back once; a token that showed it keeps showing it.
                if record.on_token {
                    Ok(true)
                } else {
                    on_token::holds(token, record)
                }
            });
            match written {
                Ok(true) => record.on_token = true,
                Ok(false) => tracing::warn!(
                    renewal = %record.renewal_id,
                    "the journal record written to the USB token cannot be found there again"
                ),
                // The local record still holds it; only the travelling copy is
                // missing (a full token, one without data objects).
                Err(e) => tracing::warn!(
                    renewal = %record.renewal_id,
                    error = %e,
                    "could not keep the journal record on the USB token"
                ),
            }
        }
        self.journal.write(record)
    }

    /// The renewal is over: forget it, on the token and here.
    pub(super) fn journal_remove(&self, token: &dyn Token, record: &Record) -> Result<()> {
        if record.target.is_none() && on_token::travels(token) {
            if let Err(e) = on_token::remove(token, &record.renewal_id) {
                // A copy left behind names a finished renewal: whoever adopts it
                // finds nothing left to do (and never removes a key in use).
                tracing::warn!(renewal = %record.renewal_id, error = %e, "could not remove the journal record from the USB token");
            }
        }
        self.journal.remove(&record.renewal_id)
    }

    /// The journal merged with the copies on `tokens`. `held`: the identity whose
    /// renewal the caller has claimed (its records may be dropped without a claim).
    pub(super) fn known(&self, tokens: &[&dyn Token], held: Option<&str>) -> Known {
        let (mut records, mut unreadable) = self.journal.load();
        for token in tokens {
            let (copies, errors) = on_token::load(*token);
            unreadable.extend(errors);
            for copy in copies {
                match records.iter_mut().find(|r| r.renewal_id == copy.renewal_id) {
                    Some(local) if copy.newer_than(local) => *local = copy,
                    Some(_) => {}
                    None => records.push(copy),
                }
            }
        }
        records.retain(|r| !self.finished_elsewhere(r, tokens, held));
        Known {
            records,
            unreadable,
        }
    }

    /// A record of this computer whose copy has vanished from its (present,
    /// readable) token: another computer finished or discarded the renewal. The
    /// record is dropped if no process here is working on it.
    fn finished_elsewhere(
        &self,
        record: &Record,
        tokens: &[&dyn Token],
        held: Option<&str>,
    ) -> bool {
        if !record.on_token {
            return false;
        }
        let Some(token) = tokens.iter().find(|t| on_token::belongs_to(record, **t)) else {
            return false;
        };
        let Ok(copies) = token.data_objects(on_token::APPLICATION) else {
            return false;
        };
        if copies.iter().any(|c| c.label == record.renewal_id) {
            return false;
        }
        let ours = held.is_some_and(|fp| fp.eq_ignore_ascii_case(&record.old_fingerprint));
        let _claim = if ours {
            None
        } else {
            match self.claim_idle(&record.old_fingerprint) {
                Ok(claim) => Some(claim),
                Err(_) => return false, // someone is working on it: not ours to drop
            }
        };
        // Read again under the claim: the record may have moved on meanwhile.
        if self
            .journal
            .get(&record.renewal_id)
            .is_none_or(|r| !r.on_token)
        {
            return false;
        }
        tracing::info!(
            renewal = %record.renewal_id,
            "the USB token no longer holds this renewal: finished or discarded on another computer; forgetting it here"
        );
        if let Err(e) = self.journal.remove(&record.renewal_id) {
            tracing::warn!(error = %e, "could not remove the journal record");
        }
        true
    }

    /// Make sure this computer's journal holds `record` before working on it (it
    /// may have come from the token alone).
    pub(super) fn adopt(&self, record: &Record) -> Result<()> {
        if self.journal.get(&record.renewal_id).as_ref() != Some(record) {
            tracing::info!(renewal = %record.renewal_id, stage = ?record.stage, "carrying on a renewal recorded on the USB token");
            self.journal.write(record)?;
        }
        Ok(())
    }
}

impl Engine {
    /// Before a record's certificate is held for consent 2, installed, finished or
    /// its replaced identity removed: the certificate must be one this renewal could
    /// have accepted, whatever wrote the record (a token's copy is writable by any
    /// program that can open the token, without a PIN). For the record's new key,
    /// whose key id no other certificate uses; from a CA the bank pins; with the old
    /// identity's subject and not its key.
    pub(super) fn vouch_for(&self, stores: &StorePair, record: &Record) -> Result<()> {
        let Some(der) = &record.issued else {
            return Ok(());
        };
        let refuse = |why: &str| {
            Err(EngineError::Internal(format!(
                "journal record {}: {why}; it is not used",
                record.renewal_id
            )))
        };
        let cert = CertificateInfo::parse(der)?;
        if record.new_public_key.as_deref() != Some(cert.public_key.as_slice()) {
            return refuse("its certificate is not for its new key");
        }
        if !issued_by(&cert, &self.pinned_roots) {
            return refuse("its certificate is not from the bank's CA");
        }
        match stores.old.find_identity(&record.old_fingerprint) {
            Ok(old) => {
                if !same_name(&old.certificate.subject_der, &cert.subject_der)
                    || old.certificate.public_key == cert.public_key
                {
                    return refuse("its certificate does not renew the identity it names");
                }
            }
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let key_id = record.key_id.as_deref().unwrap_or_default();
        let taken = stores
            .new
            .list_identities()
            .identities
            .iter()
            .any(|i| i.key_id == key_id && i.certificate.fingerprint != cert.fingerprint);
        if key_id.is_empty() || taken {
            return refuse("its key belongs to another certificate");
        }
        Ok(())
    }
}
