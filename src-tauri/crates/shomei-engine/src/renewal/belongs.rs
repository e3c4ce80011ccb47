//! Which identities and renewals are this engine's bank's (for [`crate::banks`]).

use super::Engine;

impl Engine {
    /// Whether `fingerprint` is this bank's: an identity in its stores that its
    /// pinned CA issued, or (the identity gone) one an unfinished renewal of this
    /// bank replaces.
    pub(crate) fn serves(&self, fingerprint: &str) -> bool {
        match self.locate(fingerprint) {
            Ok((_, identity, _)) => self.issued(&identity.certificate),
            Err(_) => {
                let tokens = self.open_all();
                self.known(&tokens.iter().map(|t| t.as_ref()).collect::<Vec<_>>(), None)
                    .replacing(fingerprint)
                    .is_some_and(|r| r.bank == self.bank.id)
            }
        }
    }

    /// Whether `fingerprint` is in one of this bank's stores, whoever issued it.
    pub(crate) fn holds_identity(&self, fingerprint: &str) -> bool {
        self.locate(fingerprint).is_ok()
    }

    /// Whether a journaled renewal is this bank's (records of versions that served
    /// one bank name none, and are everybody's).
    pub(crate) fn owns(&self, record: &crate::journal::Record) -> bool {
        record.bank.is_empty() || record.bank == self.bank.id
    }

    /// When `fingerprint` is the new identity of a renewal of this bank cut short
    /// while installing (renewing it finishes that renewal, see `check.rs`): the
    /// identity that renewal replaces. From this computer's journal.
    pub(crate) fn finishing_install_of(&self, fingerprint: &str) -> Option<String> {
        let (records, _) = self.journal.load();
        records
            .into_iter()
            .find(|r| {
                r.stage == crate::journal::Stage::Installing
                    && self.owns(r)
                    && r.new_fingerprint
                        .as_deref()
                        .is_some_and(|new| new.eq_ignore_ascii_case(fingerprint))
            })
            .map(|r| r.old_fingerprint)
    }

    /// Whether this engine holds the renewal `renewal_id` for consent 2.
    pub(crate) fn holds(&self, renewal_id: &str) -> bool {
        self.awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(renewal_id)
            .is_some_and(|a| a.bank == self.bank.id)
    }

    /// The bank a journaled renewal was started for (empty for a record of a
    /// version that served one bank) and the identity it replaces, from the
    /// journal or the copies on this bank's tokens; `None`: no such record here.
    pub(crate) fn record_bank(&self, renewal_id: &str) -> Option<(String, String)> {
        let record = match self.journal.get(renewal_id) {
            Some(record) => record,
            None => {
                let tokens = self.open_all();
                self.known(&tokens.iter().map(|t| t.as_ref()).collect::<Vec<_>>(), None)
                    .records
                    .into_iter()
                    .find(|r| r.renewal_id == renewal_id)?
            }
        };
        Some((record.bank, record.old_fingerprint))
    }
}
