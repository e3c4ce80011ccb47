//! The renewal engine: the order of steps and what each step may touch.
//!
//! check → login → generate key → request (→ pending…) → verify ║ consent 2 ║
//! install → read back → archive the replaced identity by fingerprint.
//!
//! The two halves are separate calls because the user consents in between (the
//! manual's second "Web アクセスの確認"). Every step that changes a store or talks
//! to the bank is journaled first ([`crate::journal`]), so a renewal cut short
//! (a crash, a closed laptop, a bank that says "later") is carried on or undone
//! the next time ([`resume`]). Until the new identity has been read back from the
//! store, the old one is untouched; so at every moment one of them is usable.

mod install;
mod resume;
mod start;
mod steps;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use shomei_store::{Identity, StoreError, Token};

use crate::error::{EngineError, Result};
use crate::journal::{Journal, Record, Stage};
use crate::model::{
    ErrorCode, ErrorView, IdentityListing, ProgressEvent, UnfinishedRenewal, UnfinishedStage,
};
use crate::profile::BankProfile;
use crate::rules::RenewalRules;
use crate::stores::{self, StoreSource};
use crate::views;

pub use resume::Resumed;

/// Where progress events go (the Tauri shell emits them; tests collect them).
pub type ProgressSink = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

/// How long to keep polling a "pending" (202) answer within one call. Beyond
/// it the renewal stays journaled as pending and is carried on by the next call.
#[derive(Debug, Clone, Copy)]
pub struct PollPolicy {
    pub max_polls: u32,
    pub max_wait_each: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            max_polls: 10,
            max_wait_each: Duration::from_secs(30),
        }
    }
}

/// A renewal between the two consents: issued, verified and journaled as such,
/// with the token still logged in.
struct AwaitingInstall {
    token: Arc<dyn Token>,
    record: Record,
}

pub struct Engine {
    profile: BankProfile,
    sources: Vec<StoreSource>,
    pinned_roots: Vec<CertificateDer<'static>>,
    poll: PollPolicy,
    journal: Journal,
    awaiting: Mutex<HashMap<String, AwaitingInstall>>,
    /// Fingerprints (lower case) whose renewal is running a call right now.
    busy: Arc<Mutex<HashSet<String>>>,
}

/// Releases a claimed fingerprint when the call ends, however it ends.
pub(super) struct Claim {
    busy: Arc<Mutex<HashSet<String>>>,
    fingerprint: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.busy
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.fingerprint);
    }
}

impl Engine {
    /// An engine whose journal lives in memory: a crash forgets where a renewal
    /// stood. The app, the CLI and the demo use [`Engine::with_journal`].
    pub fn new(profile: BankProfile, pinned_roots: Vec<CertificateDer<'static>>) -> Self {
        Engine {
            sources: stores::from_profile(&profile),
            profile,
            pinned_roots,
            poll: PollPolicy::default(),
            journal: Journal::in_memory(),
            awaiting: Mutex::new(HashMap::new()),
            busy: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    pub fn with_journal(mut self, journal: Journal) -> Self {
        self.journal = journal;
        self
    }

    pub fn with_poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }

    /// Replace the stores (tests: a SoftHSM token, an NSS database in a temp dir).
    pub fn with_sources(mut self, sources: Vec<StoreSource>) -> Self {
        self.sources = sources;
        self
    }

    pub fn profile(&self) -> &BankProfile {
        &self.profile
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Every identity of every store of this bank, with what could not be read,
    /// and the renewals a previous run left unfinished.
    pub fn list(&self) -> IdentityListing {
        let now = views::now_unix();
        let rules = RenewalRules::from(&self.profile.renewal);
        let mut listing = IdentityListing {
            identities: Vec::new(),
            errors: Vec::new(),
            unfinished: Vec::new(),
        };
        for source in &self.sources {
            let token = match source.open() {
                Ok(token) => token,
                Err(e) if source.worth_reporting(&e) => {
                    listing.errors.push(EngineError::from(e).view());
                    continue;
                }
                Err(e) => {
                    tracing::debug!(store = source.name, error = %e, "store not available");
                    continue;
                }
            };
            let found = token.list_identities();
            listing.identities.extend(found.identities.iter().map(|i| {
                views::identity_view(
                    &self.profile,
                    &rules,
                    i,
                    token.storage(),
                    token.label(),
                    now,
                )
            }));
            listing.errors.extend(
                found
                    .errors
                    .into_iter()
                    .map(|e| EngineError::from(e).view()),
            );
        }
        let (unfinished, unreadable) = self.unfinished();
        listing.unfinished = unfinished;
        listing
            .errors
            .extend(unreadable.into_iter().map(|detail| ErrorView {
                code: ErrorCode::Internal,
                retries_left: None,
                detail: Some(detail),
            }));
        listing
    }

    /// The renewals the journal holds, as the UI and the CLI show them, and the
    /// records that could not be read.
    pub fn unfinished(&self) -> (Vec<UnfinishedRenewal>, Vec<String>) {
        let (records, errors) = self.journal.load();
        let views = records
            .iter()
            .filter(|r| !self.awaiting_in_this_run(&r.renewal_id))
            .map(|r| UnfinishedRenewal {
                renewal_id: r.renewal_id.clone(),
                fingerprint: r.old_fingerprint.clone(),
                store: r.store.clone(),
                stage: match r.stage {
                    Stage::Begun | Stage::KeyGenerated => UnfinishedStage::Interrupted,
                    Stage::Requested | Stage::Pending => UnfinishedStage::Pending,
                    Stage::Issued => UnfinishedStage::AwaitingInstall,
                    Stage::Installing | Stage::Installed | Stage::Done => {
                        UnfinishedStage::Installing
                    }
                },
                started_at: views::rfc3339(r.started_at),
                next_poll_at: r.next_poll_at.map(views::rfc3339),
            })
            .collect();
        let errors = errors
            .into_iter()
            .map(|e| format!("journal record not readable: {e}"))
            .collect();
        (views, errors)
    }

    fn awaiting_in_this_run(&self, renewal_id: &str) -> bool {
        self.awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(renewal_id)
    }

    /// One call at a time per identity in this process (a double click, the tray
    /// and the window): a second would undo or repeat the first one's steps.
    pub(super) fn claim(&self, fingerprint: &str) -> Result<Claim> {
        let fingerprint = fingerprint.to_ascii_lowercase();
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        if !busy.insert(fingerprint.clone()) {
            return Err(EngineError::Busy(fingerprint));
        }
        Ok(Claim {
            busy: self.busy.clone(),
            fingerprint,
        })
    }

    /// The store holding the identity with this fingerprint, and the identity.
    fn locate(&self, fingerprint: &str) -> Result<(Arc<dyn Token>, Identity, &'static str)> {
        let mut first_error = None;
        for source in &self.sources {
            let found = source
                .open()
                .and_then(|token| token.find_identity(fingerprint).map(|id| (token, id)));
            match found {
                Ok((token, id)) => return Ok((token, id, source.name)),
                Err(StoreError::NotFound(_)) => {}
                Err(e) if source.worth_reporting(&e) => {
                    first_error.get_or_insert(e);
                }
                Err(_) => {}
            }
        }
        Err(first_error
            .unwrap_or_else(|| StoreError::NotFound(format!("certificate {fingerprint}")))
            .into())
    }
}
