//! Every bank the company uses, served at once.
//!
//! One [`Engine`] per loaded bank profile, all on one journal directory (and so
//! one set of renewal locks): each identity belongs to the bank whose pinned CA
//! issued it, and every call about an identity or a renewal goes to that bank's
//! engine. The list merges theirs: an identity (the PC store is shared by the
//! banks) appears once, with its bank; one no bank claims appears once as
//! 発行元不明 (`bank: None`) and is never renewed.
//!
//! Owns: which bank an identity or a renewal belongs to.
//! Must never: renew an identity with another bank's profile, or let one bank's
//! housekeeping remove what another bank's renewal made (the journal is shared
//! and every engine reads all of it, see `renewal/undo.rs`).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use secrecy::SecretString;

use crate::error::{EngineError, Result};
use crate::failures::Failures;
use crate::journal::Journal;
use crate::model::{
    IdentityListing, IssuedCertificate, NotRenewable, PrecheckReport, ProfileView, RenewalOutcome,
};
use crate::profile::{BankProfile, Catalog};
use crate::{Clock, Engine, PollPolicy, PrecheckSink, ProgressSink, RenewalOptions, Resumed};

pub struct Banks {
    engines: Vec<Engine>,
    profiles: Vec<ProfileView>,
    /// The last failed renewal of each identity (in memory unless
    /// [`Banks::with_failures`] names the data directory's).
    failures: Failures,
}

impl Banks {
    /// An engine for every loaded profile of `catalog`, journaled in `journal_dir`.
    pub fn open(catalog: Catalog, journal_dir: &Path) -> Result<Banks> {
        let mut engines = Vec::new();
        for bank in catalog.banks {
            let engine = Engine::new(bank.profile, bank.pinned_roots)
                .with_bank_id(bank.id)
                .with_journal(Journal::open(journal_dir)?);
            engines.push(engine);
        }
        Ok(Banks::of(engines, catalog.profiles))
    }

    /// These engines (tests give them their own stores). They must share one
    /// journal directory.
    pub fn of(engines: Vec<Engine>, profiles: Vec<ProfileView>) -> Banks {
        let mut engines = engines.into_iter();
        let Some(first) = engines.next() else {
            return Banks {
                engines: Vec::new(),
                profiles,
                failures: Failures::in_memory(),
            };
        };
        let rest: Vec<Engine> = engines.map(|e| e.sharing_with(&first)).collect();
        let engines = std::iter::once(first).chain(rest).collect();
        Banks {
            engines,
            profiles,
            failures: Failures::in_memory(),
        }
    }

    /// Remember failed renewals in `failures` (the app's and the command line's
    /// data directory), so the list and the tray say them after the window closes.
    pub fn with_failures(mut self, failures: Failures) -> Self {
        self.failures = failures;
        self
    }

    /// Whether no renewal is running a call or waiting at consent 2: only then may
    /// the window swap these banks for a reloaded set.
    pub fn is_idle(&self) -> bool {
        self.engines.first().is_none_or(Engine::is_idle)
    }

    /// Every profile found, loaded or not.
    pub fn profiles(&self) -> &[ProfileView] {
        &self.profiles
    }

    pub fn engines(&self) -> &[Engine] {
        &self.engines
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.engines = self
            .engines
            .into_iter()
            .map(|e| e.with_clock(clock.clone()))
            .collect();
        self
    }

    pub fn set_poll_policy(&mut self, poll: PollPolicy) {
        for engine in &mut self.engines {
            engine.set_poll_policy(poll);
        }
    }

    /// Now, by the engines' clock.
    pub fn now(&self) -> i64 {
        self.engines
            .first()
            .map_or_else(crate::views::now_unix, Engine::now)
    }

    /// The profile of the bank `id`.
    pub fn profile(&self, id: &str) -> Option<&BankProfile> {
        self.engines
            .iter()
            .find(|e| e.bank().id == id)
            .map(Engine::profile)
    }

    /// Every identity of every bank's stores, each once with its bank; every
    /// unfinished renewal once; every profile with its state.
    pub fn list(&self) -> IdentityListing {
        let mut merged = IdentityListing {
            identities: Vec::new(),
            errors: Vec::new(),
            unfinished: Vec::new(),
            profiles: self.profiles.clone(),
        };
        let mut seen_errors = HashSet::new();
        for engine in &self.engines {
            let listing = engine.list();
            for view in listing.identities {
                match merged
                    .identities
                    .iter_mut()
                    .find(|v| v.fingerprint.eq_ignore_ascii_case(&view.fingerprint))
                {
                    // Another bank's engine saw it first, as not its own.
                    Some(first) if first.bank.is_none() && view.bank.is_some() => *first = view,
                    Some(_) => {}
                    None => merged.identities.push(view),
                }
            }
            for error in listing.errors {
                // The PC store is every bank's: say what failed there once.
                if seen_errors.insert(format!("{:?}/{:?}", error.code, error.detail)) {
                    merged.errors.push(error);
                }
            }
            for view in listing.unfinished {
                match merged
                    .unfinished
                    .iter_mut()
                    .find(|u| u.renewal_id == view.renewal_id)
                {
                    Some(first) if first.bank.is_none() && view.bank.is_some() => *first = view,
                    Some(_) => {}
                    None => merged.unfinished.push(view),
                }
            }
        }
        // An identity no bank claims was marked "unknown issuer" by every engine
        // that saw it; one a bank claims is judged by that bank alone.
        for view in &mut merged.identities {
            if view.bank.is_none() {
                view.not_renewable = Some(NotRenewable::UnknownIssuer);
                view.renewable_into.clear();
            }
        }
        // A failure that left a renewal needing the user is said by that renewal; one
        // beside a request kept at the bank (the answer may still come) is said too.
        let failures = self.failures.all(self.now());
        for view in &mut merged.identities {
            let fingerprint = view.fingerprint.to_ascii_lowercase();
            let said = merged
                .unfinished
                .iter()
                .any(|u| u.fingerprint.eq_ignore_ascii_case(&fingerprint) && u.needs_user());
            if !said {
                view.last_failure = failures.get(&fingerprint).cloned();
            }
        }
        merged
    }

    /// The engine of the bank that issued `fingerprint` (or whose unfinished
    /// renewal names it). None: no bank's; the first engine then says why not
    /// (not renewable, not found).
    fn by_identity(&self, fingerprint: &str) -> Result<&Engine> {
        self.engines
            .iter()
            .find(|e| e.serves(fingerprint))
            .or_else(|| self.engines.iter().find(|e| e.holds_identity(fingerprint)))
            .or_else(|| self.engines.first())
            .ok_or(EngineError::NoBank)
    }

    /// The engine a renewal belongs to: the one holding it for consent 2, or the
    /// bank its record names.
    fn by_renewal(&self, renewal_id: &str) -> Result<&Engine> {
        let first = self.engines.first().ok_or(EngineError::NoBank)?;
        if let Some(engine) = self.engines.iter().find(|e| e.holds(renewal_id)) {
            return Ok(engine);
        }
        let Some((bank, old_fingerprint)) =
            self.engines.iter().find_map(|e| e.record_bank(renewal_id))
        else {
            return Ok(first); // no such record: it says so
        };
        let engine = if bank.is_empty() {
            // A record of a version that served one bank: the bank that issued
            // the identity it replaces (or the only one).
            self.engines
                .iter()
                .find(|e| e.serves(&old_fingerprint))
                .or_else(|| (self.engines.len() == 1).then_some(first))
        } else {
            self.engines.iter().find(|e| e.bank().id == bank)
        };
        // A record of a bank whose profile is not loaded is left alone.
        engine.ok_or(EngineError::UnknownRenewal(renewal_id.to_owned()))
    }

    /// See [`Engine::start_renewal_with`].
    pub async fn start_renewal(
        &self,
        fingerprint: &str,
        options: RenewalOptions,
        pin: SecretString,
        progress: ProgressSink,
    ) -> Result<IssuedCertificate> {
        let engine = self.by_identity(fingerprint)?;
        // Renewing the new identity of an install cut short finishes that renewal:
        // its outcome is the replaced identity's.
        let replaced = engine.finishing_install_of(fingerprint);
        let result = engine
            .start_renewal_with(fingerprint, options, pin, progress)
            .await;
        let settled = replaced.as_deref().unwrap_or(fingerprint);
        self.failures.settle(settled, &result, self.now());
        result
    }

    /// See [`Engine::precheck`]: by the bank of the identity (or of its
    /// unfinished renewal).
    pub async fn precheck(&self, fingerprint: &str, sink: &PrecheckSink) -> Result<PrecheckReport> {
        Ok(self
            .by_identity(fingerprint)?
            .precheck(fingerprint, sink)
            .await)
    }

    pub fn not_before(&self, fingerprint: &str) -> Result<()> {
        self.by_identity(fingerprint)?.not_before(fingerprint)
    }

    pub async fn install_renewal(
        &self,
        renewal_id: &str,
        progress: ProgressSink,
    ) -> Result<RenewalOutcome> {
        let replaced = self.replaced_by(renewal_id);
        let result = self
            .by_renewal(renewal_id)?
            .install_renewal(renewal_id, progress)
            .await;
        if let Some(fingerprint) = replaced {
            self.failures.settle(&fingerprint, &result, self.now());
        }
        result
    }

    pub fn cancel_renewal(&self, renewal_id: &str) -> Result<()> {
        self.by_renewal(renewal_id)?.cancel_renewal(renewal_id)
    }

    pub fn discard_renewal(
        &self,
        renewal_id: &str,
        pin: SecretString,
        confirm_final_try: bool,
    ) -> Result<()> {
        let replaced = self.replaced_by(renewal_id);
        let result =
            self.by_renewal(renewal_id)?
                .discard_renewal(renewal_id, pin, confirm_final_try);
        // Discarded: what failed while carrying it on is over with it.
        if let (Some(fingerprint), Ok(())) = (replaced, &result) {
            self.failures.forget(&fingerprint, self.now());
        }
        result
    }

    pub async fn resume_renewal(
        &self,
        renewal_id: &str,
        pin: SecretString,
        confirm_final_try: bool,
        progress: ProgressSink,
    ) -> Result<Resumed> {
        let replaced = self.replaced_by(renewal_id);
        let result = self
            .by_renewal(renewal_id)?
            .resume_renewal(renewal_id, pin, confirm_final_try, progress)
            .await;
        // Undone: nothing got further, and nothing failed.
        let undone = matches!(result, Ok(Resumed::RolledBack));
        if let Some(fingerprint) = replaced.filter(|_| !undone) {
            self.failures.settle(&fingerprint, &result, self.now());
        }
        result
    }

    /// The identity the renewal `renewal_id` replaces (its failures are that
    /// identity's), while its record is there to say.
    fn replaced_by(&self, renewal_id: &str) -> Option<String> {
        self.engines
            .iter()
            .find_map(|e| e.record_bank(renewal_id))
            .map(|(_, fingerprint)| fingerprint)
    }
}
