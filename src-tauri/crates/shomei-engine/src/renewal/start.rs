//! First half: check, log in, generate the key, request, verify. Nothing is
//! installed; the old identity is never touched.

use std::sync::Arc;

use secrecy::SecretString;
use shomei_est::check_subject;
use shomei_store::{Identity, KeySpec, StoreError, Token};

use super::claim::Claim;
use super::resume::Resumed;
use super::steps::{check_pin, new_renewal_id, Steps};
use super::{Engine, ProgressSink};
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage, FORMAT, PENDING_KEY_PREFIX};
use crate::model::{IssuedCertificate, RenewalStep};
use crate::rules::{self, RenewalRules};
use crate::views;

/// What the check found: where the identity is, and what renewing it means now.
struct Checked {
    token: Arc<dyn Token>,
    store: &'static str,
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
        let mut claim = Some(self.claim(fingerprint)?);
        let mut steps = Steps {
            id: new_renewal_id(),
            sink: &progress,
        };
        steps.started(RenewalStep::Check);
        let checked = self.check(fingerprint, confirm_final_try);
        if let Ok(Checked {
            plan: Plan::CarryOn { record, .. },
            ..
        }) = &checked
        {
            steps.id = record.renewal_id.clone();
        }
        let Checked {
            token,
            store,
            old,
            plan,
        } = steps.finish(RenewalStep::Check, checked)?;
        steps.run(RenewalStep::Login, || Ok(token.login(&pin)?))?;
        drop(pin);
        self.tidy_orphan_keys(token.as_ref());
        // An earlier renewal whose replaced identity could not be removed (perhaps
        // this one's): tried again, never a reason not to renew.
        self.retry_archives(token.as_ref(), fingerprint);

        let spec = match plan {
            Plan::Fresh(spec) => spec,
            Plan::CarryOn { record, also } => {
                let carried = match self.adopt(&record) {
                    Ok(()) => {
                        self.carry_on(&steps, token.clone(), *record, &mut claim)
                            .await
                    }
                    Err(e) => Err(e),
                };
                drop(also);
                match carried {
                    Ok(Resumed::AwaitingInstall(issued)) => return Ok(issued),
                    Ok(Resumed::Installed(outcome)) => {
                        self.log_out(token.as_ref());
                        return Err(EngineError::AlreadyRenewed(outcome.installed.fingerprint));
                    }
                    // Nothing of the old attempt is left: start afresh, same login.
                    Ok(Resumed::RolledBack) => {
                        steps.id = new_renewal_id();
                        let spec = old.as_ref().ok_or_else(|| {
                            EngineError::from(StoreError::NotFound(
                                format!("certificate {fingerprint}").into(),
                            ))
                        });
                        match spec.and_then(|old| {
                            steps.run(RenewalStep::Check, || self.fresh_check(token.as_ref(), old))
                        }) {
                            Ok(spec) => spec,
                            Err(e) => {
                                self.log_out(token.as_ref());
                                return Err(e);
                            }
                        }
                    }
                    Err(e) => {
                        self.log_out(token.as_ref());
                        return Err(e);
                    }
                }
            }
        };
        let (Some(old), Some(claim)) = (&old, claim) else {
            self.log_out(token.as_ref());
            return Err(Self::internal("no identity to renew"));
        };
        let result = self.fresh(&steps, &token, old, store, spec, claim).await;
        if result.is_err() {
            self.log_out(token.as_ref());
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

    /// Before the PIN: where the identity is, what to do, and whether it can be
    /// done now. Says "not before HH:MM" without a PIN.
    fn check(&self, fingerprint: &str, confirm_final_try: bool) -> Result<Checked> {
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
        let checked = match (located, known.replacing(fingerprint)) {
            (Ok((token, old, store)), Some(record)) => {
                if let Some(e) = self.too_early(record, old.certificate.not_after) {
                    return Err(e);
                }
                Checked {
                    token,
                    store,
                    old: Some(old),
                    plan: Plan::CarryOn {
                        record: Box::new(record.clone()),
                        also: None,
                    },
                }
            }
            // The identity is gone (archived by the renewal, or deleted by hand),
            // but its renewal is not finished: carry that on in its store.
            (Err(EngineError::Store(StoreError::NotFound(_))), Some(record)) => Checked {
                token: self.token_of(record)?,
                store: self.source_name(record),
                old: None,
                plan: Plan::CarryOn {
                    record: Box::new(record.clone()),
                    also: None,
                },
            },
            (Err(e), _) => return Err(e),
            (Ok((token, old, store)), None) => match known.installing(fingerprint) {
                // This identity is the new one of a renewal cut short in its
                // install: that renewal is finished first.
                Some(record) if record.stage == Stage::Installing => Checked {
                    token,
                    store,
                    old: None,
                    plan: Plan::CarryOn {
                        also: Some(self.claim(&record.old_fingerprint)?),
                        record: Box::new(record.clone()),
                    },
                },
                // Otherwise (none, or one installed that still owes the removal of
                // the identity it replaced) this identity is renewed afresh.
                _ => Checked {
                    plan: Plan::Fresh(self.fresh_check(token.as_ref(), &old)?),
                    token,
                    store,
                    old: Some(old),
                },
            },
        };
        check_pin(checked.token.as_ref(), confirm_final_try)?;
        Ok(checked)
    }

    /// The name of the store source a record's renewal happens in.
    fn source_name(&self, record: &Record) -> &'static str {
        self.sources
            .iter()
            .find(|s| s.name == record.store)
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
        if let Some(why) = rules::refusal(&rules, old.certificate.not_after, views::now_unix()) {
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
        token: &Arc<dyn Token>,
        old: &Identity,
        store: &'static str,
        spec: KeySpec,
        claim: Claim,
    ) -> Result<IssuedCertificate> {
        let now = views::now_unix();
        let mut record = Record {
            format: FORMAT,
            renewal_id: steps.id.clone(),
            stage: Stage::Begun,
            started_at: now,
            updated_at: now,
            store: store.to_owned(),
            token_label: token.label().to_owned(),
            token_serial: token.serial().to_owned(),
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
        record.at(Stage::KeyGenerated, views::now_unix());
        self.journal_write(token.as_ref(), &mut record)
            .inspect_err(|_| self.abandon(token.as_ref(), &record))?;
        self.request_until_issued(
            steps,
            token,
            old,
            record,
            Some(new_key.handle.as_ref()),
            claim,
        )
        .await
    }
}
