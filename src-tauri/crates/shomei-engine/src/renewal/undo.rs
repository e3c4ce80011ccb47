//! Taking a renewal's new key away again, and tidying keys no renewal names.
//!
//! The store itself refuses to delete a key that a certificate uses
//! (`StoreError::InUse`), whatever a record says: an undo can only ever remove
//! what was never installed.

use shomei_store::{CertificateInfo, StoreError, Token};

use super::Engine;
use crate::error::Result;
use crate::journal::{on_token, Record, PENDING_KEY_PREFIX};

impl Engine {
    /// Give up a renewal before install: the new key goes (by id, and by its
    /// pending label in case the id was never journaled), then the record. If the
    /// key cannot be removed now (token pulled out), the record stays, so the
    /// next run removes it.
    pub(super) fn abandon(&self, token: &dyn Token, record: &Record) {
        match remove_new_keys(token, record) {
            Ok(()) => {
                if let Err(e) = self.journal_remove(token, record) {
                    tracing::error!(error = %e, "could not remove the journal record");
                }
            }
            Err(e) => tracing::error!(
                renewal = %record.renewal_id,
                error = %e,
                "could not remove the unused new key; the journal keeps it for the next run"
            ),
        }
    }

    /// Keys labelled as pending by a renewal no record names (a run before the
    /// journal existed, a record removed by hand). Needs login. On a USB token a
    /// key younger than the profile's pending limit is kept anyway: its record may
    /// be on a computer whose copy on the token could not be written.
    pub(super) fn tidy_orphan_keys(&self, token: &dyn Token) {
        let Ok(pending) = token.keys_labelled(PENDING_KEY_PREFIX) else {
            return;
        };
        let known = self.known(&[token], None);
        if !known.unreadable.is_empty() {
            return; // an unreadable record might name one of them: leave them
        }
        let now = self.now();
        let young = i64::from(self.profile.renewal.pending_limit_days) * 86_400;
        for (key_id, label) in pending {
            let named = known
                .records
                .iter()
                .any(|r| r.key_label == label || r.key_id.as_deref() == Some(&key_id));
            if named {
                continue;
            }
            if on_token::travels(token)
                && pending_since(&label).is_none_or(|since| now - since < young)
            {
                tracing::info!(%label, "keeping a recent pending key no record here names (its renewal may be on another computer)");
                continue;
            }
            match token.delete_key(&key_id) {
                Ok(()) => {
                    tracing::warn!(%label, "removed a pending key no unfinished renewal names")
                }
                // A stop between storing a certificate and relabelling its key.
                Err(StoreError::InUse(_)) => {}
                Err(e) => tracing::warn!(%label, error = %e, "could not remove the orphan key"),
            }
        }
    }
}

/// When the renewal that labelled a pending key started (its id begins with the
/// start time in hexadecimal nanoseconds), in Unix seconds.
fn pending_since(label: &str) -> Option<i64> {
    let id = label.strip_prefix(PENDING_KEY_PREFIX)?;
    let nanos = u128::from_str_radix(id.split('-').next()?, 16).ok()?;
    i64::try_from(nanos / 1_000_000_000).ok()
}

/// The new key of `record`, by id and by label. Absent keys are fine; a key a
/// certificate uses is never removed (the store refuses: `StoreError::InUse`).
pub(super) fn remove_new_keys(token: &dyn Token, record: &Record) -> Result<()> {
    if let Some(key_id) = &record.key_id {
        match token.delete_key(key_id) {
            Ok(()) | Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    match token.keys_labelled(&record.key_label) {
        Ok(keys) => {
            for (key_id, label) in keys {
                if label == record.key_label {
                    token.delete_key(&key_id)?;
                }
            }
            Ok(())
        }
        Err(StoreError::Unsupported(_)) if record.key_id.is_some() => Ok(()),
        Err(StoreError::Unsupported(what)) => {
            tracing::warn!(
                renewal = %record.renewal_id,
                "this store cannot search {what}: a key generated just before a crash may remain"
            );
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Remove a new certificate that may have been stored, and the new key.
/// Whether both are gone now.
pub(super) fn roll_back_install(
    token: &dyn Token,
    issued: &CertificateInfo,
    key_id: &[u8],
) -> bool {
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

#[cfg(test)]
mod tests {
    use super::pending_since;

    #[test]
    fn a_pending_label_tells_when_its_renewal_started() {
        let label = format!("shomei-pending-{:x}-7", 1_780_000_000_u128 * 1_000_000_000);
        assert_eq!(pending_since(&label), Some(1_780_000_000));
        assert_eq!(pending_since("shomei-pending-zz-1"), None);
        assert_eq!(pending_since("株式会社デモ商事"), None);
    }
}
