//! The renewal engine: the order of steps and what each step may touch.
//!
//! check → login → requirements (/csrattrs) → generate key → request (→ pending…)
//! → verify ║ consent 2 ║ install → read back → archive the replaced identity by
//! fingerprint. The new key may go into the other store than the old identity's
//! (`pair`): the old store signs the bank login and is archived in at the end.
//!
//! The two halves are separate calls because the user consents in between (the
//! manual's second "Web アクセスの確認"). Every step that changes a store or talks
//! to the bank is journaled first ([`crate::journal`]; on a USB token the record
//! travels with the token too), so a renewal cut short (a crash, a closed laptop,
//! a bank that says "later", a token carried to another computer) is carried on,
//! undone or discarded the next time ([`resume`], [`discard`]). One process at a
//! time works on a renewal ([`claim`]). Until the new identity has been read back
//! from the store, the old one is untouched; so at every moment one of them is
//! usable.
//!
//! Modules: `check` (before the PIN), `start` (first half) and `request` (ask the
//! bank, poll, verify); `pair` (the old identity's store and the one the new goes
//! into); `belongs` (which bank an identity or renewal is);
//! `install` (second half) and `archive` (the replaced identity); `resume` and
//! `discard` (a journaled renewal); `records` (the journal and the token's copies),
//! `claim` (locks), `undo` (removing a new key), `poll` (when to ask again),
//! `listing` (what the list shows), `steps` (progress events), `precheck` (the
//! checks before a renewal, 電子証明書更新前処理中).

mod archive;
mod belongs;
mod check;
mod claim;
mod discard;
mod install;
mod listing;
mod pair;
mod poll;
mod precheck;
mod records;
mod request;
mod resume;
mod start;
mod steps;
mod undo;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use shomei_store::{Identity, StoreError, Token};

use crate::clock::{Clock, SystemClock};
use crate::error::{EngineError, Result};
use crate::journal::{Journal, Record, RenewalLock};
use crate::model::BankRef;
use crate::profile::BankProfile;
use crate::stores::{self, StoreSource};

pub use poll::{next_poll_at, MAX_POLL_INTERVAL};
pub use precheck::PrecheckSink;
pub use resume::Resumed;

/// Where progress events go (the Tauri shell emits them; tests collect them).
pub type ProgressSink = Arc<dyn Fn(crate::model::ProgressEvent) + Send + Sync>;

/// How long to keep polling a "pending" (202) answer within one call, and how the
/// wait between polls grows. Beyond `max_polls` or `max_wait_each` the renewal
/// stays journaled as pending and is carried on by the next call.
#[derive(Debug, Clone, Copy)]
pub struct PollPolicy {
    pub max_polls: u32,
    pub max_wait_each: Duration,
    /// The least wait after the first "pending"; it doubles with every further one
    /// (whatever the bank's Retry-After says) up to `backoff_max`.
    pub backoff_first: Duration,
    pub backoff_max: Duration,
    /// The most one call waits for the bank in all (`renew --wait 10m`): a poll
    /// due later than that is left to the next call. None: only the limits above.
    pub total_wait: Option<Duration>,
}

impl PollPolicy {
    /// Wait for a pending bank up to `limit` in one call, asking again whenever
    /// the bank (within the caps of [`next_poll_at`]) says to.
    pub fn waiting(limit: Duration) -> Self {
        PollPolicy {
            max_polls: u32::MAX,
            max_wait_each: limit,
            total_wait: Some(limit),
            ..PollPolicy::default()
        }
    }
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            max_polls: 10,
            max_wait_each: Duration::from_secs(30),
            backoff_first: Duration::from_secs(1),
            backoff_max: Duration::from_secs(3600),
            total_wait: None,
        }
    }
}

/// How to renew, besides the PIN.
#[derive(Debug, Default)]
pub struct RenewalOptions {
    /// The store the new key and certificate go to; `None`: where the identity is.
    pub into: Option<crate::model::StorageKind>,
    /// The user explicitly agreed to spend the token's last PIN try.
    pub confirm_final_try: bool,
    /// The password the bank gave for the renewal: its HTTP authentication
    /// (profile `est.http_user`) and the challengePassword its CA may ask for
    /// (`/csrattrs`). Handled like the PIN: never stored, logged or shown.
    pub bank_password: Option<secrecy::SecretString>,
}

/// A renewal between the two consents: issued, verified and journaled as such,
/// with the token still logged in and the renewal's lock held.
struct AwaitingInstall {
    /// The bank whose engine holds it (the awaiting map is shared by all banks).
    bank: String,
    stores: pair::StorePair,
    record: Record,
    lock: RenewalLock,
}

pub struct Engine {
    profile: BankProfile,
    /// The bank this engine serves (its identities, its journal records).
    bank: BankRef,
    sources: Vec<StoreSource>,
    pinned_roots: Vec<CertificateDer<'static>>,
    poll: PollPolicy,
    journal: Journal,
    /// Renewals waiting at consent 2, shared by the engines of all banks ([`crate::Banks`]):
    /// a login belongs to the whole process, and a logout must wait for all of them.
    awaiting: Arc<Mutex<HashMap<String, AwaitingInstall>>>,
    /// Fingerprints (lower case) whose renewal is running a call right now.
    busy: Arc<Mutex<HashSet<String>>>,
    clock: Arc<dyn Clock>,
}

impl Engine {
    /// An engine whose journal lives in memory: a crash forgets where a renewal
    /// stood. The app, the CLI and the demo use [`Engine::with_journal`].
    pub fn new(profile: BankProfile, pinned_roots: Vec<CertificateDer<'static>>) -> Self {
        Engine {
            sources: stores::from_profile(&profile),
            bank: BankRef {
                id: profile.name.clone(),
                name: profile.name.clone(),
                support: crate::guidance::support_view(profile.support.as_ref()),
                asks_password: profile.est.http_user.is_some(),
            },
            profile,
            pinned_roots,
            poll: PollPolicy::default(),
            journal: Journal::in_memory(),
            awaiting: Arc::new(Mutex::new(HashMap::new())),
            busy: Arc::new(Mutex::new(HashSet::new())),
            clock: Arc::new(SystemClock),
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

    pub fn set_poll_policy(&mut self, poll: PollPolicy) {
        self.poll = poll;
    }

    /// Share with `other` what one process must know across banks: the renewals
    /// waiting at consent 2 (and so the logins they hold) and the identities being
    /// worked on.
    pub(crate) fn sharing_with(mut self, other: &Engine) -> Self {
        self.awaiting = other.awaiting.clone();
        self.busy = other.busy.clone();
        self
    }

    /// Whether no renewal of this process is running a call or waiting at consent
    /// 2 (for any bank: the sets are shared).
    pub fn is_idle(&self) -> bool {
        let awaiting = self
            .awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty();
        awaiting
            && self
                .busy
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
    }

    /// Read the time from `clock` instead of this computer's (tests, simulations).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Now, in Unix seconds, by the engine's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Replace the stores (tests: a SoftHSM token, an NSS database in a temp dir).
    pub fn with_sources(mut self, sources: Vec<StoreSource>) -> Self {
        self.sources = sources;
        self
    }

    /// Name the bank by its profile's id (its file name without `.toml`), which
    /// the journal records carry. Without it the id is the bank's name.
    pub fn with_bank_id(mut self, id: impl Into<String>) -> Self {
        self.bank.id = id.into();
        self
    }

    pub fn bank(&self) -> &BankRef {
        &self.bank
    }

    pub fn profile(&self) -> &BankProfile {
        &self.profile
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The store holding the identity with this fingerprint, and the identity.
    pub(crate) fn locate(
        &self,
        fingerprint: &str,
    ) -> Result<(Arc<dyn Token>, Identity, &'static str)> {
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
            .unwrap_or_else(|| StoreError::NotFound(format!("certificate {fingerprint}").into()))
            .into())
    }

    /// The store a journaled renewal happens in: where its old identity is, or
    /// its new one, or (both gone) the token the record names by label and serial.
    fn token_of(&self, record: &Record) -> Result<Arc<dyn Token>> {
        let by_identity = [
            Some(&record.old_fingerprint),
            record.new_fingerprint.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find_map(|fp| self.locate(fp).ok());
        if let Some((token, _, _)) = by_identity {
            return Ok(token);
        }
        let mut first_error = None;
        for source in self.sources.iter().filter(|s| s.name == record.store) {
            match source.open() {
                Ok(token) if crate::journal::on_token::belongs_to(record, token.as_ref()) => {
                    return Ok(token)
                }
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error
            .unwrap_or_else(|| StoreError::TokenAbsent(record.token_label.clone().into()))
            .into())
    }

    /// Every store that opens now (for what their tokens hold).
    fn open_all(&self) -> Vec<Arc<dyn Token>> {
        self.sources.iter().filter_map(|s| s.open().ok()).collect()
    }

    fn internal(what: impl Into<String>) -> EngineError {
        EngineError::Internal(what.into())
    }
}
