//! First half: check, log in, generate the key, request, verify. Nothing is
//! installed; the old identity is never touched.

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::{CertificateDer, UnixTime};
use secrecy::SecretString;
use shomei_est::{
    accept_issued, build_csr, check_subject, ClientIdentity, Enrollment, EstClient, EstEndpoint,
    EstError, Expectation,
};
use shomei_store::{CertificateInfo, Identity, KeyHandle, KeySpec, StoreError, Token};

use super::resume::Resumed;
use super::steps::{log_out, new_renewal_id, Steps, PENDING_KEY_PREFIX};
use super::{AwaitingInstall, Engine, ProgressSink};
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage, FORMAT};
use crate::model::{IssuedCertificate, RenewalStep};
use crate::network;
use crate::rules::{self, RenewalRules};
use crate::views;

impl Engine {
    /// First half: up to a verified, issued certificate. Nothing is installed.
    ///
    /// If a previous run left a renewal of this identity unfinished, that one is
    /// carried on (or undone and started afresh) instead: a pending request is
    /// asked for again, an issued certificate comes back for consent 2.
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
        let _busy = self.claim(fingerprint)?;
        let unfinished = self.journal.find_for(fingerprint);
        let mut steps = Steps {
            id: unfinished
                .as_ref()
                .map_or_else(new_renewal_id, |r| r.renewal_id.clone()),
            sink: &progress,
        };
        let (token, old, store, mut spec) = steps.run(RenewalStep::Check, || {
            let (token, old, store) = self.locate(fingerprint)?;
            let spec = match &unfinished {
                None => Some(self.fresh_check(&old)?),
                Some(_) => None,
            };
            check_pin(token.as_ref(), confirm_final_try)?;
            Ok((token, old, store, spec))
        })?;
        steps.run(RenewalStep::Login, || Ok(token.login(&pin)?))?;
        drop(pin);
        self.tidy_orphan_keys(token.as_ref());

        if let Some(record) = unfinished {
            match self.carry_on(&steps, token.clone(), record).await {
                Ok(Resumed::AwaitingInstall(issued)) => return Ok(issued),
                Ok(Resumed::Installed(outcome)) => {
                    log_out(token.as_ref());
                    return Err(EngineError::AlreadyRenewed(outcome.installed.fingerprint));
                }
                Ok(Resumed::RolledBack) => {
                    // Nothing of the old attempt is left: start afresh, same login.
                    steps.id = new_renewal_id();
                    match steps.run(RenewalStep::Check, || self.fresh_check(&old)) {
                        Ok(checked) => spec = Some(checked),
                        Err(e) => {
                            log_out(token.as_ref());
                            return Err(e);
                        }
                    }
                }
                Err(e) => {
                    log_out(token.as_ref());
                    return Err(e);
                }
            }
        }
        let Some(spec) = spec else {
            return Err(EngineError::Internal("no key chosen".into()));
        };
        let result = self.fresh(&steps, &token, &old, store, spec).await;
        if result.is_err() {
            log_out(token.as_ref());
        }
        result
    }

    /// What a new renewal of `old` needs: the bank's window is open, the subject
    /// can be carried exactly, and the key to generate.
    fn fresh_check(&self, old: &Identity) -> Result<KeySpec> {
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
        };
        self.journal.write(&record)?;

        steps.started(RenewalStep::GenerateKey);
        let keygen_token = token.clone();
        let label = record.key_label.clone();
        let generated =
            tokio::task::spawn_blocking(move || keygen_token.generate_key(spec, &label))
                .await
                .map_err(|e| EngineError::Internal(format!("key generation task: {e}")))
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
        self.journal
            .write(record.at(Stage::KeyGenerated, views::now_unix()))
            .inspect_err(|_| self.abandon(token.as_ref(), &record))?;
        self.request_until_issued(steps, token, old, record, Some(new_key.handle.as_ref()))
            .await
    }

    /// Request (again, with the journaled CSR; or a new one signed by `new_key`)
    /// until issued, verify, journal it as issued and hold it for consent 2. On failure the new key goes, except
    /// while the bank still says "later": then the renewal stays journaled.
    pub(super) async fn request_until_issued(
        &self,
        steps: &Steps<'_>,
        token: &Arc<dyn Token>,
        old: &Identity,
        mut record: Record,
        new_key: Option<&dyn KeyHandle>,
    ) -> Result<IssuedCertificate> {
        let issued = self
            .request_and_verify(steps, token, old, &mut record, new_key)
            .await;
        let issued = match issued {
            Ok(issued) => issued,
            Err(e @ EngineError::StillPending(_)) => return Err(e),
            // The request may have reached the bank (a dropped connection, a timeout,
            // a server error or maintenance): keep the key and the request, so the
            // next attempt asks again with the same request instead of a second one
            // the bank might refuse.
            Err(e @ EngineError::Est(_)) if record.csr.is_some() && answer_may_come(&e) => {
                return Err(e)
            }
            Err(e) => {
                self.abandon(token.as_ref(), &record);
                return Err(e);
            }
        };
        record.issued = Some(issued.der.clone());
        record.new_fingerprint = Some(issued.fingerprint.clone());
        self.journal
            .write(record.at(Stage::Issued, views::now_unix()))
            .inspect_err(|_| self.abandon(token.as_ref(), &record))?;
        Ok(self.hold_for_install(token.clone(), record, &issued))
    }

    pub(super) fn hold_for_install(
        &self,
        token: Arc<dyn Token>,
        record: Record,
        issued: &CertificateInfo,
    ) -> IssuedCertificate {
        let renewal_id = record.renewal_id.clone();
        self.awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(renewal_id.clone(), AwaitingInstall { token, record });
        IssuedCertificate {
            renewal_id,
            details: views::details(issued),
        }
    }

    async fn request_and_verify(
        &self,
        steps: &Steps<'_>,
        token: &Arc<dyn Token>,
        old: &Identity,
        record: &mut Record,
        new_key: Option<&dyn KeyHandle>,
    ) -> Result<CertificateInfo> {
        steps.started(RenewalStep::Request);
        let answer = match self.request(token, old, record, new_key).await {
            // The token signs the CSR and inside the TLS handshake: when it was pulled out, the
            // EST error only says "connection failed". Ask the token.
            Err(e @ EngineError::Est(_)) => match token.pin_status() {
                Err(store) => Err(EngineError::Store(store)),
                Ok(_) => Err(e),
            },
            other => other,
        };
        let (certs, ca_certs) = steps.finish(RenewalStep::Request, answer)?;
        steps.run(RenewalStep::Verify, || {
            let new_public_key = record.new_public_key.as_deref().ok_or_else(|| {
                EngineError::Internal("journal record has no new public key".into())
            })?;
            let expectation = Expectation {
                new_public_key,
                current: &old.certificate,
                pinned_roots: &self.pinned_roots,
                ca_certs: &ca_certs,
                now: UnixTime::now(),
            };
            Ok(accept_issued(&certs, &expectation)?)
        })
    }

    async fn request(
        &self,
        token: &Arc<dyn Token>,
        old: &Identity,
        record: &mut Record,
        new_key: Option<&dyn KeyHandle>,
    ) -> Result<(Vec<Vec<u8>>, Vec<Vec<u8>>)> {
        let csr = match (&record.csr, new_key) {
            (Some(csr), _) => csr.clone(),
            (None, Some(key)) => {
                let csr = build_csr(&old.certificate, key)?;
                record.csr = Some(csr.clone());
                self.journal
                    .write(record.at(Stage::Requested, views::now_unix()))?;
                csr
            }
            (None, None) => {
                return Err(EngineError::Internal(
                    "journal record has no request".into(),
                ))
            }
        };
        // The bank asked to wait until then (a previous run's 202).
        if let Some(at) = record.next_poll_at {
            let wait = Duration::from_secs(u64::try_from(at - views::now_unix()).unwrap_or(0));
            if wait > self.poll.max_wait_each {
                return Err(still_pending(record));
            }
            tokio::time::sleep(wait).await;
        }
        let client = EstClient::with_options(
            EstEndpoint {
                base_url: self.profile.est.base_url.clone(),
                label: self.profile.est.label.clone(),
                pinned_roots: self.pinned_roots.clone(),
            },
            Some(ClientIdentity {
                chain: vec![CertificateDer::from(old.certificate.der.clone())],
                key: token.private_key(old)?,
            }),
            network::est_options(&self.profile),
        )?;
        let mut polls_now = 0;
        loop {
            match client.simple_reenroll(&csr).await? {
                Enrollment::Issued(certs) => {
                    // After a CA rollover the new certificate chains to the pinned CA
                    // only through what cacerts publishes (NewWithOld). Without it the
                    // answer alone still decides; the pinned CA stays the only anchor.
                    let ca_certs = client.cacerts().await.unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "cacerts unavailable after issuance");
                        Vec::new()
                    });
                    return Ok((certs, ca_certs));
                }
                Enrollment::Pending { retry_after } => {
                    record.polls += 1;
                    record.next_poll_at =
                        Some(views::now_unix().saturating_add(
                            i64::try_from(retry_after.as_secs()).unwrap_or(i64::MAX),
                        ));
                    self.journal
                        .write(record.at(Stage::Pending, views::now_unix()))?;
                    // Waiting less than asked is pointless: when the bank asks for
                    // more than this call waits, the journal carries it over.
                    if polls_now >= self.poll.max_polls || retry_after > self.poll.max_wait_each {
                        return Err(still_pending(record));
                    }
                    polls_now += 1;
                    tokio::time::sleep(retry_after).await;
                }
            }
        }
    }

    /// Give up a renewal before install: the new key goes (by id, and by its
    /// pending label in case the id was never journaled), then the record. If the
    /// key cannot be removed now (token pulled out), the record stays, so the
    /// next run removes it.
    pub(super) fn abandon(&self, token: &dyn Token, record: &Record) {
        match remove_new_keys(token, record) {
            Ok(()) => {
                if let Err(e) = self.journal.remove(&record.renewal_id) {
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

    /// Keys labelled as pending by a renewal the journal no longer knows (a run
    /// before the journal existed, a record removed by hand). Needs login.
    fn tidy_orphan_keys(&self, token: &dyn Token) {
        let Ok(pending) = token.keys_labelled(PENDING_KEY_PREFIX) else {
            return;
        };
        let (records, unreadable) = self.journal.load();
        if !unreadable.is_empty() {
            return; // an unreadable record might name one of them: leave them
        }
        // A key that has a certificate is an identity, whatever its label says (a
        // process stopped between storing the certificate and relabelling the key).
        let linked: Vec<Vec<u8>> = token
            .list_identities()
            .identities
            .into_iter()
            .map(|i| i.key_id)
            .collect();
        for (key_id, label) in pending {
            if linked.contains(&key_id) {
                continue;
            }
            let named = records
                .iter()
                .any(|r| r.key_label == label || r.key_id.as_deref() == Some(&key_id));
            if !named {
                tracing::warn!(%label, "removing a pending key no unfinished renewal names");
                if let Err(e) = token.delete_key(&key_id) {
                    tracing::warn!(%label, error = %e, "could not remove the orphan key");
                }
            }
        }
    }
}

/// Whether the bank may still answer the request that got this error: the
/// answer was lost, or the bank failed or was busy rather than refusing.
fn answer_may_come(error: &EngineError) -> bool {
    match error {
        EngineError::Est(EstError::Unreachable(_)) => true,
        EngineError::Est(EstError::Http { status, .. }) => {
            *status >= 500 || *status == 408 || *status == 429
        }
        _ => false,
    }
}

fn still_pending(record: &Record) -> EngineError {
    let when = record.next_poll_at.map(views::rfc3339).unwrap_or_default();
    EngineError::StillPending(format!(
        "after {} requests the bank asks to ask again at {when}; the request is kept",
        record.polls
    ))
}

/// The new key of `record`, by id and by label. Absent keys are fine.
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

/// Refuse before sending a PIN the token would lock on, unless confirmed.
pub(super) fn check_pin(token: &dyn Token, confirm_final_try: bool) -> Result<()> {
    let status = token.pin_status()?;
    if status.locked {
        return Err(StoreError::PinLocked.into());
    }
    if status.final_try && !confirm_final_try {
        return Err(EngineError::PinFinalTry);
    }
    Ok(())
}
