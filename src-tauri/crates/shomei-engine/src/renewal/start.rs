//! First half: check, log in, generate the key, request, verify. Nothing is
//! installed; the old identity is never touched.

use secrecy::SecretString;
use shomei_est::check_subject;
use shomei_store::{Identity, KeySpec, StoreError, Token};

use super::claim::Claim;
use super::pair::StorePair;
use super::resume::Resumed;
use super::steps::{check_pin, new_renewal_id, Steps};
use super::{Engine, ProgressSink, RenewalOptions};
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage, FORMAT, PENDING_KEY_PREFIX};
use crate::model::{IssuedCertificate, RenewalStep, StorageKind};
use crate::rules::{self, RenewalRules};

/// What the check found: where the identity is, and what renewing it means now.
struct Checked {
    stores: StorePair,
    /// The names of the sources of the old and the new side (see `stores`).
    store: &'static str,
    target_store: &'static str,
    /// The identity; `None` when only an unfinished renewal still names it.
    old: Option<Identity>,
    plan: Plan,
}

enum Plan {
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
    /// First half: up to a verified, issued certificate. Nothing is installed.
    ///
    /// If a previous run (here, or on another computer for a USB token) left a
    /// renewal of this identity unfinished, that one is carried on (or undone and
    /// started afresh) instead: a pending request is asked for again, an issued
    /// certificate comes back for consent 2.
    ///
    /// `confirm_final_try`: the user explicitly agreed to spend the token's last
    /// PIN try (SPEC §4: never tried blindly). Without it a token at its final try
    /// gets [`EngineError::PinFinalTry`] and the PIN is not sent.
    pub async fn start_renewal(
        &self,
        fingerprint: &str,
        pin: SecretString,
        confirm_final_try: bool,
        progress: ProgressSink,
    ) -> Result<IssuedCertificate> {
        self.start_renewal_into(fingerprint, None, pin, confirm_final_try, progress)
            .await
    }

    /// [`Engine::start_renewal`], with the new key and certificate going `into`
    /// the chosen store (パソコンに保存する / 専用USBに保存する); `None`: where the
    /// identity is now. The TLS login to the bank still signs with the current
    /// identity's key, wherever it is; it is archived in its own store once the new
    /// one has been read back from the other. An unfinished renewal of the identity
    /// is carried on into the store it was started for, whatever `into` says.
    pub async fn start_renewal_into(
        &self,
        fingerprint: &str,
        into: Option<StorageKind>,
        pin: SecretString,
        confirm_final_try: bool,
        progress: ProgressSink,
    ) -> Result<IssuedCertificate> {
        let options = RenewalOptions {
            into,
            confirm_final_try,
            bank_password: None,
        };
        self.start_renewal_with(fingerprint, options, pin, progress)
            .await
    }

    /// [`Engine::start_renewal_into`] with every option ([`RenewalOptions`]).
    pub async fn start_renewal_with(
        &self,
        fingerprint: &str,
        options: RenewalOptions,
        pin: SecretString,
        progress: ProgressSink,
    ) -> Result<IssuedCertificate> {
        let RenewalOptions {
            into,
            confirm_final_try,
            bank_password,
        } = options;
        let mut claim = Some(self.claim(fingerprint)?);
        let mut steps = Steps {
            id: new_renewal_id(),
            sink: &progress,
            bank_password: bank_password.as_ref(),
        };
        steps.started(RenewalStep::Check);
        let checked = self.check(fingerprint, into, confirm_final_try);
        if let Ok(Checked {
            plan: Plan::CarryOn { record, .. },
            ..
        }) = &checked
        {
            steps.id = record.renewal_id.clone();
        }
        let Checked {
            stores,
            store,
            target_store,
            old,
            plan,
        } = steps.finish(RenewalStep::Check, checked)?;
        let logged_in = steps.run(RenewalStep::Login, || {
            for token in stores.each() {
                token.login(&pin)?;
            }
            Ok(())
        });
        drop(pin);
        if let Err(e) = logged_in {
            self.log_out_all(&stores);
            return Err(e);
        }
        let both = [&stores.old, &stores.new];
        for token in &both[..if stores.crossed() { 2 } else { 1 }] {
            self.tidy_orphan_keys(token.as_ref());
            // An earlier renewal whose replaced identity could not be removed
            // (perhaps this one's): tried again, never a reason not to renew.
            self.retry_archives(token, fingerprint);
        }

        let spec = match plan {
            Plan::Fresh(spec) => spec,
            Plan::CarryOn { record, also } => {
                let carried = match self.adopt(&record) {
                    Ok(()) => {
                        self.carry_on(&steps, stores.clone(), *record, &mut claim)
                            .await
                    }
                    Err(e) => Err(e),
                };
                drop(also);
                match carried {
                    Ok(Resumed::AwaitingInstall(issued)) => return Ok(issued),
                    Ok(Resumed::Installed(outcome)) => {
                        self.log_out_all(&stores);
                        return Err(EngineError::AlreadyRenewed(outcome.installed.fingerprint));
                    }
                    // Nothing of the old attempt is left: start afresh, same login,
                    // into the same store.
                    Ok(Resumed::RolledBack) => {
                        steps.id = new_renewal_id();
                        let spec = old.as_ref().ok_or_else(|| {
                            EngineError::from(StoreError::NotFound(
                                format!("certificate {fingerprint}").into(),
                            ))
                        });
                        match spec.and_then(|old| {
                            steps.run(RenewalStep::Check, || {
                                self.fresh_check(stores.old.as_ref(), old)
                            })
                        }) {
                            Ok(spec) => spec,
                            Err(e) => {
                                self.log_out_all(&stores);
                                return Err(e);
                            }
                        }
                    }
                    Err(e) => {
                        self.log_out_all(&stores);
                        return Err(e);
                    }
                }
            }
        };
        let (Some(old), Some(claim)) = (&old, claim) else {
            self.log_out_all(&stores);
            return Err(Self::internal("no identity to renew"));
        };
        let sides = Sides {
            stores: &stores,
            store,
            target_store,
        };
        let result = self.fresh(&steps, sides, old, spec, claim).await;
        if result.is_err() {
            self.log_out_all(&stores);
        }
        result
    }

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
    fn check(
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
    fn fresh_check(&self, token: &dyn Token, old: &Identity) -> Result<KeySpec> {
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

    async fn fresh(
        &self,
        steps: &Steps<'_>,
        sides: Sides<'_>,
        old: &Identity,
        spec: KeySpec,
        claim: Claim,
    ) -> Result<IssuedCertificate> {
        let Sides {
            stores,
            store,
            target_store,
        } = sides;
        let token = &stores.new;
        let now = self.now();
        let mut record = Record {
            format: FORMAT,
            renewal_id: steps.id.clone(),
            stage: Stage::Begun,
            started_at: now,
            updated_at: now,
            store: store.to_owned(),
            bank: self.bank.id.clone(),
            token_label: stores.old.label().to_owned(),
            token_serial: stores.old.serial().to_owned(),
            target: stores
                .crossed()
                .then(|| Self::place_of(target_store, stores.new.as_ref())),
            on_token: false,
            old_fingerprint: old.certificate.fingerprint.clone(),
            old_label: old.label.clone(),
            key_label: format!("{PENDING_KEY_PREFIX}{}", steps.id),
            key_id: None,
            new_public_key: None,
            csr: None,
            polls: 0,
            next_poll_at: None,
            issued: None,
            new_fingerprint: None,
            archive_error: None,
        };
        // Which key: the bank's CA may ask for one (/csrattrs). Asked before any
        // key exists or anything is journaled; what cannot be honoured is refused.
        steps.started(RenewalStep::Requirements);
        let asked = self.bank_key_spec(steps, stores, old, spec).await;
        let spec = steps.finish(RenewalStep::Requirements, asked)?;
        self.journal_write(token.as_ref(), &mut record)?;

        steps.started(RenewalStep::GenerateKey);

        let keygen_token = token.clone();
        let label = record.key_label.clone();
        let generated =
            tokio::task::spawn_blocking(move || keygen_token.generate_key(spec, &label))
                .await
                .map_err(|e| Self::internal(format!("key generation task: {e}")))
                .and_then(|r| r.map_err(EngineError::from));
        let new_key = match steps.finish(RenewalStep::GenerateKey, generated) {
            Ok(key) => key,
            Err(e) => {
                // A failed generation may still have left a key under our label.
                self.abandon(token.as_ref(), &record);
                return Err(e);
            }
        };

        // From here on a failure must take the new key away again.
        record.key_id = Some(new_key.key_id.clone());
        record.new_public_key = Some(new_key.handle.public_key().to_vec());
        record.at(Stage::KeyGenerated, self.now());
        self.journal_write(token.as_ref(), &mut record)
            .inspect_err(|_| self.abandon(token.as_ref(), &record))?;
        self.request_until_issued(
            steps,
            stores,
            old,
            record,
            Some(new_key.handle.as_ref()),
            claim,
        )
        .await
    }
}

/// A new renewal's stores and their sources' names.
struct Sides<'a> {
    stores: &'a StorePair,
    store: &'static str,
    target_store: &'static str,
}
