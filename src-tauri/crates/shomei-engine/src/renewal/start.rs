//! First half: check, log in, generate the key, request, verify. Nothing is
//! installed; the old identity is never touched.

use secrecy::SecretString;
use shomei_store::{Identity, KeySpec, StoreError};

use super::check::{Checked, Plan};
use super::claim::Claim;
use super::pair::StorePair;
use super::resume::Resumed;
use super::steps::{new_renewal_id, Steps};
use super::{Engine, ProgressSink, RenewalOptions};
use crate::error::{EngineError, Result};
use crate::journal::{Place, Record, Stage, FORMAT, PENDING_KEY_PREFIX};
use crate::model::{IssuedCertificate, RenewalStep, StorageKind};

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
        let mut steps = Steps::new(
            new_renewal_id(),
            &progress,
            bank_password.as_ref(),
            &self.bank.id,
            fingerprint,
        );
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
                .then(|| Place::of(target_store, stores.new.as_ref())),
            on_token: false,
            old_fingerprint: old.certificate.fingerprint.clone(),
            old_label: old.label.clone(),
            key_label: format!("{PENDING_KEY_PREFIX}{}", steps.id),
            key_id: None,
            new_public_key: None,
            csr: None,
            challenge: false,
            new_key_kind: None,
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
        record.new_key_kind = Some(crate::journal::key_kind(spec).to_owned());
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
