//! The check before the PIN: where the identity is, where its renewal goes, what
//! renewing it means now (a fresh renewal, or carrying an unfinished one on), and
//! whether it can be done now ("not before HH:MM" needs no PIN).

use shomei_est::check_subject;
use shomei_store::{Identity, KeySpec, StoreError, Token};

use super::claim::Claim;
use super::pair::StorePair;
use super::steps::check_pin;
use super::Engine;
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage};
use crate::model::StorageKind;
use crate::rules::{self, RenewalRules};

/// What the check found: where the identity is, and what renewing it means now.
pub(super) struct Checked {
    pub stores: StorePair,
    /// The names of the sources of the old and the new side (see `stores`).
    pub store: &'static str,
    pub target_store: &'static str,
    /// The identity; `None` when only an unfinished renewal still names it.
    pub old: Option<Identity>,
    pub plan: Plan,
}

pub(super) enum Plan {
    /// A renewal of this identity is unfinished: carry it on. `also`: the claim on
    /// the identity that renewal replaces, when that is not this one.
    CarryOn {
        record: Box<Record>,
        also: Option<Claim>,
    },
    /// A new renewal, with this key.
    Fresh(KeySpec),
}

impl Engine {
    /// Whether renewing this identity now would ask the bank: an unfinished
    /// renewal of it that the bank asked not to be asked about before a later time
    /// is [`EngineError::StillPending`] with that time. Needs no PIN (the command
    /// line says "not before HH:MM" before asking for one).
    pub fn not_before(&self, fingerprint: &str) -> Result<()> {
        let Ok((token, old, _)) = self.locate(fingerprint) else {
            return Ok(()); // start_renewal says what is wrong
        };
        match self.known(&[token.as_ref()], None).replacing(fingerprint) {
            Some(record) => match self.too_early(record, old.certificate.not_after) {
                Some(e) => Err(e),
                None => Ok(()),
            },
            None => Ok(()),
        }
    }

    /// Before the PIN: where the identity is, where its renewal goes, what to do,
    /// and whether it can be done now. Says "not before HH:MM" without a PIN.
    pub(super) fn check(
        &self,
        fingerprint: &str,
        into: Option<StorageKind>,
        confirm_final_try: bool,
    ) -> Result<Checked> {
        let located = self.locate(fingerprint);
        let tokens = match &located {
            Ok((token, _, _)) => vec![token.clone()],
            // The identity may be gone while a renewal of it is not finished: its
            // record may be here or on any token.
            Err(_) => self.open_all(),
        };
        let known = self.known(
            &tokens.iter().map(|t| t.as_ref()).collect::<Vec<_>>(),
            Some(fingerprint),
        );
        // An unfinished renewal goes on in the stores it was started in; asked to
        // go elsewhere, the user first carries it on or discards it.
        let carry_on = |record: &Record, old: Option<Identity>, also: Option<Claim>| {
            let stores = self.stores_of(record)?;
            let goes_into = crate::views::storage(stores.new.storage());
            if let Some(into) = into.filter(|into| *into != goes_into) {
                return Err(EngineError::UnfinishedElsewhere {
                    into,
                    unfinished_into: goes_into,
                });
            }
            Ok::<_, EngineError>(Checked {
                stores,
                store: self.source_name(&record.store),
                target_store: record
                    .target
                    .as_ref()
                    .map_or("", |t| self.source_name(&t.store)),
                old,
                plan: Plan::CarryOn {
                    record: Box::new(record.clone()),
                    also,
                },
            })
        };
        // Only this bank's renewals (the journal is shared by all banks).
        let replacing = known.replacing(fingerprint).filter(|r| self.owns(r));
        let checked = match (located, replacing) {
            (Ok((_, old, _)), Some(record)) => {
                let not_after = old.certificate.not_after;
                let checked = carry_on(record, Some(old), None)?;
                if let Some(e) = self.too_early(record, not_after) {
                    return Err(e);
                }
                checked
            }
            // The identity is gone (archived by the renewal, or deleted by hand),
            // but its renewal is not finished: carry that on in its store.
            (Err(EngineError::Store(StoreError::NotFound(_))), Some(record)) => {
                carry_on(record, None, None)?
            }
            (Err(e), _) => return Err(e),
            (Ok((token, old, store)), None) => {
                match known.installing(fingerprint).filter(|r| self.owns(r)) {
                    // This identity is the new one of a renewal cut short in its
                    // install: that renewal is finished first.
                    Some(record) if record.stage == Stage::Installing => {
                        carry_on(record, None, Some(self.claim(&record.old_fingerprint)?))?
                    }
                    // Otherwise (none, or one installed that still owes the removal of
                    // the identity it replaced) this identity is renewed afresh.
                    _ => {
                        let spec = self.fresh_check(token.as_ref(), &old)?;
                        let (new, target_store) = self.target_for(&token, into)?;
                        Checked {
                            stores: StorePair { old: token, new },
                            store,
                            target_store,
                            old: Some(old),
                            plan: Plan::Fresh(spec),
                        }
                    }
                }
            }
        };
        for token in checked.stores.each() {
            check_pin(token, confirm_final_try)?;
        }
        Ok(checked)
    }

    /// The name of the store source a record names.
    fn source_name(&self, store: &str) -> &'static str {
        self.sources
            .iter()
            .find(|s| s.name == store)
            .map_or("", |s| s.name)
    }

    /// What a new renewal of `old` needs: the certificate can be renewed here at
    /// all, the bank's window is open, the subject can be carried exactly, and the
    /// key to generate.
    pub(super) fn fresh_check(&self, token: &dyn Token, old: &Identity) -> Result<KeySpec> {
        if let Some(why) = self.not_renewable(token, old, &token.list_identities().identities) {
            return Err(EngineError::NotRenewable(why));
        }
        let rules = RenewalRules::from(&self.profile.renewal);
        if let Some(why) = rules::refusal(&rules, old.certificate.not_after, self.now()) {
            return Err(EngineError::OutsideWindow(why));
        }
        // Same algorithm and size as the current key unless the profile asks for a
        // stronger one (SPEC §3); never weaker.
        let spec = self
            .profile
            .key_spec_for(old.certificate.key_algorithm)
            .map_err(EngineError::Unsupported)?;
        // Refuse a subject the request could not carry exactly, before any key exists.
        check_subject(&old.certificate)?;
        Ok(spec)
    }
}
