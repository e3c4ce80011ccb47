//! The records of unfinished renewals: this computer's journal, and on a USB
//! token the copies that travel with it ([`crate::journal::on_token`]).
//!
//! Writing: the token's copy first, then the journal (durable). Reading: both,
//! one record per renewal, the further one winning. A record only the token has
//! (the renewal began on another computer or in another account) is adopted
//! into the journal when this computer works on it. A journal record whose
//! token copy has vanished from the token it was written to was finished or
//! discarded on another computer: it is dropped, touching nothing in the store.

use shomei_store::Token;

use super::Engine;
use crate::error::Result;
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
        if on_token::travels(token) {
            match on_token::put(token, record) {
                Ok(()) => record.on_token = true,
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
        if on_token::travels(token) {
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
            match self.claim(&record.old_fingerprint) {
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
