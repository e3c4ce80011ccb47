//! One renewal at a time. Within this process a set of fingerprints keeps out a
//! second call (a double click, the tray and the window); across processes (the
//! window and `shomei renew`) the journal's lock does ([`crate::journal::RenewalLock`]).
//! Both are named after the identity a renewal replaces. The lock is held from the
//! check to the end of the call and, while the window waits at consent 2, by the
//! renewal waiting there; `install_renewal` and `cancel_renewal` take it over.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::{AwaitingInstall, Engine};
use crate::error::{EngineError, Result};
use crate::journal::RenewalLock;

/// Held while a call works on the renewal of one identity.
pub(super) struct Claim {
    busy: Arc<Mutex<HashSet<String>>>,
    fingerprint: String,
    lock: Option<RenewalLock>,
}

impl Claim {
    /// Keep only the cross-process lock (a renewal waiting at consent 2 holds it);
    /// the in-process mark goes, so the window's next call can take it.
    pub fn into_lock(mut self) -> RenewalLock {
        self.lock.take().unwrap_or_else(RenewalLock::in_process)
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // The file lock first: once the mark is gone, another call of this process
        // may claim at once, and must not find the file still locked.
        drop(self.lock.take());
        self.busy
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.fingerprint);
    }
}

impl Engine {
    /// Claim the renewal of the identity `fingerprint`: [`EngineError::Busy`] when
    /// another call of this process has it, [`EngineError::InProgressElsewhere`]
    /// when another process does. Nothing is touched in either case.
    pub(super) fn claim(&self, fingerprint: &str) -> Result<Claim> {
        let mut claim = self.mark_busy(fingerprint)?;
        let lock = match self.take_waiting_lock(&claim.fingerprint) {
            Some(lock) => lock,
            None => self
                .journal
                .try_lock(&claim.fingerprint)?
                .ok_or_else(|| EngineError::InProgressElsewhere(claim.fingerprint.clone()))?,
        };
        claim.lock = Some(lock);
        Ok(claim)
    }

    /// Claim a renewal nobody is working on, for housekeeping (forgetting a record
    /// another computer finished, retrying an archive): unlike [`Engine::claim`] it
    /// never takes over a renewal this process holds at consent 2.
    pub(super) fn claim_idle(&self, fingerprint: &str) -> Result<Claim> {
        let mut claim = self.mark_busy(fingerprint)?;
        let lock = self
            .journal
            .try_lock(&claim.fingerprint)?
            .ok_or_else(|| EngineError::InProgressElsewhere(claim.fingerprint.clone()))?;
        if self.is_waiting(&claim.fingerprint) {
            return Err(EngineError::Busy(claim.fingerprint.clone()));
        }
        claim.lock = Some(lock);
        Ok(claim)
    }

    fn is_waiting(&self, fingerprint: &str) -> bool {
        self.awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .any(|a| a.record.old_fingerprint.eq_ignore_ascii_case(fingerprint))
    }

    /// The in-process mark alone (for a renewal whose lock is already held).
    fn mark_busy(&self, fingerprint: &str) -> Result<Claim> {
        let fingerprint = fingerprint.to_ascii_lowercase();
        if !self
            .busy
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(fingerprint.clone())
        {
            return Err(EngineError::Busy(fingerprint));
        }
        Ok(Claim {
            busy: self.busy.clone(),
            fingerprint,
            lock: None,
        })
    }

    /// A renewal of this identity that this process holds at consent 2 is taken
    /// over (the window's user clicked 更新 again): it stays journaled as issued,
    /// and the new call carries it on with its lock.
    fn take_waiting_lock(&self, fingerprint: &str) -> Option<RenewalLock> {
        let mut awaiting = self.awaiting.lock().unwrap_or_else(|p| p.into_inner());
        let id = awaiting
            .iter()
            .find(|(_, a)| {
                a.bank == self.bank.id && a.record.old_fingerprint.eq_ignore_ascii_case(fingerprint)
            })
            .map(|(id, _)| id.clone())?;
        awaiting.remove(&id).map(|a| a.lock)
    }

    /// The renewal waiting at consent 2 with this id, for `install_renewal` or
    /// `cancel_renewal`, with its lock and this call's mark.
    pub(super) fn take_awaiting(&self, renewal_id: &str) -> Result<(AwaitingInstall, Claim)> {
        let taken = {
            let mut awaiting = self.awaiting.lock().unwrap_or_else(|p| p.into_inner());
            match awaiting.get(renewal_id) {
                Some(a) if a.bank == self.bank.id => awaiting.remove(renewal_id),
                _ => None,
            }
        }
        .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))?;
        match self.mark_busy(&taken.record.old_fingerprint) {
            Ok(claim) => Ok((taken, claim)),
            Err(e) => {
                self.awaiting
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(renewal_id.to_owned(), taken);
                Err(e)
            }
        }
    }
}
