//! The renewal engine: the order of steps and what each step may touch.
//!
//! check → login → generate key → request (→ pending…) → verify ║ consent 2 ║
//! install → read back → archive the replaced identity by fingerprint.
//!
//! The two halves are separate calls because the user consents in between (the
//! manual's second "Web アクセスの確認"). Until `install_renewal` has read the new
//! identity back from the store, the old identity is untouched; a failure before
//! that removes the new key again. The crash-safe journal that makes this hold
//! across a killed process is issue 5; today the pending state lives in memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::{CertificateDer, UnixTime};
use secrecy::SecretString;
use shomei_est::{
    accept_issued, build_csr, check_subject, ClientIdentity, Enrollment, EstClient, EstEndpoint,
    Expectation,
};
use shomei_store::{CertificateInfo, Identity, KeySpec, NewKey, StoreError, Token};

use crate::error::{EngineError, Result};
use crate::model::{
    IdentityListing, IssuedCertificate, ProgressEvent, RenewalOutcome, RenewalStep, StepPhase,
};
use crate::profile::{BankProfile, Replaced};
use crate::rules::{self, RenewalRules};
use crate::stores::{self, StoreSource};
use crate::views;

/// Where progress events go (the Tauri shell emits them; tests collect them).
pub type ProgressSink = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

/// How long to keep polling a "pending" (202) answer within one call.
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

/// A renewal between the two consents: issued and verified, not yet installed.
struct Pending {
    token: Arc<dyn Token>,
    old: Identity,
    new_key: NewKey,
    issued: CertificateInfo,
}

pub struct Engine {
    profile: BankProfile,
    sources: Vec<StoreSource>,
    pinned_roots: Vec<CertificateDer<'static>>,
    poll: PollPolicy,
    pending: Mutex<HashMap<String, Pending>>,
}

impl Engine {
    pub fn new(profile: BankProfile, pinned_roots: Vec<CertificateDer<'static>>) -> Self {
        Engine {
            sources: stores::from_profile(&profile),
            profile,
            pinned_roots,
            poll: PollPolicy::default(),
            pending: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }

    pub fn profile(&self) -> &BankProfile {
        &self.profile
    }

    /// Replace the stores (tests: a SoftHSM token, an NSS database in a temp dir).
    pub fn with_sources(mut self, sources: Vec<StoreSource>) -> Self {
        self.sources = sources;
        self
    }

    /// Every identity of every store of this bank, with what could not be read.
    pub fn list(&self) -> IdentityListing {
        let now = views::now_unix();
        let rules = RenewalRules::from(&self.profile.renewal);
        let mut listing = IdentityListing {
            identities: Vec::new(),
            errors: Vec::new(),
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
            listing.identities.extend(
                found
                    .identities
                    .iter()
                    .map(|i| views::identity(&rules, i, token.storage(), token.label(), now)),
            );
            listing.errors.extend(
                found
                    .errors
                    .into_iter()
                    .map(|e| EngineError::from(e).view()),
            );
        }
        listing
    }

    /// The store holding the identity with this fingerprint, and the identity.
    fn locate(&self, fingerprint: &str) -> Result<(Arc<dyn Token>, Identity)> {
        let mut first_error = None;
        for source in &self.sources {
            let found = source
                .open()
                .and_then(|token| token.find_identity(fingerprint).map(|id| (token, id)));
            match found {
                Ok(found) => return Ok(found),
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

    /// First half: up to a verified, issued certificate. Nothing is installed.
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
        let id = new_renewal_id();
        let steps = Steps {
            id: &id,
            sink: &progress,
        };

        let (token, old, spec) = steps.run(RenewalStep::Check, || {
            let (token, old) = self.locate(fingerprint)?;
            let now = views::now_unix();
            let rules = RenewalRules::from(&self.profile.renewal);
            if let Some(why) = rules::refusal(&rules, old.certificate.not_after, now) {
                return Err(EngineError::OutsideWindow(why));
            }
            // Same algorithm and size as the current key (SPEC §3); never silently weaker.
            let spec = KeySpec::matching(old.certificate.key_algorithm).ok_or_else(|| {
                EngineError::Unsupported(format!(
                    "renewing a {} key is not supported yet",
                    old.certificate.key_algorithm
                ))
            })?;
            // Refuse a subject the request could not carry exactly, before any key exists.
            check_subject(&old.certificate)?;
            let pin_status = token.pin_status()?;
            if pin_status.locked {
                return Err(StoreError::PinLocked.into());
            }
            if pin_status.final_try && !confirm_final_try {
                return Err(EngineError::PinFinalTry);
            }
            Ok((token, old, spec))
        })?;

        steps.run(RenewalStep::Login, || Ok(token.login(&pin)?))?;
        drop(pin);

        steps.started(RenewalStep::GenerateKey);
        let keygen_token = token.clone();
        let label = format!("shomei-pending-{id}");
        let generated =
            tokio::task::spawn_blocking(move || keygen_token.generate_key(spec, &label))
                .await
                .map_err(|e| EngineError::Internal(format!("key generation task: {e}")))
                .and_then(|r| r.map_err(EngineError::from));
        let new_key = match steps.finish(RenewalStep::GenerateKey, generated) {
            Ok(key) => key,
            Err(e) => {
                log_out(token.as_ref());
                return Err(e);
            }
        };

        // From here on a failure must take the new key away again.
        match self
            .request_and_verify(&steps, &token, &old, &new_key)
            .await
        {
            Ok(issued) => {
                let details = views::details(&issued);
                self.pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(
                        id.clone(),
                        Pending {
                            token,
                            old,
                            new_key,
                            issued,
                        },
                    );
                Ok(IssuedCertificate {
                    renewal_id: id,
                    details,
                })
            }
            Err(e) => {
                if let Err(cleanup) = token.delete_key(&new_key.key_id) {
                    tracing::error!(error = %cleanup, "could not remove the unused new key");
                }
                log_out(token.as_ref());
                Err(e)
            }
        }
    }

    async fn request_and_verify(
        &self,
        steps: &Steps<'_>,
        token: &Arc<dyn Token>,
        old: &Identity,
        new_key: &NewKey,
    ) -> Result<CertificateInfo> {
        steps.started(RenewalStep::Request);
        let answer = match self.request(token, old, new_key).await {
            // The token signs inside the TLS handshake and the CSR: when it was pulled
            // out, the EST error only says "connection failed". Ask the token.
            Err(e @ EngineError::Est(_)) => match token.pin_status() {
                Err(store) => Err(EngineError::Store(store)),
                Ok(_) => Err(e),
            },
            other => other,
        };
        let (certs, ca_certs) = steps.finish(RenewalStep::Request, answer)?;
        steps.run(RenewalStep::Verify, || {
            let expectation = Expectation {
                new_public_key: new_key.handle.public_key(),
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
        new_key: &NewKey,
    ) -> Result<(Vec<Vec<u8>>, Vec<Vec<u8>>)> {
        let current_key = token.private_key(old)?;
        let client = EstClient::new(
            EstEndpoint {
                base_url: self.profile.est.base_url.clone(),
                label: self.profile.est.label.clone(),
                pinned_roots: self.pinned_roots.clone(),
            },
            Some(ClientIdentity {
                chain: vec![CertificateDer::from(old.certificate.der.clone())],
                key: current_key,
            }),
        )?;
        let csr = build_csr(&old.certificate, new_key.handle.as_ref())?;
        let mut polls = 0;
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
                    // Waiting less than asked is pointless: give up when the bank asks
                    // for more than this session waits (persisted polling: issue 4).
                    if polls >= self.poll.max_polls || retry_after > self.poll.max_wait_each {
                        return Err(EngineError::StillPending(format!(
                            "after {} requests the bank asks to retry in {}s",
                            polls + 1,
                            retry_after.as_secs()
                        )));
                    }
                    polls += 1;
                    tokio::time::sleep(retry_after).await;
                }
            }
        }
    }

    /// Second half, after the user's second consent.
    pub async fn install_renewal(
        &self,
        renewal_id: &str,
        progress: ProgressSink,
    ) -> Result<RenewalOutcome> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(renewal_id)
            .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))?;
        let steps = Steps {
            id: renewal_id,
            sink: &progress,
        };
        let Pending {
            token,
            old,
            new_key,
            issued,
        } = pending;
        let label = if old.label.is_empty() {
            old.certificate.subject_cn.clone()
        } else {
            old.label.clone()
        };

        let installed = steps
            .run(RenewalStep::Install, || {
                Ok(token.install_certificate(&new_key.key_id, &label, &issued.der)?)
            })
            .and_then(|_| {
                steps.run(RenewalStep::ReadBack, || {
                    read_back(token.as_ref(), &issued, &new_key)
                })
            });
        let installed = match installed {
            Ok(installed) => installed,
            Err(e) => {
                // The old identity was never touched; take the half-installed new one away.
                roll_back_install(token.as_ref(), &issued, &new_key);
                log_out(token.as_ref());
                return Err(e);
            }
        };
        // The new identity is installed and verified: from here a failure only means
        // the replaced one is still there, which is safe. It is reported, not fatal.
        let _ = steps.run(RenewalStep::Archive, || {
            if self.profile.replaced == Replaced::Remove {
                token.remove_identity(&old.certificate.fingerprint)?;
            }
            Ok(())
        });
        log_out(token.as_ref());
        Ok(RenewalOutcome {
            renewal_id: renewal_id.to_owned(),
            installed: views::details(&installed.certificate),
            replaced_fingerprint: old.certificate.fingerprint,
        })
    }

    /// Abandon a renewal before install: the new key goes, the old identity stays.
    pub fn cancel_renewal(&self, renewal_id: &str) -> Result<()> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(renewal_id)
            .ok_or_else(|| EngineError::UnknownRenewal(renewal_id.to_owned()))?;
        let deleted = pending.token.delete_key(&pending.new_key.key_id);
        log_out(pending.token.as_ref());
        Ok(deleted?)
    }
}

/// The new identity as the store now has it: same certificate, a private key
/// that signs for it and can never leave the store.
fn read_back(token: &dyn Token, issued: &CertificateInfo, new_key: &NewKey) -> Result<Identity> {
    let found = token.find_identity(&issued.fingerprint)?;
    let mismatch = |what: &str| EngineError::Internal(format!("read back: {what}"));
    if found.certificate.der != issued.der || found.key_id != new_key.key_id {
        return Err(mismatch("stored certificate differs from the issued one"));
    }
    let protection = token.key_protection(&new_key.key_id)?;
    if !protection.on_token
        || !protection.sensitive
        || protection.extractable
        || !protection.never_extractable
    {
        return Err(mismatch("new private key is not protected as required"));
    }
    if token.private_key(&found)?.public_key() != issued.public_key.as_slice() {
        return Err(mismatch("stored key does not match the certificate"));
    }
    Ok(found)
}

/// End the token login once a renewal is over, so the next one asks for the PIN.
fn log_out(token: &dyn Token) {
    if let Err(e) = token.logout() {
        tracing::warn!(error = %e, "could not log out of the token");
    }
}

/// Remove a new certificate that may have been stored, and the new key.
fn roll_back_install(token: &dyn Token, issued: &CertificateInfo, new_key: &NewKey) {
    match token.remove_identity(&issued.fingerprint) {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(e) => tracing::error!(error = %e, "could not remove the half-installed certificate"),
    }
    match token.delete_key(&new_key.key_id) {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(e) => {
            tracing::error!(error = %e, "could not remove the new key after a failed install")
        }
    }
}

fn new_renewal_id() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Emits started/finished/failed around each step.
struct Steps<'a> {
    id: &'a str,
    sink: &'a ProgressSink,
}

impl Steps<'_> {
    fn emit(&self, step: RenewalStep, phase: StepPhase, error: Option<&EngineError>) {
        (self.sink)(ProgressEvent {
            renewal_id: self.id.to_owned(),
            step,
            phase,
            error: error.map(EngineError::view),
        });
    }

    fn started(&self, step: RenewalStep) {
        self.emit(step, StepPhase::Started, None);
    }

    fn finish<T>(&self, step: RenewalStep, result: Result<T>) -> Result<T> {
        match &result {
            Ok(_) => self.emit(step, StepPhase::Finished, None),
            Err(e) => {
                tracing::warn!(renewal = self.id, ?step, error = %e, "renewal step failed");
                self.emit(step, StepPhase::Failed, Some(e));
            }
        }
        result
    }

    fn run<T>(&self, step: RenewalStep, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.started(step);
        self.finish(step, f())
    }
}
